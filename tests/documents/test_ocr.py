"""Scans read by the real Tesseract: a scanned image, and a PDF page with no text layer."""

from __future__ import annotations

import random

import pytest

from billops.adapters.documents import NoTextFound, read_bytes
from billops.adapters.documents.ocr import ocr_languages

from .checks import assert_well_formed, block_with, page_of_phrase
from .samples import photo_without_text, png_bytes, scan_image, scanned_pdf

pytestmark = pytest.mark.slow


def test_the_ocr_language_is_english_and_german() -> None:
    assert ocr_languages() == "eng+deu"


def test_a_scanned_order_form_is_read_with_boxes_in_points() -> None:
    # Printed, scanned at 200 DPI with specks and 1 degree of skew.
    doc = read_bytes(png_bytes(scan_image(200), 200), "scan.png")
    assert_well_formed(doc)
    assert doc.media_type == "image/png"
    assert doc.ocr is True
    assert doc.ocr_confidence is not None and 0.8 <= doc.ocr_confidence <= 1.0
    assert len(doc.pages) == 1
    # The page is A4 (595 x 842 pt): 1654 x 2339 pixels at 200 DPI, converted back to points.
    assert doc.pages[0].width == pytest.approx(595.3, abs=0.5)
    assert doc.pages[0].height == pytest.approx(842.0, abs=0.5)
    for phrase in ("Order Form", "Acme GmbH", "Net 30", "12,500.00"):
        assert page_of_phrase(doc, phrase) == 1
    # the specks are filtered out before OCR: no stray quote, dot or letter is read
    assert (
        doc.text
        == "Order Form\n\nCustomer: Acme GmbH\n\nPayment terms: Net 30\n\nTotal: USD 12,500.00"
    )
    title = doc.blocks[block_with(doc, "Order Form")]
    assert doc.quote(title.start, title.end) == "Order Form"
    assert title.kind == "heading"  # 24 pt among 14 pt lines
    # Drawn at x = 72 pt, baseline 100 pt below the top, 24 pt bold: in points, not pixels.
    assert title.box is not None
    assert 60 < title.box.x0 < 80 and 75 < title.box.top < 95 and 95 < title.box.bottom < 110
    total = next(b for b in doc.blocks if doc.quote(b.start, b.end) == "Total: USD 12,500.00")
    assert total.box is not None
    assert 60 < total.box.x0 < 80 and 200 < total.box.top < 215  # baseline at 220 pt, 14 pt type


def test_a_pdf_page_without_text_layer_is_ocrd_and_the_next_is_not() -> None:
    doc = read_bytes(scanned_pdf(), "signed-scan.pdf")
    assert_well_formed(doc)
    assert doc.ocr is True
    assert doc.ocr_confidence is not None and doc.ocr_confidence >= 0.8
    assert doc.warnings == ("signed-scan.pdf: read by OCR (no text layer): page(s) 1",)
    assert len(doc.pages) == 2
    assert page_of_phrase(doc, "Net 30") == 1
    assert page_of_phrase(doc, "12,500.00") == 1
    assert page_of_phrase(doc, "service levels agreed") == 2
    net = next(b for b in doc.blocks if doc.quote(b.start, b.end) == "Payment terms: Net 30")
    # a block of its own: the lines are 30 pt apart in 14 pt type, a gap wider than a line
    assert net.kind == "paragraph" and net.box is not None
    assert 60 < net.box.x0 < 80 and 170 < net.box.top < 185  # baseline at 190 pt, 14 pt type


def test_a_photo_without_text_is_refused() -> None:
    with pytest.raises(NoTextFound, match=r"^holiday\.jpg: OCR found no text in the image"):
        read_bytes(photo_without_text(), "holiday.jpg")


def test_a_heavily_speckled_scan_reads_clean() -> None:
    # 1 % of the pixels black specks: unfiltered, Tesseract reads "‚Order Form",
    # "- Customer" and "terms:.Net 30"
    image = scan_image(200)
    rng = random.Random(11)
    pixels = image.load()
    assert pixels is not None
    for _ in range(image.width * image.height // 100):
        pixels[rng.randrange(image.width), rng.randrange(image.height)] = 0
    doc = read_bytes(png_bytes(image, 200), "speckled.png")
    assert doc.text == (
        "Order Form\n\nCustomer: Acme GmbH\n\nPayment terms: Net 30\n\nTotal: USD 12,500.00"
    )
