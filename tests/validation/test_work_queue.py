"""Work-queue tasks: one per open finding, due after its route's SLA hours."""

from __future__ import annotations

from datetime import UTC, datetime

from billops.adapters.storage.database import Database
from billops.domain.policy import Policy
from billops.workflows.validation import list_tasks, validate_contract, waive_finding
from tests.validation.support import (
    CHECKER,
    TODAY,
    FixedClock,
    contract,
    save_contract,
    store_parties,
    with_line_amount,
)


def test_tasks_are_due_after_their_routes_sla_hours(db: Database) -> None:
    # Line amount wrong (billing, 24 h) and no entity on file (finance, 48 h).
    store_parties(db, entity=False)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    validate_contract(db, "OF-2026-001", actor=CHECKER, policy=Policy(), today=TODAY, clock=clock)
    tasks = list_tasks(db)
    assert [(t.route, t.rule_id, t.due_at) for t in tasks] == [
        ("billing", "ARITH-LINE-TOTAL", datetime(2026, 3, 3, 9, 30, tzinfo=UTC)),
        ("billing", "ARITH-TCV", datetime(2026, 3, 3, 9, 30, tzinfo=UTC)),
        ("finance", "REF-UNKNOWN-ENTITY", datetime(2026, 3, 4, 9, 30, tzinfo=UTC)),
    ]
    assert [t.route for t in list_tasks(db, route="finance")] == ["finance"]
    assert list_tasks(db, route="legal") == []


def test_the_policy_sets_the_sla_and_the_route(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    policy = Policy.from_mapping(
        {"sla": {"billing": 4, "deal_desk": 2}, "routes": {"ARITH-TCV": "deal_desk"}}
    )
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    validate_contract(db, "OF-2026-001", actor=CHECKER, policy=policy, today=TODAY, clock=clock)
    assert [(t.route, t.rule_id, t.due_at.hour) for t in list_tasks(db)] == [
        ("deal_desk", "ARITH-TCV", 11),
        ("billing", "ARITH-LINE-TOTAL", 13),
    ]


def test_a_task_is_overdue_after_its_due_time_while_open(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    validate_contract(db, "OF-2026-001", actor=CHECKER, policy=Policy(), today=TODAY, clock=clock)
    task = list_tasks(db)[0]
    assert task.overdue(datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) is False  # due exactly now
    assert task.overdue(datetime(2026, 3, 3, 9, 1, tzinfo=UTC)) is True
    assert task.as_dict(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))["overdue"] is True


def test_waiving_a_finding_closes_its_task(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock()
    validate_contract(db, "OF-2026-001", actor=CHECKER, policy=Policy(), today=TODAY, clock=clock)
    first = list_tasks(db)[0]
    clock.move(hours=3)
    waive_finding(db, first.finding_id, approver=CHECKER, reason="confirmed", clock=clock)
    assert first.finding_id not in {t.finding_id for t in list_tasks(db)}
    [done] = [t for t in list_tasks(db, include_done=True) if t.task_id == first.task_id]
    assert (done.status, done.closed_at) == ("done", clock.now)
    assert done.overdue(datetime(2030, 1, 1, tzinfo=UTC)) is False


def test_a_clean_contract_raises_no_task(db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    validate_contract(db, "OF-2026-001", actor=CHECKER, policy=Policy(), today=TODAY)
    assert list_tasks(db, include_done=True) == []
