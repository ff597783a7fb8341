"""Fixed-fee stories: equal installments, a percent on signature and the rest on dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.schedules import ItemStatus, Trigger, build_schedule
from tests.schedules.stories import amounts, contract, rows, rule_ids, total

D = date  # dates in stories read short: D(2026, 3, 1)


def fee(**fields: object) -> dict[str, object]:
    return {"billing_model": "fixed_fee", "description": "Implementation", **fields}


def test_equal_quarterly_installments_in_arrears() -> None:
    terms = contract(
        fee(amount="10000.00", frequency="quarterly", timing="arrears"),
        document_type="sow",
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    assert rows(build_schedule(terms, as_of=D(2026, 7, 1))) == [
        ("L1:2026-01-01", "2500.00", D(2026, 4, 1), "billable"),
        ("L1:2026-04-01", "2500.00", D(2026, 7, 1), "billable"),
        ("L1:2026-07-01", "2500.00", D(2026, 10, 1), "scheduled"),
        ("L1:2026-10-01", "2500.00", D(2027, 1, 1), "scheduled"),
    ]


def test_equal_installments_never_lose_a_cent() -> None:
    terms = contract(
        fee(amount="100.00", frequency="monthly"),
        document_type="sow",
        start_date="2026-03-01",
        end_date="2026-05-31",
    )
    assert amounts(build_schedule(terms, as_of=D(2026, 3, 1)).items) == ["33.34", "33.33", "33.33"]


def test_jpy_installments() -> None:
    terms = contract(
        fee(amount="100", frequency="monthly"),
        currency="JPY",
        document_type="sow",
        start_date="2026-03-01",
        end_date="2026-05-31",
    )
    assert amounts(build_schedule(terms, as_of=D(2026, 3, 1)).items) == ["34", "33", "33"]


def test_percent_on_signature_and_the_rest_on_dates() -> None:
    # 40 % on signature, 30 % on 31 October, 30 % on 30 November of 24,750.00.
    terms = contract(
        fee(amount="24750.00"),
        document_type="sow",
        signature_date="2026-09-22",
        start_date="2026-10-01",
        end_date="2026-11-30",
        milestones=[
            {
                "milestone_id": "M1",
                "name": "On signature",
                "percent": 40,
                "acceptance_required": False,
                "line_id": "L1",
            },
            {
                "milestone_id": "M2",
                "name": "Second",
                "percent": 30,
                "due_date": "2026-10-31",
                "acceptance_required": False,
                "line_id": "L1",
            },
            {
                "milestone_id": "M3",
                "name": "Third",
                "percent": 30,
                "due_date": "2026-11-30",
                "acceptance_required": False,
                "line_id": "L1",
            },
        ],
    )
    schedule = build_schedule(terms, as_of=D(2026, 11, 23))
    assert rows(schedule) == [
        ("L1:M1", "9900.00", D(2026, 9, 22), "billable"),
        ("L1:M2", "7425.00", D(2026, 10, 31), "billable"),
        ("L1:M3", "7425.00", D(2026, 11, 30), "scheduled"),
    ]
    assert [i.trigger for i in schedule.items] == [Trigger.SIGNATURE, Trigger.DATE, Trigger.DATE]
    assert "40 % of 24,750.00" in schedule.items[0].explanation


def test_percent_installments_sum_to_the_fee_exactly() -> None:
    # 50 % + 50 % of 1,000.01: one cent cannot be halved; the first takes it.
    terms = contract(
        fee(amount="1000.01"),
        document_type="sow",
        signature_date="2026-01-05",
        milestones=[
            {
                "milestone_id": "M1",
                "name": "A",
                "percent": 50,
                "due_date": "2026-02-01",
                "acceptance_required": False,
                "line_id": "L1",
            },
            {
                "milestone_id": "M2",
                "name": "B",
                "percent": 50,
                "due_date": "2026-03-01",
                "acceptance_required": False,
                "line_id": "L1",
            },
        ],
    )
    assert amounts(build_schedule(terms, as_of=D(2026, 1, 5)).items) == ["500.01", "500.00"]


def test_installments_not_adding_up_to_the_fee_is_a_finding() -> None:
    terms = contract(
        fee(amount="1000.00"),
        document_type="sow",
        milestones=[
            {
                "milestone_id": "M1",
                "name": "A",
                "amount": "600.00",
                "due_date": "2026-02-01",
                "acceptance_required": False,
                "line_id": "L1",
            },
            {
                "milestone_id": "M2",
                "name": "B",
                "amount": "300.00",
                "due_date": "2026-03-01",
                "acceptance_required": False,
                "line_id": "L1",
            },
        ],
    )
    schedule = build_schedule(terms, as_of=D(2026, 1, 5))
    assert total(schedule.items) == Decimal("900.00")
    assert rule_ids(schedule) == ["SCHEDULE-INSTALLMENTS-NOT-FEE"]


def test_installment_needing_acceptance_waits_for_it() -> None:
    terms = contract(
        fee(amount="5000.00"),
        document_type="sow",
        milestones=[
            {"milestone_id": "M1", "name": "UAT sign-off", "percent": 100, "line_id": "L1"},
        ],
    )
    item = build_schedule(terms, as_of=D(2026, 1, 5)).items[0]
    assert (item.status, item.trigger, item.bill_date) == (
        ItemStatus.WAITING,
        Trigger.MILESTONE_ACCEPTED,
        None,
    )


def test_fee_without_frequency_is_due_on_signature() -> None:
    terms = contract(
        fee(quantity=2, unit_price="1250.50"),
        document_type="sow",
        signature_date="2026-06-30",
    )
    assert rows(build_schedule(terms, as_of=D(2026, 6, 1))) == [
        ("L1:signature", "2501.00", D(2026, 6, 30), "scheduled")
    ]


def test_fee_without_price_is_a_finding() -> None:
    schedule = build_schedule(contract(fee(), document_type="sow"), as_of=D(2026, 1, 1))
    assert schedule.items == ()
    assert rule_ids(schedule) == ["SCHEDULE-NO-PRICE"]
