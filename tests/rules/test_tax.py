"""Tax id validity with python-stdnum: the failing part is named."""

from __future__ import annotations

import pytest

from billops.domain.parties import TaxId
from billops.domain.rules.tax import problem_with
from tests.rules.builders import CUSTOMER, ENTITY, check, context, terms


@pytest.mark.parametrize(
    ("scheme", "value", "country", "expected"),
    [
        ("vat", "DE136695976", "DE", None),
        ("vat", "DE136695978", "DE", "the check digit is wrong"),
        ("vat", "FR40303265045", "FR", None),
        ("vat", "FR12345", "FR", "it has the wrong number of characters"),
        ("vat", "NL12345", "NL", "it is not written in the number's format"),
        ("vat", "136695976", "DE", None),  # no prefix: the country's own module
        ("ein", "12-3456789", "US", None),
        ("ein", "07-1234567", "US", "a part of it is not valid (the prefix or country code)"),
        ("gst", "123456782", "CA", None),  # business number, Luhn
        ("gst", "123456789", "CA", "the check digit is wrong"),
        ("xyz", "whatever", "DE", None),  # no module knows the scheme: not reported
    ],
)
def test_problem_with(scheme: str, value: str, country: str, expected: str | None) -> None:
    assert problem_with(scheme, value, country) == expected


def test_valid_tax_ids_pass() -> None:
    assert check("TAX-ID-INVALID", context()) == []


def test_customer_vat_check_digit_wrong() -> None:
    customer = {
        "code": "globex",
        "name": "Globex SARL",
        "tax_ids": [{"scheme": "vat", "value": "FR40303265046"}],
        "address": {"country": "FR"},
    }
    record = CUSTOMER.model_copy(update={"tax_ids": (TaxId(scheme="vat", value="FR40303265046"),)})
    [found] = check("TAX-ID-INVALID", context(terms(customer=customer), customer=record))
    assert found.fields == ("customer.tax_ids[0].value",)  # reported once, on the contract
    assert found.route == "tax"
    assert found.message == (
        "customer Globex SARL: FR40303265046 is not a valid FR VAT number: the check digit is wrong"
    )


def test_invalid_id_only_on_the_customer_record() -> None:
    record = CUSTOMER.model_copy(update={"tax_ids": (TaxId(scheme="vat", value="BE0115511658"),)})
    [found] = check("TAX-ID-INVALID", context(customer=record))
    assert found.fields == ("customer_record.tax_ids[0].value",)
    assert "BE0115511658 is not a valid BE VAT number: the check digit is wrong" in found.message


def test_invalid_entity_tax_id() -> None:
    entity = ENTITY.model_copy(update={"tax_id": TaxId(scheme="vat", value="DE136695977")})
    [found] = check("TAX-ID-INVALID", context(entity=entity))
    assert found.fields == ("entity_record.tax_id.value",)
    assert found.message == (
        "supplier Acme Software GmbH: DE136695977 is not a valid DE VAT number: "
        "the check digit is wrong"
    )
