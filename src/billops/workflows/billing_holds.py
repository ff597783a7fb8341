"""Held invoices as work-queue tasks: one per failed check, due by the route's SLA.

A draft that fails a pre-invoice check is held with one ``invoice_holds``
row per failed check (``workflows/billing.py``). Here those rows become
tasks on the work queue of the check's route (billing, finance, tax...),
beside the validation tasks of ``billops queue list``: each is due the
route's SLA hours after the hold was raised, the hours of the policy in
effect for the invoice's legal entity (``sla`` in the policy YAML, entity
overrides included). The due time is worked out when the queue is read,
so a changed SLA applies to the holds already open; a hold is never
stored with a due time that the policy no longer states.

    >>> from datetime import UTC, datetime, timedelta
    >>> raised = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    >>> task = HoldTask(1, 7, None, "NWDE", "CUST-1", "INV-PO-EXPIRED", "billing",
    ...                 "PO expired", raised, raised + timedelta(hours=24), "open")
    >>> task.overdue(raised + timedelta(hours=25)), task.reference
    (True, '#7')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from billops.adapters.storage.billing_store import BillingStore
from billops.adapters.storage.database import Database
from billops.domain.policy import Policy

__all__ = ["HoldTask", "hold_tasks"]

PolicyOf = Callable[[str | None], Policy]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class HoldTask:
    """One open (or closed) hold of a drafted invoice, as a task with a due time."""

    hold_id: int
    invoice_id: int
    number: str | None
    entity: str
    customer: str
    check_id: str
    route: str
    message: str
    created_at: datetime
    due_at: datetime
    status: str

    @property
    def reference(self) -> str:
        """How commands name the invoice: its number once issued, else ``#ID``."""
        return self.number or f"#{self.invoice_id}"

    def overdue(self, now: datetime) -> bool:
        """Still open after its due time."""
        return self.status == "open" and _utc(now) > self.due_at

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "hold_id": self.hold_id,
            "invoice": self.reference,
            "entity": self.entity,
            "customer": self.customer,
            "check_id": self.check_id,
            "route": self.route,
            "message": self.message,
            "opened_at": self.created_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "overdue": self.overdue(now),
            "status": self.status,
        }


def hold_tasks(
    database: Database,
    policy_of: PolicyOf,
    *,
    route: str | None = None,
    include_closed: bool = False,
) -> list[HoldTask]:
    """The holds of held drafts as tasks, soonest due first (``route``: one queue only)."""
    policies: dict[str, Policy] = {}
    tasks: list[HoldTask] = []
    with database.transaction() as session:
        store = BillingStore(session, "reader")
        held_only = None if include_closed else "held"
        invoices = {row.id: row for row in store.rows(status=held_only)}
        for hold in store.holds(status=None if include_closed else "open"):
            invoice = invoices.get(hold.invoice_id)
            if invoice is None or (route is not None and hold.route != route):
                continue
            policy = policies.get(invoice.entity_code)
            if policy is None:
                policy = policies[invoice.entity_code] = policy_of(invoice.entity_code)
            created = _utc(hold.created_at)
            tasks.append(
                HoldTask(
                    hold_id=hold.id,
                    invoice_id=invoice.id,
                    number=invoice.number,
                    entity=invoice.entity_code,
                    customer=invoice.customer_code,
                    check_id=hold.check_id,
                    route=hold.route,
                    message=hold.message,
                    created_at=created,
                    due_at=created + timedelta(hours=policy.sla_hours(hold.route)),
                    status=hold.status,
                )
            )
    return sorted(tasks, key=lambda t: (t.due_at, t.invoice_id, t.check_id))
