"""Plain-text contracts, and the encodings a text file may come in.

A text file does not say its encoding. The reader tries, in order: a byte
order mark (UTF-8, or UTF-16 as Windows Notepad writes it), strict UTF-8
(which almost never decodes text written in another encoding), then
Windows-1252, the encoding of most legacy Western text; a byte that is not
even Windows-1252 becomes U+FFFD and the document carries a warning.

    >>> decode_text("Total: 12.500,00 €".encode("cp1252"), "of.txt")
    ('Total: 12.500,00 €', 'windows-1252', ())

Line ends are made ``\\n``; a form feed starts a new page, blank lines
separate blocks (``Document.from_text``).
"""

from __future__ import annotations

import dataclasses

from billops.adapters.documents.guards import EmptyDocument
from billops.adapters.documents.sniff import TEXT
from billops.domain.document import Document

__all__ = ["decode_text", "read_text"]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8 (with BOM)"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)


def decode_text(data: bytes, source: str) -> tuple[str, str, tuple[str, ...]]:
    """``data`` decoded with its detected encoding: (text, encoding, warnings)."""
    warnings: tuple[str, ...] = ()
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            encoding = label
            break
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "windows-1252"
            if "\ufffd" in text:
                warnings = (
                    f"{source}: bytes that are neither UTF-8 nor Windows-1252 "
                    "were replaced by U+FFFD",
                )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocument("the file contains only white space", source=source)
    return text, encoding, warnings


def read_text(data: bytes, name: str, sha256: str, source: str) -> Document:
    """A plain-text file as a ``Document``: pages at form feeds, blocks at blank lines."""
    text, _, warnings = decode_text(data, source)
    document = Document.from_text(name, text, media_type=TEXT, sha256=sha256)
    return dataclasses.replace(document, warnings=warnings) if warnings else document
