"""What a document reader refuses, and the limits that keep reading bounded.

A contract arrives from outside: an e-mail attachment, an upload, a scan.
Before any parser touches it, the reader checks what can be checked cheaply
so that a hostile or broken file costs milliseconds, not minutes or
gigabytes:

- its size (``MAX_DOCUMENT_BYTES``; HTML and Markdown ``MAX_MARKUP_BYTES``,
  because a parsed HTML tree takes many times the bytes of its source);
- a PDF's page count (``MAX_PAGES``), read from the page tree before any
  page is parsed, so a 2,000-page file is refused at once;
- a DOCX's zip directory: the sizes its members declare once uncompressed
  and their compression ratio (``MAX_DOCX_UNCOMPRESSED_BYTES``,
  ``MAX_DOCX_RATIO``), before anything is decompressed. Python's
  ``zipfile`` stops at the declared size, so a member that lies about it
  fails its CRC instead of inflating;
- an image's pixel count (``MAX_IMAGE_PIXELS``) from its header;
- OCR time: each page gets ``OCR_TIMEOUT_SECONDS`` of Tesseract, and at
  most ``MAX_OCR_PAGES`` pages of a PDF are OCR'd.

Every refusal is a ``DocumentError`` (an ``InvalidInput``) whose message
names the file and says what is wrong and, where it helps, what to do:

    >>> raise DocumentTooLarge("has 2,000 pages (at most 500)", source="big.pdf")
    Traceback (most recent call last):
    ...
    billops.adapters.documents.guards.DocumentTooLarge: big.pdf: has 2,000 pages (at most 500)
"""

from __future__ import annotations

import zipfile
from typing import Final

from billops.errors import BillopsError, InvalidInput

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
    "check_docx_zip",
    "check_size",
    "mib",
]

MAX_DOCUMENT_BYTES: Final = 50 * 1024 * 1024
"""Largest file read at all (50 MiB): a signed contract, even scanned, is far smaller."""

MAX_MARKUP_BYTES: Final = 10 * 1024 * 1024
"""Largest HTML or Markdown file (10 MiB): its parsed tree takes ten times as much memory."""

MAX_PAGES: Final = 500
"""Most pages read from a PDF or multi-page TIFF; checked before any page is parsed."""

MAX_OCR_PAGES: Final = 100
"""Most pages of one document sent to OCR (each may take seconds)."""

OCR_DPI: Final = 300
"""Resolution at which a PDF page without a text layer is rendered for OCR."""

OCR_TIMEOUT_SECONDS: Final = 60
"""Tesseract time allowed per page; a page that takes longer is refused, not waited for."""

MAX_IMAGE_PIXELS: Final = 60_000_000
"""Largest image (or rendered page) given to OCR: about A3 at 400 DPI."""

MAX_DOCX_UNCOMPRESSED_BYTES: Final = 200 * 1024 * 1024
"""Most bytes all members of a DOCX may declare once uncompressed (images included)."""

MAX_DOCX_RATIO: Final = 100
"""Highest compression ratio a DOCX member above 1 MiB may declare (XML compresses ~10:1)."""

MAX_DOCX_MEMBERS: Final = 10_000
"""Most members a DOCX zip may list."""

_RATIO_CHECKED_ABOVE: Final = 1024 * 1024


class DocumentError(InvalidInput):
    """A document that cannot be read; the message names the file and the problem."""


class UnsupportedDocument(DocumentError):
    """A file whose format billops does not read (a spreadsheet, a legacy .doc, a binary)."""


class EncryptedDocument(DocumentError):
    """A password-protected file: it must be saved without a password first."""


class CorruptDocument(DocumentError):
    """A damaged or truncated file, or one whose content is not the format its name claims."""


class DocumentTooLarge(DocumentError):
    """A file over one of the limits of this module (bytes, pages, pixels, OCR time)."""


class NoTextFound(DocumentError):
    """A document that yields no text at all, even after OCR (a photo, a blank scan)."""


class EmptyDocument(NoTextFound):
    """A file with no content at all: zero bytes, or only white space."""


class OcrUnavailable(BillopsError):
    """Tesseract is not installed or has no language data: a set-up problem, not bad input."""


def mib(size: int) -> str:
    """``size`` bytes in MiB for messages: ``mib(52_428_800) == '50 MiB'``."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MiB" if value >= 10 else f"{value:.1f} MiB"


def check_size(size: int, source: str, limit: int = MAX_DOCUMENT_BYTES) -> None:
    """Refuse a file of ``size`` bytes over ``limit`` and an empty one."""
    if size > limit:
        raise DocumentTooLarge(
            f"the file is {mib(size)}; at most {mib(limit)} is read",
            source=source,
            hint="split the document or remove embedded attachments",
        )
    if size == 0:
        raise EmptyDocument("the file is empty (0 bytes)", source=source)


def check_docx_zip(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse a DOCX whose zip directory declares too much data (a zip bomb).

    Only the central directory is read: nothing is decompressed.
    """
    members = archive.infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise DocumentTooLarge(
            f"the DOCX zip lists {len(members):,} members; at most {MAX_DOCX_MEMBERS:,} are read",
            source=source,
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > _RATIO_CHECKED_ABOVE:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_DOCX_RATIO:
                raise DocumentTooLarge(
                    f"DOCX member {member.filename!r} would inflate {member.compress_size:,} bytes "
                    f"to {mib(member.file_size)} (ratio {ratio:,.0f}:1, at most "
                    f"{MAX_DOCX_RATIO}:1): refused as a zip bomb",
                    source=source,
                )
    if total > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise DocumentTooLarge(
            f"the DOCX would inflate to {mib(total)}; at most "
            f"{mib(MAX_DOCX_UNCOMPRESSED_BYTES)} is read: refused as a zip bomb",
            source=source,
        )
