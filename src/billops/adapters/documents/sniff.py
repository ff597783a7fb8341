"""Which format a file is, told from its first bytes rather than its name.

A contract's file name is whatever the sender typed: ``scan.pdf`` may be a
JPEG, ``order.docx`` may be a legacy Word file or an HTML export. The
binary formats are told by their magic bytes (``%PDF-``, the PNG, JPEG and
TIFF signatures, a zip holding ``word/document.xml``); the name only
decides between the text formats (HTML, Markdown, plain text) and, when the
content matches no known format, turns "unsupported" into "corrupt" for a
file that claims to be a PDF, DOCX or image:

    >>> sniff(b"%PDF-1.7 ...", "order.pdf")
    'application/pdf'
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...", "scan.pdf")
    'image/png'
    >>> sniff(b"<!DOCTYPE html><p>Order Form</p>", "of")
    'text/html'
    >>> sniff(b"Order Form\\nNet 30", "of.txt")
    'text/plain'
    >>> sniff(b"hello", "order.docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    billops.adapters.documents.guards.CorruptDocument: order.docx: is named .docx but ...
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import Final

from billops.adapters.documents.guards import (
    CorruptDocument,
    EncryptedDocument,
    UnsupportedDocument,
)

__all__ = [
    "DOCX",
    "HTML",
    "IMAGE_TYPES",
    "MARKDOWN",
    "PDF",
    "TEXT",
    "sniff",
]

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML: Final = "text/html"
MARKDOWN: Final = "text/markdown"
TEXT: Final = "text/plain"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
TIFF: Final = "image/tiff"
IMAGE_TYPES: Final = frozenset({PNG, JPEG, TIFF, "image/bmp", "image/gif", "image/webp"})

_MAGIC: Final = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"BM", "image/bmp"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_CLAIMS: Final = {
    ".pdf": "a PDF",
    ".docx": "a DOCX",
    ".png": "a PNG image",
    ".jpg": "a JPEG image",
    ".jpeg": "a JPEG image",
    ".tif": "a TIFF image",
    ".tiff": "a TIFF image",
}
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE: Final = "EncryptedPackage".encode("utf-16-le")
_HTML_START: Final = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html)\b", re.I | re.S
)
_HTML_TAGS: Final = re.compile(rb"<(body|p|div|table|h[1-6]|br)\b[^>]*>", re.I)
_MARKDOWN: Final = re.compile(
    rb"^(#{1,6}[ \t]+\S|\|?[ \t]*:?-{3,}:?[ \t]*\|)|\*\*\S[^*\n]*\*\*", re.M
)


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def _zip_format(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptDocument(f"is a damaged zip archive ({exc})", source=name) from exc
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        kind = "an Excel workbook (XLSX)"
    elif any(n.startswith("ppt/") for n in names):
        kind = "a PowerPoint presentation (PPTX)"
    elif "content.xml" in names:
        kind = "an OpenDocument file"
    else:
        kind = "a zip archive"
    raise UnsupportedDocument(
        f"is {kind}, not a contract document", source=name, hint="send the PDF or DOCX"
    )


def sniff(data: bytes, name: str) -> str:
    """The media type of ``data``, or an error saying why it cannot be read."""
    head = data[:1024]
    suffix = _suffix(name)
    if b"%PDF-" in head:
        return PDF
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data, name)
    if head.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            raise EncryptedDocument(
                "is a password-protected Office document",
                source=name,
                hint="open it, remove the password and save it again",
            )
        raise UnsupportedDocument(
            "is a legacy Office file (.doc, .xls) or another OLE container",
            source=name,
            hint="save it as DOCX or PDF",
        )
    if suffix in _CLAIMS:
        detail = (
            " (a DOCX is a zip archive; this file starts with "
            if suffix == ".docx"
            else " (it starts with "
        )
        raise CorruptDocument(
            f"is named {suffix} but is not {_CLAIMS[suffix]}{detail}{head[:12]!r})", source=name
        )
    if head.startswith(b"{\\rtf"):
        raise UnsupportedDocument("is an RTF file", source=name, hint="save it as DOCX or PDF")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        raise UnsupportedDocument(
            "is a binary file of a format billops does not read",
            source=name,
            hint="billops reads PDF, DOCX, HTML, Markdown, plain text and PNG/JPEG/TIFF scans",
        )
    if suffix in (".html", ".htm", ".xhtml"):
        return HTML
    if suffix in (".md", ".markdown"):
        return MARKDOWN
    if suffix in (".txt", ".text") or utf16:
        return TEXT
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 2:
        return HTML
    if _MARKDOWN.search(data[:8192]):
        return MARKDOWN
    return TEXT
