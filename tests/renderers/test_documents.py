"""write_documents: the three files of an issued invoice or credit note, named by its number."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf

from billops.adapters.renderers import write_documents
from billops.adapters.renderers.ubl import render_ubl
from billops.domain.invoices import InvoiceLine, InvoiceStatus
from billops.errors import InvalidInput
from tests.einvoice.validator import EInvoiceValidator, format_findings
from tests.renderers import samples


def test_an_issued_invoice_gets_its_pdf_ubl_and_facturx(
    tmp_path: Path, einvoice_validator: EInvoiceValidator
) -> None:
    paths = write_documents(samples.domestic(), tmp_path / "out", locale="de_DE")
    assert [p.name for p in paths] == [
        "NWDE-2026-000123.pdf",
        "NWDE-2026-000123.ubl.xml",
        "NWDE-2026-000123.facturx.pdf",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    pdf, ubl, facturx = (p.read_bytes() for p in paths)
    assert pdf.startswith(b"%PDF") and facturx.startswith(b"%PDF")
    for document in (ubl, facturx):
        findings = einvoice_validator.validate(document)
        assert not findings, format_findings(findings)
    filename, xml = get_xml_from_pdf(facturx, check_xsd=False)
    assert filename == "factur-x.xml" and b"NWDE-2026-000123" in xml


def test_a_credit_note_gets_the_same_three_files(
    tmp_path: Path, einvoice_validator: EInvoiceValidator
) -> None:
    paths = write_documents(samples.credit_note(), tmp_path)
    assert [p.name for p in paths] == [
        "NWDE-2026-000130.pdf",
        "NWDE-2026-000130.ubl.xml",
        "NWDE-2026-000130.facturx.pdf",
    ]
    assert b"<CreditNote" in paths[1].read_bytes()
    for path in paths[1:]:
        assert not einvoice_validator.validate(path.read_bytes())


def test_writing_again_replaces_the_files_and_leaves_nothing_else(tmp_path: Path) -> None:
    invoice = samples.outside_scope()
    first = write_documents(invoice, tmp_path, locale="en_US")
    ubl = first[1].read_bytes()
    again = write_documents(invoice, tmp_path, locale="en_US")
    assert again == first
    assert again[1].read_bytes() == ubl
    assert len(list(tmp_path.iterdir())) == 3  # no partial files left behind


def test_a_number_with_slashes_becomes_a_safe_file_name(tmp_path: Path) -> None:
    invoice = dataclasses.replace(samples.yen(), number="JP/2026/7")
    paths = write_documents(invoice, tmp_path)
    assert paths[0] == tmp_path / "JP-2026-7.pdf"


def test_a_draft_has_no_documents_to_send(tmp_path: Path) -> None:
    draft = dataclasses.replace(samples.domestic(), number=None, status=InvoiceStatus.DRAFT)
    with pytest.raises(InvalidInput, match="only an issued invoice"):
        write_documents(draft, tmp_path)
    assert not any(tmp_path.iterdir())


def test_a_currency_with_three_decimals_gets_its_pdf_only(tmp_path: Path) -> None:
    line = InvoiceLine.priced(
        line_no=1, description="Support", quantity=Decimal(1), unit="month",
        unit_price=Decimal("12.345"), currency="BHD", tax=samples.VAT_19,
    )  # fmt: skip
    invoice = dataclasses.replace(samples.domestic(), currency="BHD", lines=(line,))
    assert write_documents(invoice, tmp_path) == [tmp_path / "NWDE-2026-000123.pdf"]
    with pytest.raises(InvalidInput, match="at most 2 decimals"):
        render_ubl(invoice)
