"""Our CII and Factur-X e-invoices pass the official EN 16931 rules (Factur-X profile EN 16931).

The CII XML is checked on its own and inside the Factur-X PDF, where it must
be embedded as ``factur-x.xml`` in a PDF/A-3 file.
"""

from __future__ import annotations

import io

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from billops.adapters.renderers.cii import render_cii, render_facturx
from tests.einvoice.validator import EInvoiceValidator, format_findings
from tests.renderers import samples

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
LOCALES = {"yen": "ja_JP"}


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


@pytest.mark.parametrize("name", sorted(samples.ALL))
def test_every_sample_passes_the_official_rules(
    einvoice_validator: EInvoiceValidator, name: str
) -> None:
    findings = einvoice_validator.validate(render_cii(samples.ALL[name]()))
    assert not findings, format_findings(findings)


@pytest.mark.parametrize("name", ["domestic", "credit_note", "yen"])
def test_the_factur_x_pdf_embeds_the_cii_xml_and_it_passes(
    einvoice_validator: EInvoiceValidator, name: str
) -> None:
    invoice = samples.ALL[name]()
    pdf = render_facturx(invoice, locale=LOCALES.get(name, "de_DE"))
    attachment, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert attachment == "factur-x.xml"
    assert xml == render_cii(invoice)
    findings = einvoice_validator.validate(pdf)
    assert not findings, format_findings(findings)
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "EN 16931" in xmp  # the Factur-X conformance level


def test_the_header_carries_the_guideline_po_and_totals() -> None:
    root = etree.fromstring(render_cii(samples.domestic()))
    assert _texts(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()") == [
        "urn:cen.eu:en16931:2017"
    ]
    assert _texts(root, "rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert _texts(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()") == [
        "PO-4711"
    ]
    assert _texts(root, "//ram:DueDateDateTime/udt:DateTimeString/text()") == ["20261223"]
    assert _texts(root, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/*/text()") == [
        "5850.00", "5850.00", "1111.50", "6961.50", "6961.50"
    ]  # fmt: skip
    assert _texts(root, "//ram:IBANID/text()") == ["DE89370400440532013000"]


def test_reverse_charge_and_credit_note_reference() -> None:
    reverse = etree.fromstring(render_cii(samples.reverse_charge()))
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert _texts(reverse, f"{tax}/ram:CategoryCode/text()") == ["AE"]
    assert _texts(reverse, f"{tax}/ram:ExemptionReasonCode/text()") == ["VATEX-EU-AE"]
    credit = etree.fromstring(render_cii(samples.credit_note()))
    assert _texts(credit, "rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert _texts(credit, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [
        "NWDE-2026-000123"
    ]
