"""Maintenance (yearly, a percent of a line or its own price) and expenses (at cost, capped)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.events import Events, ExpenseEntry
from billops.domain.schedules import ItemKind, ItemStatus, Trigger, build_schedule, renewal_schedule
from tests.schedules.stories import contract, rows, rule_ids

D = date  # dates in stories read short: D(2026, 3, 1)

APPLIANCE = {
    "billing_model": "hardware",
    "quantity": 2,
    "unit_price": "26600.00",
    "amount": "53200.00",
}


def test_maintenance_is_a_percent_of_the_appliance_each_year_in_advance() -> None:
    # The demo's NWUS-OF-000107: 22 % of 53,200.00 = 11,704.00 a year for three years.
    terms = contract(
        APPLIANCE,
        {
            "billing_model": "maintenance",
            "percent_of_line": "L1",
            "percent": 22,
            "amount": "35112.00",
        },
        start_date="2026-02-01",
        end_date="2029-01-31",
        billing={"frequency": "monthly"},  # the contract default does not apply to maintenance
    )
    schedule = build_schedule(terms, as_of=D(2027, 2, 1))
    assert [r for r in rows(schedule) if r[0].startswith("L2")] == [
        ("L2:2026-02-01", "11704.00", D(2026, 2, 1), "billable"),
        ("L2:2027-02-01", "11704.00", D(2027, 2, 1), "billable"),
        ("L2:2028-02-01", "11704.00", D(2028, 2, 1), "scheduled"),
    ]


def test_maintenance_at_its_own_price_with_a_partial_last_year() -> None:
    # 1,000.00 a year from 2026-02-01 to 2027-07-31: the second year
    # 2027-02-01..2028-01-31 has 365 days, 181 of them used: 1,000 x 181/365 = 495.89.
    terms = contract(
        {
            "billing_model": "maintenance",
            "quantity": 1,
            "unit_price": "1000.00",
            "service_start": "2026-02-01",
            "service_end": "2027-07-31",
        },
    )
    assert rows(build_schedule(terms, as_of=D(2026, 1, 1))) == [
        ("L1:2026-02-01", "1000.00", D(2026, 2, 1), "scheduled"),
        ("L1:2027-02-01", "495.89", D(2027, 2, 1), "scheduled"),
    ]


def test_maintenance_of_a_line_without_a_price_is_a_finding() -> None:
    terms = contract(
        {"billing_model": "hardware", "quantity": 1},
        {"billing_model": "maintenance", "percent_of_line": "L1", "percent": 18},
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    assert "SCHEDULE-MAINTENANCE-NO-BASE" in rule_ids(build_schedule(terms, as_of=D(2026, 1, 1)))


def expense(key: str, on: D, amount: str, *, approved: bool = True) -> ExpenseEntry:
    return ExpenseEntry(
        idempotency_key=key,
        contract_id="C-1",
        line_id="L1",
        incurred_on=on,
        amount=Decimal(amount),
        approved=approved,
    )


def test_expenses_monthly_in_arrears_with_the_policy_mark_up() -> None:
    terms = contract(
        {"billing_model": "expenses"},
        document_type="sow",
        expenses_policy={"billable": True, "markup_percent": 10},
    )
    events = Events.of(
        [
            expense("EX-1", D(2026, 6, 9), "400.00"),
            expense("EX-2", D(2026, 6, 20), "100.55"),
            expense("EX-3", D(2026, 6, 21), "80.00", approved=False),
        ]
    )
    schedule = build_schedule(terms, events, as_of=D(2026, 7, 1))
    # (400.00 + 100.55) x 1.10 = 550.605 -> 550.61.
    assert rows(schedule) == [("L1:2026-06", "550.61", D(2026, 7, 1), "billable")]
    assert schedule.items[0].trigger is Trigger.EXPENSE_APPROVED
    assert "80.00 not approved yet" in schedule.items[0].explanation


def test_expense_cap_holds_the_excess() -> None:
    terms = contract({"billing_model": "expenses", "expense_cap": "500.00"}, document_type="sow")
    events = Events.of(
        [expense("EX-1", D(2026, 6, 9), "300.00"), expense("EX-2", D(2026, 7, 9), "300.00")]
    )
    schedule = build_schedule(terms, events, as_of=D(2026, 8, 1))
    assert [
        (i.item_key, i.kind, format(i.amount.amount, "f"), i.status) for i in schedule.items
    ] == [
        ("L1:2026-06", ItemKind.CHARGE, "300.00", ItemStatus.BILLABLE),
        ("L1:2026-07", ItemKind.CHARGE, "200.00", ItemStatus.BILLABLE),
        ("L1:2026-07:held", ItemKind.HELD_EXCESS, "100.00", ItemStatus.HELD),
    ]
    assert rule_ids(schedule) == ["SCHEDULE-EXPENSE-CAP-EXCEEDED"]


def test_policy_cap_applies_when_the_line_has_none() -> None:
    terms = contract(
        {"billing_model": "expenses"}, document_type="sow", expenses_policy={"cap": "250.00"}
    )
    schedule = build_schedule(
        terms, Events.of([expense("EX-1", D(2026, 6, 9), "300.00")]), as_of=D(2026, 8, 1)
    )
    assert schedule.total().amount == Decimal("250.00")


def test_expenses_not_billable_by_policy_bill_nothing() -> None:
    terms = contract(
        {"billing_model": "expenses"}, document_type="sow", expenses_policy={"billable": False}
    )
    schedule = build_schedule(
        terms, Events.of([expense("EX-1", D(2026, 6, 9), "300.00")]), as_of=D(2026, 8, 1)
    )
    assert schedule.items == ()
    assert rule_ids(schedule) == ["SCHEDULE-EXPENSES-NOT-BILLABLE"]


def test_maintenance_renews_at_its_price_plus_the_uplift() -> None:
    # 22 % of 53,200.00 = 11,704.00 a year; renewed with 5 %: 12,289.20. The appliance
    # itself does not renew.
    terms = contract(
        APPLIANCE,
        {"billing_model": "maintenance", "percent_of_line": "L1", "percent": 22},
        start_date="2026-02-01",
        end_date="2027-01-31",
        renewal={"renewal_term_months": 12},
    )
    schedule = renewal_schedule(terms, uplift_percent=Decimal(5), as_of=D(2027, 1, 1))
    assert rows(schedule) == [("L2:2027-02-01", "12289.20", D(2027, 2, 1), "scheduled")]
