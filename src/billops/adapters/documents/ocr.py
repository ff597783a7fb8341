"""Reading scans: Tesseract OCR of images and of PDF pages without a text layer.

A scanned contract is a picture of text. Tesseract (through pytesseract's
``image_to_data``) finds its words and reports, for each, the pixel box,
the block / paragraph / line it belongs to and a confidence from 0 to 100.
The reader turns each Tesseract paragraph into a block, each line into its
text, converts the pixel boxes to points (``pixels * 72 / dpi``, from the
page's top-left, the same unit as pdfplumber) and keeps the mean word
confidence (0..1) as ``Document.ocr_confidence``, which later scales the
confidence of every value extracted from the scan.

The OCR language is every one of English and German that the installed
Tesseract has (``eng+deu``): contracts here are written in both. Noise
(specks read as ``|`` or ``~``) is dropped: a word with no letter or digit
counts only when Tesseract is fairly sure of it. A page left with no word
has no text; a scan with no text at all is refused (``NoTextFound``).

Tesseract finds no tables: a scanned table arrives as lines of text, its
cells separated by single spaces.
"""

from __future__ import annotations

import io
import statistics
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

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
from billops.adapters.documents.layout import HEADING_RATIO
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
    if confidence < _MIN_CONFIDENCE or not text:
        return False
    return any(ch.isalnum() for ch in text) or confidence >= _MIN_SYMBOL_CONFIDENCE


def ocr_image(image: Image.Image, dpi: float, source: str, page: int) -> OcrPage:
    """The words Tesseract finds on ``image`` (scanned at ``dpi``), boxes in points."""
    gray = image.convert("L")
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
        text = str(raw).strip()
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
        tuple(tuple(tuple(words) for words in lines.values()) for lines in paragraphs.values()),
        image.width * scale,
        image.height * scale,
    )


def _line_height(words: tuple[OcrWord, ...]) -> float:
    return statistics.median(w.box.bottom - w.box.top for w in words)


def add_ocr_page(builder: DocumentBuilder, page: OcrPage) -> list[float]:
    """Add ``page``'s paragraphs as blocks to the current page; the word confidences.

    A paragraph of at most three lines set clearly larger than the page's
    usual line is a heading, as in ``layout.py``.
    """
    heights = [_line_height(line) for paragraph in page.paragraphs for line in paragraph]
    body = statistics.median(heights) if heights else 0.0
    confidences: list[float] = []
    for paragraph in page.paragraphs:
        lines: list[Piece] = []
        for words in paragraph:
            lines.append((" ".join(w.text for w in words), union(w.box for w in words)))
            confidences.extend(w.confidence for w in words)
        large = all(_line_height(line) >= HEADING_RATIO * body for line in paragraph)
        builder.add_block(lines, "heading" if large and len(paragraph) <= 3 else "paragraph")
    return confidences


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
