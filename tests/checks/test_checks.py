"""Each pre-invoice check, one story each: the draft, what changed, the finding.

The drafts come from real runs (contract -> schedule -> draft); the
context then says what changed since (an approval revoked, a price
amended, an item billed by another run), and the check must see it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from billops.domain.billing import DraftResult
from billops.domain.checks import (
    CHECKS,
    CHECKS_BY_ID,
    BillingLedger,
    CheckContext,
    failed_check_ids,
    hold,
    run_checks,
)
from billops.domain.contract import ContractTerms
from billops.domain.events import AcceptanceStatus, Events, MilestoneAcceptance, TimeEntry
from billops.domain.findings import Severity
from billops.domain.invoices import Invoice, InvoiceStatus
from billops.domain.money import Money
from billops.domain.parties import TaxId
from billops.domain.schedules import build_schedule
from tests.billing.stories import CUSTOMERS, ENTITY, GLOBEX_DE, NO_EVENTS, bill, contract, seats

MONTHLY = {"frequency": "monthly", "timing": "advance", "alignment": "calendar"}
JANUARY = date(2026, 1, 1)


def seats_contract(**fields: object) -> ContractTerms:
    data: dict[str, object] = {
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "billing": MONTHLY,
        **fields,
    }
    return contract(seats(unit_price="30.00"), **data)


def context_of(
    result: DraftResult,
    terms: ContractTerms,
    schedule_events: Events = NO_EVENTS,
    **changes: object,
) -> CheckContext:
    """The context the run used (its schedule items rebuilt), with ``changes``."""
    as_of = result.invoices[0].issue_date
    items = build_schedule(terms, schedule_events, as_of=as_of).items
    data: dict[str, object] = {
        "as_of": as_of,
        "entity": ENTITY,
        "contracts": {terms.contract_id: terms},
        "customers": CUSTOMERS,
        "schedule_items": {(i.contract_id, i.item_key): i for i in items},
    }
    data.update(changes)
    return CheckContext(**data)  # type: ignore[arg-type]


def ids(invoice: Invoice, ctx: CheckContext) -> list[str]:
    return [f.rule_id for f in run_checks(invoice, ctx)]


def test_every_check_has_one_shape_and_a_unique_id() -> None:
    assert len(CHECKS_BY_ID) == len(CHECKS) == 18
    assert all(c.check_id.startswith("INV-") and c.title for c in CHECKS)
    assert set(CHECKS_BY_ID) >= {
        "INV-RATE", "INV-RATE-ZERO", "INV-TIME", "INV-NTE", "INV-PO-MISSING",
        "INV-PO-EXPIRED", "INV-PO-EXHAUSTED", "INV-MILESTONE", "INV-DUPLICATE",
        "INV-SCHEDULE", "INV-CUSTOMER-ADDRESS", "INV-CUSTOMER-TAX-ID",
        "INV-CUSTOMER-ENDPOINT", "INV-CURRENCY", "INV-PERIOD-CLOSED", "INV-NEGATIVE",
    }  # fmt: skip


def test_rate_changed_on_the_contract_after_the_schedule() -> None:
    terms = seats_contract()
    result = bill(terms, as_of=JANUARY)
    amended = contract(
        seats(unit_price="32.00"), start_date="2026-01-01", end_date="2026-12-31", billing=MONTHLY
    )
    ctx = context_of(result, terms, contracts={"C-1": amended})
    assert ids(result.invoices[0], ctx) == ["INV-RATE"]


def test_time_entry_approval_revoked_after_drafting() -> None:
    terms = contract(
        {"billing_model": "time_and_materials", "description": "Consulting"},
        document_type="sow",
        rate_card=[{"role": "Architect", "rate": "150.00"}],
    )
    te1 = TimeEntry("TE-1", "C-1", "L1", "Ada", "Architect", date(2026, 3, 3), Decimal(8), True)
    te2 = TimeEntry("TE-2", "C-1", "L1", "Ada", "Architect", date(2026, 3, 4), Decimal(4), True)
    events = Events.of([te1, te2])
    result = bill(terms, as_of=date(2026, 4, 1), events=events)
    assert result.invoices[0].status is InvoiceStatus.DRAFT
    revoked = Events.of([te1, dataclasses.replace(te2, approved=False)])
    ctx = context_of(result, terms, events, events=revoked)
    found = run_checks(result.invoices[0], ctx)
    assert [f.rule_id for f in found] == ["INV-TIME"]
    assert "TE-2 is not approved" in found[0].message


def test_not_to_exceed_with_what_was_already_billed() -> None:
    terms = contract(
        {"billing_model": "time_and_materials", "description": "Consulting"},
        document_type="sow",
        rate_card=[{"role": "Architect", "rate": "150.00"}],
        not_to_exceed="5000.00",
    )
    entry = TimeEntry("TE-1", "C-1", "L1", "Ada", "Architect", date(2026, 3, 3), Decimal(8), True)
    events = Events.of([entry])
    # 8 h x 150.00 = 1,200.00 on top of 4,000.00 billed = 5,200.00 > 5,000.00
    ledger = BillingLedger(capped_billed={"C-1": Money("4000.00", "EUR")})
    result = bill(terms, as_of=date(2026, 4, 1), events=events, ledger=ledger)
    assert result.invoices[0].holds == ("INV-NTE",)
    assert "over the not-to-exceed of 5000.00 EUR by 200.00 EUR" in result.findings[0].message


def test_po_required_by_the_customer_and_missing() -> None:
    strict = GLOBEX_DE.model_copy(update={"po_required": True})
    result = bill(seats_contract(), as_of=JANUARY, customers={**CUSTOMERS, "globex": strict})
    assert result.invoices[0].holds == ("INV-PO-MISSING",)


def test_po_on_invoice_without_a_po_number() -> None:
    result = bill(seats_contract(invoicing_provisions={"po_on_invoice": True}), as_of=JANUARY)
    assert result.invoices[0].holds == ("INV-PO-MISSING",)


def test_po_expired_before_the_invoice_date() -> None:
    terms = seats_contract(purchase_order={"number": "PO-1", "expires_on": "2026-01-31"})
    result = bill(terms, as_of=date(2026, 2, 1))
    assert result.invoices[0].holds == ("INV-PO-EXPIRED",)
    # January is covered; February (billed in advance on 02-01) is not.
    assert result.findings[0].message.startswith(
        "PO PO-1 (contract C-1) expired on 2026-01-31; line 2 (Workspace Pro"
    )
    assert "supplies until 2026-02-28" in result.findings[0].message


def test_the_final_arrears_invoice_after_the_po_ended_is_not_held() -> None:
    """The PO ends with the term; December in arrears is billed on 1 January, for December."""
    terms = seats_contract(
        purchase_order={"number": "PO-1", "expires_on": "2026-12-31"},
        billing={**MONTHLY, "timing": "arrears"},
    )
    result = bill(terms, as_of=date(2027, 1, 1))
    assert [line.service_period.end for line in result.invoices[0].lines][-1] == date(2026, 12, 31)
    assert result.invoices[0].holds == ()


def test_a_late_invoice_for_service_inside_the_po_is_not_held() -> None:
    """Catching up in July on January to March: all of it inside a PO that ended in March."""
    terms = seats_contract(
        purchase_order={"number": "PO-1", "expires_on": "2026-03-31"},
        end_date="2026-03-31",
    )
    result = bill(terms, as_of=date(2026, 7, 1))
    assert len(result.invoices[0].lines) == 3
    assert result.invoices[0].holds == ()


def test_milestone_rejected_after_the_schedule_was_built() -> None:
    terms = contract(
        {"billing_model": "milestone", "amount": "10000.00"},
        document_type="sow",
        milestones=[{"milestone_id": "M1", "name": "Design", "percent": 100, "line_id": "L1"}],
    )
    accepted = MilestoneAcceptance("MA-1", "C-1", "M1", AcceptanceStatus.ACCEPTED, date(2026, 3, 2))
    result = bill(terms, as_of=date(2026, 3, 31), events=Events.of([accepted]))
    rejected = MilestoneAcceptance(
        "MA-2", "C-1", "M1", AcceptanceStatus.REJECTED, date(2026, 3, 20)
    )
    ctx = context_of(result, terms, Events.of([accepted]), events=Events.of([accepted, rejected]))
    found = run_checks(result.invoices[0], ctx)
    assert [f.rule_id for f in found] == ["INV-MILESTONE"]
    assert "rejected on 2026-03-20" in found[0].message


def test_item_billed_by_another_run_meanwhile() -> None:
    terms = seats_contract()
    result = bill(terms, as_of=JANUARY)
    ctx = context_of(result, terms, already_billed=result.billed_keys)
    assert ids(result.invoices[0], ctx) == ["INV-DUPLICATE"]


def test_the_same_item_on_two_lines() -> None:
    terms = seats_contract()
    result = bill(terms, as_of=JANUARY)
    invoice = result.invoices[0]
    twice = dataclasses.replace(
        invoice, lines=(invoice.lines[0], dataclasses.replace(invoice.lines[0], line_no=2))
    )
    assert ids(twice, context_of(result, terms)) == ["INV-DUPLICATE"]


def test_amount_no_longer_agrees_with_the_schedule() -> None:
    terms = seats_contract()
    result = bill(terms, as_of=JANUARY)
    invoice = result.invoices[0]
    line = invoice.lines[0]
    edited = dataclasses.replace(
        invoice,
        lines=(
            dataclasses.replace(line, unit_price=Decimal(31), net_amount=Money("310.00", "EUR")),
        ),
    )
    found = run_checks(edited, context_of(result, terms))
    assert [f.rule_id for f in found] == ["INV-SCHEDULE"]
    assert "whose amount is 300.00 EUR" in found[0].message


def test_line_that_does_not_add_up() -> None:
    terms = seats_contract()
    result = bill(terms, as_of=JANUARY)
    invoice = result.invoices[0]
    line = invoice.lines[0]
    edited = dataclasses.replace(invoice, lines=(dataclasses.replace(line, quantity=Decimal(11)),))
    assert ids(edited, context_of(result, terms)) == ["INV-SCHEDULE"]


def test_einvoice_channel_without_an_endpoint() -> None:
    terms = seats_contract(invoicing_provisions={"delivery_channel": "einvoice"})
    result = bill(terms, as_of=JANUARY)
    assert result.invoices[0].holds == ("INV-CUSTOMER-ENDPOINT",)
    with_endpoint = GLOBEX_DE.model_copy(update={"einvoice_endpoint": "9930:DE136695976"})
    again = bill(terms, as_of=JANUARY, customers={**CUSTOMERS, "globex": with_endpoint})
    assert again.invoices[0].holds == ()


def test_customer_vat_id_with_a_wrong_check_digit() -> None:
    typo = GLOBEX_DE.model_copy(update={"tax_ids": (TaxId(scheme="vat", value="DE136695978"),)})
    result = bill(seats_contract(), as_of=JANUARY, customers={**CUSTOMERS, "globex": typo})
    assert result.invoices[0].holds == ("INV-CUSTOMER-TAX-ID",)


def test_reverse_charge_line_without_a_buyer_vat_id() -> None:
    terms = seats_contract(customer_code="fromage")
    result = bill(terms, as_of=JANUARY)
    no_vat = CUSTOMERS["fromage"].model_copy(update={"tax_ids": ()})
    ctx = context_of(result, terms, customers={**CUSTOMERS, "fromage": no_vat})
    found = run_checks(result.invoices[0], ctx)
    assert [(f.rule_id, f.severity) for f in found] == [
        ("INV-CUSTOMER-TAX-ID", Severity.ERROR),
        ("INV-CUSTOMER-TAX-ID", Severity.ERROR),
    ]


def test_eu_business_in_another_member_state_without_a_vat_id_is_held() -> None:
    # without a VAT id there is no reverse charge: FR VAT (20 %, a digital service to a
    # consumer) would be charged; the tax team confirms before it is.
    no_vat = CUSTOMERS["fromage"].model_copy(update={"tax_ids": ()})
    result = bill(
        seats_contract(customer_code="fromage"),
        as_of=JANUARY,
        customers={**CUSTOMERS, "fromage": no_vat},
    )
    invoice = result.invoices[0]
    assert (invoice.lines[0].tax.rate, invoice.holds) == (Decimal(20), ("INV-CUSTOMER-TAX-ID",))
    assert result.findings[0].route == "tax"


def test_hold_lists_each_failed_check_once_sorted() -> None:
    terms = seats_contract()
    result = bill(terms, as_of=JANUARY)
    invoice = result.invoices[0]
    ctx = context_of(
        result,
        terms,
        already_billed=result.billed_keys,
        ledger=BillingLedger(closed_through=JANUARY),
    )
    found = run_checks(invoice, ctx)
    held = hold(invoice, found)
    assert held.status is InvoiceStatus.HELD
    assert held.holds == failed_check_ids(found) == ("INV-DUPLICATE", "INV-PERIOD-CLOSED")
    assert hold(held, ()).status is InvoiceStatus.DRAFT
