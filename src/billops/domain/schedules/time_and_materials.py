"""Time and materials: approved hours x the role's rate, invoiced monthly in arrears.

A T&M statement of work sells people's time at the rates of its rate card
(``RoleRate``: a price per hour or per day for each role). Each month's
approved, billable time is invoiced after the month ends, one item per
role per month, its explanation listing the hours and the rate. Time that
is not approved yet, or marked non-billable, is not billed (the
explanation counts it); time in a role the rate card does not price is a
finding and is not billed.

**Day rates**: a time entry records hours; a role priced per day bills
``hours / 8`` days at the day rate (``HOURS_PER_DAY``: the common
consulting day; a contract with another day length needs a rate card per
hour). A role with both an hour and a day rate bills by the hour.

**Not-to-exceed** (``ContractTerms.not_to_exceed``, for all T&M lines of
the contract together): months are billed in date order until the cap is
reached; the item that crosses it is cut at the cap, and everything above
it becomes a ``held_excess`` item with status ``held`` and a finding, so
the overrun is reported to a person instead of silently billed or lost.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.events import Events, TimeEntry
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "SOW-3", "document_type": "sow", "currency": "EUR",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "rate_card": [{"role": "Architect", "rate": "1200.00", "unit": "day"}],
    ...     "lines": [{"line_id": "L1", "description": "Services",
    ...                "billing_model": "time_and_materials"}]})
    >>> work = TimeEntry(idempotency_key="TE-1", contract_id="SOW-3", line_id="L1",
    ...     person="Ada", role="Architect", work_date=date(2026, 3, 3), hours=Decimal(12),
    ...     approved=True)
    >>> item = build_schedule(terms, Events.of([work]), as_of=date(2026, 4, 1)).items[0]
    >>> item.item_key, str(item.amount), item.bill_date
    ('L1:architect:2026-03', '1800.00 EUR', datetime.date(2026, 4, 1))
    >>> item.explanation
    'Architect, 2026-03: 12 h = 1.5 days x 1,200.00 a day = 1,800.00'
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from billops.domain.calendar import Period, month_period
from billops.domain.contract import BillingModel, ContractLine, RateUnit, RoleRate
from billops.domain.events import TimeEntry
from billops.domain.findings import Finding, Severity
from billops.domain.money import Money
from billops.domain.schedules._common import (
    ONE_DAY,
    Generated,
    ScheduleContext,
    finding,
    number_text,
)
from billops.domain.schedules.model import ItemKind, ItemStatus, ScheduleItem, Trigger

__all__ = ["BILLING_MODELS", "HOURS_PER_DAY", "apply_cap", "generate", "rate_for"]

BILLING_MODELS = (BillingModel.TIME_AND_MATERIALS,)

HOURS_PER_DAY = Decimal(8)
"""Hours in a billable day, to bill time entries (in hours) at a day rate."""


def rate_for(role: str, rate_card: Sequence[RoleRate]) -> RoleRate | None:
    """The role's rate (case-insensitive), the hourly one when there are both."""
    matches = [r for r in rate_card if r.role.casefold() == role.strip().casefold()]
    hourly = [r for r in matches if r.unit is RateUnit.HOUR]
    chosen = hourly or matches
    return chosen[0] if chosen else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "role"


@dataclass
class _Month:
    approved: Decimal = Decimal(0)
    unapproved: Decimal = Decimal(0)
    non_billable: Decimal = Decimal(0)
    entries: int = 0


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """One item per role per month of each T&M line, up to the not-to-exceed."""
    ids = {line.line_id for line in lines}
    months: dict[tuple[str, str, Period], _Month] = defaultdict(_Month)
    unpriced: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    entries: list[TimeEntry] = sorted(
        (e for e in ctx.events.time_entries if e.line_id in ids and e.work_date <= ctx.as_of),
        key=lambda e: (e.work_date, e.idempotency_key),
    )
    for e in entries:
        rate = rate_for(e.role, ctx.terms.rate_card)
        if rate is None:
            if e.approved and e.billable:
                unpriced[(e.line_id, e.role)] += e.hours
            continue
        month = months[(e.line_id, rate.role, month_period(e.work_date))]
        if not e.approved:
            month.unapproved += e.hours
        elif not e.billable:
            month.non_billable += e.hours
        else:
            month.approved += e.hours
            month.entries += 1
    items: list[ScheduleItem] = []
    for (line_id, role, period), month in sorted(
        months.items(), key=lambda kv: (kv[0][2].start, kv[0][0], kv[0][1])
    ):
        if month.approved == 0:
            continue
        rate = rate_for(role, ctx.terms.rate_card)
        assert rate is not None
        items.append(_month_item(line_id, role, period, month, rate, ctx))
    findings = [
        _unpriced_finding(line_id, role, hours, ctx)
        for (line_id, role), hours in sorted(unpriced.items())
    ]
    capped = apply_cap(
        items,
        ctx.terms.not_to_exceed,
        ctx,
        "SCHEDULE-NTE-EXCEEDED",
        "not-to-exceed",
        "not_to_exceed",
    )
    return Generated(capped.items, tuple(findings) + capped.findings)


def _month_item(
    line_id: str, role: str, period: Period, month: _Month, rate: RoleRate, ctx: ScheduleContext
) -> ScheduleItem:
    label = period.start.strftime("%Y-%m")
    if rate.unit is RateUnit.DAY:
        days = month.approved / HOURS_PER_DAY
        amount = ctx.round(days * rate.rate)
        arithmetic = (
            f"{number_text(month.approved)} h = {number_text(days.normalize())} days x "
            f"{number_text(rate.rate)} a day"
        )
        quantity, price = days, rate.rate
    else:
        amount = ctx.round(month.approved * rate.rate)
        arithmetic = f"{number_text(month.approved)} h x {number_text(rate.rate)} an hour"
        quantity, price = month.approved, rate.rate
    notes = []
    if month.unapproved:
        notes.append(f"{number_text(month.unapproved)} h not approved yet, not billed")
    if month.non_billable:
        notes.append(f"{number_text(month.non_billable)} h non-billable")
    extra = f" ({'; '.join(notes)})" if notes else ""
    return ctx.item(
        line_id,
        f"{line_id}:{_slug(role)}:{label}",
        BillingModel.TIME_AND_MATERIALS,
        amount,
        trigger=Trigger.TIME_APPROVED,
        bill_date=period.end + ONE_DAY,
        service_period=period,
        quantity=quantity,
        unit_price=price,
        trigger_ref=f"{label}:{role}",
        explanation=f"{role}, {label}: {arithmetic} = {amount.amount:,f}{extra}",
    )


def _unpriced_finding(line_id: str, role: str, hours: Decimal, ctx: ScheduleContext) -> Finding:
    return finding(
        "SCHEDULE-ROLE-NOT-ON-RATE-CARD",
        f"{number_text(hours)} approved hours on line {line_id} are in role {role!r}, which "
        "the rate card does not price; they are not billed",
        fields=(f"events.time_entry[{line_id}:{role}].role",),
        values={"role": role, "hours": f"{hours}"},
        hint="map the time to a role on the rate card, or amend the rate card",
        severity=Severity.ERROR,
    )


def apply_cap(
    items: Sequence[ScheduleItem],
    cap: Decimal | None,
    ctx: ScheduleContext,
    rule_id: str,
    cap_name: str,
    field: str,
) -> Generated:
    """Bill ``items`` in order until ``cap``; cut the crossing item, hold the excess.

    The held part is a ``held_excess`` item (key ``<item key>:held``) with
    status ``held``; one finding reports the total held.
    """
    if cap is None:
        return Generated(items=tuple(items))
    limit = ctx.round(cap)
    billed = Money.zero(ctx.currency)
    out: list[ScheduleItem] = []
    held_total = Money.zero(ctx.currency)
    for item in items:
        room = max(limit - billed, Money.zero(ctx.currency))
        if item.amount <= room:
            out.append(item)
            billed = billed + item.amount
            continue
        excess = item.amount - room
        held_total = held_total + excess
        if not room.is_zero():
            out.append(
                dataclasses.replace(
                    item,
                    amount=room,
                    explanation=f"{item.explanation}; cut at the {cap_name} cap "
                    f"{limit.amount:,f}: {room.amount:,f} billed, {excess.amount:,f} held",
                )
            )
            billed = billed + room
        out.append(
            dataclasses.replace(
                item,
                item_key=f"{item.item_key}:held",
                kind=ItemKind.HELD_EXCESS,
                amount=excess,
                status=ItemStatus.HELD,
                explanation=f"{item.explanation}; {excess.amount:,f} above the {cap_name} cap "
                f"{limit.amount:,f} held, not billed",
            )
        )
    findings: tuple[Finding, ...] = ()
    if not held_total.is_zero():
        findings = (
            finding(
                rule_id,
                f"billing reached the {cap_name} cap of {limit.amount:,f} {ctx.currency}; "
                f"{held_total.amount:,f} above it is held, not billed",
                fields=(field,),
                values={"cap": f"{limit.amount}", "held": f"{held_total.amount}"},
                hint="agree a change order raising the cap, or write the excess off",
                severity=Severity.ERROR,
            ),
        )
    return Generated(tuple(out), findings)
