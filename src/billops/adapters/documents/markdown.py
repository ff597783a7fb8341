"""Reading Markdown: headings, paragraphs, list items and pipe tables.

markdown-it-py (CommonMark, with GitHub's pipe tables) parses the file into
block tokens; the reader keeps what a reader of the rendered page sees:

- ``# Order Form`` is a heading, a paragraph a paragraph, each list item a
  ``list_item`` (a nested list's items follow their parent);
- emphasis, link and code markers are dropped (``**Net 30**`` is
  ``Net 30``; a link keeps its text); an image keeps its alt text;
  a hard line break starts a new line, a soft one (a plain line end
  inside a paragraph) too, as the source shows it;
- a pipe table becomes a ``Table``; code blocks are paragraphs of their
  lines; raw HTML blocks are read for their text.

    >>> source = b"# Order Form\\n\\n- Payment terms: **Net 30**\\n"
    >>> doc = read_markdown(source, "of.md", "0" * 64, "of.md")
    >>> [(b.kind, doc.quote(b.start, b.end)) for b in doc.blocks]
    [('heading', 'Order Form'), ('list_item', 'Payment terms: Net 30')]

So ``Document.text`` is the rendered text, not the Markdown source. A
Markdown file has no pages: it is page 1, without boxes.
"""

from __future__ import annotations

from collections.abc import Sequence

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.token import Token

from billops.adapters.documents.builder import DocumentBuilder, Piece
from billops.adapters.documents.guards import NoTextFound
from billops.adapters.documents.sniff import MARKDOWN
from billops.adapters.documents.text import decode_text
from billops.domain.document import Document

__all__ = ["read_markdown"]


def _inline(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline(child) or child.content)
        elif child.type == "html_inline":
            continue
    return "".join(parts)


def _lines(text: str) -> list[Piece]:
    return [(line, None) for line in text.split("\n")]


def _table(tokens: Sequence[Token], start: int) -> tuple[list[list[Piece]], int]:
    """The rows of the table opening at ``tokens[start]``; the index after it."""
    rows: list[list[Piece]] = []
    index = start + 1
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append((_inline(token), None))
        index += 1
    return rows, index + 1


def read_markdown(data: bytes, name: str, sha256: str, source: str) -> Document:
    """A Markdown file as a ``Document`` of one page."""
    text, _, notes = decode_text(data, source)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    builder = DocumentBuilder(name, sha256, MARKDOWN)
    builder.start_page()
    kinds: list[str] = []  # the enclosing block kinds: heading, list_item
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            kinds.append("heading")
        elif kind == "list_item_open":
            kinds.append("list_item")
        elif kind in ("heading_close", "list_item_close"):
            kinds.pop()
        elif kind == "table_open":
            rows, index = _table(tokens, index)
            builder.add_table(rows)
            continue
        elif kind == "inline":
            builder.add_block(_lines(_inline(token)), kinds[-1] if kinds else "paragraph")
        elif kind in ("fence", "code_block"):
            builder.add_block(_lines(token.content), kinds[-1] if kinds else "paragraph")
        elif kind == "html_block":
            html_text = BeautifulSoup(token.content, "lxml").get_text("\n")
            builder.add_block(_lines(html_text), kinds[-1] if kinds else "paragraph")
        index += 1
    if not builder.has_text():
        raise NoTextFound("the Markdown file has no text", source=source)
    return builder.finish(warnings=notes)
