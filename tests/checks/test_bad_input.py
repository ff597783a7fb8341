"""The issue's bad inputs: each becomes a hold with the named check id, never a wrong invoice.

A customer with no address, a rate of zero, a negative invoice total, a
currency mismatch, a PO exhausted, a run date in a closed period.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from billops.domain.billing import DraftResult, draft_invoices
from billops.domain.checks import BillingLedger, CheckContext, hold, run_checks
from billops.domain.contract import ContractTerms
from billops.domain.invoices import InvoiceStatus
from billops.domain.money import Money
from billops.domain.parties import Customer
from tests.billing.stories import (
    CUSTOMERS,
    ENTITY,
    GLOBEX_DE,
    bill,
    contract,
    schedule_items,
    seats,
    tax_rules,
)

JANUARY = date(2026, 1, 1)
MONTHLY = {"frequency": "monthly", "timing": "advance", "alignment": "calendar"}


def seats_contract(price: str = "30.00", **fields: object) -> ContractTerms:
    return contract(
        seats(unit_price=price),
        start_date="2026-01-01",
        end_date="2026-12-31",
        billing=MONTHLY,
        **fields,
    )


def held_ids(result: DraftResult) -> tuple[str, ...]:
    (invoice,) = result.invoices
    assert invoice.status is InvoiceStatus.HELD
    return tuple(invoice.holds)


def test_customer_without_an_address_is_held() -> None:
    homeless = Customer(**{**GLOBEX_DE.model_dump(), "addresses": ()})
    result = bill(seats_contract(), as_of=JANUARY, customers={**CUSTOMERS, "globex": homeless})
    assert held_ids(result) == ("INV-CUSTOMER-ADDRESS",)
    assert "unknown" in result.drafts[0].tax_explanations[0]


def test_customer_address_without_street_is_held() -> None:
    bare = GLOBEX_DE.model_copy(update={"addresses": (GLOBEX_DE.addresses[0].model_copy(
        update={"line1": None}),)})  # fmt: skip
    result = bill(seats_contract(), as_of=JANUARY, customers={**CUSTOMERS, "globex": bare})
    assert held_ids(result) == ("INV-CUSTOMER-ADDRESS",)


def test_rate_of_zero_is_held() -> None:
    result = bill(seats_contract(price="0.00"), as_of=JANUARY)
    assert held_ids(result) == ("INV-RATE-ZERO",)


def test_negative_total_is_never_an_invoice() -> None:
    # drafted from the schedule, a net-negative group is a credit proposal (see
    # tests/billing); an invoice that reaches a negative total another way is held.
    (invoice,) = bill(seats_contract(), as_of=JANUARY).invoices
    line = invoice.lines[0]
    negative = dataclasses.replace(
        invoice,
        lines=(dataclasses.replace(line, quantity=-line.quantity, net_amount=-line.net_amount),),
    )
    found = run_checks(negative, _context(seats_contract()))
    assert "INV-NEGATIVE" in hold(negative, found).holds


def test_currency_mismatch_is_held() -> None:
    # the schedule was built from a USD version; the contract is now in EUR
    usd = seats_contract(currency="USD")
    eur = seats_contract()
    result = draft_invoices(
        schedule_items([usd], JANUARY),
        {"C-1": eur},
        ENTITY,
        CUSTOMERS,
        as_of=JANUARY,
        already_billed=frozenset(),
        tax_rules=tax_rules(),
    )
    assert held_ids(result) == ("INV-CURRENCY",)


def test_purchase_order_exhausted_is_held() -> None:
    terms = seats_contract(purchase_order={"number": "PO-7", "amount": "1000.00"})
    ledger = BillingLedger(po_billed={"PO-7": Money("800.00", "EUR")})
    result = bill(terms, as_of=JANUARY, ledger=ledger)
    assert held_ids(result) == ("INV-PO-EXHAUSTED",)
    finding = next(f for f in result.findings if f.rule_id == "INV-PO-EXHAUSTED")
    assert "200.00 EUR remains" in finding.message


def test_run_date_in_a_closed_period_is_held() -> None:
    ledger = BillingLedger(closed_through=date(2026, 1, 31))
    result = bill(seats_contract(), as_of=date(2026, 1, 15), ledger=ledger)
    assert held_ids(result) == ("INV-PERIOD-CLOSED",)
    assert result.findings[0].route == "finance"


def test_a_clean_draft_is_not_held_and_warnings_do_not_hold() -> None:
    no_contact = GLOBEX_DE.model_copy(update={"billing_contacts": ()})
    result = bill(seats_contract(), as_of=JANUARY, customers={**CUSTOMERS, "globex": no_contact})
    (invoice,) = result.invoices
    assert (invoice.status, invoice.holds) == (InvoiceStatus.DRAFT, ())
    assert [f.rule_id for f in result.findings] == ["INV-CUSTOMER-CONTACT"]


def _context(terms: ContractTerms, **fields: object) -> CheckContext:
    items = schedule_items([terms], JANUARY)
    data: dict[str, object] = {
        "as_of": JANUARY,
        "entity": ENTITY,
        "contracts": {"C-1": terms},
        "customers": CUSTOMERS,
        "schedule_items": {(i.contract_id, i.item_key): i for i in items},
    }
    data.update(fields)
    return CheckContext(**data)  # type: ignore[arg-type]
