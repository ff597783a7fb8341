"""Files that cannot be read are refused quickly, with a message naming the file and the problem."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from billops.adapters.documents import (
    MAX_DOCUMENT_BYTES,
    CorruptDocument,
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    NoTextFound,
    UnsupportedDocument,
    read_bytes,
    read_document,
)
from billops.errors import InvalidInput

from .samples import (
    lying_zip_docx,
    order_form_docx,
    order_form_pdf,
    tiny_pages_pdf,
    with_declared_size,
    zip_bomb_docx,
)


def test_every_refusal_is_invalid_input() -> None:
    for error in (
        UnsupportedDocument,
        EncryptedDocument,
        CorruptDocument,
        DocumentTooLarge,
        NoTextFound,
    ):
        assert issubclass(error, DocumentError) and issubclass(error, InvalidInput)


def test_an_encrypted_pdf() -> None:
    with pytest.raises(EncryptedDocument, match=r"^locked\.pdf: the PDF is password-protected"):
        read_bytes(order_form_pdf(encrypt="secret"), "locked.pdf")


def test_a_truncated_pdf() -> None:
    data = order_form_pdf()
    with pytest.raises(CorruptDocument, match=r"^cut\.pdf: the PDF is truncated"):
        read_bytes(data[: len(data) // 2], "cut.pdf")


def test_a_pdf_damaged_inside() -> None:
    data = bytearray(order_form_pdf())
    start = data.index(b"stream") + 20  # inside the first page's content stream
    data[start : start + 300] = b"\x00" * 300
    with pytest.raises(CorruptDocument, match=r"^damaged\.pdf: page 1: the PDF is damaged"):
        read_bytes(bytes(data), "damaged.pdf")


def test_a_2000_page_pdf_is_refused_before_its_pages_are_read() -> None:
    data = tiny_pages_pdf(2000)
    started = time.perf_counter()
    with pytest.raises(DocumentTooLarge, match=r"^big\.pdf: the PDF has 2,000 pages; at most 500"):
        read_bytes(data, "big.pdf")
    assert time.perf_counter() - started < 1.0


def test_a_zip_bomb_docx_is_refused_without_inflating() -> None:
    data = zip_bomb_docx(300)
    assert len(data) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(
        DocumentTooLarge, match=r"^bomb\.docx: .*'word/document\.xml'.* 300 MiB .*zip bomb"
    ):
        read_bytes(data, "bomb.docx")
    assert time.perf_counter() - started < 0.5


def test_a_docx_whose_directory_claims_gigabytes_is_refused() -> None:
    with pytest.raises(DocumentTooLarge, match=r"^liar\.docx: .*4096 MiB.*zip bomb"):
        read_bytes(lying_zip_docx(), "liar.docx")


def test_a_docx_member_larger_than_declared_fails_its_check() -> None:
    # The directory says 100 bytes; zipfile stops there and the CRC does not match.
    data = with_declared_size(order_form_docx(), "word/document.xml", 100)
    with pytest.raises(CorruptDocument, match=r"^short\.docx: the DOCX is damaged .*CRC"):
        read_bytes(data, "short.docx")


def test_a_file_named_docx_that_is_not_a_zip() -> None:
    with pytest.raises(CorruptDocument, match=r"^terms\.docx: is named \.docx but is not a DOCX"):
        read_bytes(b"Order Form\nNet 30\n", "terms.docx")


def test_empty_files(tmp_path) -> None:
    with pytest.raises(EmptyDocument, match=r"^empty\.pdf: the file is empty \(0 bytes\)"):
        read_bytes(b"", "empty.pdf")
    with pytest.raises(EmptyDocument, match=r"^blank\.txt: the file contains only white space"):
        read_bytes(b"\xef\xbb\xbf \r\n\t\n", "blank.txt")
    path = tmp_path / "nothing.docx"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocument, match=f"^{path}: the file is empty"):
        read_document(path)
    assert issubclass(EmptyDocument, NoTextFound)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:  # sparse: no 51 MiB written to disk
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    assert os.path.getsize(path) > MAX_DOCUMENT_BYTES
    with pytest.raises(DocumentTooLarge, match=r"huge\.pdf: the file is 50 MiB; at most 50 MiB"):
        read_document(path)


def test_a_missing_file(tmp_path) -> None:
    with pytest.raises(DocumentError, match=r"absent\.pdf: cannot be read \(No such file"):
        read_document(tmp_path / "absent.pdf")


def test_formats_billops_does_not_read() -> None:
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedDocument, match=r"^fees\.xlsx: is an Excel workbook"):
        read_bytes(workbook.getvalue(), "fees.xlsx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(UnsupportedDocument, match=r"^old\.doc: is a legacy Office file"):
        read_bytes(ole, "old.doc")
    locked = ole + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(EncryptedDocument, match=r"^locked\.docx: is a password-protected Office"):
        read_bytes(locked, "locked.docx")
    with pytest.raises(UnsupportedDocument, match=r"^blob\.bin: is a binary file"):
        read_bytes(b"\x01\x02\x00\x00binary", "blob.bin")


def test_markup_without_visible_text() -> None:
    with pytest.raises(NoTextFound, match=r"^empty\.html: the HTML has no visible text"):
        read_bytes(
            b"<html><head><title>x</title></head><body><script>go()</script></body></html>",
            "empty.html",
        )
