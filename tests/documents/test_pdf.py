"""PDFs with a text layer: words laid out as blocks with boxes, ruled tables as tables."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from billops.adapters.documents import read_bytes, read_document
from billops.domain.document import Document

from .checks import assert_well_formed, block_with, page_of_phrase
from .samples import order_form_pdf, paged_pdf


@pytest.fixture(scope="module")
def order_form() -> Document:
    return read_bytes(order_form_pdf(), "order-form.pdf")


def test_an_order_form_reads_as_two_pages_of_blocks_and_one_table(order_form: Document) -> None:
    doc = order_form
    assert_well_formed(doc)
    assert doc.media_type == "application/pdf"
    assert doc.name == "order-form.pdf"
    assert not doc.ocr and doc.ocr_confidence is None
    assert len(doc.pages) == 2
    assert (round(doc.pages[0].width or 0), round(doc.pages[0].height or 0)) == (595, 842)
    assert page_of_phrase(doc, "Order Form") == 1
    assert page_of_phrase(doc, "Net 30") == 1
    assert page_of_phrase(doc, "12,500.00") == 1
    assert page_of_phrase(doc, "1 March 2026") == 2


def test_the_title_is_a_heading_with_its_box_in_points(order_form: Document) -> None:
    doc = order_form
    title = doc.blocks[block_with(doc, "Order Form")]
    assert doc.quote(title.start, title.end) == "Order Form"
    assert title.kind == "heading"
    assert title.box is not None
    # reportlab's Title style: 18 pt, centred on A4 (595 pt wide), below a 72 pt margin.
    assert 70 < title.box.top < 95 and 95 < title.box.bottom < 110
    assert 230 < title.box.x0 < 260 and 335 < title.box.x1 < 365
    signatures = doc.blocks[block_with(doc, "Signatures")]
    assert (signatures.kind, signatures.page) == ("heading", 2)


def test_lines_of_a_paragraph_carry_their_own_boxes(order_form: Document) -> None:
    doc = order_form
    paragraph = doc.blocks[block_with(doc, "Net 30")]
    assert doc.quote(paragraph.start, paragraph.end) == (
        "Customer: Acme GmbH, Berlin\nPayment terms: Net 30 from the invoice date."
    )
    lines = [
        b for b in doc.blocks if b.kind == "line" and paragraph.start <= b.start < paragraph.end
    ]
    assert [doc.quote(b.start, b.end) for b in lines] == [
        "Customer: Acme GmbH, Berlin",
        "Payment terms: Net 30 from the invoice date.",
    ]
    first, second = (line.box for line in lines)
    assert first is not None and second is not None
    assert first.bottom <= second.top  # the second line is below the first
    assert second.x0 == pytest.approx(78, abs=1)  # 72 pt margin + 6 pt paragraph padding


def test_a_ruled_table_becomes_a_table_whose_cells_are_spans(order_form: Document) -> None:
    doc = order_form
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.page == 1
    assert [[doc.cell_text(cell) for cell in row] for row in table.rows] == [
        ["Item", "Qty", "Unit price", "Amount"],
        ["Platform licence", "10", "1,250.00", "12,500.00"],
        ["Onboarding services", "1", "2,000.00", "2,000.00"],
    ]
    amount = table.rows[1][3]
    assert doc.text[amount.start : amount.end] == "12,500.00"
    assert amount.box is not None and table.box is not None
    assert table.box.x0 <= amount.box.x0 < amount.box.x1 <= table.box.x1
    # The table's words are in the table, not repeated in the running text.
    assert doc.text.count("12,500.00") == 1
    assert doc.text.count("Platform licence") == 1
    assert "Item\tQty\tUnit price\tAmount\nPlatform licence\t10\t1,250.00\t12,500.00" in doc.text


def test_text_follows_the_page_top_to_bottom(order_form: Document) -> None:
    text = order_form.text
    assert text.index("Order Form") < text.index("Net 30") < text.index("Unit price")
    assert text.index("Unit price") < text.index("Total contract value: USD 14,500.00")
    assert text.split("\f")[1] == "Signatures\n\nSigned for Acme GmbH on 1 March 2026."


def test_ten_pages_each_phrase_on_its_own_page(tmp_path) -> None:
    path = tmp_path / "ten.pdf"
    path.write_bytes(paged_pdf(10))
    doc = read_document(path)
    assert_well_formed(doc)
    assert doc.name == "ten.pdf"
    assert len(doc.pages) == 10
    for number in (1, 4, 7, 10):
        assert page_of_phrase(doc, f"Section {number}\n") == number
        assert page_of_phrase(doc, f"Page {number} of 10") == number
    headings = [doc.quote(b.start, b.end) for b in doc.blocks if b.kind == "heading"]
    assert headings == [f"Section {n}" for n in range(1, 11)]
    assert page_of_phrase(doc, "USD 702,000.00") == 7  # section 7, clause 7.3


def test_a_pdf_locked_only_against_editing_is_read() -> None:
    # E-signature services lock signed PDFs with an owner password; anyone may open them.
    out = io.BytesIO()
    locked = StandardEncryption("", ownerPassword="owner", canPrint=1, canModify=0)
    pdf = canvas.Canvas(out, encrypt=locked)
    pdf.drawString(72, 720, "Signed order form: payment terms Net 30.")
    pdf.showPage()
    pdf.save()
    doc = read_bytes(out.getvalue(), "signed.pdf")
    assert doc.text == "Signed order form: payment terms Net 30."
