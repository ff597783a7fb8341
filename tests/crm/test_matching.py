"""Matching a contract to its opportunity: by reference, else by account; never a guess."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.crm import Opportunity
from billops.domain.crm_matching import match_opportunity, normalise_company_name


def _terms(**changes: Any) -> ContractTerms:
    data: dict[str, Any] = {
        "contract_id": "OF-2026-014",
        "document_type": "order_form",
        "supplier": {"name": "Northwind Cloud Inc."},
        "customer": {"name": "Globex Corporation"},
        "currency": "USD",
        "signature_date": "2026-02-27",
        "total_contract_value": "60000.00",
    }
    data.update(changes)
    return parse_contract(data)


def _opportunity(opportunity_id: str, **changes: Any) -> Opportunity:
    values: dict[str, Any] = {
        "opportunity_id": opportunity_id,
        "name": f"deal {opportunity_id}",
        "account_name": "Globex Corp.",
        "amount": Decimal("60000.00"),
        "currency": "USD",
        "close_date": date(2026, 2, 27),
        "stage": "Closed Won",
    }
    values.update(changes)
    return Opportunity(**values)


def test_the_contract_reference_wins_over_a_better_looking_deal() -> None:
    referenced = _opportunity(
        "006B", contract_reference="of-2026-014", amount=Decimal(1), account_name="Other"
    )
    match = match_opportunity(_terms(), [_opportunity("006A"), referenced])
    assert match.opportunity is referenced
    assert not match.ambiguous
    assert match.reason == "opportunity 006B names contract OF-2026-014"


def test_two_opportunities_naming_the_contract_are_ambiguous() -> None:
    a = _opportunity("006A", contract_reference="OF-2026-014")
    b = _opportunity("006B", contract_reference="OF-2026-014")
    match = match_opportunity(_terms(), [a, b])
    assert (match.opportunity, match.candidates, match.ambiguous) == (None, (a, b), True)


def test_account_currency_amount_and_date_pick_the_deal() -> None:
    right = _opportunity("006A", account_name="GLOBEX CORPORATION, INC.")
    smaller = _opportunity("006B", amount=Decimal("12000.00"), close_date=date(2026, 1, 5))
    other_account = _opportunity("006C", account_name="Initech LLC")
    claimed = _opportunity("006D", contract_reference="OF-2025-999")  # another contract's deal
    lost = _opportunity("006E", stage="Closed Lost")

    match = match_opportunity(_terms(), [smaller, other_account, claimed, lost, right])

    assert match.opportunity is right
    assert match.candidates == (right,)  # 006B scores below the minimum
    assert match.reason == (
        "account 'GLOBEX CORPORATION, INC.' matches 'Globex Corporation' (name 100%); score 1.00"
    )


def test_two_equally_good_deals_are_reported_not_guessed() -> None:
    a = _opportunity("006A")
    b = _opportunity("006B", close_date=date(2026, 2, 26))
    match = match_opportunity(_terms(), [a, b])
    assert match.opportunity is None
    assert match.ambiguous
    assert match.candidates == (a, b)
    assert match.reason.startswith("2 opportunities fit contract OF-2026-014 about equally")


def test_a_different_tax_id_rules_the_account_out_whatever_its_name() -> None:
    terms = _terms(
        customer={
            "name": "Globex Corporation",
            "tax_ids": [{"scheme": "ein", "value": "12-3456789"}],
        }
    )
    same = _opportunity("006A", account_tax_id="123456789", account_name="Globex Holdings")
    other = _opportunity("006B", account_tax_id="98-7654321")
    match = match_opportunity(terms, [other, same])
    assert match.opportunity is same
    assert match.reason == "tax id 123456789; score 1.00"


def test_customer_code_decides_before_the_name() -> None:
    terms = _terms(customer={"code": "CUST-000042", "name": "Globex Corporation"})
    renamed = _opportunity("006A", account_name="Globex (EMEA)", customer_code="CUST-000042")
    namesake = _opportunity("006B", customer_code="CUST-000099")
    match = match_opportunity(terms, [namesake, renamed])
    assert match.opportunity is renamed


def test_nothing_fits() -> None:
    match = match_opportunity(_terms(), [_opportunity("006A", account_name="Initech LLC")])
    assert (match.opportunity, match.candidates, match.ambiguous) == (None, (), False)
    assert match.reason.startswith("no Closed Won opportunity names contract OF-2026-014")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Alder Analytics Inc.", "alder analytics"),
        ("Bluefin Media B.V.", "bluefin media"),
        ("Müller & Söhne GmbH & Co. KG", "muller sohne"),
        ("Acme Pty Ltd", "acme"),
    ],
)
def test_legal_suffixes_accents_and_punctuation_are_ignored(written: str, normalised: str) -> None:
    assert normalise_company_name(written) == normalised
