"""Legal entities and customers: the parties that bill and are billed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from billops.domain.money import RoundingMode
from billops.domain.parties import (
    Address,
    AddressKind,
    Contact,
    Customer,
    LegalEntity,
    TaxId,
)


def entity(**changes: Any) -> LegalEntity:
    fields: dict[str, Any] = {
        "code": "ACME-DE",
        "name": "Acme Software GmbH",
        "country": "DE",
        "currency": "EUR",
        "invoice_prefix": "DE-INV",
    }
    return LegalEntity.model_validate(fields | changes)


def customer(**changes: Any) -> Customer:
    fields: dict[str, Any] = {"code": "globex", "name": "Globex Corporation"}
    return Customer.model_validate(fields | changes)


def refusal_of(build: Any, **changes: Any) -> dict[str, Any]:
    """The first error pydantic reports, as a dict (loc, msg, input, ...)."""
    with pytest.raises(ValidationError) as caught:
        build(**changes)
    return dict(caught.value.errors()[0])


# --- legal entities -------------------------------------------------------------


def test_a_legal_entity_has_billing_defaults() -> None:
    acme = entity(tax_id={"scheme": "vat", "value": "DE123456789"})

    assert acme.rounding_mode is RoundingMode.HALF_UP
    assert acme.locale == "en_US"
    assert acme.fiscal_year_start_month == 1
    assert acme.tax_id == TaxId(scheme="vat", value="DE123456789")


def test_a_legal_entity_can_round_half_even_in_german_with_an_april_fiscal_year() -> None:
    acme = entity(rounding_mode="half_even", locale="de_DE", fiscal_year_start_month=4)

    assert acme.rounding_mode is RoundingMode.HALF_EVEN
    assert (acme.locale, acme.fiscal_year_start_month) == ("de_DE", 4)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"country": "XX"}, "country", "is not an ISO 3166 country code"),
        ({"country": "de"}, "country", "must be written in upper case: 'DE'"),
        ({"country": "EU"}, "country", "is not an ISO 3166 country code"),
        ({"currency": "EURO"}, "currency", "must be a three-letter ISO 4217 currency code"),
        ({"currency": "XXX"}, "currency", "is not a billing currency"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month", "less than or equal to 12"),
        ({"fiscal_year_start_month": 0}, "fiscal_year_start_month", "greater than or equal to 1"),
        ({"rounding_mode": "bankers"}, "rounding_mode", "'half_up', 'half_even'"),
        ({"locale": "xx_YY"}, "locale", "is not a known locale"),
        ({"locale": "de_de"}, "locale", "must be spelt 'de_DE'"),
        ({"invoice_prefix": "INV 2025"}, "invoice_prefix", "must be 1 to 16 letters"),
        ({"code": "acme us"}, "code", "must be 1 to 64 letters, digits"),
        ({"code": "x" * 65}, "code", "must be 1 to 64 letters, digits"),
        ({"vat": "DE1"}, "vat", "Extra inputs are not permitted"),
    ],
)
def test_a_legal_entity_refuses_bad_values(
    changes: dict[str, Any], field: str, message: str
) -> None:
    error = refusal_of(entity, **changes)

    assert error["loc"] == (field,)
    assert message in error["msg"]


def test_kosovo_is_a_country_for_invoicing() -> None:
    assert entity(country="XK").country == "XK"


# --- customers ------------------------------------------------------------------


def test_a_customer_with_billing_and_shipping_addresses() -> None:
    globex = customer(
        addresses=[
            {"kind": "shipping", "line1": "Dock 4", "city": "Portland", "country": "US"},
            {"kind": "billing", "line1": "1 Globex Way", "city": "Springfield", "country": "US"},
        ],
        tax_ids=[{"scheme": "ein", "value": "12-3456789"}],
        billing_contacts=[{"name": "AP team", "email": "ap@globex.example"}],
        po_required=True,
        payment_terms_days=60,
        default_currency="USD",
        einvoice_endpoint="0088:7300010000001",
    )

    assert globex.billing_address is not None
    assert globex.billing_address.line1 == "1 Globex Way"
    assert globex.addresses[0].kind is AddressKind.SHIPPING
    assert globex.billing_contacts == (Contact(name="AP team", email="ap@globex.example"),)
    assert (globex.po_required, globex.payment_terms_days) == (True, 60)


def test_a_customer_has_net_30_and_no_po_by_default() -> None:
    globex = customer()

    assert (globex.po_required, globex.payment_terms_days) == (False, 30)
    assert globex.billing_address is None
    assert globex.default_currency is None


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"payment_terms_days": 366}, ("payment_terms_days",), "less than or equal to 365"),
        ({"payment_terms_days": -1}, ("payment_terms_days",), "greater than or equal to 0"),
        ({"default_currency": "ABC"}, ("default_currency",), "is not an ISO 4217 currency"),
        ({"einvoice_endpoint": "7300010000001"}, ("einvoice_endpoint",), "Peppol participant"),
        (
            {"addresses": [{"kind": "home", "country": "US"}]},
            ("addresses", 0, "kind"),
            "'billing' or 'shipping'",
        ),
        ({"addresses": [{"city": "Springfield"}]}, ("addresses", 0, "country"), "Field required"),
        (
            {"tax_ids": [{"scheme": "VAT", "value": "DE1"}]},
            ("tax_ids", 0, "scheme"),
            "lower-case scheme",
        ),
        (
            {"billing_contacts": [{"email": "not-an-address"}]},
            ("billing_contacts", 0, "email"),
            "must be an e-mail address",
        ),
        ({"billing_contacts": [{}]}, ("billing_contacts", 0), "needs at least a name"),
        ({"name": "   "}, ("name",), "at least 1 character"),
    ],
)
def test_a_customer_refuses_bad_values(
    changes: dict[str, Any], loc: tuple[Any, ...], message: str
) -> None:
    error = refusal_of(customer, **changes)

    assert error["loc"] == loc
    assert message in error["msg"]


def test_parties_are_immutable_values() -> None:
    globex = customer(addresses=[{"country": "US"}])

    with pytest.raises(ValidationError):
        globex.name = "Other"  # type: ignore[misc]
    assert globex == customer(addresses=[Address(country="US")])
    assert hash(globex) == hash(customer(addresses=[Address(country="US")]))


def test_parties_read_back_from_their_json_image() -> None:
    globex = customer(
        addresses=[{"line1": "1 Globex Way", "country": "US"}],
        tax_ids=[{"scheme": "ein", "value": "12-3456789"}],
        default_currency="USD",
    )
    acme = entity(tax_id={"scheme": "vat", "value": "DE123456789"}, rounding_mode="floor")

    assert Customer.model_validate_json(globex.model_dump_json()) == globex
    assert LegalEntity.model_validate_json(acme.model_dump_json()) == acme


def test_parties_and_money_agree_on_every_currency_code() -> None:
    """Both validate currencies (one with pydantic errors, one with ours): same verdict always."""
    import itertools

    import iso4217
    from pydantic_core import PydanticCustomError

    from billops.domain.money import validate_currency
    from billops.domain.parties import check_currency
    from billops.errors import CurrencyError

    def money_accepts(code: str) -> bool:
        try:
            validate_currency(code)
        except CurrencyError:
            return False
        return True

    def parties_accept(code: str) -> bool:
        try:
            check_currency(code)
        except PydanticCustomError:
            return False
        return True

    codes = [c.code for c in iso4217.Currency] + ["usd", "XYZ", "US", "USDD", "12A", ""]
    codes += ["".join(t) for t in itertools.islice(itertools.product("ABX", repeat=3), 27)]
    disagreements = [c for c in codes if money_accepts(c) != parties_accept(c)]
    assert disagreements == []
    assert parties_accept("BHD") and parties_accept("JPY")
    assert not parties_accept("XAU")
