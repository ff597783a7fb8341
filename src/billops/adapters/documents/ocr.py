"""Reading scans: Tesseract OCR of images and of PDF pages without a text layer.

A scanned contract is a picture of text. The page is first cleared of
specks (a 3 x 3 median filter); Tesseract (through pytesseract's
``image_to_data``) then finds its words and reports, for each, the pixel
box, the block / paragraph / line it belongs to and a confidence from 0 to
100. The reader converts the pixel boxes to points (``pixels * 72 / dpi``,
from the page's top-left, the same unit as pdfplumber), keeps the mean word
confidence (0..1) as ``Document.ocr_confidence``, which later scales the
confidence of every value extracted from the scan, and lays the words out
by their boxes (``add_ocr_page``), not by Tesseract's blocks.

The OCR language is every one of English and German that the installed
Tesseract has (``eng+deu``): contracts here are written in both. Noise
(specks read as ``|`` or ``~``) is dropped: a word with no letter or digit
counts only when Tesseract is fairly sure of it. A page left with no word
has no text; a scan with no text at all is refused (``NoTextFound``).

Tesseract finds no tables and often puts a form's labels and its values,
or a table's columns, in blocks of their own. The layout rebuilds them:
lines side by side (the page's tilt taken out) are one row, wide gaps part
a row's cells, consecutive rows of cells are a table, a page set in two
columns is read column by column:

    >>> def words(top, *placed):
    ...     return tuple(OcrWord(t, Box(x0, top, x1, top + 10), 0.9) for t, x0, x1 in placed)
    >>> labels = (words(100, ("Supplier", 72, 110)), words(115, ("Currency", 72, 112)))
    >>> values = (words(101, ("Acme", 200, 225), ("Ltd", 228, 245)), words(116, ("EUR", 200, 220)))
    >>> builder = DocumentBuilder("scan.png", "0" * 64, "image/png")
    >>> builder.start_page(595, 842)
    >>> _ = add_ocr_page(builder, OcrPage((labels, values), 595, 842))
    >>> builder.finish(ocr=True).text
    'Supplier  Acme Ltd\\nCurrency  EUR'
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import pytesseract
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from billops.adapters.documents.builder import DocumentBuilder, Piece, union
from billops.adapters.documents.guards import (
    MAX_IMAGE_PIXELS,
    MAX_PAGES,
    OCR_TIMEOUT_SECONDS,
    CorruptDocument,
    DocumentTooLarge,
    NoTextFound,
    OcrUnavailable,
)
from billops.adapters.documents.layout import HEADING_RATIO, Word, column_gutter
from billops.domain.document import Box, Document

__all__ = [
    "DEFAULT_DPI",
    "PREFERRED_LANGUAGES",
    "OcrPage",
    "add_ocr_page",
    "ocr_image",
    "ocr_languages",
    "read_image",
]

PREFERRED_LANGUAGES: Final = ("eng", "deu")
DEFAULT_DPI: Final = 300.0
"""Resolution assumed for an image that does not record one."""

_MIN_SYMBOL_CONFIDENCE: Final = 60  # a word with no letter or digit is kept only above this
_MIN_CONFIDENCE: Final = 10
_COLUMN_GAP: Final = 1.2  # a gap between words wider than this many row heights parts two cells
_TABLE_ROW_GAP: Final = 3.0  # rows of one table are at most this many row heights apart
_BLOCK_GAP: Final = 0.8  # lines of one block are at most this many line heights apart
_MIN_SKEW_SPAN: Final = 100.0  # points: lines this long tell the tilt of the page
_SIZE_CHANGE: Final = 0.25  # a line this much taller or shorter than the last starts a block
_RULING: Final = "|¦[]_=~"  # table rulings and specks, read as these characters
_SPECKS: Final = _RULING + ".,:;'‘’\"“”"  # a word of only these is a speck
_AMOUNT: Final = re.compile(r"\(?(?:[$€£¥₹]|[A-Z]{3} ?)?\d{1,3}(?:[,.' ]\d{3})*[.,]\d{2}\)?")


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str
    box: Box  # points
    confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One OCR'd page: paragraphs of lines of words, and the page size in points."""

    paragraphs: tuple[tuple[tuple[OcrWord, ...], ...], ...]
    width: float
    height: float

    @property
    def words(self) -> Iterator[OcrWord]:
        for paragraph in self.paragraphs:
            for line in paragraph:
                yield from line


@lru_cache(maxsize=1)
def ocr_languages() -> str:
    """The Tesseract language string: the preferred languages installed, joined by ``+``."""
    try:
        installed = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(
            "Tesseract is not installed, so scans cannot be read",
            hint="install the tesseract-ocr package (and tesseract-ocr-deu)",
        ) from exc
    chosen = [lang for lang in PREFERRED_LANGUAGES if lang in installed]
    if not chosen:
        chosen = sorted(lang for lang in installed if lang != "osd")[:1]
    if not chosen:
        raise OcrUnavailable(
            "Tesseract has no language data installed", hint="install tesseract-ocr-eng"
        )
    return "+".join(chosen)


def _keep(text: str, confidence: float) -> bool:
    """Whether a word Tesseract read is text rather than a speck or a table ruling.

    An amount written out in full (``$6,000.00``) is kept however unsure
    Tesseract is: it often is unsure of a figure alone in a ruled cell, and a
    speck does not come out in that shape.
    """
    if not text.strip(_SPECKS):
        return False
    if confidence < _MIN_CONFIDENCE:
        return _AMOUNT.fullmatch(text) is not None
    return any(ch.isalnum() for ch in text) or confidence >= _MIN_SYMBOL_CONFIDENCE


def _unspeckled(line: list[OcrWord]) -> list[OcrWord]:
    """``line`` without an opening quote that no quote closes: a speck before the word."""
    kept: list[OcrWord] = []
    for index, word in enumerate(line):
        text = word.text
        rest = " ".join([text[1:], *(later.text for later in line[index + 1 :])])
        if text[0] in "‘'" and "’" not in rest and "'" not in rest:
            text = text[1:]
        if text:
            kept.append(OcrWord(text, word.box, word.confidence))
    return kept


def ocr_image(image: Image.Image, dpi: float, source: str, page: int) -> OcrPage:
    """The words Tesseract finds on ``image`` (scanned at ``dpi``), boxes in points."""
    # a 3 x 3 median filter wipes out the specks of a scanned page, which Tesseract
    # otherwise reads as quotes, dots and stray letters ("'Analytics", "4 Lake Road")
    # and which make it unsure of the words they touch; strokes of text survive it
    gray = image.convert("L").filter(ImageFilter.MedianFilter(3))
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            gray,
            lang=ocr_languages(),
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_SECONDS,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(
            "Tesseract is not installed, so scans cannot be read",
            hint="install the tesseract-ocr package",
        ) from exc
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" not in str(exc).lower():
            raise
        raise DocumentTooLarge(
            f"page {page}: OCR did not finish within {OCR_TIMEOUT_SECONDS} s",
            source=source,
            hint="scan it at a lower resolution or send the original PDF",
        ) from exc
    except pytesseract.TesseractError as exc:
        raise CorruptDocument(
            f"page {page}: Tesseract cannot read the image ({exc})", source=source
        ) from exc
    finally:
        gray.close()
    scale = 72.0 / dpi
    paragraphs: dict[tuple[int, int], dict[int, list[OcrWord]]] = {}
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip().strip(_RULING)
        confidence = float(data["conf"][i])
        if int(data["level"][i]) != 5 or not _keep(text, confidence):
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        box = Box(
            left * scale,
            top * scale,
            (left + float(data["width"][i])) * scale,
            (top + float(data["height"][i])) * scale,
        )
        key = (int(data["block_num"][i]), int(data["par_num"][i]))
        line = paragraphs.setdefault(key, {}).setdefault(int(data["line_num"][i]), [])
        line.append(OcrWord(text, box, confidence / 100.0))
    return OcrPage(
        tuple(
            tuple(tuple(_unspeckled(words)) for words in lines.values())
            for lines in paragraphs.values()
        ),
        image.width * scale,
        image.height * scale,
    )


def _line_height(words: Sequence[OcrWord]) -> float:
    return statistics.median(w.box.bottom - w.box.top for w in words)


def _skew(page: OcrPage) -> float:
    """How much the scan is tilted: points down per point right, the median slope of
    the word bottoms along Tesseract's longer lines (0 for a page set straight)."""
    slopes: list[float] = []
    for paragraph in page.paragraphs:
        for line in paragraph:
            middles = [(w.box.x0 + w.box.x1) / 2 for w in line]
            if len(line) < 3 or middles[-1] - middles[0] < _MIN_SKEW_SPAN:
                continue
            bottoms = [w.box.bottom for w in line]
            slopes.append(statistics.linear_regression(middles, bottoms).slope)
    return statistics.median(slopes) if slopes else 0.0


def _band(line: Sequence[OcrWord], skew: float = 0.0) -> tuple[float, float]:
    """A line's vertical extent, robust to a tall speck: the median top and bottom,
    straightened by the page's ``skew`` (as if the page were level at x = 0)."""
    lifts = [skew * (w.box.x0 + w.box.x1) / 2 for w in line]
    return (
        statistics.median(w.box.top - lift for w, lift in zip(line, lifts, strict=True)),
        statistics.median(w.box.bottom - lift for w, lift in zip(line, lifts, strict=True)),
    )


def _rows(page: OcrPage) -> list[tuple[OcrWord, ...]]:
    """The page's lines in visual rows, top to bottom, whatever Tesseract block holds them.

    Tesseract often puts a form's labels and their values, or a table's
    columns, in different blocks; on the page they share a row. Its lines
    are kept whole; two lines whose words do not overlap and whose vertical
    extents, the page's tilt taken out, overlap by half a line height are
    one row.
    """
    skew = _skew(page)
    lines = sorted(
        (line for paragraph in page.paragraphs for line in paragraph if line),
        key=lambda line: sum(_band(line, skew)),
    )
    rows: list[list[Sequence[OcrWord]]] = []
    for line in lines:
        top, bottom = _band(line, skew)
        for row in reversed(rows[-3:]):
            row_top, row_bottom = _band([w for part in row for w in part], skew)
            overlap = min(bottom, row_bottom) - max(top, row_top)
            # no word of the one over a word of the other (Tesseract may run a line
            # across a cell it reads as a line of its own)
            apart = all(
                word.box.x0 >= other.box.x1 or word.box.x1 <= other.box.x0
                for word in line
                for part in row
                for other in part
            )
            if apart and overlap >= 0.5 * min(bottom - top, row_bottom - row_top):
                row.append(line)
                break
        else:
            rows.append([line])
    return [
        tuple(sorted((w for part in row for w in part), key=lambda w: w.box.x0)) for row in rows
    ]


def _cells(row: tuple[OcrWord, ...]) -> list[tuple[OcrWord, ...]]:
    """A row split at its column gaps: wider than ``_COLUMN_GAP`` times the row's height."""
    gap = _COLUMN_GAP * _line_height(row)
    cells: list[list[OcrWord]] = [[row[0]]]
    for previous, word in itertools.pairwise(row):
        if word.box.x0 - previous.box.x1 > gap:
            cells.append([word])
        else:
            cells[-1].append(word)
    return [tuple(cell) for cell in cells if not _speck(cell)]


def _speck(cell: Sequence[OcrWord]) -> bool:
    """A cell of a dash, a dot or one letter alone, apart from the rest of its row."""
    text = _text(cell)
    return not any(ch.isalnum() for ch in text) or (len(text) == 1 and text.isalpha())


def _text(words: Sequence[OcrWord]) -> str:
    return " ".join(w.text for w in words)


def _box(words: Sequence[OcrWord]) -> Box | None:
    return union(w.box for w in words)


def _table_rows(rows: list[list[tuple[OcrWord, ...]]]) -> list[list[Piece]]:
    """Rows of cells placed in the columns of the row with the most cells (the header, mostly).

    A row with nothing in the first column under a row with something there
    continues it: a description or a period that wraps onto a second line.
    """
    widest = max(rows, key=len)
    columns = [(cell[0].box.x0, cell[-1].box.x1) for cell in widest]
    table: list[list[list[OcrWord]]] = []
    for row in rows:
        placed: list[list[OcrWord]] = [[] for _ in columns]
        for cell in row:
            left, right = cell[0].box.x0, cell[-1].box.x1

            def distance(
                column: tuple[float, float], left: float = left, right: float = right
            ) -> float:
                overlap = min(right, column[1]) - max(left, column[0])
                if overlap > 0:
                    return -overlap
                return min(abs(left - column[0]), abs(right - column[1]))

            best = min(range(len(columns)), key=lambda i: distance(columns[i]))
            placed[best].extend(cell)
        if len(table) >= 2 and not placed[0] and table[-1][0]:
            for words, more in zip(table[-1], placed, strict=True):
                words.extend(more)
            continue
        table.append(placed)
    return [[(_text(words), _box(words)) for words in row] for row in table]


def _table_end(
    split: list[list[tuple[OcrWord, ...]]], rows: list[tuple[OcrWord, ...]], start: int
) -> int:
    """The end of the table starting at row ``start``, or ``start`` when none starts there.

    A row of one cell ends the table, unless it sits right of the first
    column, close under a row of the table: a cell's text wrapping.
    """
    end = start
    while end < len(rows):
        if end > start and not _close(rows[end - 1], rows[end], _TABLE_ROW_GAP):
            break
        wraps = (
            end - start >= 2
            and split[end][0][0].box.x0 > split[start][0][-1].box.x1
            and _close(rows[end - 1], rows[end], _BLOCK_GAP)
        )
        if len(split[end]) < 2 and not wraps:
            break
        end += 1
    if end - start >= 2 and max(len(row) for row in split[start:end]) >= 3:
        return end
    return start


def add_ocr_page(builder: DocumentBuilder, page: OcrPage) -> list[float]:
    """Add ``page``'s words to the current page as blocks and tables; the word confidences.

    The words are laid out by their boxes, not by Tesseract's blocks: words
    sharing a row are one line, a gap wider than a little more than the
    row's height separates two cells of it. Consecutive rows of two or more
    cells, one of them with three or more, are a table (a scanned line-item
    or milestone table), its columns those of its widest row. Other rows of
    two cells (a form: ``Supplier`` and ``Acme Ltd``) are one line with the
    cells two spaces apart, the way text aligned with spaces writes them.
    Rows closer than ``_BLOCK_GAP`` line heights are a block; a block of at
    most three lines set clearly larger than the page's usual line is a
    heading, as in ``layout.py``.
    """
    split = [cells for column in _columns(page) for cells in map(_cells, _rows(column)) if cells]
    rows = [tuple(w for cell in cells for w in cell) for cells in split]
    if not rows:
        return [w.confidence for w in page.words]
    heights = [_line_height(row) for row in rows]
    body = statistics.median(heights)
    index = 0
    while index < len(rows):
        end = _table_end(split, rows, index)
        if end > index:
            builder.add_table(_table_rows(split[index:end]))
            index = end
            continue
        end = index + 1
        while (
            end < len(rows)
            and _close(rows[end - 1], rows[end], _BLOCK_GAP)
            and _table_end(split, rows, end) == end
            and abs(heights[end] - heights[end - 1]) <= _SIZE_CHANGE * max(heights[end - 1], 0.1)
        ):
            end += 1
        lines: list[Piece] = [
            ("  ".join(_text(cell) for cell in split[i]), _box(rows[i])) for i in range(index, end)
        ]
        large = all(heights[i] >= HEADING_RATIO * body for i in range(index, end))
        builder.add_block(lines, "heading" if large and end - index <= 3 else "paragraph")
        index = end
    return [w.confidence for w in page.words]


def _close(upper: tuple[OcrWord, ...], lower: tuple[OcrWord, ...], ratio: float) -> bool:
    """True when ``lower`` starts within ``ratio`` line heights below ``upper`` (and not
    far above it: the top of the next column)."""
    bottom = max(w.box.bottom for w in upper)
    top = min(w.box.top for w in lower)
    height = max(_line_height(upper), _line_height(lower))
    return -height <= top - bottom <= ratio * height


def _columns(page: OcrPage) -> list[OcrPage]:
    """The page, or its left and right columns when it is set in two (``layout.py``)."""
    words = [Word(w.text, w.box.x0, w.box.top, w.box.x1, w.box.bottom) for w in page.words]
    gutter = column_gutter(words)
    if gutter is None:
        return [page]

    def side(left: bool) -> OcrPage:
        paragraphs = tuple(
            tuple(tuple(w for w in line if (w.box.x1 <= gutter) == left) for line in paragraph)
            for paragraph in page.paragraphs
        )
        return OcrPage(paragraphs, page.width, page.height)

    return [side(left=True), side(left=False)]


def _dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and isinstance(dpi[0], int | float) and 50 <= dpi[0] <= 2400:
        return float(dpi[0])
    return None


def _open_image(data: bytes, source: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise DocumentTooLarge(f"the image is too large to read ({exc})", source=source) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CorruptDocument(f"is not a readable image ({exc})", source=source) from exc
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise DocumentTooLarge(
            f"the image is {image.width:,} x {image.height:,} pixels; at most "
            f"{MAX_IMAGE_PIXELS:,} pixels are read",
            source=source,
            hint="scan at 300 DPI",
        )
    return image


def read_image(data: bytes, name: str, sha256: str, source: str, media_type: str) -> Document:
    """A scanned image (PNG, JPEG, TIFF; each TIFF frame a page) read by OCR."""
    image = _open_image(data, source)
    frames = int(getattr(image, "n_frames", 1))
    if frames > MAX_PAGES:
        raise DocumentTooLarge(
            f"the image has {frames:,} pages; at most {MAX_PAGES} are read", source=source
        )
    builder = DocumentBuilder(name, sha256, media_type)
    confidences: list[float] = []
    notes: list[str] = []
    for index in range(frames):
        try:
            image.seek(index)
            frame = ImageOps.exif_transpose(image)
            frame.load()
        except (OSError, ValueError, EOFError) as exc:
            raise CorruptDocument(
                f"page {index + 1}: the image is damaged or truncated ({exc})", source=source
            ) from exc
        dpi = _dpi(image)
        if dpi is None:
            dpi = DEFAULT_DPI
            if index == 0:
                notes.append(
                    f"{source}: the image records no resolution; {DEFAULT_DPI:.0f} DPI assumed "
                    "for boxes in points"
                )
        page = ocr_image(frame, dpi, source, index + 1)
        builder.start_page(page.width, page.height)
        page_confidences = add_ocr_page(builder, page)
        if not page_confidences and frames > 1:
            notes.append(f"{source}: page {index + 1}: OCR found no text")
        confidences.extend(page_confidences)
    image.close()
    if not confidences:
        raise NoTextFound(
            "OCR found no text in the image",
            source=source,
            hint="is it a scan of the signed contract? scan it at 300 DPI, upright",
        )
    return builder.finish(
        ocr=True, ocr_confidence=round(statistics.fmean(confidences), 4), warnings=notes
    )
