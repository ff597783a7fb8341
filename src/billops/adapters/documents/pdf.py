"""Reading PDFs: the text layer through pdfplumber, scanned pages through OCR.

A PDF is checked before it is parsed, with PDFium (pypdfium2), which opens
a file in milliseconds without reading its pages: a password
(``EncryptedDocument``), a damaged structure (``CorruptDocument``), too
many pages (``DocumentTooLarge``, before any page is read). A file that
does not end with the ``%%EOF`` marker was cut short (an interrupted
download or upload) and is refused rather than read in part.

Then, page by page (each page released before the next, so memory stays
flat however long the document):

- the words, with boxes in points from the page's top-left, come from
  PDFium (``pdf_words.py``: ten times faster than pdfplumber, same words)
  and are laid out as lines and blocks (``layout.py``);
- on pages that draw lines or rectangles, pdfplumber's table finder
  (tables drawn with ruling lines) gives tables:
  each cell's words become one cell of ``Document.tables``, and those words
  are not repeated in the running text. Tables without ruling lines arrive
  as lines of text;
- a page with (almost) no text layer, the page of a scan, is rendered at
  ``OCR_DPI`` with PDFium and read by Tesseract (``ocr.py``); so is a page
  whose text layer is glyph codes without meaning (``(cid:12)``).

Blocks and tables are placed in the text top to bottom, as they sit on the
page.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from billops.adapters.documents.builder import DocumentBuilder, Piece
from billops.adapters.documents.guards import (
    MAX_IMAGE_PIXELS,
    MAX_OCR_PAGES,
    MAX_PAGES,
    OCR_DPI,
    CorruptDocument,
    DocumentError,
    DocumentTooLarge,
    EncryptedDocument,
    NoTextFound,
)
from billops.adapters.documents.layout import LaidOutBlock, Word, lines_of, page_items
from billops.adapters.documents.ocr import add_ocr_page, ocr_image
from billops.adapters.documents.pdf_words import pdfium_words
from billops.adapters.documents.sniff import PDF
from billops.domain.document import Box, Document

__all__ = ["MIN_TEXT_CHARS", "read_pdf"]

MIN_TEXT_CHARS: Final = 20
"""A page with fewer non-blank characters in its text layer is treated as a scan."""

_IMAGE_PAGE_CHARS: Final = 200  # ... and so is one with fewer, mostly covered by an image
_IMAGE_COVERAGE: Final = 0.5
_CID_SHARE: Final = 0.3


@contextmanager
def _parsing(source: str, page: int | None = None) -> Iterator[None]:
    """Turn a parser's failure on damaged input into ``CorruptDocument``."""
    try:
        yield
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
        where = f"page {page}: " if page else ""
        detail = str(exc) or type(exc).__name__
        raise CorruptDocument(
            f"{where}the PDF is damaged and cannot be read ({detail})",
            source=source,
            hint="export or download it again",
        ) from exc


def _open_pdfium(data: bytes, source: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedDocument(
                "the PDF is password-protected",
                source=source,
                hint="save a copy without a password (print to PDF) and read that",
            ) from exc
        raise CorruptDocument(
            "the PDF is damaged and cannot be opened",
            source=source,
            hint="export or download it again",
        ) from exc


def _corner(page: pdfium.PdfPage, height: float) -> tuple[float, float]:
    """The page's top-left corner in PDF space: pdfplumber measures from the crop box's."""
    left, bottom, _right, top = page.get_cropbox()
    return (float(left), float(top)) if top > bottom else (0.0, height)


def _draws_paths(page: pdfium.PdfPage) -> bool:
    """True when the page draws any line or rectangle: only then can it hold a ruled table."""
    paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3)
    return next(iter(paths), None) is not None


def _needs_ocr(page: Any, words: list[Word]) -> bool:
    chars = sum(len(w.text) for w in words)
    if chars < MIN_TEXT_CHARS:
        return True
    cids = sum(len(w.text) for w in words if "(cid:" in w.text)
    if cids > _CID_SHARE * chars:
        return True
    if chars < _IMAGE_PAGE_CHARS and page.images:
        area = float(page.width) * float(page.height) or 1.0
        covered = sum(
            max(float(i["x1"]) - float(i["x0"]), 0.0)
            * max(float(i["bottom"]) - float(i["top"]), 0.0)
            for i in page.images
        )
        return covered / area >= _IMAGE_COVERAGE
    return False


def _inside(word: Word, bbox: tuple[float, float, float, float], slack: float = 1.0) -> bool:
    x, y = word.middle
    x0, top, x1, bottom = bbox
    return x0 - slack <= x <= x1 + slack and top - slack <= y <= bottom + slack


_FoundTable = tuple[list[list[Piece]], Box]


def _tables(page: Any, words: list[Word]) -> tuple[list[_FoundTable], list[Word]]:
    """The page's ruled tables (rows of cells, box) and the words outside them."""
    if not (page.rects or page.lines):
        return [], words
    found: list[_FoundTable] = []
    remaining = list(words)
    for table in page.find_tables():
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        inside = [w for w in remaining if _inside(w, (x0, top, x1, bottom))]
        if not inside:
            continue
        used: set[int] = set()
        rows: list[list[Piece]] = []
        for row in table.rows:
            pieces: list[Piece] = []
            for cell in row.cells:
                if cell is None:  # covered by a cell merged from the left or above
                    pieces.append(("", None))
                    continue
                cx0, ctop, cx1, cbottom = (float(v) for v in cell)
                cell_words = [
                    w
                    for w in inside
                    if id(w) not in used and _inside(w, (cx0, ctop, cx1, cbottom), 0.0)
                ]
                used.update(id(w) for w in cell_words)
                text = " ".join(line.text for line in lines_of(cell_words))
                pieces.append((text, Box(cx0, ctop, cx1, cbottom)))
            rows.append(pieces)
        remaining = [w for w in remaining if id(w) not in used]
        found.append((rows, Box(x0, top, x1, bottom)))
    return found, remaining


def _render(
    document: pdfium.PdfDocument, index: int, width: float, height: float
) -> tuple[Any, float]:
    dpi = float(OCR_DPI)
    pixels = (width * dpi / 72) * (height * dpi / 72)
    if pixels > MAX_IMAGE_PIXELS:  # a huge page is rendered at a lower resolution
        dpi *= (MAX_IMAGE_PIXELS / pixels) ** 0.5
    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            image = bitmap.to_pil().copy()
        finally:
            bitmap.close()
    finally:
        page.close()
    return image, dpi


def read_pdf(data: bytes, name: str, sha256: str, source: str) -> Document:
    """A PDF as a ``Document``: text layer where there is one, OCR where there is not."""
    if b"%%EOF" not in data[-1024:]:
        raise CorruptDocument(
            "the PDF is truncated (it does not end with %%EOF)",
            source=source,
            hint="the download or upload was interrupted: fetch the file again",
        )
    rendering = _open_pdfium(data, source)
    try:
        count = len(rendering)
        if count > MAX_PAGES:
            raise DocumentTooLarge(
                f"the PDF has {count:,} pages; at most {MAX_PAGES} are read",
                source=source,
                hint="send the contract without its attachments",
            )
        if count == 0:
            raise NoTextFound("the PDF has no pages", source=source)
        return _read_pages(data, name, sha256, source, rendering, count)
    finally:
        rendering.close()


def _read_pages(
    data: bytes, name: str, sha256: str, source: str, rendering: pdfium.PdfDocument, count: int
) -> Document:
    builder = DocumentBuilder(name, sha256, PDF)
    confidences: list[float] = []
    ocr_pages: list[int] = []
    notes: list[str] = []
    with _parsing(source):
        pdf = pdfplumber.open(io.BytesIO(data), pages=list(range(1, count + 1)))
    try:
        with _parsing(source):
            pages = pdf.pages
        for index, page in enumerate(pages):
            number = index + 1
            with _parsing(source, number):
                width, height = float(page.width), float(page.height)
                fast = rendering[index]
                try:
                    words = pdfium_words(fast, *_corner(fast, height))
                    ruled = _draws_paths(fast)
                finally:
                    fast.close()
                scanned = _needs_ocr(page, words)
                if scanned:
                    # A page without text may be a scan, or a content stream PDFium
                    # skipped as damaged: pdfplumber's strict parse (cheap on a page
                    # with no text) tells the two apart and refuses the damage.
                    _ = page.objects
                tables, words = ([], words) if scanned or not ruled else _tables(page, words)
            page.close()
            builder.start_page(width, height)
            if scanned:
                ocr_pages.append(number)
                if len(ocr_pages) > MAX_OCR_PAGES:
                    raise DocumentTooLarge(
                        f"more than {MAX_OCR_PAGES} pages have no text layer and would need OCR",
                        source=source,
                        hint="send the original PDF rather than a scan",
                    )
                image, dpi = _render(rendering, index, width, height)
                try:
                    found = add_ocr_page(builder, ocr_image(image, dpi, source, number))
                finally:
                    image.close()
                if not found:
                    notes.append(f"{source}: page {number}: no text, even by OCR")
                confidences.extend(found)
                continue
            found_tables: list[tuple[Box, _FoundTable]] = [(t[1], t) for t in tables]
            for item in page_items(words, found_tables):
                if isinstance(item, LaidOutBlock):
                    builder.add_block(item.lines, item.kind, item.box)
                else:
                    builder.add_table(*item)
    finally:
        pdf.close()
    if not builder.has_text():
        raise NoTextFound(
            "the PDF has no text, not even by OCR of its pages",
            source=source,
            hint="is it a scan of the signed contract? scan it at 300 DPI, upright",
        )
    if ocr_pages:
        listed = ", ".join(str(n) for n in ocr_pages[:20]) + (" ..." if len(ocr_pages) > 20 else "")
        notes.insert(0, f"{source}: read by OCR (no text layer): page(s) {listed}")
    return builder.finish(
        ocr=bool(ocr_pages),
        ocr_confidence=round(statistics.fmean(confidences), 4) if confidences else None,
        warnings=notes,
    )
