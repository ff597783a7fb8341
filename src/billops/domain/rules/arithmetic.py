"""Arithmetic: do the contract's figures add up?

A signed document can disagree with itself: a typist swaps two digits of a
line amount, milestones add up to 90 % of the fee, the total contract value
forgets a line. Billing from such a contract bills the wrong amount, so each
disagreement is a finding for the billing team to settle with the deal owner.

The contract model fixes what the figures mean (see ``ContractLine``):
``unit_price`` is the net price per unit *per billing period*, after the
discount, and ``amount`` is the line total for the line's whole service
period. So, for a line:

    unit_price = list_price x (1 - discount_percent / 100)
    amount     = quantity x unit_price x billing periods

where the billing periods are the months of service (the line's service
period, else the contract term) divided by the months of the line's billing
frequency (its own, else the contract's): 36 months billed annually are 3
periods, a 7-month co-termed add-on on an annual line 7/12. One-time,
hardware, fixed-fee and milestone lines have one period. A ramped line
states each step the same way and its amount is the sum of its steps; a
usage line's amount is its minimum commitment per period x periods; T&M
and expenses lines have no price to multiply (their amount is a cap).

    Order Form, 36 months from 2025-03-01, billed annually
    L1  50 seats x 432.00 x 3 periods = 64,800.00     (list 540.00 less 20 %)

A difference within the policy's tolerance (``arithmetic.tolerance_minor_units``,
one cent by default, n cents for a sum of n lines) is rounding, not a finding.

=================  ========  ====================================================
rule               severity  raised when
=================  ========  ====================================================
ARITH-NET-PRICE    error     unit price is not list price less the discount
ARITH-LINE-TOTAL   error     amount is not quantity x unit price x periods (usage:
                             minimum commitment x periods)
ARITH-RAMP         error     a ramp step's amount is not its quantity x price x
                             periods, the steps do not add up to the line amount,
                             or the steps leave a gap or run past the service
                             period
ARITH-TIERS        error     usage tiers leave units unpriced (the last tier is
                             not open-ended, or a tier is empty)
ARITH-TCV          error     the line amounts do not add up to the total contract
                             value
ARITH-MILESTONES   error     milestones do not add up to their line's amount (or
                             to 100 %), or to the total contract value when they
                             name no line
ARITH-PO-AMOUNT    warning   the purchase order authorises less than the total
                             contract value
=================  ========  ====================================================
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Final

from billops.domain.calendar import add_months
from billops.domain.contract import (
    BillingModel,
    ContractLine,
    ContractTerms,
    Frequency,
    Milestone,
    RampStep,
)
from billops.domain.findings import Finding, Route, Severity
from billops.domain.rules.engine import finding, line_label, money, number, price, tolerance
from billops.domain.rules.registry import RuleContext, rule

__all__ = [
    "billing_periods",
    "line_totals",
    "milestones_add_up",
    "net_prices",
    "po_covers_contract",
    "ramps_consistent",
    "service_months",
    "tiers_contiguous",
    "total_contract_value",
]

HUNDRED: Final = Decimal(100)
_ONE_DAY: Final = timedelta(days=1)
_SINGLE_PERIOD: Final = frozenset(
    {BillingModel.ONE_TIME, BillingModel.HARDWARE, BillingModel.FIXED_FEE, BillingModel.MILESTONE}
)
_MONTHS: Final = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.SEMI_ANNUAL: 6,
    Frequency.ANNUAL: 12,
}

# --------------------------------------------------------------------------
# Billing periods


def service_months(start: date, end: date) -> Fraction:
    """Months from ``start`` to ``end`` inclusive: whole months, then the rest by days.

    >>> service_months(date(2025, 3, 1), date(2028, 2, 29))
    Fraction(36, 1)
    >>> service_months(date(2025, 1, 1), date(2025, 1, 16))   # 16 of January's 31 days
    Fraction(16, 31)
    """
    whole = (end.year - start.year) * 12 + end.month - start.month + 1
    while whole > 0 and add_months(start, whole) - _ONE_DAY > end:
        whole -= 1
    rest_start = add_months(start, whole)
    if rest_start > end:
        return Fraction(whole)
    month_days = (add_months(start, whole + 1) - rest_start).days
    return whole + Fraction((end - rest_start).days + 1, month_days)


def line_frequency(line: ContractLine, terms: ContractTerms) -> Frequency | None:
    """The line's billing frequency: its own, else the contract's."""
    if line.frequency is not None:
        return line.frequency
    return terms.billing.frequency if terms.billing is not None else None


def billing_periods(
    line: ContractLine, terms: ContractTerms, start: date | None = None, end: date | None = None
) -> Fraction | None:
    """How many billing periods ``line`` (or its part ``start``..``end``) bills; None: unknown."""
    if line.billing_model in _SINGLE_PERIOD:
        return Fraction(1)
    frequency = line_frequency(line, terms)
    if frequency is None:
        return None
    if frequency is Frequency.ONE_TIME:
        return Fraction(1)
    start = start or line.service_start or terms.start_date
    end = end or line.service_end or terms.end_date
    if start is None or end is None or end < start:
        return None
    return service_months(start, end) / _MONTHS[frequency]


def _times(value: Decimal, periods: Fraction) -> Decimal:
    return value * periods.numerator / periods.denominator


def _periods_text(periods: Fraction) -> str:
    if periods == 1:
        return ""
    shown = str(periods.numerator) if periods.denominator == 1 else str(periods)
    return f" x {shown} periods"


# --------------------------------------------------------------------------
# Rules


@rule(
    "ARITH-NET-PRICE",
    title="Unit price = list price less the discount",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def net_prices(ctx: RuleContext) -> Iterator[Finding]:
    """list_price x (1 - discount_percent / 100) = unit_price, where all three are stated."""
    currency = ctx.terms.currency
    for index, line in enumerate(ctx.terms.lines):
        if line.bundle_parent is not None:
            continue  # components are priced through the bundle
        if line.list_price is None or line.discount_percent is None or line.unit_price is None:
            continue
        expected = line.list_price * (HUNDRED - line.discount_percent) / HUNDRED
        if abs(expected - line.unit_price) <= tolerance(ctx):
            continue
        yield finding(
            ctx,
            "ARITH-NET-PRICE",
            f"{line_label(line)}: list price {money(line.list_price, currency)} less "
            f"{number(line.discount_percent)} % is {money(expected, currency)}, but the unit "
            f"price says {money(line.unit_price, currency)}",
            fields=(f"lines[{index}].unit_price",),
            values={
                "list_price": line.list_price,
                "discount_percent": line.discount_percent,
                "unit_price": line.unit_price,
                "expected": expected,
            },
            hint="check the discount and the unit price against the signed document",
        )


@rule(
    "ARITH-LINE-TOTAL",
    title="Line amount = quantity x unit price x billing periods",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def line_totals(ctx: RuleContext) -> Iterator[Finding]:
    """quantity x unit_price x periods = amount (usage: minimum commitment x periods)."""
    terms = ctx.terms
    currency = terms.currency
    for index, line in enumerate(terms.lines):
        if line.amount is None or line.ramp:
            continue  # ramped lines: ARITH-RAMP
        periods = billing_periods(line, terms)
        if periods is None:
            continue  # no frequency or dates: the completeness rules say so
        if line.billing_model is BillingModel.USAGE:
            if line.minimum_commitment is None:
                continue
            expected = _times(line.minimum_commitment, periods)
            formula = f"minimum commitment {money(line.minimum_commitment, currency)}" + (
                _periods_text(periods)
            )
        elif line.billing_model in (BillingModel.TIME_AND_MATERIALS, BillingModel.EXPENSES):
            continue  # the amount is a cap, not a product
        elif line.quantity is None or line.unit_price is None:
            continue
        else:
            expected = _times(line.quantity * line.unit_price, periods)
            formula = (
                f"{number(line.quantity)} x {price(line.unit_price, currency)}"
                f"{_periods_text(periods)}"
            )
        if abs(expected - line.amount) <= tolerance(ctx):
            continue
        yield finding(
            ctx,
            "ARITH-LINE-TOTAL",
            f"{line_label(line)}: {formula} = {money(expected, currency)}, but the amount says "
            f"{money(line.amount, currency)}",
            fields=(f"lines[{index}].amount",),
            values={
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "periods": str(periods),
                "expected": expected,
                "amount": line.amount,
            },
            hint="correct the amount, the quantity or the unit price to what the customer signed",
        )


def _step_end(line: ContractLine, terms: ContractTerms, steps: Sequence[RampStep], i: int) -> date:
    step = steps[i]
    if step.end_date is not None:
        return step.end_date
    if i + 1 < len(steps):
        return steps[i + 1].start_date - _ONE_DAY
    return line.service_end or terms.end_date or step.start_date


@rule(
    "ARITH-RAMP",
    title="Ramp steps are priced right, add up and cover the service period",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def ramps_consistent(ctx: RuleContext) -> Iterator[Finding]:
    """Each step = quantity x price x periods; steps sum to the amount; no gap, no overrun."""
    terms = ctx.terms
    currency = terms.currency
    for index, line in enumerate(terms.lines):
        steps = line.ramp
        if not steps:
            continue
        where = f"lines[{index}].ramp"
        label = line_label(line)
        service_start = line.service_start or terms.start_date
        service_end = line.service_end or terms.end_date
        if service_start is not None and steps[0].start_date != service_start:
            yield finding(
                ctx,
                "ARITH-RAMP",
                f"{label}: the ramp starts on {steps[0].start_date}, but the service starts on "
                f"{service_start}",
                fields=(f"{where}[0].start_date",),
                values={"step_start": steps[0].start_date, "service_start": service_start},
                hint="the first step must start when the service does",
            )
        for i in range(1, len(steps)):
            before = steps[i - 1]
            if before.end_date is not None and steps[i].start_date != before.end_date + _ONE_DAY:
                yield finding(
                    ctx,
                    "ARITH-RAMP",
                    f"{label}: step {i} ends on {before.end_date} but step {i + 1} starts on "
                    f"{steps[i].start_date}; the days between are priced by no step",
                    fields=(f"{where}[{i}].start_date",),
                    values={"previous_end": before.end_date, "start": steps[i].start_date},
                    hint="make each step start the day after the previous one ends",
                )
        last_end = steps[-1].end_date
        if last_end is not None and service_end is not None and last_end != service_end:
            yield finding(
                ctx,
                "ARITH-RAMP",
                f"{label}: the last ramp step ends on {last_end}, but the service ends on "
                f"{service_end}",
                fields=(f"{where}[{len(steps) - 1}].end_date",),
                values={"step_end": last_end, "service_end": service_end},
                hint="the last step must end when the service does",
            )
        for i, step in enumerate(steps):
            quantity = step.quantity if step.quantity is not None else line.quantity
            unit_price = step.unit_price if step.unit_price is not None else line.unit_price
            step_end = _step_end(line, terms, steps, i)
            periods = billing_periods(line, terms, step.start_date, step_end)
            if step.amount is None or quantity is None or unit_price is None or periods is None:
                continue
            expected = _times(quantity * unit_price, periods)
            if abs(expected - step.amount) > tolerance(ctx):
                yield finding(
                    ctx,
                    "ARITH-RAMP",
                    f"{label}, step {i + 1} from {step.start_date}: {number(quantity)} x "
                    f"{price(unit_price, currency)}{_periods_text(periods)} = "
                    f"{money(expected, currency)}, "
                    f"but the step says {money(step.amount, currency)}",
                    fields=(f"{where}[{i}].amount",),
                    values={"quantity": quantity, "unit_price": unit_price, "amount": step.amount},
                    hint="correct the step's amount, quantity or price",
                )
        stated = [step.amount for step in steps if step.amount is not None]
        if line.amount is not None and len(stated) == len(steps):
            total = sum(stated, Decimal(0))
            if abs(total - line.amount) > tolerance(ctx, len(steps)):
                yield finding(
                    ctx,
                    "ARITH-RAMP",
                    f"{label}: the {len(steps)} ramp steps add up to {money(total, currency)}, "
                    f"but the line amount says {money(line.amount, currency)}",
                    fields=(f"lines[{index}].amount",),
                    values={"steps_total": total, "amount": line.amount},
                    hint="the line amount of a ramp is the sum of its steps",
                )


@rule(
    "ARITH-TIERS",
    title="Usage tiers price every unit",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def tiers_contiguous(ctx: RuleContext) -> Iterator[Finding]:
    """The last tier is open-ended and no tier is empty, so every unit of usage has a price."""
    for index, line in enumerate(ctx.terms.lines):
        tiers = line.tiers
        if not tiers:
            continue
        last = tiers[-1]
        if last.up_to is not None:
            yield finding(
                ctx,
                "ARITH-TIERS",
                f"{line_label(line)}: the last tier ends at {number(last.up_to)} units, so "
                f"usage above {number(last.up_to)} has no price",
                fields=(f"lines[{index}].tiers[{len(tiers) - 1}].up_to",),
                values={"up_to": last.up_to},
                hint="leave up_to empty on the last tier (open-ended), as the price list does",
            )
        if tiers[0].up_to is not None and tiers[0].up_to <= 0:
            yield finding(
                ctx,
                "ARITH-TIERS",
                f"{line_label(line)}: the first tier ends at {number(tiers[0].up_to)} units "
                "and so prices nothing",
                fields=(f"lines[{index}].tiers[0].up_to",),
                values={"up_to": tiers[0].up_to},
                hint="give the first tier's last unit (inclusive), e.g. 1000",
            )


@rule(
    "ARITH-TCV",
    title="Line amounts add up to the total contract value",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def total_contract_value(ctx: RuleContext) -> Iterator[Finding]:
    """The sum of the line amounts equals the total contract value stated."""
    terms = ctx.terms
    stated = terms.total_contract_value
    amounts = [line.amount for line in terms.lines if line.amount is not None]
    if stated is None or not amounts:
        return
    total = sum(amounts, Decimal(0))
    if abs(total - stated) <= tolerance(ctx, len(amounts)):
        return
    currency = terms.currency
    yield finding(
        ctx,
        "ARITH-TCV",
        f"{terms.contract_id}: the line amounts ({len(amounts)} lines) add up to "
        f"{money(total, currency)}, but the total contract value says {money(stated, currency)}",
        fields=("total_contract_value",),
        values={"lines_total": total, "total_contract_value": stated},
        hint="find the line amount or the total that was mistyped; the signed figures prevail",
    )


def _milestone_total(
    milestones: Sequence[Milestone], base: Decimal | None
) -> tuple[Decimal, Decimal] | None:
    """(sum of amounts with percents applied to ``base``, sum of percents); None if unknowable."""
    amount_total = Decimal(0)
    percent_total = Decimal(0)
    for milestone in milestones:
        if milestone.amount is not None:
            amount_total += milestone.amount
        elif milestone.percent is not None:
            percent_total += milestone.percent
    if amount_total and base is None:
        return None
    return amount_total, percent_total


@rule(
    "ARITH-MILESTONES",
    title="Milestones add up to the fee (or to 100 %)",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def milestones_add_up(ctx: RuleContext) -> Iterator[Finding]:
    """Per line, milestone amounts (percents of the line) add up to the line amount (100 %)."""
    terms = ctx.terms
    currency = terms.currency
    groups: dict[str | None, list[int]] = {}
    for index, milestone in enumerate(terms.milestones):
        groups.setdefault(milestone.line_id, []).append(index)
    lines = {line.line_id: line for line in terms.lines}
    for line_id, indexes in groups.items():
        milestones = [terms.milestones[i] for i in indexes]
        if line_id is None:
            base, what = terms.total_contract_value, "the total contract value"
        else:
            base, what = lines[line_id].amount, f"line {line_id}'s amount"
        ids = ", ".join(m.milestone_id for m in milestones)
        if all(m.percent is not None for m in milestones):
            total_percent = sum((m.percent or Decimal(0) for m in milestones), Decimal(0))
            if total_percent != HUNDRED:
                yield finding(
                    ctx,
                    "ARITH-MILESTONES",
                    f"milestones {ids} bill {number(total_percent)} % of {what}, not 100 %",
                    fields=tuple(f"milestones[{i}].percent" for i in indexes),
                    values={"line_id": line_id or "", "percent_total": total_percent},
                    hint="correct the percentages so that the whole fee is billed exactly once",
                )
            continue
        if base is None:
            continue
        total = sum(
            (
                m.amount if m.amount is not None else base * (m.percent or Decimal(0)) / HUNDRED
                for m in milestones
            ),
            Decimal(0),
        )
        if abs(total - base) <= tolerance(ctx, len(milestones)):
            continue
        yield finding(
            ctx,
            "ARITH-MILESTONES",
            f"milestones {ids} add up to {money(total, currency)}, but {what} is "
            f"{money(base, currency)}",
            fields=tuple(f"milestones[{i}].amount" for i in indexes),
            values={"line_id": line_id or "", "milestones_total": total, "expected": base},
            hint="correct the milestone amounts or the fee so that the whole fee is billed once",
        )


@rule(
    "ARITH-PO-AMOUNT",
    title="The purchase order covers the contract value",
    severity=Severity.WARNING,
    route=Route.BILLING,
)
def po_covers_contract(ctx: RuleContext) -> Iterator[Finding]:
    """The PO amount, when stated, is not less than the total contract value."""
    terms = ctx.terms
    po = terms.purchase_order
    stated = terms.total_contract_value
    if po is None or po.amount is None or stated is None:
        return
    if po.amount + tolerance(ctx) >= stated:
        return
    currency = terms.currency
    yield finding(
        ctx,
        "ARITH-PO-AMOUNT",
        f"purchase order {po.number or '(no number)'} authorises {money(po.amount, currency)}, "
        f"less than the total contract value {money(stated, currency)}: invoices beyond it will "
        "be rejected",
        fields=("purchase_order.amount",),
        values={"po_amount": po.amount, "total_contract_value": stated},
        hint="ask the customer to raise the PO amount (or for a second PO) before billing past it",
    )
