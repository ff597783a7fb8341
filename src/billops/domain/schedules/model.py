"""The billing schedule: every amount a contract will invoice, when, and why.

A schedule item is one future invoice line: the contract line it bills, the
service period it covers, its amount, and what makes it billable (its
trigger): a date for subscriptions and installments, an event for
milestones, shipments, go-lives, approved time, reported usage and
expenses. Its ``explanation`` is the arithmetic in words, so an analyst can
check any amount without a spreadsheet.

    >>> item = ScheduleItem(
    ...     contract_id="C-1", line_id="L1", item_key="L1:2026-01-01",
    ...     billing_model=BillingModel.SUBSCRIPTION, kind=ItemKind.CHARGE,
    ...     amount=Money("4500.00", "USD"), quantity=Decimal(100), unit_price=Decimal(45),
    ...     service_period=Period(date(2026, 1, 1), date(2026, 1, 31)),
    ...     bill_date=date(2026, 1, 1), trigger=Trigger.DATE, trigger_ref=None,
    ...     status=ItemStatus.BILLABLE, explanation="100 seats x 45.00 x 31/31 days")
    >>> str(item.amount), item.status.value
    ('4500.00 USD', 'billable')

``item_key`` is the item's identity across runs: the same terms and events
always give the same keys, so storing a schedule twice changes nothing and
the billing run's unique key per (contract, item) makes a double bill
impossible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billops.domain.calendar import Period
from billops.domain.contract import BillingModel
from billops.domain.findings import Finding
from billops.domain.money import Money

__all__ = ["ItemKind", "ItemStatus", "Schedule", "ScheduleItem", "Trigger"]


class Trigger(StrEnum):
    """What makes a schedule item billable."""

    DATE = "date"  # its bill date is reached: subscriptions, installments, maintenance
    SIGNATURE = "signature"  # one-time fees due on signature
    GO_LIVE = "go_live"  # the line's tenant went live (provisioning event)
    MILESTONE_ACCEPTED = "milestone_accepted"
    SHIPMENT = "shipment"
    TIME_APPROVED = "time_approved"
    USAGE_REPORTED = "usage_reported"
    EXPENSE_APPROVED = "expense_approved"


class ItemStatus(StrEnum):
    """Where a schedule item stands on the as-of date."""

    SCHEDULED = "scheduled"  # its date trigger lies after the as-of date
    BILLABLE = "billable"  # its trigger is met on or before the as-of date
    WAITING = "waiting"  # it waits for an event that has not arrived
    HELD = "held"  # it would pass a cap (not-to-exceed, expense cap): not billed, reported


class ItemKind(StrEnum):
    CHARGE = "charge"
    PRORATION_CREDIT = "proration_credit"  # an amendment takes back days already billed
    PRORATION_CHARGE = "proration_charge"  # an amendment bills days already billed at a new price
    TRUE_UP = "true_up"  # usage minimum commitment topped up at period end
    HELD_EXCESS = "held_excess"  # the part above a cap, kept for the record


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    """One amount the contract will invoice (see the module docstring)."""

    contract_id: str
    line_id: str
    item_key: str
    billing_model: BillingModel
    kind: ItemKind
    amount: Money
    quantity: Decimal | None
    unit_price: Decimal | None
    service_period: Period | None
    bill_date: date | None
    trigger: Trigger
    trigger_ref: str | None
    status: ItemStatus
    explanation: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """A contract version's billing schedule and what its generators found on the way."""

    contract_id: str
    version: int
    currency: str
    items: tuple[ScheduleItem, ...]
    findings: tuple[Finding, ...] = ()

    def for_line(self, line_id: str) -> tuple[ScheduleItem, ...]:
        return tuple(item for item in self.items if item.line_id == line_id)

    def total(self) -> Money:
        """The sum of every item that will be invoiced (held excess excluded)."""
        total = Money.zero(self.currency)
        for item in self.items:
            if item.kind is not ItemKind.HELD_EXCESS:
                total = total + item.amount
        return total
