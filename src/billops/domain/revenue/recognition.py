"""Recognition schedules: how much revenue each obligation earns in each calendar month.

Step 5 of IFRS 15 / ASC 606: revenue is recognised when (or as) an
obligation is satisfied. For every obligation and every calendar month the
schedule holds one entry, so that the months of an obligation always sum
exactly to its allocated price once it is fully satisfied (what is not yet
satisfied is *pending*, with the reason):

- **ratable**: the allocated price split over the months of the service
  period by actual days, largest remainder (``money.allocate``): a year of
  12,000.00 from 1 January earns 1,019.18 in January (31 of 365 days);
- **point in time**: in the month of the event that transfers control (a
  shipment: in proportion to the quantity shipped; a go-live; a licence's
  start);
- **output**: the allocated price split by the milestones' weights, each
  part in the month its milestone is accepted;
- **input**: the allocated price times hours incurred over estimated total
  hours (from approved time entries, or from ``InputProgress`` reports of
  hours or cost), cumulative;
- **as incurred**: usage, time and materials and expenses in the month they
  are delivered.

**Cumulative catch-up.** Every month is computed as *cumulative revenue
earned by its end minus what earlier months recognised*. So a change of
estimate (a new ``AllocationVersion`` from its effective date) or a new
estimate of total hours books the whole correction for the past in the
month it is known, and later months follow the new figures (IFRS 15.88 and
IFRS 15.B19 / IAS 8 changes of estimate).

A year of 12,000.00 (2026), ratable by day:

    >>> from datetime import date
    >>> from billops.domain.money import Money
    >>> from billops.domain.revenue.allocation import allocate_transaction_price, standalone
    >>> from billops.domain.revenue.obligations import RecognitionPattern, manual_obligation
    >>> year = Period(date(2026, 1, 1), date(2026, 12, 31))
    >>> seats = manual_obligation("L1", "OF-1", "USD", pattern=RecognitionPattern.RATABLE,
    ...                           service_period=year, stated_price=Money("12000.00", "USD"))
    >>> allocation = allocate_transaction_price(
    ...     [seats], Money("12000.00", "USD"), [standalone("L1", "12000")])
    >>> schedule = recognition_schedule([seats], allocation)
    >>> [str(e.amount) for e in schedule.entries[:2]], str(schedule.total())
    (['1019.18 USD', '920.54 USD'], '12000.00 USD')
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from billops.domain.calendar import Period, month_period
from billops.domain.events import AcceptanceStatus, Events, ProvisioningKind
from billops.domain.money import Money, RoundingMode, allocate, sum_money
from billops.domain.revenue._format import amount_text, money_text, number_text, percent_text
from billops.domain.revenue.allocation import Allocation
from billops.domain.revenue.obligations import Obligation, PointInTimeEvent, RecognitionPattern
from billops.domain.revenue.price import IncurredAmount
from billops.errors import InvalidInput

__all__ = [
    "AllocationVersion",
    "InputProgress",
    "PendingRevenue",
    "RecognitionEntry",
    "RecognitionSchedule",
    "months_of",
    "recognition_schedule",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class AllocationVersion:
    """An allocation in force from ``effective`` (the first one: from inception)."""

    effective: date
    allocation: Allocation
    reason: str = ""


@dataclass(frozen=True, slots=True)
class InputProgress:
    """Effort incurred on an input-method obligation by ``as_of``, over the estimated total.

    ``unit`` says what is measured (``hours``, ``cost``); a later report
    with a new ``estimated_total`` is a change of estimate.
    """

    obligation_id: str
    as_of: date
    incurred: Decimal
    estimated_total: Decimal
    unit: str = "hours"

    def __post_init__(self) -> None:
        if self.estimated_total <= 0:
            raise InvalidInput(
                "the estimated total effort must be greater than 0",
                field=f"progress[{self.obligation_id}].estimated_total",
                value=str(self.estimated_total),
            )
        if self.incurred < 0:
            raise InvalidInput(
                "the effort incurred must not be negative",
                field=f"progress[{self.obligation_id}].incurred",
                value=str(self.incurred),
            )


@dataclass(frozen=True, slots=True)
class RecognitionEntry:
    """Revenue one obligation earns in one calendar month, and the cumulative total by then."""

    contract_id: str
    obligation_id: str
    month: Period
    amount: Money
    cumulative: Money
    explanation: str

    def as_dict(self) -> dict[str, object]:
        return {
            "obligation_id": self.obligation_id,
            "month": self.month.start.strftime("%Y-%m"),
            "amount": self.amount.to_dict(),
            "cumulative": self.cumulative.to_dict(),
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class PendingRevenue:
    """Allocated revenue not yet earned: waiting for an event, an estimate, or usage."""

    obligation_id: str
    amount: Money
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "obligation_id": self.obligation_id,
            "amount": self.amount.to_dict(),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class RecognitionSchedule:
    """A contract's revenue by obligation and month, and what is still pending."""

    contract_id: str
    currency: str
    entries: tuple[RecognitionEntry, ...]
    pending: tuple[PendingRevenue, ...] = field(default=())

    def total(self) -> Money:
        """Everything the entries recognise."""
        return sum_money((e.amount for e in self.entries), self.currency)

    def for_obligation(self, obligation_id: str) -> tuple[RecognitionEntry, ...]:
        return tuple(e for e in self.entries if e.obligation_id == obligation_id)

    def recognised_in(self, month: Period) -> Money:
        """Revenue of the calendar month ``month``."""
        return sum_money((e.amount for e in self.entries if e.month == month), self.currency)

    def recognised_through(self, day: date) -> Money:
        """Revenue of every month that ends on or before ``day``."""
        return sum_money((e.amount for e in self.entries if e.month.end <= day), self.currency)

    def by_month(self) -> tuple[tuple[Period, Money], ...]:
        """The revenue waterfall: each month with revenue, in order."""
        months = sorted({e.month for e in self.entries})
        return tuple((m, self.recognised_in(m)) for m in months)

    def as_dict(self) -> dict[str, object]:
        return {
            "entries": [e.as_dict() for e in self.entries],
            "by_month": [
                {"month": m.start.strftime("%Y-%m"), "amount": a.to_dict()}
                for m, a in self.by_month()
            ],
            "pending": [p.as_dict() for p in self.pending],
            "total": self.total().to_dict(),
        }


def months_of(period: Period) -> tuple[Period, ...]:
    """The calendar months ``period`` touches, each cut to the period.

    >>> [str(m) for m in months_of(Period(date(2026, 1, 15), date(2026, 3, 10)))]
    ['2026-01-15..2026-01-31', '2026-02-01..2026-02-28', '2026-03-01..2026-03-10']
    """
    parts: list[Period] = []
    day = period.start
    while day <= period.end:
        month = month_period(day)
        parts.append(Period(day, min(month.end, period.end)))
        day = month.end + _ONE_DAY
    return tuple(parts)


def recognition_schedule(
    obligations: Sequence[Obligation],
    allocations: Allocation | Sequence[AllocationVersion],
    *,
    events: Events = Events(),  # noqa: B008 - Events is immutable
    incurred: Sequence[IncurredAmount] = (),
    progress: Sequence[InputProgress] = (),
    estimated_hours: Mapping[str, Decimal] | None = None,
    rounding: RoundingMode = RoundingMode.HALF_UP,
) -> RecognitionSchedule:
    """The recognition schedule of one contract's ``obligations`` (module docstring). Pure.

    ``allocations`` is the allocation, or its versions over time (changes
    of estimate). ``events`` are the contract's delivery events;
    ``incurred`` the amounts of its as-incurred obligations; ``progress``
    and ``estimated_hours`` (obligation id -> estimated total hours) measure
    input-method obligations. Ratable obligations are scheduled to the end
    of their service period (a waterfall); the others as far as their
    events go.
    """
    if not obligations:
        raise InvalidInput("the contract has no performance obligations", field="obligations")
    versions = _versions(allocations)
    contract_id, currency = obligations[0].contract_id, obligations[0].currency
    mine = events.for_contract(contract_id)
    entries: list[RecognitionEntry] = []
    pending: list[PendingRevenue] = []
    for obligation in obligations:
        measure = _measure(obligation, mine, incurred, progress, estimated_hours or {}, rounding)
        made, left = _schedule_one(obligation, versions, measure, currency)
        entries.extend(made)
        if left is not None:
            pending.append(left)
    entries.sort(key=lambda e: (e.month.start, _position(obligations, e.obligation_id)))
    return RecognitionSchedule(contract_id, currency, tuple(entries), tuple(pending))


def _position(obligations: Sequence[Obligation], obligation_id: str) -> int:
    return next(i for i, o in enumerate(obligations) if o.obligation_id == obligation_id)


def _versions(allocations: Allocation | Sequence[AllocationVersion]) -> list[AllocationVersion]:
    if isinstance(allocations, Allocation):
        return [AllocationVersion(date.min, allocations)]
    if not allocations:
        raise InvalidInput("a recognition schedule needs an allocation", field="allocations")
    return sorted(allocations, key=lambda v: v.effective)


def _allocated(versions: Sequence[AllocationVersion], obligation_id: str, day: date) -> Money:
    current = versions[0]
    for version in versions:
        if version.effective <= day:
            current = version
    return current.allocation.allocated_to(obligation_id)


@dataclass(frozen=True, slots=True)
class _Measure:
    """How far an obligation is satisfied at a month end, as a function of its price.

    ``months`` are the months where something happens; ``target(price,
    day)`` is the cumulative revenue earned by ``day``; ``describe(day)``
    says why; ``waiting`` why the rest is pending.
    """

    months: tuple[Period, ...]
    target: Callable[[Money, date], Money]
    describe: Callable[[date], str]
    waiting: str


def _schedule_one(
    obligation: Obligation,
    versions: Sequence[AllocationVersion],
    measure: _Measure,
    currency: str,
) -> tuple[list[RecognitionEntry], PendingRevenue | None]:
    oid = obligation.obligation_id
    months = {month_period(m.start) for m in measure.months}
    for version in versions[1:]:
        months.add(month_period(version.effective))
    entries: list[RecognitionEntry] = []
    earned = Money.zero(currency)
    price_before: Money | None = None
    for month in sorted(months, key=lambda m: m.start):
        end = month.end
        price = _allocated(versions, oid, end)
        cumulative = measure.target(price, end)
        amount = cumulative - earned
        if not amount.is_zero():
            why = measure.describe(end)
            if price_before is not None and price != price_before:
                why = (
                    f"change of estimate: allocated {amount_text(price_before)} -> "
                    f"{amount_text(price)}, cumulative catch-up (IFRS 15.88); {why}"
                )
            entries.append(
                RecognitionEntry(
                    contract_id=obligation.contract_id,
                    obligation_id=oid,
                    month=month,
                    amount=amount,
                    cumulative=cumulative,
                    explanation=f"{why}; cumulative {amount_text(cumulative)} of "
                    f"{amount_text(price)}",
                )
            )
            earned = cumulative
        price_before = price
    final = versions[-1].allocation.allocated_to(oid)
    left = final - earned
    if left.is_zero():
        return entries, None
    return entries, PendingRevenue(oid, left, measure.waiting)


# --------------------------------------------------------------------------
# Measures of progress, one per pattern


def _measure(
    obligation: Obligation,
    events: Events,
    incurred: Sequence[IncurredAmount],
    progress: Sequence[InputProgress],
    estimated_hours: Mapping[str, Decimal],
    rounding: RoundingMode,
) -> _Measure:
    pattern = obligation.pattern
    if pattern is RecognitionPattern.RATABLE:
        return _ratable(obligation)
    if pattern is RecognitionPattern.POINT_IN_TIME:
        return _point_in_time(obligation, events, rounding)
    if pattern is RecognitionPattern.OUTPUT:
        return _output(obligation, events)
    if pattern is RecognitionPattern.INPUT:
        return _input(obligation, events, progress, estimated_hours, rounding)
    return _as_incurred(obligation, incurred)


def _share(price: Money, fraction: Fraction, rounding: RoundingMode) -> Money:
    """``price`` x ``fraction``, rounded once: the named rounding point of cumulative revenue."""
    if fraction >= 1:
        return price
    exact = price.amount * fraction.numerator / fraction.denominator
    return Money(exact, price.currency).round(rounding)


def _ratable(obligation: Obligation) -> _Measure:
    period = obligation.service_period
    assert period is not None  # identify_obligations refuses a ratable one without
    parts = months_of(period)
    days = [part.days for part in parts]
    ends = [part.end for part in parts]
    cache: dict[Money, list[Money]] = {}

    def target(price: Money, day: date) -> Money:
        # cumulative[n]: the first n months' shares (computed once per price)
        if price not in cache:
            cumulative = [price - price]
            for share in allocate(price, days):
                cumulative.append(cumulative[-1] + share)
            cache[price] = cumulative
        return cache[price][bisect_right(ends, day)]

    def describe(day: date) -> str:
        done = sum(part.days for part in parts if part.end <= day)
        here = next((part for part in parts if part.start <= day <= part.end), None)
        now = f"{here.days} days of service in the month, " if here is not None else ""
        return f"ratable: {now}{done} of {period.days} days by {day}"

    return _Measure(parts, target, describe, f"service to {period.end}")


def _point_in_time(obligation: Obligation, events: Events, rounding: RoundingMode) -> _Measure:
    event = obligation.point_event
    if event is PointInTimeEvent.SERVICE_START:
        period = obligation.service_period
        assert period is not None
        start = period.start
        return _Measure(
            (month_period(start),),
            lambda price, day: price if start <= day else price - price,
            lambda day: f"licence delivered: its term starts {start}",
            f"the licence term starts {start}",
        )
    if event is PointInTimeEvent.GO_LIVE:
        lives = sorted(
            p.occurred
            for p in events.provisioning
            if p.event is ProvisioningKind.TENANT_LIVE and obligation.names(p.line_id)
        )
        first = lives[0] if lives else None
        return _Measure(
            (month_period(first),) if first is not None else (),
            lambda price, day: price if first is not None and first <= day else price - price,
            lambda day: f"delivered: went live {first}",
            "waiting for go-live (a tenant_live provisioning event for the line)",
        )
    ordered = dict(obligation.delivery_quantities)
    shipments = sorted(
        (s for s in events.shipments if obligation.names(s.line_id)),
        key=lambda s: (s.ship_date, s.idempotency_key),
    )

    def shipped(day: date) -> Fraction:
        total = Fraction(0)
        for s in shipments:
            if s.ship_date <= day and ordered.get(s.line_id):
                total += Fraction(s.quantity) / Fraction(ordered[s.line_id])
        return min(total, Fraction(1))

    def describe(day: date) -> str:
        names = ", ".join(
            f"{s.idempotency_key} {number_text(s.quantity)} on {s.ship_date}"
            for s in shipments
            if s.ship_date <= day
        )
        return f"shipped {percent_text(shipped(day))} of the ordered quantity ({names})"

    return _Measure(
        tuple(month_period(s.ship_date) for s in shipments),
        lambda price, day: _share(price, shipped(day), rounding),
        describe,
        "waiting for shipment",
    )


def _output(obligation: Obligation, events: Events) -> _Measure:
    weights = obligation.milestones
    ids = [m.milestone_id for m in weights]
    decisions = sorted(
        (a for a in events.milestone_acceptances if a.milestone_id in ids),
        key=lambda a: (a.decided_on, a.idempotency_key),
    )

    def accepted(day: date) -> dict[str, date]:
        state: dict[str, date] = {}
        for decision in decisions:
            if decision.decided_on > day:
                break
            if decision.status is AcceptanceStatus.ACCEPTED:
                state.setdefault(decision.milestone_id, decision.decided_on)
            else:
                state.pop(decision.milestone_id, None)
        return state

    def target(price: Money, day: date) -> Money:
        if not weights:
            return price - price
        units = [w.weight for w in weights]
        shares = allocate(price, units) if any(units) else allocate(price, [1] * len(units))
        done = accepted(day)
        return sum_money(
            (share for w, share in zip(weights, shares, strict=True) if w.milestone_id in done),
            price.currency,
        )

    def describe(day: date) -> str:
        done = accepted(day)
        names = ", ".join(f"{m} accepted {d}" for m, d in done.items())
        return f"output method: {len(done)} of {len(weights)} milestones ({names})"

    waiting = (
        "waiting for milestone acceptances"
        if weights
        else "no milestone of the contract names this obligation"
    )
    return _Measure(tuple(month_period(d.decided_on) for d in decisions), target, describe, waiting)


def _input(
    obligation: Obligation,
    events: Events,
    progress: Sequence[InputProgress],
    estimated_hours: Mapping[str, Decimal],
    rounding: RoundingMode,
) -> _Measure:
    oid = obligation.obligation_id
    reports = sorted((p for p in progress if p.obligation_id == oid), key=lambda p: p.as_of)
    entries = sorted(
        (t for t in events.time_entries if t.approved and obligation.names(t.line_id)),
        key=lambda t: t.work_date,
    )
    estimate = estimated_hours.get(oid)
    if estimate is not None and estimate <= 0:
        raise InvalidInput(
            "the estimated total hours must be greater than 0",
            field=f"estimated_hours[{oid}]",
            value=str(estimate),
        )

    def measured(day: date) -> tuple[Fraction, str]:
        # The latest report is authoritative on its date; approved hours
        # after it add to it when it measures hours.
        report = next((p for p in reversed(reports) if p.as_of <= day), None)
        if report is not None:
            done = report.incurred
            if report.unit == "hours":
                done += sum(
                    (t.hours for t in entries if report.as_of < t.work_date <= day), Decimal(0)
                )
            fraction = min(Fraction(done) / Fraction(report.estimated_total), Fraction(1))
            return fraction, (
                f"{number_text(done)} of {number_text(report.estimated_total)} "
                f"estimated {report.unit} by {day} (report of {report.as_of})"
            )
        if estimate is None:
            return Fraction(0), "no estimate of total effort"
        hours = sum((t.hours for t in entries if t.work_date <= day), Decimal(0))
        return (
            min(Fraction(hours) / Fraction(estimate), Fraction(1)),
            f"{number_text(hours)} of {number_text(estimate)} estimated hours by {day}",
        )

    months = {month_period(p.as_of) for p in reports}
    if estimate is not None or any(p.unit == "hours" for p in reports):
        months |= {month_period(t.work_date) for t in entries}

    def describe(day: date) -> str:
        fraction, text = measured(day)
        return f"input method: {text} ({percent_text(fraction)})"

    waiting = (
        "work not yet done (input method)"
        if reports or estimate is not None
        else "no estimate of total hours or cost: give estimated_hours or progress reports"
    )
    return _Measure(
        tuple(months),
        lambda price, day: _share(price, measured(day)[0], rounding),
        describe,
        waiting,
    )


def _as_incurred(obligation: Obligation, incurred: Sequence[IncurredAmount]) -> _Measure:
    mine = sorted((i for i in incurred if obligation.names(i.line_id)), key=lambda i: i.on)

    def target(price: Money, day: date) -> Money:
        return sum_money((i.amount for i in mine if i.on <= day), price.currency)

    def describe(day: date) -> str:
        month = month_period(day)
        here = [i for i in mine if month.contains(i.on)]
        sources = ", ".join(f"{i.source or i.line_id} {money_text(i.amount)}" for i in here)
        return f"as incurred (right to invoice, IFRS 15.B16): {sources}"

    return _Measure(
        tuple(month_period(i.on) for i in mine),
        target,
        describe,
        "allocated amount differs from the amounts incurred",
    )
