"""Milestone stories: acceptance makes a deliverable billable; the latest decision wins."""

from __future__ import annotations

from datetime import date
from typing import Any

from billops.domain.events import AcceptanceStatus, Events, MilestoneAcceptance
from billops.domain.schedules import ItemStatus, Trigger, build_schedule
from tests.schedules.stories import contract, rows, rule_ids

D = date  # dates in stories read short: D(2026, 3, 1)


def deliverables_sow(**fields: Any) -> Any:
    return contract(
        {"billing_model": "milestone", "amount": "50000.00"},
        document_type="sow",
        milestones=[
            {
                "milestone_id": "M1",
                "name": "Design sign-off",
                "amount": "10000.00",
                "line_id": "L1",
            },
            {"milestone_id": "M2", "name": "UAT sign-off", "amount": "25000.00", "line_id": "L1"},
            {"milestone_id": "M3", "name": "Go-live", "percent": 30, "line_id": "L1"},
        ],
        **fields,
    )


def decision(key: str, milestone: str, status: str, on: D) -> MilestoneAcceptance:
    return MilestoneAcceptance(
        idempotency_key=key,
        contract_id="C-1",
        milestone_id=milestone,
        status=AcceptanceStatus(status),
        decided_on=on,
        decided_by="Grace",
    )


def test_nothing_accepted_everything_waits() -> None:
    # M3 is 30 % of the line's 50,000.00 = 15,000.00.
    assert rows(build_schedule(deliverables_sow(), as_of=D(2026, 5, 1))) == [
        ("L1:M1", "10000.00", None, "waiting"),
        ("L1:M2", "25000.00", None, "waiting"),
        ("L1:M3", "15000.00", None, "waiting"),
    ]


def test_acceptance_makes_the_milestone_billable_on_the_day_of_the_decision() -> None:
    events = Events.of([decision("MA-1", "M1", "accepted", D(2026, 3, 2))])
    schedule = build_schedule(deliverables_sow(), events, as_of=D(2026, 5, 1))
    first = schedule.items[0]
    assert (first.item_key, first.status, first.bill_date, first.trigger_ref) == (
        "L1:M1",
        ItemStatus.BILLABLE,
        D(2026, 3, 2),
        "MA-1",
    )
    assert first.trigger is Trigger.MILESTONE_ACCEPTED
    assert "accepted on 2026-03-02 by Grace" in first.explanation


def test_rejected_then_accepted_the_acceptance_wins() -> None:
    events = Events.of(
        [
            decision("MA-2", "M2", "accepted", D(2026, 4, 20)),
            decision("MA-1", "M2", "rejected", D(2026, 4, 2)),
        ]
    )
    item = build_schedule(deliverables_sow(), events, as_of=D(2026, 5, 1)).for_line("L1")[0]
    assert (item.item_key, item.status, item.bill_date) == (
        "L1:M2",
        ItemStatus.BILLABLE,
        D(2026, 4, 20),
    )


def test_accepted_then_rejected_stays_waiting() -> None:
    events = Events.of(
        [
            decision("MA-1", "M2", "accepted", D(2026, 4, 2)),
            decision("MA-2", "M2", "rejected", D(2026, 4, 20)),
        ]
    )
    schedule = build_schedule(deliverables_sow(), events, as_of=D(2026, 5, 1))
    m2 = next(i for i in schedule.items if i.item_key == "L1:M2")
    assert (m2.status, m2.bill_date) == (ItemStatus.WAITING, None)
    assert "rejected on 2026-04-20" in m2.explanation


def test_same_day_decisions_the_later_arrival_wins() -> None:
    events = Events.of(
        [
            decision("MA-1", "M1", "rejected", D(2026, 4, 2)),
            decision("MA-2", "M1", "accepted", D(2026, 4, 2)),
        ]
    )
    m1 = build_schedule(deliverables_sow(), events, as_of=D(2026, 5, 1)).items[0]
    assert (m1.status, m1.trigger_ref) == (ItemStatus.BILLABLE, "MA-2")


def test_acceptance_after_the_as_of_date_has_not_arrived() -> None:
    events = Events.of([decision("MA-1", "M1", "accepted", D(2026, 6, 2))])
    m1 = build_schedule(deliverables_sow(), events, as_of=D(2026, 5, 1)).items[0]
    assert (m1.item_key, m1.status, m1.bill_date) == ("L1:M1", ItemStatus.WAITING, None)


def test_acceptance_of_an_unknown_milestone_is_a_finding_not_a_crash() -> None:
    events = Events.of([decision("MA-9", "M9", "accepted", D(2026, 4, 2))])
    schedule = build_schedule(deliverables_sow(), events, as_of=D(2026, 5, 1))
    assert rule_ids(schedule) == ["SCHEDULE-UNKNOWN-MILESTONE"]
    assert "M9" in schedule.findings[0].message
    assert all(i.status is ItemStatus.WAITING for i in schedule.items)


def test_contract_level_milestone_is_a_percent_of_the_total_contract_value() -> None:
    terms = contract(
        document_type="sow",
        total_contract_value="90000.00",
        milestones=[{"milestone_id": "M1", "name": "Kick-off", "percent": 30}],
    )
    assert rows(build_schedule(terms, as_of=D(2026, 5, 1))) == [("M1", "27000.00", None, "waiting")]


def test_milestone_line_without_milestones_is_a_finding() -> None:
    terms = contract({"billing_model": "milestone", "amount": "1.00"}, document_type="sow")
    schedule = build_schedule(terms, as_of=D(2026, 5, 1))
    assert schedule.items == ()
    assert rule_ids(schedule) == ["SCHEDULE-MILESTONE-LINE-WITHOUT-MILESTONES"]


def test_milestone_due_on_a_date_without_acceptance() -> None:
    terms = contract(
        {"billing_model": "milestone", "amount": "800.00"},
        document_type="sow",
        milestones=[
            {
                "milestone_id": "M1",
                "name": "Kick-off",
                "amount": "800.00",
                "due_date": "2026-04-01",
                "acceptance_required": False,
                "line_id": "L1",
            }
        ],
    )
    assert rows(build_schedule(terms, as_of=D(2026, 5, 1))) == [
        ("L1:M1", "800.00", D(2026, 4, 1), "billable")
    ]
