"""The EN 16931 translations both syntaxes share: units, amounts, prices, exemptions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from billops.adapters.renderers import einvoice
from billops.domain.invoices import InvoiceLine, TaxBreakdown, TaxCategory
from billops.domain.money import Money
from billops.domain.parties import LegalEntity
from tests.renderers import samples


def test_amounts_carry_the_currency_minor_units() -> None:
    assert einvoice.amount_text(Money("5850", "EUR")) == "5850.00"
    assert einvoice.amount_text(Money("529101", "JPY")) == "529101"
    assert einvoice.amount_text(Money("-0.5", "USD")) == "-0.50"


def test_units_become_un_ece_recommendation_20_codes() -> None:
    assert [einvoice.unit_code(u) for u in ("hour", "Hours", "month", "day", "seat", "GB")] == [
        "HUR", "HUR", "MON", "DAY", "C62", "E34"
    ]  # fmt: skip
    assert einvoice.unit_code("widgets") == "C62"  # unknown units count as pieces
    assert einvoice.unit_code("KWH") == "KWH"


def test_a_discount_becomes_a_net_price_that_multiplies_to_the_line_amount() -> None:
    line = InvoiceLine.priced(
        line_no=1, description="Seats", quantity=Decimal(7), unit="seat",
        unit_price=Decimal("33.33"), discount_percent=Decimal("15"), currency="EUR",
        tax=samples.VAT_19,
    )  # fmt: skip
    # 33.33 less 15 % = 28.3305; 7 x 28.3305 = 198.3135 -> 198.31
    assert einvoice.net_price(line) == Decimal("28.3305")
    assert einvoice.price_discount(line) == Decimal("4.9995")
    assert einvoice.gross_price(line) == Decimal("33.33")
    assert str(line.net_amount) == "198.31 EUR"


def test_categories_without_vat_always_say_why() -> None:
    def group(category: TaxCategory, reason: str | None = None) -> TaxBreakdown:
        zero = Money("0", "EUR")
        return TaxBreakdown(category, Decimal(0), zero, zero, reason, None)

    assert einvoice.exemption(group(TaxCategory.STANDARD)) == (None, None)
    assert einvoice.exemption(group(TaxCategory.REVERSE_CHARGE)) == (
        "Reverse charge", "VATEX-EU-AE"
    )  # fmt: skip
    assert einvoice.exemption(group(TaxCategory.EXEMPT, "Medical care")) == ("Medical care", None)
    assert einvoice.exemption(group(TaxCategory.OUTSIDE_SCOPE))[1] == "VATEX-EU-O"


def test_only_vat_numbers_go_where_vat_ids_go() -> None:
    assert einvoice.vat_id(samples.NORTHWIND) == "DE123456789"
    assert einvoice.split_endpoint("0088:7300010000001") == ("0088", "7300010000001")
    assert einvoice.split_endpoint(None) is None
    assert einvoice.vat_id(samples.NORTHWIND_US) is None  # an EIN is not a VAT number
    assert einvoice.other_tax_id(samples.NORTHWIND_US) == "12-3456789"


def test_an_entity_carries_its_bank_account_and_peppol_id_for_its_invoices() -> None:
    entity = LegalEntity(
        code="NW-DE", name="Northwind Cloud GmbH", country="DE", currency="EUR",
        invoice_prefix="NWDE", bank_iban="DE89 3704 0044 0532 0130 00",
        bank_bic="cobadeffxxx", einvoice_endpoint="9930:DE123456789",
    )  # fmt: skip
    assert (entity.bank_iban, entity.bank_bic) == ("DE89370400440532013000", "COBADEFFXXX")
    with pytest.raises(ValidationError, match="is not a valid IBAN"):
        LegalEntity(
            code="NW-DE", name="N", country="DE", currency="EUR", invoice_prefix="NWDE",
            bank_iban="DE89 3704 0044 0532 0130 01",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="must be a Peppol participant id"):
        LegalEntity(
            code="NW-DE", name="N", country="DE", currency="EUR", invoice_prefix="NWDE",
            einvoice_endpoint="DE123456789",
        )  # fmt: skip
    bare = LegalEntity(code="X", name="X", country="US", currency="USD", invoice_prefix="X")
    assert (bare.bank_iban, bare.bank_bic, bare.einvoice_endpoint) == (None, None, None)
