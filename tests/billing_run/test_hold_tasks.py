"""Held invoices wait on their check's work queue, due by the SLA of the entity's policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from billops.adapters.storage.database import Database
from billops.domain.policy import Policy, SlaPolicy
from billops.workflows.billing import bill_run, release
from billops.workflows.billing_holds import hold_tasks

from .support import customer, order_form, store_contract, store_parties
from .test_holds import MARCH


def test_each_failed_check_is_a_task_due_after_its_routes_sla(db: Database) -> None:
    store_parties(db, customer(addresses=[]))
    store_contract(db, order_form())
    bill_run(db, as_of=MARCH, actor="ana")
    policy = Policy(sla=SlaPolicy(billing=6))
    (task,) = hold_tasks(db, lambda _entity: policy)
    assert (task.reference, task.check_id, task.route, task.status) == (
        "#1",
        "INV-CUSTOMER-ADDRESS",
        "billing",
        "open",
    )
    assert task.due_at - task.created_at == timedelta(hours=6)
    assert not task.overdue(task.created_at + timedelta(hours=6))
    assert task.overdue(task.created_at + timedelta(hours=6, seconds=1))


def test_the_policy_of_the_invoices_entity_sets_the_due_time(db: Database) -> None:
    store_parties(db, customer(addresses=[]))
    store_contract(db, order_form())
    bill_run(db, as_of=MARCH, actor="ana")
    asked: list[str | None] = []

    def policy_of(entity: str | None) -> Policy:
        asked.append(entity)
        return Policy(sla=SlaPolicy(billing=2 if entity == "NW-DE" else 100))

    (task,) = hold_tasks(db, policy_of)
    assert asked == ["NW-DE"]
    assert task.due_at - task.created_at == timedelta(hours=2)


def test_a_route_filter_and_a_released_hold_leave_the_queue(db: Database) -> None:
    store_parties(db, customer(addresses=[]))
    store_contract(db, order_form())
    bill_run(db, as_of=MARCH, actor="ana")
    policy = Policy()
    assert [t.route for t in hold_tasks(db, lambda _e: policy, route="billing")] == ["billing"]
    assert hold_tasks(db, lambda _e: policy, route="tax") == []
    release(db, "#1", actor="ben", override_reason="address confirmed by phone")
    assert hold_tasks(db, lambda _e: policy) == []
    (closed,) = hold_tasks(db, lambda _e: policy, include_closed=True)
    assert closed.status == "overridden"
    assert not closed.overdue(datetime.now(UTC) + timedelta(days=365))
