"""Subscriptions: a price per billing period, invoiced in advance or in arrears.

A subscription sells a quantity (seats, tenants) for a term, invoiced each
billing period (monthly, quarterly, semi-annually or annually) at the
period's start (*in advance*) or after its end (*in arrears*). Periods
follow the calendar (1 Jan, 1 Apr, ...) or the contract's anniversary
(every 15th for a term starting on the 15th); ``line.frequency`` and
``line.timing`` override the contract's ``billing`` terms.

**Price convention** (as ``ContractLine.unit_price`` and the demo order forms
state it): ``unit_price`` is the net price of one unit for one *billing
period of the line's frequency* (432.00 a seat a year for an annual line,
45.00 a month for a monthly one), and ``amount`` is the line's value over
its whole service range: quantity x unit_price x periods (the sum of the
steps of a ramp). A period that the service range covers only in part
(a mid-month start, a co-termed add-on) is charged by the day: actual days
used over actual days of the full period (``DayCount`` may choose 30/360).

**Exactness**: when the document states the line's ``amount``, the items
sum to exactly that amount: it is split over the periods in proportion to
each period's priced value (``money.allocate``, largest remainder), so a
rounding cent lands where the remainder is largest and none is lost.
Without a stated amount the items sum to the computed value, rounded once.

A term starting on 15 January, 10 seats at 31.00 a month, calendar months
in advance: January is 17/31 of a month.

    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "OF-2", "document_type": "order_form", "currency": "EUR",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "start_date": "2026-01-15", "end_date": "2026-03-31",
    ...     "billing": {"frequency": "monthly", "alignment": "calendar"},
    ...     "lines": [{"line_id": "L1", "description": "Seats", "billing_model": "subscription",
    ...                "quantity": 10, "unit": "seat", "unit_price": "31.00"}]})
    >>> for item in build_schedule(terms, as_of=date(2026, 1, 1)).items:
    ...     print(item.item_key, item.amount, "|", item.explanation)
    L1:2026-01-15 170.00 EUR | 10 seat x 31.00 x 17/31 days (2026-01-15..2026-01-31) = 170.00
    L1:2026-02-01 310.00 EUR | 10 seat x 31.00 x 28/28 days (2026-02-01..2026-02-28) = 310.00
    L1:2026-03-01 310.00 EUR | 10 seat x 31.00 x 31/31 days (2026-03-01..2026-03-31) = 310.00

**Ramps** (``line.ramp``) change the quantity or price from a date, usually
each contract year; a period crossing a step is priced day by day on each
side. **Renewals**: ``renewal_schedule`` prices the next term at the last
price plus the uplift, never more than ``renewal.uplift_cap_percent``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from billops.domain.calendar import Alignment as CalendarAlignment
from billops.domain.calendar import (
    BillingPeriod,
    Period,
    add_months,
    periods_between,
    prorate_fraction,
)
from billops.domain.calendar import DayCount as _DayCount
from billops.domain.calendar import Frequency as CalendarFrequency
from billops.domain.contract import (
    Alignment,
    BillingModel,
    ContractLine,
    ContractTerms,
    Frequency,
    Timing,
)
from billops.domain.money import Money, RoundingMode
from billops.domain.schedules._common import (
    ONE_DAY,
    Generated,
    ScheduleContext,
    allocate_by_fractions,
    finding,
    number_text,
)
from billops.domain.schedules.model import Schedule, ScheduleItem, Trigger
from billops.errors import InvalidInput

__all__ = [
    "BILLING_MODELS",
    "PriceStep",
    "generate",
    "price_steps",
    "recurring_items",
    "renewal_schedule",
]

BILLING_MODELS = (BillingModel.SUBSCRIPTION,)


@dataclass(frozen=True, slots=True)
class PriceStep:
    """The quantity and unit price (per billing period) in force over ``period``."""

    period: Period
    quantity: Decimal
    unit_price: Decimal


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """One item per billing period of each subscription line."""
    generated = Generated()
    for line in lines:
        generated = generated + recurring_items(
            line,
            ctx,
            frequency=ctx.frequency(line),
            timing=ctx.timing(line),
            alignment=ctx.alignment(),
        )
    return generated


def price_steps(line: ContractLine, service: Period) -> list[PriceStep]:
    """The line's quantity and price over its service range: the ramp's steps, or one step.

    Days of the range before the first step (or not covered by any) keep
    the line's own quantity and price.
    """
    quantity = line.quantity if line.quantity is not None else Decimal(1)
    price = line.unit_price if line.unit_price is not None else Decimal(0)
    if not line.ramp:
        return [PriceStep(service, quantity, price)]
    steps: list[PriceStep] = []
    cursor = service.start
    for index, step in enumerate(line.ramp):
        following = (
            line.ramp[index + 1].start_date - ONE_DAY if index + 1 < len(line.ramp) else None
        )
        step_end = min(d for d in (step.end_date, following, service.end) if d is not None)
        step_start = max(step.start_date, service.start)
        if step_start > cursor:
            steps.append(PriceStep(Period(cursor, step_start - ONE_DAY), quantity, price))
        if step_end < step_start:
            continue
        steps.append(
            PriceStep(
                Period(step_start, step_end),
                step.quantity if step.quantity is not None else quantity,
                step.unit_price if step.unit_price is not None else price,
            )
        )
        cursor = step_end + ONE_DAY
    if cursor <= service.end:
        steps.append(PriceStep(Period(cursor, service.end), quantity, price))
    return steps


def billing_periods(
    service: Period, frequency: Frequency, alignment: Alignment, anchor: date
) -> list[BillingPeriod]:
    """The line's periods; a one-time frequency is a single period over the whole range."""
    if frequency is Frequency.ONE_TIME:
        return [BillingPeriod(service, service)]
    return periods_between(
        service.start,
        service.end,
        CalendarFrequency(frequency.value),
        CalendarAlignment(alignment.value),
        anchor=anchor,
    )


def recurring_items(
    line: ContractLine,
    ctx: ScheduleContext,
    *,
    frequency: Frequency,
    timing: Timing,
    alignment: Alignment,
    steps: list[PriceStep] | None = None,
    stated: Decimal | None = None,
    billing_model: BillingModel | None = None,
    price_note: str = "",
) -> Generated:
    """The periods of a recurring line, each priced from ``steps`` (by default the line's).

    ``stated`` is the value the items must sum to (by default the line's
    ``amount``); maintenance passes its own steps and value.
    """
    model = billing_model or line.billing_model
    service = ctx.service_period(line)
    if service is None:
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-NO-SERVICE-PERIOD",
                    f"line {line.line_id} has no service period (no start or end date), "
                    "so its periods cannot be scheduled",
                    fields=(f"lines[{line.line_id}].service_start",),
                    hint="give the line (or the contract) a start and an end date",
                ),
            )
        )
    if steps is None:
        steps = price_steps(line, service)
    if stated is None:
        stated = line.amount
    if stated is None and line.unit_price is None and not any(s.unit_price for s in steps):
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-NO-PRICE",
                    f"line {line.line_id} states neither a unit price nor an amount; "
                    "nothing can be billed for it",
                    fields=(f"lines[{line.line_id}].unit_price",),
                    hint="add the unit price or the amount from the order form",
                ),
            )
        )
    anchor = ctx.anchor or ctx.terms.start_date or service.start
    periods = billing_periods(service, frequency, alignment, anchor)
    priced = [_price_period(bp, steps, ctx.day_count) for bp in periods]
    weights = [value for value, _ in priced]
    exact_total = sum(weights, Fraction(0))
    total = ctx.round(Fraction(stated) if stated is not None else exact_total)
    if not any(weights):
        weights = [Fraction(bp.period.days) for bp in periods]
    amounts = allocate_by_fractions(total, weights)
    unit = line.unit or "unit"
    items: list[ScheduleItem] = []
    for bp, (value, segments), amount in zip(periods, priced, amounts, strict=True):
        text = _explain(segments, unit, bp, ctx, value, amount, stated, price_note)
        single = segments[0][0] if len(segments) == 1 else None
        bill_date = bp.period.start if timing is Timing.ADVANCE else bp.period.end + ONE_DAY
        items.append(
            ctx.item(
                line.line_id,
                f"{line.line_id}:{bp.period.start.isoformat()}",
                model,
                amount,
                trigger=Trigger.DATE,
                bill_date=bill_date,
                explanation=text,
                quantity=single.quantity if single else None,
                unit_price=single.unit_price if single else None,
                service_period=bp.period,
            )
        )
    return Generated(items=tuple(items))


_Segment = tuple[PriceStep, Period, Fraction]


def _price_period(
    bp: BillingPeriod, steps: list[PriceStep], day_count: _DayCount
) -> tuple[Fraction, list[_Segment]]:
    """The exact value of a billing period: each price step's days at that step's price."""
    segments: list[_Segment] = []
    for step in steps:
        part = step.period.intersection(bp.period)
        if part is not None:
            segments.append((step, part, prorate_fraction(part, bp.full_period, day_count)))
    value = sum(
        (Fraction(s.quantity) * Fraction(s.unit_price) * share for s, _, share in segments),
        Fraction(0),
    )
    return value, segments


def _share_text(part: Period, full: Period, share: Fraction, day_count: _DayCount) -> str:
    if day_count is _DayCount.ACTUAL_ACTUAL:
        return f"{part.days}/{full.days} days"
    return f"{number_text(share)} ({day_count.value})"


def _explain(
    segments: list[_Segment],
    unit: str,
    bp: BillingPeriod,
    ctx: ScheduleContext,
    value: Fraction,
    amount: Money,
    stated: Decimal | None,
    price_note: str,
) -> str:
    parts = [
        f"{number_text(step.quantity)} {unit} x {number_text(step.unit_price)} x "
        f"{_share_text(part, bp.full_period, share, ctx.day_count)} ({part})"
        for step, part, share in segments
    ]
    text = " + ".join(parts) + f" = {amount.amount:,f}"
    computed = ctx.round(value)
    if computed != amount:
        basis = (
            f"the stated line amount {number_text(stated)}"
            if stated is not None
            else "the line total"
        )
        text += f" (computed {computed.amount:,f}, adjusted so the items sum to {basis})"
    if price_note:
        text += f"; {price_note}"
    return text


def _percent_maintenance_price(line: ContractLine, terms: ContractTerms) -> Decimal | None:
    """A percent-of-line maintenance line's price per billing period (None for others)."""
    if line.percent_of_line is None or line.percent is None:
        return None
    base_line = next((b for b in terms.lines if b.line_id == line.percent_of_line), None)
    if base_line is None:
        return None
    base = base_line.amount
    if base is None and base_line.unit_price is not None:
        base = (base_line.quantity or Decimal(1)) * base_line.unit_price
    if base is None:
        return None
    months = (
        12
        if line.frequency in (None, Frequency.ANNUAL, Frequency.ONE_TIME)
        else {
            Frequency.MONTHLY: 1,
            Frequency.QUARTERLY: 3,
            Frequency.SEMI_ANNUAL: 6,
        }[line.frequency]
    )
    return base * line.percent / 100 * months / 12


def renewal_schedule(
    terms: ContractTerms,
    *,
    uplift_percent: Decimal,
    as_of: date,
    version: int = 1,
    rounding: RoundingMode = RoundingMode.HALF_UP,
    day_count: _DayCount = _DayCount.ACTUAL_ACTUAL,
) -> Schedule:
    """The schedule of the renewal term that follows ``terms``, prices raised by the uplift.

    The renewal term starts the day after the term ends and runs for
    ``renewal.renewal_term_months`` (else the original ``term_months``).
    Each subscription and maintenance line renews at its last quantity and
    price (the last ramp step's) times ``1 + uplift``, the uplift capped at
    ``renewal.uplift_cap_percent``; the new unit price is rounded to the
    currency's minor unit, as a renewal quote would print it. Other lines
    (one-time fees, services) do not renew.
    """
    if terms.end_date is None:
        raise InvalidInput(
            "the contract has no end date, so it has no renewal term",
            field="end_date",
            hint="give the contract's end date",
        )
    renewal = terms.renewal
    months = (renewal.renewal_term_months if renewal else None) or terms.term_months
    if months is None:
        raise InvalidInput(
            "the renewal term's length is unknown",
            field="renewal.renewal_term_months",
            hint="state renewal.renewal_term_months or the contract's term_months",
        )
    if uplift_percent < 0:
        raise InvalidInput(
            "uplift must not be negative", field="uplift_percent", value=str(uplift_percent)
        )
    cap = renewal.uplift_cap_percent if renewal else None
    applied = min(uplift_percent, cap) if cap is not None else uplift_percent
    start = terms.end_date + ONE_DAY
    end = add_months(start, months) - ONE_DAY
    renewed: list[ContractLine] = []
    notes: dict[str, str] = {}
    for line in terms.lines:
        if line.billing_model not in (BillingModel.SUBSCRIPTION, BillingModel.MAINTENANCE):
            continue
        last = line.ramp[-1] if line.ramp else None
        quantity = (last.quantity if last and last.quantity is not None else None) or line.quantity
        price = (
            last.unit_price if last and last.unit_price is not None else None
        ) or line.unit_price
        percent_price = _percent_maintenance_price(line, terms)
        if percent_price is not None:
            # The licence or appliance does not renew; its maintenance renews at the
            # price it had, which the uplift then raises.
            quantity, price = Decimal(1), percent_price
        update: dict[str, object] = {
            "percent_of_line": None,
            "percent": None,
            "service_start": start,
            "service_end": end,
            "amount": None,
            "ramp": (),
            "quantity": quantity,
        }
        if price is not None:
            new_price = Money(price * (1 + applied / 100), terms.currency).round(rounding).amount
            update["unit_price"] = new_price
            capped = (
                f" (asked {uplift_percent} %, capped at {cap} %)"
                if applied < uplift_percent
                else ""
            )
            notes[line.line_id] = (
                f"renewal price {number_text(price)} + {applied} % uplift{capped} "
                f"= {number_text(new_price)}"
            )
        renewed.append(line.model_copy(update=update))
    renewed_terms = terms.model_copy(
        update={
            "start_date": start,
            "end_date": end,
            "term_months": months,
            "lines": tuple(renewed),
            "milestones": (),
        }
    )
    from billops.domain.schedules import build_schedule

    schedule = build_schedule(
        renewed_terms, as_of=as_of, version=version, rounding=rounding, day_count=day_count
    )
    items = tuple(
        dataclasses.replace(item, explanation=f"{item.explanation}; {notes[item.line_id]}")
        if item.line_id in notes
        else item
        for item in schedule.items
    )
    return dataclasses.replace(schedule, items=items)
