"""Document readers: any signed contract file to one normalised ``Document``.

Intake starts here. A contract arrives as a PDF (typed, or a scan), a Word
document, an HTML or Markdown export, a plain-text e-mail, or a photo or
scan of paper; extraction wants one thing: the text, its pages, blocks and
tables, each with the span of ``Document.text`` it occupies and, where the
format has geometry, its box. ``read_document`` tells the format from the
file's content (``sniff.py``), checks the limits that keep reading bounded
(``guards.py``) and hands the bytes to the format's reader:

=========================  ==============================================
format                     reader
=========================  ==============================================
PDF with a text layer      ``pdf.py``: pdfplumber words, lines, blocks,
                           ruled tables; boxes in points
PDF page without text      ``ocr.py``: rendered at 300 DPI, Tesseract
PNG / JPEG / TIFF          ``ocr.py``: Tesseract, one page per frame
DOCX                       ``docx.py``: paragraphs, tables, headers,
                           footers; one page
HTML                       ``html.py``: block elements, tables
Markdown                   ``markdown.py``: headings, lists, pipe tables
plain text                 ``text.py``: UTF-8, UTF-8 BOM, Windows-1252
=========================  ==============================================

    >>> doc = read_bytes(b"ORDER FORM\\n\\nPayment terms: Net 30\\n", "of.txt")
    >>> doc.media_type, [doc.quote(b.start, b.end) for b in doc.blocks]
    ('text/plain', ['ORDER FORM', 'Payment terms: Net 30'])
    >>> read_bytes(b"  \\n", "empty.txt")
    Traceback (most recent call last):
    ...
    billops.adapters.documents.guards.EmptyDocument: empty.txt: the file contains only white space

Every refusal is a ``DocumentError`` (an ``InvalidInput``): unsupported
format, password, damage, a limit exceeded, no text at all. Its message
names the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from billops.adapters.documents.docx import read_docx
from billops.adapters.documents.guards import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCX_MEMBERS,
    MAX_DOCX_RATIO,
    MAX_DOCX_UNCOMPRESSED_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_MARKUP_BYTES,
    MAX_OCR_PAGES,
    MAX_PAGES,
    OCR_DPI,
    OCR_TIMEOUT_SECONDS,
    CorruptDocument,
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    NoTextFound,
    OcrUnavailable,
    UnsupportedDocument,
    check_size,
)
from billops.adapters.documents.html import read_html
from billops.adapters.documents.markdown import read_markdown
from billops.adapters.documents.ocr import read_image
from billops.adapters.documents.pdf import read_pdf
from billops.adapters.documents.sniff import DOCX, HTML, IMAGE_TYPES, MARKDOWN, PDF, sniff
from billops.adapters.documents.text import read_text
from billops.domain.document import Document

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_DOCX_MEMBERS",
    "MAX_DOCX_RATIO",
    "MAX_DOCX_UNCOMPRESSED_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_MARKUP_BYTES",
    "MAX_OCR_PAGES",
    "MAX_PAGES",
    "OCR_DPI",
    "OCR_TIMEOUT_SECONDS",
    "CorruptDocument",
    "DocumentError",
    "DocumentTooLarge",
    "EmptyDocument",
    "EncryptedDocument",
    "NoTextFound",
    "OcrUnavailable",
    "UnsupportedDocument",
    "detect_media_type",
    "read_bytes",
    "read_document",
]

_WHITE_BYTES = b" \t\r\n\f\v\x00"
_BOM = b"\xef\xbb\xbf"


def detect_media_type(data: bytes, name: str) -> str:
    """The media type ``read_bytes`` would read ``data`` as (or the error it would raise)."""
    return sniff(data, name)


def read_bytes(data: bytes, name: str) -> Document:
    """Read a contract document from its bytes; ``name`` names it in messages and the result."""
    return _read(data, name, name)


def read_document(path: Path) -> Document:
    """Read the contract document at ``path`` (its size is checked before it is read)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DocumentError("is a directory, not a document", source=source)
        check_size(size, source)
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot be read ({exc.strerror or exc})", source=source) from exc
    return _read(data, path.name, source)


def _read(data: bytes, name: str, source: str) -> Document:
    check_size(len(data), source)
    if not data.removeprefix(_BOM).strip(_WHITE_BYTES):
        raise EmptyDocument("the file contains only white space", source=source)
    media_type = sniff(data, source)
    digest = hashlib.sha256(data).hexdigest()
    if media_type == PDF:
        return read_pdf(data, name, digest, source)
    if media_type == DOCX:
        return read_docx(data, name, digest, source)
    if media_type in IMAGE_TYPES:
        return read_image(data, name, digest, source, media_type)
    if media_type in (HTML, MARKDOWN):
        check_size(len(data), source, MAX_MARKUP_BYTES)
        reader = read_html if media_type == HTML else read_markdown
        return reader(data, name, digest, source)
    return read_text(data, name, digest, source)
