"""The EN 16931 translations both syntaxes share: units, amounts, prices, exemptions."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from pydantic import ValidationError

from billops.adapters.renderers import einvoice
from billops.domain.invoices import InvoiceLine, TaxBreakdown, TaxCategory
from billops.domain.money import Money
from billops.domain.parties import LegalEntity, TaxId
from billops.errors import InvalidInput
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


def _line(
    quantity: str, price: str, amount: str, currency: str, discount: str | None = None
) -> InvoiceLine:
    return InvoiceLine(
        line_no=1, description="Seats", quantity=Decimal(quantity), unit="seat",
        unit_price=Decimal(price), net_amount=Money(amount, currency), tax=samples.VAT_19,
        discount_percent=Decimal(discount) if discount else None,
    )  # fmt: skip


def test_a_printed_part_period_price_too_coarse_for_peppol_r120_is_sent_finer() -> None:
    # 88 seats for JPY 9, printed at 0.102: 88 x 0.102 = 8.976, 0.024 away (R120 allows 0.02)
    line = _line("88", "0.102", "9", "JPY")
    assert einvoice.net_price(line) == Decimal("0.1023")  # 88 x 0.1023 = 9.0024
    # 17 days of 7 seats at 24.6771: 7 x 24.6771 = 172.7397, within a cent of 172.74: kept
    assert einvoice.net_price(_line("7", "24.6771", "172.74", "EUR")) == Decimal("24.6771")
    # a proration credit: negative quantity, positive price (BR-27)
    credit = _line("-10", "51.613", "-516.13", "EUR")
    assert einvoice.net_price(credit) == Decimal("51.613")


def test_a_yen_discount_is_sent_as_the_effective_net_price_under_the_list_price() -> None:
    # 7 x 333 less 15 % = 1,981.35 -> JPY 1,981; 7 x 283.05 would be 0.35 away
    line = _line("7", "333", "1981", "JPY", discount="15")
    assert (einvoice.net_price(line), einvoice.gross_price(line)) == (Decimal("283"), 333)
    assert einvoice.price_discount(line) == Decimal(50)


def test_electronic_addresses_from_the_peppol_id_else_the_tax_number() -> None:
    assert einvoice.electronic_address(samples.GLOBEX_DE) == ("9930", "DE987654321")
    no_endpoint = dataclasses.replace(samples.GLOBEX_DE, endpoint=None)
    assert einvoice.electronic_address(no_endpoint) == ("9930", "DE987654321")
    french = dataclasses.replace(no_endpoint, tax_id=TaxId(scheme="vat", value="FR40 303265045"))
    assert einvoice.electronic_address(french) == ("9957", "FR40303265045")
    us = dataclasses.replace(samples.NORTHWIND_US, endpoint=None)
    assert einvoice.electronic_address(us) == ("9959", "123456789")  # EIN 12-3456789
    assert einvoice.electronic_address(dataclasses.replace(us, tax_id=None)) is None


def test_free_text_units_fall_back_to_one() -> None:
    units = ("api_call", "user", "each", "Quarter", "appliance")
    assert [einvoice.unit_code(u) for u in units] == ["C62", "C62", "C62", "QAN", "H87"]
    assert einvoice.unit_code("H87") == "H87"


def test_amounts_in_a_three_decimal_currency_cannot_be_sent() -> None:
    invoice = dataclasses.replace(
        samples.domestic(), currency="BHD", lines=(_line("1", "1.234", "1.234", "BHD"),)
    )
    with pytest.raises(InvalidInput, match="at most 2 decimals; BHD has 3"):
        einvoice.check_sendable(invoice)
