"""Invoice arithmetic: lines rounded once, tax per category rounded once, totals add up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    PrecedingInvoice,
    TaxCategory,
    TaxTreatment,
)
from billops.domain.money import Money, RoundingMode
from billops.domain.parties import Address
from billops.errors import InvalidInput

VAT19 = TaxTreatment(TaxCategory.STANDARD, Decimal("19"))
VAT7 = TaxTreatment(TaxCategory.STANDARD, Decimal("7"))
SELLER = InvoiceParty("Northwind Cloud GmbH", Address(city="Berlin", country="DE"))
BUYER = InvoiceParty("Riverbend Health BV", Address(city="Leuven", country="BE"))


def _line(
    no: int, qty: str, price: str, tax: TaxTreatment = VAT19, cur: str = "EUR"
) -> InvoiceLine:
    return InvoiceLine.priced(
        line_no=no,
        description=f"line {no}",
        quantity=Decimal(qty),
        unit="each",
        unit_price=Decimal(price),
        currency=cur,
        tax=tax,
    )


def _invoice(*lines: InvoiceLine, **extra: object) -> Invoice:
    fields: dict[str, object] = {
        "kind": DocumentKind.INVOICE,
        "entity_code": "NWDE",
        "customer_code": "CUST-000007",
        "currency": "EUR",
        "issue_date": date(2026, 11, 30),
        "due_date": date(2026, 12, 30),
        "seller": SELLER,
        "buyer": BUYER,
        "lines": lines,
    }
    fields.update(extra)
    return Invoice(**fields)  # type: ignore[arg-type]


def test_each_line_is_rounded_once_and_the_tax_on_the_group_sum() -> None:
    # 3 x 0.335 = 1.005 -> 1.01 (half-up) on each of two lines; their 19 % group:
    # 2.02 x 0.19 = 0.3838 -> 0.38; the 7 % group: 10.00 x 0.07 = 0.70.
    invoice = _invoice(_line(1, "3", "0.335"), _line(2, "3", "0.335"), _line(3, "1", "10.00", VAT7))
    assert [str(line.net_amount) for line in invoice.lines] == ["1.01 EUR", "1.01 EUR", "10.00 EUR"]
    assert [(g.rate, str(g.taxable), str(g.tax)) for g in invoice.taxes] == [
        (Decimal("7"), "10.00 EUR", "0.70 EUR"),
        (Decimal("19"), "2.02 EUR", "0.38 EUR"),
    ]
    assert str(invoice.net_total) == "12.02 EUR"
    assert str(invoice.tax_total) == "1.08 EUR"
    assert str(invoice.gross_total) == "13.10 EUR"


def test_a_discount_is_taken_before_the_line_is_rounded() -> None:
    line = InvoiceLine.priced(
        line_no=1,
        description="Pro seats",
        quantity=Decimal(7),
        unit="seat",
        unit_price=Decimal("45.00"),
        discount_percent=Decimal("12.5"),
        currency="EUR",
        tax=VAT19,
    )
    assert line.net_amount == Money("275.63", "EUR")  # 315.00 x 0.875 = 275.625 -> 275.63
    down = InvoiceLine.priced(
        line_no=1,
        description="Pro seats",
        quantity=Decimal(7),
        unit="seat",
        unit_price=Decimal("45.00"),
        discount_percent=Decimal("12.5"),
        currency="EUR",
        tax=VAT19,
        rounding=RoundingMode.HALF_EVEN,
    )
    assert down.net_amount == Money("275.62", "EUR")


def test_yen_lines_have_no_minor_unit() -> None:
    line = _line(1, "3", "333.5", TaxTreatment(TaxCategory.STANDARD, Decimal("10")), "JPY")
    invoice = _invoice(line, currency="JPY")
    assert str(line.net_amount) == "1001 JPY"  # 1000.5 -> 1001
    assert str(invoice.tax_total) == "100 JPY"  # 100.1 -> 100
    assert str(invoice.gross_total) == "1101 JPY"


def test_reverse_charge_carries_no_tax_and_no_rate() -> None:
    reverse = TaxTreatment(
        TaxCategory.REVERSE_CHARGE, exemption_reason="Reverse charge", exemption_code="VATEX-EU-AE"
    )
    invoice = _invoice(_line(1, "2", "500.00", reverse))
    assert str(invoice.tax_total) == "0.00 EUR"
    assert invoice.taxes[0].exemption_code == "VATEX-EU-AE"
    with pytest.raises(InvalidInput, match=r"^rate: tax category AE carries no tax"):
        TaxTreatment(TaxCategory.REVERSE_CHARGE, Decimal("19"))
    with pytest.raises(InvalidInput, match=r"^rate: a tax rate is a percentage between 0 and 100"):
        TaxTreatment(TaxCategory.STANDARD, Decimal("119"))


def test_an_invoice_refuses_what_cannot_be_sent() -> None:
    with pytest.raises(InvalidInput, match=r"^lines: an invoice needs at least one line"):
        _invoice()
    with pytest.raises(InvalidInput, match=r"^due_date: the due date 2026-11-01 is before"):
        _invoice(_line(1, "1", "1"), due_date=date(2026, 11, 1))
    with pytest.raises(InvalidInput, match=r"line 1 is in USD, the invoice in EUR"):
        _invoice(_line(1, "1", "1", cur="USD"))
    with pytest.raises(InvalidInput, match=r"^preceding: a credit note must name the invoice"):
        _invoice(_line(1, "1", "1"), kind=DocumentKind.CREDIT_NOTE)
    credit = _invoice(
        _line(1, "1", "100.00"),
        kind=DocumentKind.CREDIT_NOTE,
        preceding=PrecedingInvoice("NWDE-2026-000123", date(2026, 10, 31)),
    )
    assert str(credit.gross_total) == "119.00 EUR"
