"""Reading Word documents (DOCX): paragraphs, tables, headers and footers.

A DOCX is a zip of XML parts. Its zip directory is checked first, without
inflating anything (``guards.check_docx_zip``), so a zip bomb is refused in
milliseconds. python-docx then opens the package; the body is walked in
document order, including content controls (``w:sdt``, common in contract
templates) and text boxes:

- a paragraph becomes a block: kind ``heading`` when its style is a Title
  or Heading style (or derives from one, or sets an outline level),
  ``list_item`` when it is numbered or bulleted, else ``paragraph``; its
  text is its runs' text (deleted tracked changes and field codes left
  out; a tab is a space, a line break a newline);
- a table becomes a ``Table``, each cell a span; a cell merged across
  columns is followed by empty cells so that columns stay aligned, and a
  cell merged down from the row above is empty;
- headers come first (kind ``header``), footers last (kind ``footer``),
  each distinct one once.

A DOCX has no fixed pages (where a page breaks depends on the printer and
fonts), so the whole document is page 1 and nothing has a box. The
automatic numbers of numbered paragraphs ("1.", "a)") are not text in the
file and do not appear.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any, Final

import docx
from docx.oxml.ns import qn

from billops.adapters.documents.builder import DocumentBuilder, Piece
from billops.adapters.documents.guards import CorruptDocument, NoTextFound, check_docx_zip
from billops.adapters.documents.sniff import DOCX
from billops.domain.document import Document

__all__ = ["read_docx"]

_MC_FALLBACK: Final = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_TXBX: Final = qn("w:txbxContent")
_VAL: Final = qn("w:val")
_CHARACTERS: Final = {
    qn("w:tab"): " ",
    qn("w:ptab"): " ",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}


class _Styles:
    """Which paragraph style ids are headings and which are lists."""

    def __init__(self, document: Any) -> None:
        self.headings: set[str] = set()
        self.lists: set[str] = set()
        for style in document.styles:
            chain: list[str] = []
            current = style
            while current is not None and len(chain) < 20:
                chain.append((current.name or "").lower())
                current = getattr(current, "base_style", None)
            if any(n.startswith(("heading", "title", "subtitle")) for n in chain):
                self.headings.add(style.style_id)
            elif any("list" in n for n in chain):
                self.lists.add(style.style_id)

    def kind(self, paragraph: Any) -> str:
        properties = paragraph.find(qn("w:pPr"))
        if properties is None:
            return "paragraph"
        style = properties.find(qn("w:pStyle"))
        style_id = style.get(_VAL) if style is not None else None
        if style_id in self.headings or properties.find(qn("w:outlineLvl")) is not None:
            return "heading"
        if style_id in self.lists or properties.find(qn("w:numPr")) is not None:
            return "list_item"
        return "paragraph"


def _paragraph_text(element: Any, boxes: list[Any]) -> str:
    """The text of a paragraph; text-box contents are put in ``boxes`` for later."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag == _MC_FALLBACK:
                continue
            if tag == _TXBX:
                boxes.append(child)
            elif tag == qn("w:t"):
                parts.append(child.text or "")
            elif tag in _CHARACTERS:
                parts.append(_CHARACTERS[tag])
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _blocks(container: Any) -> Iterator[Any]:
    """The paragraphs and tables of a body, cell or header, content controls opened."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


def _cell_text(cell: Any) -> str:
    texts: list[str] = []
    for block in _blocks(cell):
        if block.tag == _P:
            boxes: list[Any] = []
            texts.append(_paragraph_text(block, boxes))
            texts.extend(_cell_text(box) for box in boxes)
        else:
            texts.extend(_cell_text(tc) for tc in block.iter(_TC))
    return " ".join(t for t in texts if t.strip())


def _rows(table: Any) -> list[list[Piece]]:
    rows: list[list[Piece]] = []
    for tr in table.iter(_TR):
        if tr.getparent() is not table and tr.getparent().getparent() is not table:
            continue  # a row of a nested table: read as its cell's text
        cells: list[Piece] = []
        for tc in tr.iter(_TC):
            if tc.getparent() is not tr and tc.getparent().getparent() is not tr:
                continue
            properties = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if properties is not None:
                grid_span = properties.find(qn("w:gridSpan"))
                if grid_span is not None and (grid_span.get(_VAL) or "").isdigit():
                    span = max(1, min(int(grid_span.get(_VAL)), 64))
                merge = properties.find(qn("w:vMerge"))
                continued = merge is not None and merge.get(_VAL, "continue") == "continue"
            cells.append(("" if continued else _cell_text(tc), None))
            cells.extend(("", None) for _ in range(span - 1))
        rows.append(cells)
    return rows


def _add(builder: DocumentBuilder, container: Any, styles: _Styles, kind: str | None) -> None:
    for block in _blocks(container):
        if block.tag == _TBL:
            builder.add_table(_rows(block))
            continue
        boxes: list[Any] = []
        text = _paragraph_text(block, boxes)
        lines: list[Piece] = [(line, None) for line in text.split("\n")]
        builder.add_block(lines, kind or styles.kind(block))
        for box in boxes:
            _add(builder, box, styles, kind)


def _headers_footers(document: Any, which: str) -> list[Any]:
    """The distinct header (or footer) parts of every section, in section order."""
    seen: set[int] = set()
    parts: list[Any] = []
    even_pages = bool(document.settings.odd_and_even_pages_header_footer)
    for section in document.sections:
        names = [which]
        if section.different_first_page_header_footer:
            names.insert(0, f"first_page_{which}")
        if even_pages:
            names.append(f"even_page_{which}")
        for attribute in names:
            header = getattr(section, attribute)
            if header.is_linked_to_previous:
                continue
            element = header.part.element
            if id(element) not in seen:
                seen.add(id(element))
                parts.append(element)
    return parts


def read_docx(data: bytes, name: str, sha256: str, source: str) -> Document:
    """A DOCX as a ``Document`` of one page: headers, body, footers."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_docx_zip(archive, source)
    except zipfile.BadZipFile as exc:
        raise CorruptDocument(
            f"the DOCX is not a valid zip archive ({exc})", source=source
        ) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        styles = _Styles(document)
        headers = _headers_footers(document, "header")
        footers = _headers_footers(document, "footer")
    except Exception as exc:  # python-docx fails in many ways on a damaged package
        raise CorruptDocument(
            f"the DOCX is damaged and cannot be read ({str(exc) or type(exc).__name__})",
            source=source,
            hint="open it in Word and save it again",
        ) from exc
    builder = DocumentBuilder(name, sha256, DOCX)
    builder.start_page()
    for header in headers:
        _add(builder, header, styles, "header")
    _add(builder, document.element.body, styles, None)
    for footer in footers:
        _add(builder, footer, styles, "footer")
    if not builder.has_text():
        raise NoTextFound("the DOCX has no text", source=source)
    return builder.finish()
