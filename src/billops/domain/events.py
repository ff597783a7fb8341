"""Events: what happened under a contract that makes something billable.

A contract says what *may* be billed; events say what *has become*
billable. Delivery systems send them: a PSA sends approved time, the
customer's sign-off makes a milestone accepted, the warehouse ships
hardware, provisioning brings a tenant live, metering reports usage, and
consultants file expenses. Each event carries an ``idempotency_key`` set by
the system that sent it, so the same event sent twice is recorded once.

    >>> entry = TimeEntry(idempotency_key="TE-1", contract_id="C-1", line_id="L1",
    ...                   person="Ada", role="Senior Consultant",
    ...                   work_date=date(2026, 8, 3), hours=Decimal("6.5"), approved=True)
    >>> entry.kind, entry.occurred_on
    ('time_entry', datetime.date(2026, 8, 3))
    >>> TimeEntry(idempotency_key="TE-2", contract_id="C-1", line_id="L1", person="Ada",
    ...           role="Consultant", work_date=date(2026, 8, 3), hours=Decimal("-1"),
    ...           approved=True)
    Traceback (most recent call last):
    ...
    billops.errors.InvalidInput: hours: hours must not be negative (got '-1')

The domain only holds the values; reading them from CSV files and the CLI,
and storing each once, are ``adapters/event_files.py`` and
``workflows/events.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from billops.errors import InvalidInput

__all__ = [
    "AcceptanceStatus",
    "Event",
    "Events",
    "ExpenseEntry",
    "MilestoneAcceptance",
    "Provisioning",
    "ProvisioningKind",
    "Shipment",
    "TimeEntry",
    "UsageRecord",
]

# The most of anything one event can carry: far above any real delivery,
# low enough that a slipped decimal point ("6500000" hours) is refused.
MAX_QUANTITY = Decimal("1e15")


def _check_quantity(value: Decimal, name: str, *, positive: bool = False) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{name} must be a finite decimal number", field=name, value=str(value))
    if value < 0 or (positive and value == 0):
        word = "positive" if positive else "negative"
        message = f"{name} must be {word}" if positive else f"{name} must not be {word}"
        raise InvalidInput(message, field=name, value=str(value))
    if value > MAX_QUANTITY:
        raise InvalidInput(
            f"{name} is too large (at most {MAX_QUANTITY:,f})", field=name, value=str(value)
        )


def _check_text(value: str, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{name} must not be empty", field=name, value=repr(value))


@dataclass(frozen=True, slots=True)
class _EventBase:
    idempotency_key: str
    contract_id: str

    kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        _check_text(self.idempotency_key, "idempotency_key")
        _check_text(self.contract_id, "contract_id")

    @property
    def occurred_on(self) -> date:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class TimeEntry(_EventBase):
    """Hours worked in a role on a day (time and materials). Only approved, billable time bills."""

    line_id: str
    person: str
    role: str
    work_date: date
    hours: Decimal
    approved: bool
    billable: bool = True
    description: str = ""

    kind: ClassVar[str] = "time_entry"

    def __post_init__(self) -> None:
        _EventBase.__post_init__(self)
        _check_text(self.role, "role")
        _check_quantity(self.hours, "hours")
        if self.hours > 24:
            raise InvalidInput(
                "hours must be at most 24 for one day", field="hours", value=str(self.hours)
            )

    @property
    def occurred_on(self) -> date:
        return self.work_date


class AcceptanceStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class MilestoneAcceptance(_EventBase):
    """The customer's decision on a deliverable; only ``accepted`` makes a milestone billable."""

    milestone_id: str
    status: AcceptanceStatus
    decided_on: date
    decided_by: str = ""
    comment: str = ""

    kind: ClassVar[str] = "milestone_acceptance"

    def __post_init__(self) -> None:
        _EventBase.__post_init__(self)
        _check_text(self.milestone_id, "milestone_id")
        object.__setattr__(self, "status", AcceptanceStatus(self.status))

    @property
    def occurred_on(self) -> date:
        return self.decided_on


@dataclass(frozen=True, slots=True)
class Shipment(_EventBase):
    """Hardware that left the warehouse: bills the shipped quantity of the line."""

    line_id: str
    sku: str
    quantity: Decimal
    ship_date: date
    serial_numbers: tuple[str, ...] = ()
    tracking_number: str = ""

    kind: ClassVar[str] = "shipment"

    def __post_init__(self) -> None:
        _EventBase.__post_init__(self)
        _check_quantity(self.quantity, "quantity", positive=True)

    @property
    def occurred_on(self) -> date:
        return self.ship_date


class ProvisioningKind(StrEnum):
    TENANT_LIVE = "tenant_live"
    SEATS_ADDED = "seats_added"


@dataclass(frozen=True, slots=True)
class Provisioning(_EventBase):
    """A subscription's tenant went live (a go-live trigger) or seats were added."""

    line_id: str
    event: ProvisioningKind
    occurred: date
    quantity: Decimal | None = None
    tenant_id: str = ""
    sku: str = ""

    kind: ClassVar[str] = "provisioning"

    def __post_init__(self) -> None:
        _EventBase.__post_init__(self)
        object.__setattr__(self, "event", ProvisioningKind(self.event))
        if self.quantity is not None:
            _check_quantity(self.quantity, "quantity")

    @property
    def occurred_on(self) -> date:
        return self.occurred


@dataclass(frozen=True, slots=True)
class UsageRecord(_EventBase):
    """Metered consumption of a usage line over a (closed) period, usually a calendar month."""

    line_id: str
    period_start: date
    period_end: date
    quantity: Decimal
    meter: str = ""
    unit: str = ""

    kind: ClassVar[str] = "usage"

    def __post_init__(self) -> None:
        _EventBase.__post_init__(self)
        _check_quantity(self.quantity, "quantity")
        if self.period_end < self.period_start:
            raise InvalidInput(
                f"the usage period ends on {self.period_end}, before it starts on "
                f"{self.period_start}",
                field="period_end",
                value=str(self.period_end),
            )

    @property
    def occurred_on(self) -> date:
        return self.period_end


@dataclass(frozen=True, slots=True)
class ExpenseEntry(_EventBase):
    """A re-billable expense (travel, lodging) at cost, in the contract's currency."""

    line_id: str
    incurred_on: date
    amount: Decimal
    category: str = ""
    approved: bool = True
    description: str = ""

    kind: ClassVar[str] = "expense"

    def __post_init__(self) -> None:
        _EventBase.__post_init__(self)
        _check_quantity(self.amount, "amount")

    @property
    def occurred_on(self) -> date:
        return self.incurred_on


Event = TimeEntry | MilestoneAcceptance | Shipment | Provisioning | UsageRecord | ExpenseEntry


@dataclass(frozen=True, slots=True)
class Events:
    """Every event known for one contract (or many), grouped by kind, each in arrival order."""

    time_entries: tuple[TimeEntry, ...] = ()
    milestone_acceptances: tuple[MilestoneAcceptance, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    provisioning: tuple[Provisioning, ...] = ()
    usage: tuple[UsageRecord, ...] = ()
    expenses: tuple[ExpenseEntry, ...] = ()

    @classmethod
    def of(cls, events: Iterable[Event]) -> Events:
        """Group a mixed sequence of events by kind.

        >>> Events.of([]).count
        0
        """
        items = tuple(events)
        return cls(
            time_entries=tuple(e for e in items if isinstance(e, TimeEntry)),
            milestone_acceptances=tuple(e for e in items if isinstance(e, MilestoneAcceptance)),
            shipments=tuple(e for e in items if isinstance(e, Shipment)),
            provisioning=tuple(e for e in items if isinstance(e, Provisioning)),
            usage=tuple(e for e in items if isinstance(e, UsageRecord)),
            expenses=tuple(e for e in items if isinstance(e, ExpenseEntry)),
        )

    def for_contract(self, contract_id: str) -> Events:
        """Only the events of one contract."""
        return Events.of(e for e in self.all() if e.contract_id == contract_id)

    def all(self) -> tuple[Event, ...]:
        return (
            *self.time_entries,
            *self.milestone_acceptances,
            *self.shipments,
            *self.provisioning,
            *self.usage,
            *self.expenses,
        )

    @property
    def count(self) -> int:
        return len(self.all())
