"""Reading HTML: block elements to blocks, tables to tables, the rest dropped.

Contracts arrive as HTML from e-signature tools, CPQ systems and web
exports. BeautifulSoup (with lxml, which also finds the encoding from the
bytes and ``<meta charset>``) parses the page; the reader then walks it:

- ``script``, ``style``, ``head``, ``template``, ``svg`` and elements that
  are hidden (``hidden``, ``display: none``) are dropped;
- each block element (``p``, ``div``, ``li``, ``h1``..``h6``, ...) closes
  the text before it and becomes a block: ``h1``..``h6`` are headings,
  ``li`` list items; white space is collapsed as a browser would, ``<br>``
  starts a new line; ``<pre>`` keeps its lines;
- a ``<table>`` of data becomes a ``Table`` (``colspan`` and ``rowspan``
  padded with empty cells so that columns stay aligned), its ``<caption>``
  a paragraph before it. A table that only lays out the page, as in HTML
  e-mail (its cells hold paragraphs, headings, lists or other tables), is
  read as the blocks and tables inside it.

    >>> doc = read_html(b"<h1>Order Form</h1><p>Payment terms:<br>Net 30</p><script>x()</script>",
    ...                 "of.html", "0" * 64, "of.html")
    >>> [(b.kind, doc.quote(b.start, b.end)) for b in doc.blocks]
    [('heading', 'Order Form'), ('paragraph', 'Payment terms:\\nNet 30')]

HTML has no pages: the whole document is page 1, without boxes.
"""

from __future__ import annotations

import re
import warnings
from typing import Final

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from billops.adapters.documents.builder import DocumentBuilder, Piece
from billops.adapters.documents.guards import NoTextFound
from billops.adapters.documents.sniff import HTML
from billops.domain.document import Document

__all__ = ["read_html"]

_DROPPED: Final = frozenset(
    {
        "script",
        "style",
        "head",
        "template",
        "noscript",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "button",
        "audio",
        "video",
        "map",
    }
)
_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS: Final = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "blockquote",
        "address",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "legend",
        "dl",
        "dt",
        "dd",
        "ul",
        "ol",
        "li",
        "hr",
        "center",
        "body",
        "html",
        "details",
        "summary",
        "caption",
        "td",
        "th",
        "tr",
        "tbody",
        "thead",
        "tfoot",
        *_HEADINGS,
    }
)
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WHITE: Final = re.compile(r"[ \t\n\r\f]+")  # HTML white space: not U+00A0
_MAX_SPAN: Final = 64
_LAYOUT_CONTENT: Final = ["p", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"]


def _hidden(tag: Tag) -> bool:
    style = tag.get("style")
    return tag.has_attr("hidden") or (isinstance(style, str) and bool(_HIDDEN_STYLE.search(style)))


def _span(tag: Tag, attribute: str) -> int:
    value = tag.get(attribute)
    text = value.strip() if isinstance(value, str) else ""
    return max(1, min(int(text), _MAX_SPAN)) if text.isdigit() else 1


def _text(tag: Tag) -> str:
    return _WHITE.sub(" ", " ".join(tag.stripped_strings)).strip()


def _lays_out(table: Tag) -> bool:
    """Whether ``table`` only lays out a page (its cells hold paragraphs, lists or tables)."""
    return any(
        inner.find_parent("table") is table or inner.name == "table"
        for inner in table.find_all(_LAYOUT_CONTENT)
    )


def _pad(row: list[Piece], column: int, pending: dict[int, int]) -> int:
    """Empty cells for the columns a rowspan from above still covers; the next column."""
    while pending.get(column, 0) > 0:
        pending[column] -= 1
        row.append(("", None))
        column += 1
    return column


def _table_rows(table: Tag) -> list[list[Piece]]:
    rows: list[list[Piece]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        row: list[Piece] = []
        column = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            column = _pad(row, column, pending)
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            row.append((_text(cell), None))
            row.extend(("", None) for _ in range(width - 1))
            for offset in range(width):
                if height > 1:
                    pending[column + offset] = height - 1
            column += width
        _pad(row, column, pending)
        rows.append(row)
    return rows


class _Walker:
    def __init__(self, builder: DocumentBuilder) -> None:
        self.builder = builder
        self.inline: list[str] = []

    def flush(self, kind: str) -> None:
        text = "".join(self.inline)
        self.inline = []
        lines: list[Piece] = [(_WHITE.sub(" ", line).strip(), None) for line in text.split("\n")]
        self.builder.add_block(lines, kind)

    def walk(self, node: Tag, kind: str) -> None:
        for child in node.children:
            if isinstance(child, Comment | Declaration | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                self.inline.append(_WHITE.sub(" ", str(child)))
                continue
            if not isinstance(child, Tag) or child.name in _DROPPED or _hidden(child):
                continue
            name = child.name
            if name == "br":
                self.inline.append("\n")
            elif name == "table" and not _lays_out(child):
                self.flush(kind)
                caption = child.find("caption")
                if caption is not None and caption.find_parent("table") is child:
                    self.builder.add_block([(_text(caption), None)])
                self.builder.add_table(_table_rows(child))
            elif name == "pre":
                self.flush(kind)
                self.builder.add_block([(line, None) for line in child.get_text().split("\n")])
            elif name in _BLOCKS:
                self.flush(kind)
                inner = (
                    "heading"
                    if name in _HEADINGS
                    else "list_item"
                    if name == "li" or kind == "list_item"
                    else "heading"
                    if kind == "heading"
                    else "paragraph"
                )
                self.walk(child, inner)
                self.flush(inner)
            else:
                self.walk(child, kind)


def read_html(data: bytes, name: str, sha256: str, source: str) -> Document:
    """An HTML page as a ``Document`` of one page."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(data, "lxml")
    builder = DocumentBuilder(name, sha256, HTML)
    builder.start_page()
    walker = _Walker(builder)
    walker.walk(soup, "paragraph")
    walker.flush("paragraph")
    if not builder.has_text():
        raise NoTextFound("the HTML has no visible text", source=source)
    return builder.finish()
