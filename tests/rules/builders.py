"""A small, clean contract to start every rule test from, and ways to change it.

The base is an annual order form of Acme Software GmbH (Berlin) for Globex
SARL (Paris): 10 seats at 1,080.00 a year (1,200.00 list less 10 %) for
24 months = 21,600.00, plus onboarding 1 x 2,500.00; TCV 24,100.00. Every
rule passes on it; each test changes one thing and names what it expects.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.findings import Finding
from billops.domain.parties import Customer, LegalEntity
from billops.domain.policy import Policy
from billops.domain.rules import RULES, RuleContext, run_rules

TODAY = date(2026, 1, 15)

BASE: dict[str, Any] = {
    "contract_id": "OF-2026-001",
    "document_type": "order_form",
    "supplier": {
        "code": "ACME-DE",
        "name": "Acme Software GmbH",
        "tax_ids": [{"scheme": "vat", "value": "DE136695976"}],
        "address": {"city": "Berlin", "country": "DE"},
    },
    "customer": {
        "code": "globex",
        "name": "Globex SARL",
        "tax_ids": [{"scheme": "vat", "value": "FR40303265045"}],
        "address": {"city": "Paris", "country": "FR"},
    },
    "billing_contact": {"name": "Accounts Payable", "email": "ap@globex.example"},
    "signature_date": "2025-12-20",
    "effective_date": "2025-12-20",
    "start_date": "2026-01-01",
    "end_date": "2027-12-31",
    "term_months": 24,
    "currency": "EUR",
    "payment_terms": {"net_days": 30, "description": "Net 30"},
    "billing": {"frequency": "annual", "timing": "advance"},
    "renewal": {"auto_renew": True, "renewal_term_months": 12, "uplift_cap_percent": "5"},
    "lines": [
        {
            "line_id": "L1",
            "sku": "PLAT-PRO",
            "description": "Platform Pro, per user per year",
            "billing_model": "subscription",
            "quantity": "10",
            "unit": "user",
            "unit_price": "1080.00",
            "list_price": "1200.00",
            "discount_percent": "10",
            "amount": "21600.00",
        },
        {
            "line_id": "L2",
            "sku": "ONB",
            "description": "Onboarding",
            "billing_model": "one_time",
            "quantity": "1",
            "unit_price": "2500.00",
            "amount": "2500.00",
        },
    ],
    "total_contract_value": "24100.00",
}

ENTITY = LegalEntity(
    code="ACME-DE",
    name="Acme Software GmbH",
    country="DE",
    currency="EUR",
    invoice_prefix="DE-INV",
    tax_id={"scheme": "vat", "value": "DE136695976"},  # type: ignore[arg-type]
)
CUSTOMER = Customer(
    code="globex",
    name="Globex SARL",
    addresses=[{"country": "FR", "city": "Paris"}],  # type: ignore[list-item]
    tax_ids=[{"scheme": "vat", "value": "FR40303265045"}],  # type: ignore[list-item]
    billing_contacts=[{"email": "ap@globex.example"}],  # type: ignore[list-item]
)


def data(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced (None removes the key)."""
    result = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def line(index: int, **changes: Any) -> list[dict[str, Any]]:
    """BASE's lines with line ``index`` changed (None removes the key)."""
    lines = copy.deepcopy(BASE["lines"])
    for key, value in changes.items():
        if value is None:
            lines[index].pop(key, None)
        else:
            lines[index][key] = value
    return lines


def terms(**changes: Any) -> ContractTerms:
    return parse_contract(data(**changes))


def context(
    contract: ContractTerms | None = None,
    *,
    policy: Policy | None = None,
    customer: Customer | None = CUSTOMER,
    entity: LegalEntity | None = ENTITY,
) -> RuleContext:
    return RuleContext(
        terms=contract if contract is not None else terms(),
        policy=policy or Policy(),
        today=TODAY,
        customer=customer,
        entity=entity,
    )


def check(rule_id: str, ctx: RuleContext) -> list[Finding]:
    """The findings of one rule, run through the engine."""
    return run_rules(ctx, [RULES[rule_id]])


def d(text: str) -> Decimal:
    return Decimal(text)
