"""Our UBL (Peppol BIS Billing 3.0) e-invoices pass the official EN 16931 rules.

Each sample invoice (``tests/renderers/samples.py``) is rendered and run
through the official XSD and Schematron; a failed rule fails the test with
its rule id. Then the values that matter to the buyer are read back from the
XML and compared with the amounts worked out by hand in the samples.
"""

from __future__ import annotations

import pytest
from lxml import etree

from billops.adapters.renderers.ubl import render_ubl
from billops.errors import InvalidInput
from tests.einvoice.validator import EInvoiceValidator, format_findings
from tests.renderers import samples

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _xml(name: str) -> etree._Element:
    return etree.fromstring(render_ubl(samples.ALL[name]()))


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


@pytest.mark.parametrize("name", sorted(samples.ALL))
def test_every_sample_passes_the_official_rules(
    einvoice_validator: EInvoiceValidator, name: str
) -> None:
    findings = einvoice_validator.validate(render_ubl(samples.ALL[name]()))
    assert not findings, format_findings(findings)


def test_a_domestic_invoice_carries_peppol_ids_po_and_the_bank_account() -> None:
    root = _xml("domestic")
    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert _texts(root, "cbc:CustomizationID/text()") == [
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    ]
    assert _texts(root, "cbc:ProfileID/text()") == ["urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"]
    assert _texts(root, "cbc:ID/text()") == ["NWDE-2026-000123"]
    assert _texts(root, "cbc:InvoiceTypeCode/text()") == ["380"]
    assert _texts(root, "cbc:DueDate/text()") == ["2026-12-23"]
    assert _texts(root, "cac:OrderReference/cbc:ID/text()") == ["PO-4711"]
    assert _texts(root, "//cbc:EndpointID/@schemeID") == ["9930", "9930"]
    assert _texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode/text()") == ["58"]
    assert _texts(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID/text()") == [
        "DE89370400440532013000"
    ]
    # 4,050.00 + 1,800.00 = 5,850.00; 19 % = 1,111.50
    assert _texts(root, "cac:LegalMonetaryTotal/*/text()") == [
        "5850.00", "5850.00", "6961.50", "6961.50"
    ]  # fmt: skip
    assert _texts(root, "cac:TaxTotal/cbc:TaxAmount/text()") == ["1111.50"]
    # the 10 % discount as a price discount: 100 x 40.50 = 4,050.00 (Peppol R120)
    first = root.xpath("cac:InvoiceLine[1]", namespaces=NS)[0]
    assert _texts(first, "cac:Price/cbc:PriceAmount/text()") == ["40.5"]
    assert _texts(first, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount/text()") == ["45"]
    assert _texts(first, "cbc:InvoicedQuantity/@unitCode") == ["C62"]
    assert _texts(first, "cac:InvoicePeriod/*/text()") == ["2026-11-01", "2026-11-30"]
    second = root.xpath("cac:InvoiceLine[2]", namespaces=NS)[0]
    assert _texts(second, "cbc:InvoicedQuantity/@unitCode") == ["HUR"]


def test_reverse_charge_names_its_exemption_and_both_vat_ids() -> None:
    root = _xml("reverse_charge")
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"
    assert _texts(root, f"{category}/cbc:ID/text()") == ["AE"]
    assert _texts(root, f"{category}/cbc:Percent/text()") == ["0"]
    assert _texts(root, f"{category}/cbc:TaxExemptionReasonCode/text()") == ["VATEX-EU-AE"]
    assert _texts(root, f"{category}/cbc:TaxExemptionReason/text()") == ["Reverse charge"]
    assert _texts(root, "//cac:PartyTaxScheme/cbc:CompanyID/text()") == [
        "DE123456789", "BE0123456749"
    ]  # fmt: skip
    assert _texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["25000.00"]


def test_multiple_rates_give_one_subtotal_per_category_and_rate() -> None:
    root = _xml("multiple_rates")
    subtotals = [
        (
            _texts(s, "cac:TaxCategory/cbc:ID/text()")[0],
            _texts(s, "cac:TaxCategory/cbc:Percent/text()")[0],
            _texts(s, "cbc:TaxableAmount/text()")[0],
            _texts(s, "cbc:TaxAmount/text()")[0],
        )
        for s in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
    ]
    assert sorted(subtotals) == [
        ("E", "0", "800.00", "0.00"),
        ("S", "19", "999.99", "190.00"),
        ("S", "7", "99.60", "6.97"),
    ]
    assert _texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["2096.56"]


def test_a_credit_note_references_the_invoice_it_corrects() -> None:
    root = _xml("credit_note")
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert _texts(root, "cbc:CreditNoteTypeCode/text()") == ["381"]
    reference = "cac:BillingReference/cac:InvoiceDocumentReference"
    assert _texts(root, f"{reference}/cbc:ID/text()") == ["NWDE-2026-000123"]
    assert _texts(root, f"{reference}/cbc:IssueDate/text()") == ["2026-11-23"]
    assert _texts(root, "cbc:Note/text()") == ["10 seats cancelled from 1 November 2026."]
    assert _texts(root, "cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["10"]
    # 10 x 40.50 = 405.00; 19 % = 76.95
    assert _texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["481.95"]


def test_yen_amounts_have_no_decimals() -> None:
    root = _xml("yen")
    assert _texts(root, "cac:LegalMonetaryTotal/*/text()") == [
        "481001", "481001", "529101", "529101"
    ]  # fmt: skip
    assert _texts(root, "cac:TaxTotal/cbc:TaxAmount/text()") == ["48100"]
    assert set(_texts(root, "//@currencyID")) == {"JPY"}


def test_a_draft_without_a_number_is_not_sent() -> None:
    from dataclasses import replace

    draft = replace(samples.domestic(), number=None)
    with pytest.raises(InvalidInput, match="only an issued invoice has a number"):
        render_ubl(draft)


def test_a_sale_not_subject_to_vat_carries_no_vat_ids_and_no_rate() -> None:
    root = _xml("outside_scope")
    assert _texts(root, "//cac:TaxCategory/cbc:ID/text()") == ["O"]
    assert _texts(root, "//cac:TaxCategory/cbc:Percent/text()") == []  # BR-O-05
    assert _texts(root, "//cac:TaxCategory/cbc:TaxExemptionReasonCode/text()") == ["VATEX-EU-O"]
    # BR-O-02: no VAT ids; the seller's EIN goes as its other tax registration (BT-32)
    assert _texts(root, "//cac:PartyTaxScheme/cbc:CompanyID/text()") == ["12-3456789"]
    assert _texts(root, "//cac:PartyTaxScheme/cac:TaxScheme/cbc:ID/text()") == ["TAX"]
    assert _texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["4481.48"]
    assert _texts(root, "cac:InvoiceLine[2]/cac:Price/cbc:PriceAmount/text()") == ["0.0012"]
