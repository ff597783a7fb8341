"""Assembling a ``Document``: one text, with every block and cell a span of it.

Every reader walks its format in reading order and hands the pieces to a
``DocumentBuilder``: a page, then blocks (paragraphs, headings, list items,
headers and footers, each with its lines) and tables (rows of cells). The
builder writes the one ``Document.text`` and records where each piece
landed, so the invariant of ``billops.domain.document`` holds by
construction: a block's or cell's text is exactly ``text[start:end]``.

The layout of the text is the same for every format:

- pages are separated by a form feed ``\\f``;
- blocks and tables on a page by a blank line (``\\n\\n``);
- the lines of a block by ``\\n``;
- a table's cells by a tab and its rows by ``\\n``, a cell's own line
  breaks and tabs becoming spaces.

    >>> b = DocumentBuilder("of.pdf", "0" * 64, "application/pdf")
    >>> b.start_page()
    >>> _ = b.add_block([("ORDER FORM", None)], kind="heading")
    >>> rows = [[("Item", None), ("Amount", None)], [("Licence", None), ("12,500.00", None)]]
    >>> _ = b.add_table(rows)
    >>> doc = b.finish()
    >>> doc.text
    'ORDER FORM\\n\\nItem\\tAmount\\nLicence\\t12,500.00'
    >>> doc.cell_text(doc.tables[0].rows[1][1]), doc.blocks[0].kind
    ('12,500.00', 'heading')

A multi-line block that has geometry (PDF, OCR) is followed by one block of
kind ``line`` per line, each inside its paragraph's span, so that a value
can be pointed to with the box of its own line rather than its paragraph's.
Blocks of other kinds never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from billops.domain.document import Box, Document, Page, Table, TableCell, TextBlock

__all__ = ["DocumentBuilder", "Piece", "clean", "union"]

Piece = tuple[str, Box | None]
"""A line of a block, or a table cell: its text and, when measured, its box."""

# Control characters other than tab and newline would break the page
# structure (a stray form feed) or the display; they become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """``text`` without control characters (tab and newline kept)."""
    return _CONTROL.sub(" ", text)


def _cell(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def union(boxes: Iterable[Box | None]) -> Box | None:
    """The smallest box holding every measured box, or ``None`` when none is measured."""
    known = [box for box in boxes if box is not None]
    if not known:
        return None
    return Box(
        min(b.x0 for b in known),
        min(b.top for b in known),
        max(b.x1 for b in known),
        max(b.bottom for b in known),
    )


class DocumentBuilder:
    """Writes ``Document.text`` piece by piece and keeps the spans of blocks, cells and pages."""

    def __init__(self, name: str, sha256: str, media_type: str) -> None:
        self.name = name
        self.sha256 = sha256
        self.media_type = media_type
        self._parts: list[str] = []
        self._length = 0
        self._pages: list[Page] = []
        self._blocks: list[TextBlock] = []
        self._tables: list[Table] = []
        self._page_number = 0
        self._page_start = 0
        self._page_size: tuple[float | None, float | None] = (None, None)
        self._page_has_items = False

    @property
    def page_number(self) -> int:
        return self._page_number

    def _write(self, text: str) -> int:
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start

    def _close_page(self) -> None:
        if self._page_number:
            width, height = self._page_size
            self._pages.append(
                Page(self._page_number, self._page_start, self._length, width, height)
            )

    def start_page(self, width: float | None = None, height: float | None = None) -> None:
        """Begin the next page (the first call begins page 1)."""
        self._close_page()
        if self._page_number:
            self._write("\f")
        self._page_number += 1
        self._page_start = self._length
        self._page_size = (width, height)
        self._page_has_items = False

    def _separate(self) -> None:
        if self._page_number == 0:
            self.start_page()
        if self._page_has_items:
            self._write("\n\n")
        self._page_has_items = True

    def add_block(
        self, lines: Sequence[Piece], kind: str = "paragraph", box: Box | None = None
    ) -> TextBlock | None:
        """Add a block made of ``lines``; blank lines are dropped, an empty block is skipped."""
        kept = [(clean(text).strip(), line_box) for text, line_box in lines]
        kept = [(text, line_box) for text, line_box in kept if text]
        if not kept:
            return None
        self._separate()
        start = self._length
        line_blocks: list[TextBlock] = []
        for index, (text, line_box) in enumerate(kept):
            if index:
                self._write("\n")
            line_start = self._write(text)
            if line_box is not None:
                line_blocks.append(
                    TextBlock(self._page_number, line_start, self._length, "line", line_box)
                )
        block = TextBlock(
            self._page_number, start, self._length, kind, box or union(b for _, b in kept)
        )
        self._blocks.append(block)
        if len(line_blocks) > 1:
            self._blocks.extend(line_blocks)
        return block

    def add_table(self, rows: Sequence[Sequence[Piece]], box: Box | None = None) -> Table | None:
        """Add a table of ``rows`` of cells; a table with no text in any cell is skipped."""
        texts = [[_cell(clean(text)) for text, _ in row] for row in rows]
        if not any(text for row in texts for text in row):
            return None
        self._separate()
        table_rows: list[tuple[TableCell, ...]] = []
        for row_index, (row, row_texts) in enumerate(zip(rows, texts, strict=True)):
            if row_index:
                self._write("\n")
            cells: list[TableCell] = []
            for cell_index, ((_, cell_box), text) in enumerate(zip(row, row_texts, strict=True)):
                if cell_index:
                    self._write("\t")
                start = self._write(text)
                cells.append(TableCell(start, self._length, cell_box))
            table_rows.append(tuple(cells))
        table = Table(
            self._page_number,
            tuple(table_rows),
            box or union(cell.box for row in table_rows for cell in row),
        )
        self._tables.append(table)
        return table

    def has_text(self) -> bool:
        """Whether any block or table has been added."""
        return bool(self._blocks or self._tables)

    def finish(
        self,
        *,
        ocr: bool = False,
        ocr_confidence: float | None = None,
        warnings: Sequence[str] = (),
    ) -> Document:
        """The finished ``Document`` (a document with no page gets one empty page)."""
        if self._page_number == 0:
            self.start_page()
        self._close_page()
        return Document(
            name=self.name,
            sha256=self.sha256,
            media_type=self.media_type,
            text="".join(self._parts),
            pages=tuple(self._pages),
            blocks=tuple(self._blocks),
            tables=tuple(self._tables),
            ocr=ocr,
            ocr_confidence=ocr_confidence,
            warnings=tuple(warnings),
        )
