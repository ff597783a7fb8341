"""Invoices drafted by the billing run pass the official EN 16931 rules, in UBL and CII.

End to end: contracts -> ``build_schedule`` -> ``draft_invoices`` -> issued
(a number is all issuing adds to the document) -> UBL and CII -> the
official rules, with zero errors. Each story is one of the shapes the
drafting produces that the renderers must carry: a reverse charge, a
discount, a sale not subject to VAT, a part period, a proration credit.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from lxml import etree

from billops.adapters.renderers.cii import render_cii
from billops.adapters.renderers.pdf import render_pdf
from billops.adapters.renderers.ubl import render_ubl
from billops.domain.billing import draft_invoices
from billops.domain.invoices import Invoice, InvoiceStatus, TaxCategory
from billops.domain.parties import Address, LegalEntity, TaxId
from billops.domain.schedules import amend_schedule, build_schedule
from tests.billing.stories import CUSTOMERS, ENTITY, bill, contract, lines, seats, tax_rules
from tests.einvoice.validator import EInvoiceValidator, format_findings

MONTHLY = {"frequency": "monthly", "timing": "advance", "alignment": "calendar"}
YEAR = {"start_date": "2026-01-01", "end_date": "2026-12-31", "billing": MONTHLY}
UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

NORTHWIND_US = LegalEntity(
    code="NW-US",
    name="Northwind Software Inc.",
    country="US",
    currency="USD",
    invoice_prefix="US-INV",
    tax_id=TaxId(scheme="ein", value="98-7654321"),
    address=Address(line1="1 Market Street", city="San Francisco", postal_code="94105",
                    region="CA", country="US"),
)  # fmt: skip


def issued(invoice: Invoice, number: str) -> Invoice:
    return dataclasses.replace(invoice, number=number, status=InvoiceStatus.ISSUED)


def reverse_charge_de_to_fr() -> Invoice:
    """10 seats at 30.00 to a French business: 300.00, reverse charge."""
    terms = contract(seats(unit_price="30.00"), customer_code="fromage", **YEAR)
    (invoice,) = bill(terms, as_of=date(2026, 1, 1)).invoices
    assert lines(invoice) == [("2026-01-01..2026-01-31", "10", "30.00", "300.00")]
    assert [t.category for t in invoice.taxes] == [TaxCategory.REVERSE_CHARGE]
    return issued(invoice, "DE-INV-2026-000001")


def domestic_with_discount() -> Invoice:
    """7 users at 50.00 less 15 % (42.50): 297.50; 19 % = 56.525 -> 56.53."""
    terms = contract(
        seats(quantity=7, unit="user", unit_price="42.50", list_price="50.00",
              discount_percent=15),
        **YEAR,
    )  # fmt: skip
    (invoice,) = bill(terms, as_of=date(2026, 1, 1)).invoices
    assert lines(invoice) == [("2026-01-01..2026-01-31", "7", "50.00", "297.50")]
    assert invoice.lines[0].discount_percent == 15
    assert str(invoice.tax_total) == "56.53 EUR"
    return issued(invoice, "DE-INV-2026-000002")


def us_seller_to_us_buyer() -> Invoice:
    """Northwind Inc. to Initech, both in the US: not subject to VAT (category O)."""
    terms = contract(
        seats(unit_price="30.00", unit="api_call", quantity=1000),
        customer_code="initech",
        currency="USD",
        supplier={"name": NORTHWIND_US.name, "code": NORTHWIND_US.code},
        **YEAR,
    )
    (invoice,) = bill(terms, as_of=date(2026, 1, 1), entity=NORTHWIND_US).invoices
    assert [t.category for t in invoice.taxes] == [TaxCategory.OUTSIDE_SCOPE]
    return issued(invoice, "US-INV-2026-000001")


def de_seller_to_us_buyer() -> Invoice:
    """Northwind GmbH (with a VAT id) to Initech: category O, so no VAT ids (BR-O-02)."""
    terms = contract(seats(unit_price="30.00"), customer_code="initech", **YEAR)
    (invoice,) = bill(terms, as_of=date(2026, 1, 1)).invoices
    assert invoice.seller.tax_id is not None
    return issued(invoice, "DE-INV-2026-000003")


def part_first_month() -> Invoice:
    """From 15 January, 7 seats at 45.00: 315.00 x 17/31 = 172.74, at 24.6771 a seat."""
    terms = contract(
        seats(quantity=7, unit_price="45.00"),
        start_date="2026-01-15",
        end_date="2026-12-31",
        billing=MONTHLY,
    )
    (invoice,) = bill(terms, as_of=date(2026, 1, 15)).invoices
    assert lines(invoice) == [("2026-01-15..2026-01-31", "7", "24.6771", "172.74")]
    assert invoice.lines[0].description == "Workspace Pro (part period)"
    return issued(invoice, "DE-INV-2026-000004")


def yen_part_month() -> Invoice:
    """88 seats at JPY 3 from 29 January: 264 x 3/31 = 25.548 -> JPY 26, printed at 0.295.

    88 x 0.295 = 25.96 is 0.04 from 26, outside Peppol R120's 0.02: the
    e-invoice sends 0.2955 (26.004).
    """
    terms = contract(
        seats(quantity=88, unit_price="3"),
        currency="JPY",
        start_date="2026-01-29",
        end_date="2026-12-31",
        billing=MONTHLY,
    )
    (invoice,) = bill(terms, as_of=date(2026, 1, 29)).invoices
    assert lines(invoice) == [("2026-01-29..2026-01-31", "88", "0.295", "26")]
    return issued(invoice, "DE-INV-2026-000006")


def amendment_credit() -> Invoice:
    """10 seats at 100.00; from 16 March 7 seats. Q1 is billed; the April run drafts:

    credit of 16/31 of March at 10 seats: -516.13; charge at 7 seats: 361.29;
    April at 7 seats: 700.00. Net 545.16, 19 % = 103.58.
    """
    before = contract(seats(unit_price="100.00"), **YEAR)
    after = contract(seats(unit_price="100.00", quantity=7), **YEAR)
    billed = ("L1:2026-01-01", "L1:2026-02-01", "L1:2026-03-01")
    amended = amend_schedule(
        build_schedule(before, as_of=date(2026, 3, 1)),
        after,
        effective=date(2026, 3, 16),
        billed_keys=frozenset(billed),
        as_of=date(2026, 4, 1),
    )
    result = draft_invoices(
        amended.schedule.items,
        {"C-1": after},
        ENTITY,
        CUSTOMERS,
        as_of=date(2026, 4, 1),
        already_billed=frozenset(("C-1", key) for key in billed),
        tax_rules=tax_rules(),
    )
    (invoice,) = result.invoices
    assert sorted(lines(invoice)) == sorted(
        [
            ("2026-03-16..2026-03-31", "-10", "51.613", "-516.13"),
            ("2026-03-16..2026-03-31", "7", "51.6129", "361.29"),
            ("2026-04-01..2026-04-30", "7", "100.00", "700.00"),
        ]
    )
    assert (str(invoice.net_total), str(invoice.tax_total)) == ("545.16 EUR", "103.58 EUR")
    return issued(invoice, "DE-INV-2026-000005")


STORIES: dict[str, Callable[[], Invoice]] = {
    "reverse charge DE -> FR": reverse_charge_de_to_fr,
    "DE domestic with a discount": domestic_with_discount,
    "US seller -> US buyer": us_seller_to_us_buyer,
    "DE seller -> US buyer": de_seller_to_us_buyer,
    "part first month": part_first_month,
    "amendment proration credit": amendment_credit,
    "yen part month": yen_part_month,
}


@pytest.mark.parametrize("story", sorted(STORIES))
@pytest.mark.parametrize("render", [render_ubl, render_cii], ids=["ubl", "cii"])
def test_a_drafted_invoice_passes_the_official_rules(
    einvoice_validator: EInvoiceValidator, story: str, render: Callable[[Invoice], bytes]
) -> None:
    findings = einvoice_validator.validate(render(STORIES[story]()))
    assert not findings, format_findings(findings)


@pytest.mark.parametrize("story", sorted(STORIES))
def test_peppol_line_arithmetic_and_electronic_addresses_hold(story: str) -> None:
    """What Peppol BIS 3.0 adds here: R120 (quantity x net price = line amount within
    0.02), R046 (gross - discount = net price) and R010/R020 (both electronic addresses)."""
    root = etree.fromstring(render_ubl(STORIES[story]()))
    for line in root.xpath("cac:InvoiceLine", namespaces=UBL_NS):
        quantity = Decimal(line.xpath("cbc:InvoicedQuantity/text()", namespaces=UBL_NS)[0])
        amount = Decimal(line.xpath("cbc:LineExtensionAmount/text()", namespaces=UBL_NS)[0])
        net = Decimal(line.xpath("cac:Price/cbc:PriceAmount/text()", namespaces=UBL_NS)[0])
        assert abs(quantity * net - amount) <= Decimal("0.02")
        for allowance in line.xpath("cac:Price/cac:AllowanceCharge", namespaces=UBL_NS):
            discount = Decimal(allowance.xpath("cbc:Amount/text()", namespaces=UBL_NS)[0])
            gross = Decimal(allowance.xpath("cbc:BaseAmount/text()", namespaces=UBL_NS)[0])
            assert gross - discount == net
    for party in ("AccountingSupplierParty", "AccountingCustomerParty"):
        endpoint = root.xpath(f"cac:{party}/cac:Party/cbc:EndpointID", namespaces=UBL_NS)
        assert len(endpoint) == 1 and endpoint[0].get("schemeID"), party


def test_yen_part_month_price_is_sent_fine_enough_for_r120() -> None:
    root = etree.fromstring(render_ubl(yen_part_month()))
    assert root.xpath("//cac:Price/cbc:PriceAmount/text()", namespaces=UBL_NS) == ["0.2955"]


def test_endpoints_come_from_the_vat_id_or_the_ein() -> None:
    def endpoints(invoice: Invoice) -> list[str]:
        root = etree.fromstring(render_ubl(invoice))
        return [
            f"{e.get('schemeID')}:{e.text}"
            for e in root.xpath("//cbc:EndpointID", namespaces=UBL_NS)
        ]

    assert endpoints(reverse_charge_de_to_fr()) == ["9930:DE136695976", "9957:FR40303265045"]
    assert endpoints(us_seller_to_us_buyer()) == ["9959:987654321", "9959:123456789"]


def test_not_subject_to_vat_drops_both_vat_ids_but_keeps_the_sellers_other_tax_id() -> None:
    root = etree.fromstring(render_ubl(de_seller_to_us_buyer()))
    schemes = root.xpath("//cac:PartyTaxScheme/cac:TaxScheme/cbc:ID/text()", namespaces=UBL_NS)
    assert "VAT" not in [str(s) for s in schemes]
    us = etree.fromstring(render_ubl(us_seller_to_us_buyer()))
    assert [
        str(v)
        for v in us.xpath(
            "cac:AccountingSupplierParty//cac:PartyTaxScheme/cbc:CompanyID/text()",
            namespaces=UBL_NS,
        )
    ] == ["98-7654321"]


def test_a_discount_is_sent_as_gross_price_less_a_price_allowance() -> None:
    root = etree.fromstring(render_ubl(domestic_with_discount()))
    price = root.xpath("cac:InvoiceLine/cac:Price", namespaces=UBL_NS)[0]
    assert price.xpath("cbc:PriceAmount/text()", namespaces=UBL_NS) == ["42.5"]
    assert price.xpath("cac:AllowanceCharge/cbc:Amount/text()", namespaces=UBL_NS) == ["7.5"]
    assert price.xpath("cac:AllowanceCharge/cbc:BaseAmount/text()", namespaces=UBL_NS) == ["50"]
    # 7 x 42.50 = 297.50, the line amount (Peppol R120); 50 - 7.5 = 42.5 (Peppol R046)
    assert root.xpath("cac:InvoiceLine/cbc:LineExtensionAmount/text()", namespaces=UBL_NS) == [
        "297.50"
    ]


def test_a_proration_credit_is_a_negative_quantity_at_a_positive_price() -> None:
    root = etree.fromstring(render_ubl(amendment_credit()))
    credit = next(
        line
        for line in root.xpath("cac:InvoiceLine", namespaces=UBL_NS)
        if line.xpath("cbc:LineExtensionAmount/text()", namespaces=UBL_NS) == ["-516.13"]
    )
    assert credit.xpath("cbc:InvoicedQuantity/text()", namespaces=UBL_NS) == ["-10"]
    assert credit.xpath("cac:Price/cbc:PriceAmount/text()", namespaces=UBL_NS) == ["51.613"]
    assert Decimal("-10") * Decimal("51.613") == Decimal("-516.130")


def test_free_text_units_are_sent_as_rec_20_codes() -> None:
    root = etree.fromstring(render_ubl(us_seller_to_us_buyer()))
    assert root.xpath("//cbc:InvoicedQuantity/@unitCode", namespaces=UBL_NS) == ["C62"]
    assert us_seller_to_us_buyer().lines[0].unit == "api_call"


def test_the_pdf_keeps_the_free_text_unit_and_the_credit_line() -> None:
    with pdfplumber.open(io.BytesIO(render_pdf(us_seller_to_us_buyer(), locale="en_US"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "1,000 api_call 30.00" in text
    with pdfplumber.open(io.BytesIO(render_pdf(amendment_credit(), locale="de_DE"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "-10 seat 51,613" in text and "-516,13" in text


def test_a_buyer_without_an_electronic_address_gets_an_en16931_invoice_not_a_peppol_one(
    einvoice_validator: EInvoiceValidator,
) -> None:
    """No Peppol id and no tax number: Peppol R010 cannot be met, so the UBL says EN 16931."""
    invoice = us_seller_to_us_buyer()
    anonymous = dataclasses.replace(
        invoice, buyer=dataclasses.replace(invoice.buyer, endpoint=None, tax_id=None)
    )
    root = etree.fromstring(render_ubl(anonymous))
    assert root.xpath("cbc:CustomizationID/text()", namespaces=UBL_NS) == [
        "urn:cen.eu:en16931:2017"
    ]
    assert root.xpath("cbc:ProfileID", namespaces=UBL_NS) == []
    findings = einvoice_validator.validate(render_ubl(anonymous))
    assert not findings, format_findings(findings)
    peppol = etree.fromstring(render_ubl(invoice))
    assert peppol.xpath("cbc:CustomizationID/text()", namespaces=UBL_NS) == [
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    ]
