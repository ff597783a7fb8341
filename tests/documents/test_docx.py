"""Word documents: headings, lists, tables (merged cells), headers and footers, one page."""

from __future__ import annotations

import io

import docx
import pytest

from billops.adapters.documents import read_bytes
from billops.domain.document import Document

from .checks import assert_well_formed, block_with
from .samples import order_form_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def order_form() -> Document:
    return read_bytes(order_form_docx(), "order-form.docx")


def test_a_docx_is_one_page_of_header_body_footer(order_form: Document) -> None:
    doc = order_form
    assert_well_formed(doc)
    assert doc.media_type == DOCX
    assert len(doc.pages) == 1 and doc.pages[0].width is None
    kinds = [(b.kind, doc.quote(b.start, b.end)) for b in doc.blocks]
    assert kinds == [
        ("header", "Acme Software Ltd - Confidential"),
        ("heading", "Order Form"),
        ("paragraph", "Customer: Beta Industries Inc."),
        ("paragraph", "Payment terms: Net 30"),
        ("list_item", "Invoiced annually in advance"),
        ("paragraph", "Governing law: England and Wales."),
        ("footer", "Order Form OF-2026-001 - page 1"),
    ]
    assert all(b.box is None for b in doc.blocks)


def test_a_table_keeps_its_columns_when_a_cell_is_merged(order_form: Document) -> None:
    doc = order_form
    (table,) = doc.tables
    assert [[doc.cell_text(c) for c in row] for row in table.rows] == [
        ["Fees", "", ""],
        ["Platform licence", "12 months", "12,500.00"],
        ["Support", "12 months", "1,500.00"],
    ]
    amount = table.rows[1][2]
    assert doc.text[amount.start : amount.end] == "12,500.00"
    # The table sits between the list item and the closing paragraph, as in the file.
    assert doc.text.index("in advance") < amount.start < doc.text.index("Governing law")
    assert doc.text.count("12,500.00") == 1


def test_runs_and_line_breaks_make_one_paragraph() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Invoices are due ")
    paragraph.add_run("Net 30").bold = True
    paragraph.add_run().add_break()
    paragraph.add_run("from receipt.")
    document.add_heading("Fees", level=2)
    out = io.BytesIO()
    document.save(out)
    doc = read_bytes(out.getvalue(), "terms.docx")
    assert_well_formed(doc)
    assert doc.text == "Invoices are due Net 30\nfrom receipt.\n\nFees"
    assert doc.blocks[block_with(doc, "Fees")].kind == "heading"
