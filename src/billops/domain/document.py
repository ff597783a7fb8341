"""A contract document, normalised: one text, pages, blocks and tables with positions.

Every reader (PDF, DOCX, HTML, Markdown, text, OCR of scans) produces the
same ``Document``, so extraction never cares where the text came from and
every extracted value can point back to its source: a character span in
``Document.text`` (always), a page (always; 1 for formats without pages)
and a box on that page (when the format has geometry: PDF and OCR).

The invariant every reader keeps, and the tests check: each block's and
each table cell's text is exactly ``document.text[start:end]``. Pages are
separated by a form feed (``\\f``) in ``text``.

    >>> doc = Document.from_text("of.txt", "ORDER FORM\\n\\nTotal: USD 12,000.00\\fPage two")
    >>> [b.kind for b in doc.blocks], doc.page_of(doc.text.index("Page two"))
    (['paragraph', 'paragraph', 'paragraph'], 2)
    >>> doc.quote(doc.blocks[1].start, doc.blocks[1].end)
    'Total: USD 12,000.00'

Geometry is in points (1/72 inch) from the page's top-left corner, as
pdfplumber reports it; OCR boxes are converted to the same unit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on a page: left, top, right, bottom, in points from the top-left corner."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    start: int  # span of the page in Document.text
    end: int
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True, slots=True)
class TextBlock:
    """A paragraph, heading or line of text: ``Document.text[start:end]``."""

    page: int
    start: int
    end: int
    kind: str = "paragraph"  # paragraph | heading | line | list_item | header | footer
    box: Box | None = None


@dataclass(frozen=True, slots=True)
class TableCell:
    start: int
    end: int
    box: Box | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table: rows of cells, each cell a span of ``Document.text`` (empty cells: start == end)."""

    page: int
    rows: tuple[tuple[TableCell, ...], ...]
    box: Box | None = None


@dataclass(frozen=True)
class Document:
    name: str
    sha256: str
    media_type: str
    text: str
    pages: tuple[Page, ...]
    blocks: tuple[TextBlock, ...]
    tables: tuple[Table, ...] = ()
    ocr: bool = False
    ocr_confidence: float | None = None  # mean word confidence 0..1 when ocr
    warnings: tuple[str, ...] = field(default=())

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]

    def cell_text(self, cell: TableCell) -> str:
        return self.text[cell.start : cell.end]

    def page_of(self, offset: int) -> int:
        """The 1-based page holding character ``offset``."""
        for page in self.pages:
            if page.start <= offset < page.end or (offset == page.end and page is self.pages[-1]):
                return page.number
        return self.pages[-1].number if self.pages else 1

    @classmethod
    def from_text(
        cls, name: str, text: str, media_type: str = "text/plain", sha256: str | None = None
    ) -> Document:
        """Pages split at form feeds, blocks at blank lines: the plain-text reading of a text."""
        digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
        pages: list[Page] = []
        blocks: list[TextBlock] = []
        offset = 0
        for number, page_text in enumerate(text.split("\f"), start=1):
            pages.append(Page(number, offset, offset + len(page_text)))
            for match in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*", page_text):
                stripped = match.group(0).strip()
                if not stripped:
                    continue
                lead = len(match.group(0)) - len(match.group(0).lstrip())
                start = offset + match.start() + lead
                blocks.append(TextBlock(number, start, start + len(stripped)))
            offset += len(page_text) + 1
        return cls(name, digest, media_type, text, tuple(pages), tuple(blocks))
