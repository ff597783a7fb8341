"""What every billing-model generator shares: the inputs, the status rule, item making.

Each generator module (``subscription``, ``fixed_fee``, ...) has the same
shape, like the members of a python-stdnum family: a ``BILLING_MODELS``
tuple naming the models it serves and ``generate(lines, ctx)`` returning a
``Generated`` (items and findings). ``ctx`` is a ``ScheduleContext``: the
contract, its events, the as-of date and the rounding and day-count
policies, with the small look-ups every generator needs.

The status rule, the same for every model: a date-triggered item is
*billable* once its bill date is on or before the as-of date and
*scheduled* before; an event-triggered item is *waiting* (no bill date)
until its event has arrived, then it is dated by the event.

    >>> status_on(date(2026, 1, 1), date(2026, 1, 1)).value
    'billable'
    >>> status_on(date(2026, 2, 1), date(2026, 1, 31)).value
    'scheduled'
    >>> status_on(None, date(2026, 1, 31)).value
    'waiting'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from billops.domain.calendar import DayCount, Period, add_months
from billops.domain.contract import (
    Alignment,
    BillingModel,
    ContractLine,
    ContractTerms,
    Frequency,
    Timing,
)
from billops.domain.events import Events
from billops.domain.findings import Finding, Route, Severity
from billops.domain.money import Money, RoundingMode, allocate
from billops.domain.schedules.model import ItemKind, ItemStatus, ScheduleItem, Trigger

ONE_DAY = timedelta(days=1)

__all__ = [
    "ONE_DAY",
    "Generated",
    "ScheduleContext",
    "allocate_by_fractions",
    "exact_money",
    "finding",
    "money_text",
    "number_text",
    "status_on",
]


@dataclass(frozen=True, slots=True)
class ScheduleContext:
    """Everything a generator reads besides the lines it bills."""

    terms: ContractTerms
    events: Events
    as_of: date
    rounding: RoundingMode = RoundingMode.HALF_UP
    day_count: DayCount = DayCount.ACTUAL_ACTUAL
    anchor: date | None = None
    """Anniversary anchor of recurring lines; the contract's start date when None."""

    @property
    def contract_id(self) -> str:
        return self.terms.contract_id

    @property
    def currency(self) -> str:
        return self.terms.currency

    def line(self, line_id: str) -> ContractLine | None:
        return next((line for line in self.terms.lines if line.line_id == line_id), None)

    def service_period(self, line: ContractLine) -> Period | None:
        """The line's service range: its own dates, else the contract's term."""
        start = line.service_start or self.terms.start_date
        end = line.service_end or self.terms.end_date
        if start is not None and end is None and self.terms.term_months is not None:
            end = add_months(start, self.terms.term_months) - ONE_DAY
        if start is None or end is None or end < start:
            return None
        return Period(start, end)

    def frequency(self, line: ContractLine, default: Frequency = Frequency.MONTHLY) -> Frequency:
        if line.frequency is not None:
            return line.frequency
        if self.terms.billing is not None:
            return self.terms.billing.frequency
        return default

    def timing(self, line: ContractLine, default: Timing = Timing.ADVANCE) -> Timing:
        if line.timing is not None:
            return line.timing
        if self.terms.billing is not None:
            return self.terms.billing.timing
        return default

    def alignment(self) -> Alignment:
        if self.terms.billing is not None:
            return self.terms.billing.alignment
        return Alignment.ANNIVERSARY

    def item(
        self,
        line_id: str,
        item_key: str,
        billing_model: BillingModel,
        amount: Money,
        *,
        trigger: Trigger,
        bill_date: date | None,
        explanation: str,
        kind: ItemKind = ItemKind.CHARGE,
        quantity: Decimal | None = None,
        unit_price: Decimal | None = None,
        service_period: Period | None = None,
        trigger_ref: str | None = None,
        status: ItemStatus | None = None,
    ) -> ScheduleItem:
        """A schedule item of this contract; the status follows from the bill date."""
        return ScheduleItem(
            contract_id=self.contract_id,
            line_id=line_id,
            item_key=item_key,
            billing_model=billing_model,
            kind=kind,
            amount=amount,
            quantity=quantity,
            unit_price=unit_price,
            service_period=service_period,
            bill_date=bill_date,
            trigger=trigger,
            trigger_ref=trigger_ref,
            status=status if status is not None else status_on(bill_date, self.as_of),
            explanation=explanation,
        )

    def round(self, value: Decimal | Fraction) -> Money:
        """``value`` in the contract currency, rounded once with the contract's rounding."""
        return exact_money(value, self.currency).round(self.rounding)


@dataclass(frozen=True, slots=True)
class Generated:
    """What a generator returns: its items and what it found on the way."""

    items: tuple[ScheduleItem, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    def __add__(self, other: Generated) -> Generated:
        return Generated(self.items + other.items, self.findings + other.findings)


def status_on(bill_date: date | None, as_of: date) -> ItemStatus:
    """Billable when the bill date has come, scheduled before it, waiting without one."""
    if bill_date is None:
        return ItemStatus.WAITING
    return ItemStatus.BILLABLE if bill_date <= as_of else ItemStatus.SCHEDULED


def exact_money(value: Decimal | Fraction | int, currency: str) -> Money:
    """Unrounded money from an exact value (a fraction goes through 28+ digits of Decimal)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return Money(Decimal(value.numerator), currency)
        return Money(Decimal(value.numerator) / Decimal(value.denominator), currency)
    return Money(Decimal(value), currency)


def allocate_by_fractions(money: Money, weights: Sequence[Fraction]) -> list[Money]:
    """``money.allocate`` with exact fractional weights (scaled to integers first).

    >>> [str(m) for m in allocate_by_fractions(Money("100.00", "USD"),
    ...                                         [Fraction(17, 31), Fraction(1)])]
    ['35.42 USD', '64.58 USD']
    """
    if not any(weights):
        weights = [Fraction(1)] * len(weights)
    common = math.lcm(*(w.denominator for w in weights))
    return allocate(money, [int(w * common) for w in weights])


def number_text(value: Decimal | Fraction | int) -> str:
    """A quantity or price as a person writes it: ``12.5``, ``1,200.00`` kept as given."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return f"{value.numerator:,}"
        return f"{value.numerator}/{value.denominator}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,f}"


def money_text(money: Money) -> str:
    return f"{money.amount:,f} {money.currency}"


def finding(
    rule_id: str,
    message: str,
    *,
    fields: tuple[str, ...],
    values: dict[str, str] | None = None,
    hint: str = "",
    severity: Severity = Severity.WARNING,
    route: Route = Route.BILLING,
) -> Finding:
    """A schedule finding; ``fields`` name what it is about so its key is unique."""
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message,
        fields=fields,
        values=values or {},
        hint=hint,
        route=route.value,
    )
