"""The CRM cross-check rules: each with a contract that passes and one that fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.crm import Opportunity, OpportunityLineItem
from billops.domain.findings import Finding, Severity
from billops.domain.policy import Policy
from billops.domain.rules.crm import (
    account_matches,
    ambiguous_match,
    amount_matches,
    close_date_not_after_signature,
    currency_matches,
    no_matching_opportunity,
    products_match,
    quantities_match,
)
from billops.domain.rules.registry import RULES, Check, RuleContext

TERMS: dict[str, Any] = {
    "contract_id": "OF-2026-014",
    "document_type": "order_form",
    "supplier": {"name": "Northwind Cloud Inc."},
    "customer": {
        "code": "CUST-000042",
        "name": "Globex Corporation",
        "tax_ids": [{"scheme": "vat", "value": "DE123456789"}],
    },
    "currency": "EUR",
    "signature_date": "2026-02-27",
    "start_date": "2026-03-01",
    "end_date": "2027-02-28",
    "total_contract_value": "62500.00",
    "lines": [
        {"line_id": "L1", "sku": "PLAT-ENT", "description": "Platform", "billing_model":
         "subscription", "quantity": 50, "unit_price": "1200.00", "amount": "60000.00"},
        {"line_id": "L2", "sku": "PS-TM", "description": "Services, 12 days",
         "billing_model": "time_and_materials", "quantity": 12, "amount": "2500.00"},
        {"line_id": "L3", "sku": "EXP", "description": "Expenses at cost",
         "billing_model": "expenses"},
    ],
    "provenance": {
        "total_contract_value": {"document": {"name": "globex-of.pdf"}, "page": 3,
                                 "quote": "Total: EUR 62,500.00"},
        "lines[0].quantity": {"document": {"name": "globex-of.pdf"}, "page": 2, "quote": "50"},
    },
}  # fmt: skip


def _terms() -> ContractTerms:
    return parse_contract(TERMS)


def _opportunity(**changes: Any) -> Opportunity:
    values: dict[str, Any] = {
        "opportunity_id": "006Dn000te57NJ5IAM",
        "name": "Globex - Platform",
        "account_name": "GLOBEX CORP",
        "amount": Decimal("62500.00"),
        "currency": "EUR",
        "close_date": date(2026, 2, 27),
        "stage": "Closed Won",
        "customer_code": "CUST-000042",
        "account_tax_id": "DE 123 456 789",
        "lines": (
            OpportunityLineItem(line_id="00kA", product_code="PLAT-ENT", quantity=Decimal(50),
                                unit_price=Decimal("1200.00"), total_price=Decimal("60000.00")),
            # T&M booked as a lump sum: quantity 1 at the whole amount, not a quantity error.
            OpportunityLineItem(line_id="00kB", product_code="PS-TM", quantity=Decimal(1),
                                unit_price=Decimal("2500.00"), total_price=Decimal("2500.00")),
        ),
    }  # fmt: skip
    values.update(changes)
    return Opportunity(**values)


def _run(check: Check, opportunity: Opportunity | None, *candidates: Opportunity) -> list[Finding]:
    context = RuleContext(
        terms=_terms(),
        policy=Policy(),
        today=date(2026, 3, 1),
        opportunity=opportunity,
        opportunity_candidates=candidates,
    )
    return list(check(context))


def test_every_crm_rule_is_registered_for_sales_ops() -> None:
    crm_rules = {rule_id: r for rule_id, r in RULES.items() if rule_id.startswith("CRM-")}
    assert sorted(crm_rules) == [
        "CRM-ACCOUNT", "CRM-AMBIGUOUS", "CRM-AMOUNT", "CRM-CLOSE-DATE", "CRM-CURRENCY",
        "CRM-NO-MATCH", "CRM-PRODUCTS", "CRM-QUANTITY",
    ]  # fmt: skip
    assert {r.route for r in crm_rules.values()} == {"sales_ops"}
    assert crm_rules["CRM-NO-MATCH"].severity is Severity.WARNING


def test_a_faithful_opportunity_passes_every_rule() -> None:
    for r in RULES.values():
        if r.rule_id.startswith("CRM-"):
            assert _run(r.check, _opportunity()) == [], r.rule_id


def test_amount() -> None:
    (finding,) = _run(amount_matches, _opportunity(amount=Decimal("65625.00")))
    assert finding.rule_id == "CRM-AMOUNT"
    assert finding.message == (
        "contract value 62,500.00 EUR but opportunity 006Dn000te57NJ5IAM (Globex - Platform) "
        "says 65,625.00 EUR (difference 3,125.00 EUR)"
    )
    assert finding.fields == ("total_contract_value",)
    assert [s.quote for s in finding.sources] == ["Total: EUR 62,500.00"]
    assert finding.route == "sales_ops"
    # Within a cent's rounding the amounts agree.
    assert _run(amount_matches, _opportunity(amount=Decimal("62500.004"))) == []


def test_currency() -> None:
    (finding,) = _run(currency_matches, _opportunity(currency="USD"))
    assert finding.message == (
        "contract currency EUR but opportunity 006Dn000te57NJ5IAM (Globex - Platform) "
        "is booked in USD"
    )
    assert dict(finding.values) == {
        "opportunity_id": "006Dn000te57NJ5IAM", "contract": "EUR", "crm": "USD"
    }  # fmt: skip
    # A different currency is not also reported as a different amount.
    assert _run(amount_matches, _opportunity(currency="USD", amount=Decimal(1))) == []


def test_products_missing_and_extra() -> None:
    opportunity = _opportunity(
        lines=(
            OpportunityLineItem(line_id="00kA", product_code="PLAT-ENT", quantity=Decimal(50),
                                unit_price=Decimal("1200.00"), total_price=Decimal("60000.00")),
            OpportunityLineItem(line_id="00kC", product_code="SUPPORT-PREM", quantity=Decimal(1),
                                unit_price=Decimal("2500.00"), total_price=Decimal("2500.00")),
        )
    )  # fmt: skip
    missing, extra = _run(products_match, opportunity)
    assert missing.message == (
        "contract line L2 sells PS-TM but opportunity 006Dn000te57NJ5IAM (Globex - Platform) "
        "has no product PS-TM"
    )
    assert missing.fields == ("lines[1].sku",)
    assert extra.message == (
        "opportunity 006Dn000te57NJ5IAM (Globex - Platform) books SUPPORT-PREM, "
        "which contract OF-2026-014 does not sell"
    )


def test_quantity_per_sku() -> None:
    opportunity = _opportunity(
        lines=(
            OpportunityLineItem(line_id="00kA", product_code="PLAT-ENT", quantity=Decimal(60),
                                unit_price=Decimal("1200.00"), total_price=Decimal("72000.00")),
            OpportunityLineItem(line_id="00kB", product_code="PS-TM", quantity=Decimal(1),
                                unit_price=Decimal("2500.00"), total_price=Decimal("2500.00")),
        )
    )  # fmt: skip
    (finding,) = _run(quantities_match, opportunity)
    assert finding.message == (
        "PLAT-ENT: contract quantity 50 (line L1) but opportunity 006Dn000te57NJ5IAM "
        "(Globex - Platform) books 60"
    )
    assert finding.fields == ("lines[0].quantity",)
    assert [s.quote for s in finding.sources] == ["50"]


def test_close_date_after_signature() -> None:
    (finding,) = _run(close_date_not_after_signature, _opportunity(close_date=date(2026, 3, 8)))
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "opportunity 006Dn000te57NJ5IAM (Globex - Platform) closed 2026-03-08, "
        "9 days after the contract was signed 2026-02-27"
    )
    assert _run(close_date_not_after_signature, _opportunity(close_date=date(2026, 2, 20))) == []


def test_no_match() -> None:
    (finding,) = _run(no_matching_opportunity, None)
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "no Closed Won opportunity found for contract OF-2026-014 "
        "(customer 'Globex Corporation', EUR)"
    )
    assert _run(no_matching_opportunity, _opportunity()) == []


def test_ambiguous() -> None:
    a = _opportunity(opportunity_id="006A", name="Globex A")
    b = _opportunity(opportunity_id="006B", name="Globex B", amount=Decimal("62000.00"))
    (finding,) = _run(ambiguous_match, None, a, b)
    assert finding.message == (
        "2 opportunities could book contract OF-2026-014: 006A 'Globex A' (62,500.00 EUR); "
        "006B 'Globex B' (62,000.00 EUR)"
    )
    assert finding.values["candidates"] == "006A, 006B"
    assert _run(ambiguous_match, _opportunity()) == []
    assert _run(no_matching_opportunity, None, a, b) == []  # ambiguous is not "no match"


def test_account_code_tax_id_and_name() -> None:
    wrong = _opportunity(
        account_name="Initech LLC", customer_code="CUST-000099", account_tax_id="DE987654321"
    )
    code, tax_id, name = _run(account_matches, wrong)
    assert code.message == (
        "contract customer code CUST-000042 but the account of opportunity 006Dn000te57NJ5IAM "
        "(Globex - Platform) is linked to customer CUST-000099"
    )
    assert tax_id.message.startswith("contract customer tax id DE123456789 but the account of")
    assert tax_id.message.endswith("has tax id DE987654321")
    assert tax_id.fields == ("customer.tax_ids[0].value",)
    assert name.message.startswith(
        "contract customer 'Globex Corporation' but opportunity 006Dn000te57NJ5IAM "
        "(Globex - Platform) is on account 'Initech LLC' (names "
    )
