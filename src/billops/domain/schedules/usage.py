"""Usage: metered consumption priced by tiers, with included units and a minimum commitment.

A usage line bills what metering reports: each ``UsageRecord`` (usually a
calendar month of API calls) becomes one item, invoiced after its period
ends. The units above ``included_units`` are priced by the line's tiers:

- **graduated**: each unit at the price of the tier it falls in (the first
  1,000 at 0.10, the next at 0.08, ...), plus each reached tier's flat fee;
- **volume**: every unit at the price of the tier the total reaches, plus
  that tier's flat fee;
- **package**: a price per started package of ``package_size`` units in the
  tier the total reaches, plus its flat fee;

or, without tiers, at the line's ``unit_price``. Tiers are read as
consecutive ranges: a tier covers the units above the previous tier's
``up_to`` up to its own (inclusive); the last tier may be open-ended.
Tiers that overlap (an ``up_to`` not above the previous one) or leave a
gap (an open-ended tier before the last) cannot price anything: a finding,
and nothing is billed until the contract is corrected.

A **minimum commitment** is the least each period bills: when usage
charges fall short, a ``true_up`` item (key ``<item key>:true-up``) bills
the difference at the period's end.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.events import Events, UsageRecord
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "OF-6", "document_type": "order_form", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "lines": [{"line_id": "L3", "description": "API calls", "billing_model": "usage",
    ...                "included_units": 1000, "tier_mode": "graduated",
    ...                "minimum_commitment": "100.00",
    ...                "tiers": [{"up_to": 1000, "unit_price": "0.10"},
    ...                          {"unit_price": "0.05"}]}]})
    >>> october = UsageRecord(idempotency_key="US-1", contract_id="OF-6", line_id="L3",
    ...     period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
    ...     quantity=Decimal(1500))
    >>> for item in build_schedule(terms, Events.of([october]), as_of=date(2026, 11, 2)).items:
    ...     print(item.item_key, item.kind.value, item.amount)
    L3:US-1 charge 50.00 USD
    L3:US-1:true-up true_up 50.00 USD
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

from billops.domain.calendar import Period
from billops.domain.contract import BillingModel, ContractLine, TierMode, UsageTier
from billops.domain.events import UsageRecord
from billops.domain.findings import Finding, Severity
from billops.domain.schedules._common import (
    ONE_DAY,
    Generated,
    ScheduleContext,
    finding,
    number_text,
)
from billops.domain.schedules.model import ItemKind, ScheduleItem, Trigger

__all__ = ["BILLING_MODELS", "generate", "price_units", "tier_problems"]

BILLING_MODELS = (BillingModel.USAGE,)


def tier_problems(tiers: Sequence[UsageTier], mode: TierMode | None) -> list[str]:
    """Why the tiers cannot price usage (empty when they can).

    >>> tier_problems([UsageTier(up_to=Decimal(100), unit_price=Decimal(1)),
    ...                UsageTier.model_construct(up_to=Decimal(50), unit_price=Decimal(1))],
    ...               TierMode.GRADUATED)
    ['tiers[1] overlaps tiers[0]: up_to 50 is not above 100']
    """
    problems: list[str] = []
    if tiers and mode is None:
        problems.append("the tiers have no tier_mode")
    previous: Decimal | None = None
    for index, tier in enumerate(tiers):
        if tier.up_to is None and index < len(tiers) - 1:
            problems.append(
                f"tiers[{index}] is open-ended but is not the last tier: the tiers after it "
                "are never reached"
            )
        if tier.up_to is not None and previous is not None and tier.up_to <= previous:
            problems.append(
                f"tiers[{index}] overlaps tiers[{index - 1}]: up_to {tier.up_to} is not above "
                f"{previous}"
            )
        if mode is TierMode.PACKAGE and not tier.package_size:
            problems.append(f"tiers[{index}] has no package_size in package mode")
        if tier.up_to is not None:
            previous = tier.up_to
    return problems


def price_units(
    units: Decimal, tiers: Sequence[UsageTier], mode: TierMode | None, unit_price: Decimal | None
) -> tuple[Decimal, str]:
    """The exact charge for ``units`` and its arithmetic in words.

    >>> tiers = [UsageTier(up_to=Decimal(100), unit_price=Decimal("1.00")),
    ...          UsageTier(unit_price=Decimal("0.50"), flat_fee=Decimal(10))]
    >>> price_units(Decimal(150), tiers, TierMode.GRADUATED, None)[0]
    Decimal('135.00')
    >>> price_units(Decimal(150), tiers, TierMode.VOLUME, None)[0]
    Decimal('85.00')
    """
    if units <= 0:
        return Decimal(0), "no billable units"
    if not tiers:
        price = unit_price or Decimal(0)
        return units * price, f"{number_text(units)} x {number_text(price)}"
    if mode is TierMode.GRADUATED:
        total, parts, lower = Decimal(0), [], Decimal(0)
        for tier in tiers:
            upper = tier.up_to
            in_tier = (units if upper is None else min(units, upper)) - lower
            if in_tier <= 0:
                break
            price = tier.unit_price or Decimal(0)
            total += in_tier * price + (tier.flat_fee or 0)
            fee = f" + {number_text(tier.flat_fee)} flat" if tier.flat_fee else ""
            parts.append(f"{number_text(in_tier)} x {number_text(price)}{fee}")
            if upper is None:
                break
            lower = upper
        return total, " + ".join(parts)
    tier = next((t for t in tiers if t.up_to is None or units <= t.up_to), tiers[-1])
    price = tier.unit_price or Decimal(0)
    fee = f" + {number_text(tier.flat_fee)} flat" if tier.flat_fee else ""
    if mode is TierMode.PACKAGE and tier.package_size:
        packages = (units / tier.package_size).to_integral_value(rounding=ROUND_CEILING)
        total = packages * price + (tier.flat_fee or 0)
        return total, (
            f"{number_text(packages)} packages of {number_text(tier.package_size)} "
            f"x {number_text(price)}{fee}"
        )
    total = units * price + (tier.flat_fee or 0)
    return total, f"{number_text(units)} x {number_text(price)} (volume tier){fee}"


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """One item per usage record of each usage line, and a true-up where needed."""
    generated = Generated()
    for line in lines:
        generated = generated + _usage(line, ctx)
    return generated


def _usage(line: ContractLine, ctx: ScheduleContext) -> Generated:
    problems = tier_problems(line.tiers, line.tier_mode)
    if problems:
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-USAGE-TIERS-INVALID",
                    f"the usage tiers of line {line.line_id} cannot price usage: "
                    + "; ".join(problems),
                    fields=(f"lines[{line.line_id}].tiers",),
                    hint="correct the tiers so that each starts where the previous ends",
                    severity=Severity.ERROR,
                ),
            )
        )
    records = [r for r in ctx.events.usage if r.line_id == line.line_id]
    items: list[ScheduleItem] = []
    findings: list[Finding] = []
    taken: list[tuple[Period, str]] = []
    for record in sorted(records, key=lambda r: (r.period_start, r.idempotency_key)):
        period = Period(record.period_start, record.period_end)
        clash = next((key for seen, key in taken if seen.overlaps(period)), None)
        if clash is not None:
            findings.append(_overlap_finding(line, record, clash))
            continue
        taken.append((period, record.idempotency_key))
        items.extend(_record_items(line, record, period, ctx))
    return Generated(tuple(items), tuple(findings))


def _record_items(
    line: ContractLine, record: UsageRecord, period: Period, ctx: ScheduleContext
) -> list[ScheduleItem]:
    included = line.included_units or Decimal(0)
    billable = max(record.quantity - included, Decimal(0))
    value, arithmetic = price_units(billable, line.tiers, line.tier_mode, line.unit_price)
    amount = ctx.round(value)
    unit = line.unit or record.unit or "units"
    free = f", {number_text(included)} included" if included else ""
    key = f"{line.line_id}:{record.idempotency_key}"
    bill_date = period.end + ONE_DAY
    items = [
        ctx.item(
            line.line_id,
            key,
            BillingModel.USAGE,
            amount,
            trigger=Trigger.USAGE_REPORTED,
            bill_date=bill_date,
            service_period=period,
            quantity=billable,
            trigger_ref=record.idempotency_key,
            explanation=f"usage {period}: {number_text(record.quantity)} {unit}{free}, "
            f"{number_text(billable)} billable: {arithmetic} = {amount.amount:,f}",
        )
    ]
    if line.minimum_commitment is not None:
        minimum = ctx.round(line.minimum_commitment)
        if amount < minimum:
            short = minimum - amount
            items.append(
                ctx.item(
                    line.line_id,
                    f"{key}:true-up",
                    BillingModel.USAGE,
                    short,
                    kind=ItemKind.TRUE_UP,
                    trigger=Trigger.USAGE_REPORTED,
                    bill_date=bill_date,
                    service_period=period,
                    trigger_ref=record.idempotency_key,
                    explanation=f"minimum commitment {minimum.amount:,f} for {period}; usage "
                    f"billed {amount.amount:,f}, true-up {short.amount:,f}",
                )
            )
    return items


def _overlap_finding(line: ContractLine, record: UsageRecord, clash: str) -> Finding:
    return finding(
        "SCHEDULE-USAGE-OVERLAP",
        f"usage record {record.idempotency_key} ({record.period_start}..{record.period_end}) "
        f"overlaps record {clash} of line {line.line_id}; it is not billed, so no usage "
        "is billed twice",
        fields=(f"events.usage[{record.idempotency_key}].period_start",),
        hint="send a corrected record for the whole period instead of a second one",
    )
