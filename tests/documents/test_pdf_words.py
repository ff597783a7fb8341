"""PDFium words: the same words and boxes pdfplumber finds, ten times faster."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from billops.adapters.documents.layout import Word
from billops.adapters.documents.pdf_words import pdfium_words

CORPUS = Path(__file__).parents[1] / "corpus"
PAGE_HEIGHT = A4[1]  # 841.89 points


def _pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("Helvetica", 10)
    page.drawString(72, 800, "Payment terms: Net 30")
    page.drawString(300, 800, "Total")  # far to the right: a word of its own
    page.drawString(72, 700, "office")
    page.setFont("Helvetica-Bold", 18)
    page.drawString(72, 760, "ORDER FORM")
    page.save()
    return out.getvalue()


def _words_of(data: bytes) -> list[Word]:
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        try:
            return pdfium_words(page, 0.0, PAGE_HEIGHT)
        finally:
            page.close()
    finally:
        document.close()


def test_words_split_at_spaces_and_gaps_with_boxes_from_the_top_left() -> None:
    words = _words_of(_pdf())
    by_text = {w.text: w for w in words}
    assert sorted(by_text) == sorted(
        ["Payment", "terms:", "Net", "30", "Total", "office", "ORDER", "FORM"]
    )
    payment = by_text["Payment"]
    # PDFium takes Helvetica's descent as 224/1000 of the size: the baseline at
    # y=800 puts the box's bottom 2.24 points below it, 841.89 - 800 + 2.24 = 44.13
    # from the top, and its top one font size (10) higher. (pdfminer's 207/1000
    # gives 43.96: the readers agree within a quarter point.)
    assert payment.x0 == pytest.approx(72.0, abs=0.01)
    assert payment.bottom == pytest.approx(44.13, abs=0.02)
    assert payment.top == pytest.approx(34.13, abs=0.02)
    assert payment.size == pytest.approx(10.0)
    assert by_text["Total"].x0 == pytest.approx(300.0, abs=0.01)
    assert by_text["ORDER"].size == pytest.approx(18.0)


def test_a_page_without_text_has_no_words() -> None:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.rect(100, 100, 200, 200)
    page.save()
    assert _words_of(out.getvalue()) == []


@pytest.mark.parametrize(
    "name",
    ["of-northwind-bluefin.pdf", "sow-kestrel-mapleridge.pdf", "of-alpenrose-bergbahn.pdf"],
)
def test_pdfium_and_pdfplumber_find_the_same_words_on_corpus_pdfs(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    document = pdfium.PdfDocument(data)
    try:
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            for index, plumber_page in enumerate(plumber.pages):
                page = document[index]
                ours = pdfium_words(page, 0.0, float(plumber_page.height))
                page.close()
                theirs = plumber_page.extract_words()
                mine = sorted(ours, key=lambda w: (w.text, w.x0, w.top))
                other = sorted(
                    theirs, key=lambda w: (str(w["text"]), float(w["x0"]), float(w["top"]))
                )
                assert [w.text for w in mine] == [str(w["text"]) for w in other]
                for a, b in zip(mine, other, strict=True):
                    assert a.x0 == pytest.approx(float(b["x0"]), abs=0.5)
                    assert a.top == pytest.approx(float(b["top"]), abs=1.0)
                    assert a.bottom == pytest.approx(float(b["bottom"]), abs=1.0)
    finally:
        document.close()
