"""Amendments: rebuilding a schedule when a signed change takes effect mid-term.

An amendment (change order) changes a running contract from its effective
date: more or fewer seats, a new price, an earlier end (termination) or a
later one (extension). Its schedule is the amended contract's schedule,
except that nothing already invoiced is touched:

- items not yet billed that start on or after the effective date are
  rebuilt from the amended terms (the old ones are *superseded*);
- recurring items already billed, or running when the change takes effect,
  stay as they are, and the days from the effective date on get a
  ``proration_credit`` at the old price and a ``proration_charge`` at the
  new price (a termination gets the credit only; an unchanged price gets
  neither);
- event items already billed (a milestone, a shipment) stay as they are;
- new periods (an extension, a new line) are added.

No service day is billed twice: a rebuilt item that covers days a kept
item already covers is cut to the days that remain.

    >>> from datetime import date
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.schedules import build_schedule
    >>> def order_form(seats):
    ...     return parse_contract({
    ...         "contract_id": "OF-7", "document_type": "order_form", "currency": "USD",
    ...         "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...         "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...         "billing": {"frequency": "annual", "timing": "advance"},
    ...         "lines": [{"line_id": "L1", "description": "Seats",
    ...                    "billing_model": "subscription", "quantity": seats,
    ...                    "unit_price": "365.00"}]})
    >>> current = build_schedule(order_form(10), as_of=date(2026, 1, 1))
    >>> result = amend_schedule(current, order_form(12), effective=date(2026, 7, 2),
    ...                         billed_keys=frozenset({"L1:2026-01-01"}), as_of=date(2026, 7, 2))
    >>> for item in result.adjustments:
    ...     print(item.kind.value, item.amount, item.service_period)
    proration_credit -1830.00 USD 2026-07-02..2026-12-31
    proration_charge 2196.00 USD 2026-07-02..2026-12-31

An effective date outside the contract's term is refused with
``InvalidInput``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from billops.domain.calendar import DayCount, Period, prorate_fraction
from billops.domain.contract import ContractTerms
from billops.domain.events import Events
from billops.domain.findings import Finding
from billops.domain.money import RoundingMode
from billops.domain.schedules._common import ONE_DAY, exact_money, finding, status_on
from billops.domain.schedules.model import (
    ItemKind,
    Schedule,
    ScheduleItem,
    Trigger,
)
from billops.errors import InvalidInput

__all__ = ["AmendmentResult", "amend_schedule"]


@dataclass(frozen=True, slots=True)
class AmendmentResult:
    """The amended schedule, the items it replaced, and the proration items it added."""

    schedule: Schedule
    superseded: tuple[ScheduleItem, ...]
    adjustments: tuple[ScheduleItem, ...]


def _is_recurring(item: ScheduleItem) -> bool:
    """Date-triggered items with a service period: subscriptions, maintenance, installments."""
    return item.trigger is Trigger.DATE and item.service_period is not None


def term_of(current: Schedule, amended_terms: ContractTerms) -> Period | None:
    """The range an amendment may take effect in: the old and the amended term together."""
    starts = [i.service_period.start for i in current.items if i.service_period is not None]
    ends = [i.service_period.end for i in current.items if i.service_period is not None]
    if amended_terms.start_date is not None:
        starts.append(amended_terms.start_date)
    if amended_terms.end_date is not None:
        ends.append(amended_terms.end_date)
    if not starts or not ends:
        return None
    return Period(min(starts), max(*ends, min(starts)))


def amend_schedule(
    current: Schedule,
    amended_terms: ContractTerms,
    *,
    effective: date,
    billed_keys: frozenset[str],
    events: Events = Events(),  # noqa: B008 - Events is immutable
    as_of: date,
    rounding: RoundingMode = RoundingMode.HALF_UP,
    day_count: DayCount = DayCount.ACTUAL_ACTUAL,
    anchor: date | None = None,
) -> AmendmentResult:
    """The schedule of ``amended_terms`` taking effect on ``effective`` (see the module doc).

    ``amended_terms`` are the contract's whole terms as amended (not the
    amendment document alone); they are scheduled under ``current``'s
    contract id. ``billed_keys`` are the item keys already invoiced.
    Raises ``InvalidInput`` when ``effective`` lies outside the term.
    """
    from billops.domain.schedules import build_schedule, order_items

    term = term_of(current, amended_terms)
    if term is None or not term.contains(effective):
        where = f"the term {term}" if term else "a term (the contract has no dates)"
        raise InvalidInput(
            f"the amendment takes effect on {effective}, outside {where} of contract "
            f"{current.contract_id}",
            field="effective_date",
            value=effective.isoformat(),
            hint="an amendment must take effect within the term of the contract it amends",
        )
    if amended_terms.contract_id != current.contract_id:
        amended_terms = amended_terms.model_copy(update={"contract_id": current.contract_id})
    version = current.version + 1
    rebuilt = build_schedule(
        amended_terms,
        events,
        as_of=as_of,
        version=version,
        rounding=rounding,
        day_count=day_count,
        anchor=anchor,
    )
    kept = [_restated(item, as_of) for item in current.items if _kept(item, billed_keys, effective)]
    kept_keys = {item.item_key for item in kept}
    adjustments: list[ScheduleItem] = []
    for item in kept:
        if _is_recurring(item) and item.kind is ItemKind.CHARGE:
            adjustments.extend(_adjust(item, kept, rebuilt, effective, as_of, rounding, day_count))
    adjustment_keys = {a.item_key for a in adjustments}
    new_items: list[ScheduleItem] = []
    findings: list[Finding] = list(rebuilt.findings)
    for item in rebuilt.items:
        if item.item_key in kept_keys or item.item_key in adjustment_keys:
            continue
        trimmed, trouble = _outside_kept(item, kept, rounding, day_count)
        if trouble is not None:
            findings.append(trouble)
        if trimmed is not None:
            new_items.append(trimmed)
    new_by_key = {item.item_key: item for item in new_items}
    superseded = tuple(
        item
        for item in current.items
        if item.item_key not in kept_keys and new_by_key.get(item.item_key) != item
    )
    schedule = Schedule(
        contract_id=current.contract_id,
        version=version,
        currency=current.currency,
        items=order_items([*kept, *new_items, *adjustments]),
        findings=tuple(findings),
    )
    return AmendmentResult(schedule, superseded, tuple(adjustments))


def _restated(item: ScheduleItem, as_of: date) -> ScheduleItem:
    """A kept date-triggered item with its status on the amendment's as-of date."""
    if item.trigger in (Trigger.DATE, Trigger.SIGNATURE) and item.kind is not ItemKind.HELD_EXCESS:
        return dataclasses.replace(item, status=status_on(item.bill_date, as_of))
    return item


def _kept(item: ScheduleItem, billed_keys: frozenset[str], effective: date) -> bool:
    """Billed items stay; so do unbilled recurring items that start before the change."""
    if item.item_key in billed_keys:
        return True
    return (
        _is_recurring(item)
        and item.service_period is not None
        and item.service_period.start < effective
    )


def _share(part: Period, whole: Period, day_count: DayCount) -> Fraction:
    return prorate_fraction(part, whole, day_count)


def _value_over(
    items: Iterable[ScheduleItem], line_id: str, days: Period, day_count: DayCount
) -> tuple[Fraction, list[str]]:
    """What ``items`` of the line charge for ``days``, each prorated by its own period."""
    total = Fraction(0)
    notes: list[str] = []
    for item in items:
        if (
            item.line_id != line_id
            or item.service_period is None
            or item.kind is ItemKind.HELD_EXCESS
            or not _is_recurring(item)
        ):
            continue
        part = item.service_period.intersection(days)
        if part is None:
            continue
        share = _share(part, item.service_period, day_count)
        total += Fraction(item.amount.amount) * share
        notes.append(
            f"{item.amount.amount:,f} x {part.days}/{item.service_period.days} days "
            f"({item.item_key})"
        )
    return total, notes


def _adjust(
    item: ScheduleItem,
    kept: list[ScheduleItem],
    rebuilt: Schedule,
    effective: date,
    as_of: date,
    rounding: RoundingMode,
    day_count: DayCount,
) -> list[ScheduleItem]:
    """The credit (old price) and charge (new price) for the item's days from ``effective``."""
    assert item.service_period is not None
    if item.service_period.end < effective:
        return []
    days = Period(max(item.service_period.start, effective), item.service_period.end)
    # The old price of those days: this item and any earlier amendment's adjustments of them.
    earlier = [
        k
        for k in kept
        if k.kind in (ItemKind.PRORATION_CREDIT, ItemKind.PRORATION_CHARGE)
        and k.service_period is not None
        and item.service_period.covers(k.service_period)
    ]
    old_value, old_notes = _value_over([item, *earlier], item.line_id, days, day_count)
    new_value, new_notes = _value_over(rebuilt.items, item.line_id, days, day_count)
    credit = exact_money(old_value, item.amount.currency).round(rounding)
    charge = exact_money(new_value, item.amount.currency).round(rounding)
    if credit == charge:
        return []
    made: list[ScheduleItem] = []
    base = dict(
        contract_id=item.contract_id,
        line_id=item.line_id,
        billing_model=item.billing_model,
        service_period=days,
        bill_date=effective,
        trigger=Trigger.DATE,
        trigger_ref=item.item_key,
        status=status_on(effective, as_of),
    )
    if not credit.is_zero():
        made.append(
            ScheduleItem(
                item_key=f"{item.item_key}:credit@{effective.isoformat()}",
                kind=ItemKind.PRORATION_CREDIT,
                amount=-credit,
                quantity=item.quantity,
                unit_price=item.unit_price,
                explanation=f"amendment effective {effective}: credit for {days} at the old "
                f"price: {' + '.join(old_notes)} = {credit.amount:,f}",
                **base,  # type: ignore[arg-type]
            )
        )
    if not charge.is_zero():
        new_item = next(
            (
                n
                for n in rebuilt.items
                if n.line_id == item.line_id
                and n.service_period is not None
                and n.service_period.overlaps(days)
            ),
            None,
        )
        made.append(
            ScheduleItem(
                item_key=f"{item.item_key}:charge@{effective.isoformat()}",
                kind=ItemKind.PRORATION_CHARGE,
                amount=charge,
                quantity=new_item.quantity if new_item else None,
                unit_price=new_item.unit_price if new_item else None,
                explanation=f"amendment effective {effective}: charge for {days} at the new "
                f"price: {' + '.join(new_notes)} = {charge.amount:,f}",
                **base,  # type: ignore[arg-type]
            )
        )
    return made


def _outside_kept(
    item: ScheduleItem, kept: list[ScheduleItem], rounding: RoundingMode, day_count: DayCount
) -> tuple[ScheduleItem | None, Finding | None]:
    """The rebuilt item cut to the days no kept item of its line covers (None: all covered)."""
    if not _is_recurring(item) or item.service_period is None:
        return item, None
    period = item.service_period
    covered = sorted(
        (
            k.service_period
            for k in kept
            if k.line_id == item.line_id
            and k.kind is ItemKind.CHARGE
            and k.service_period is not None
            and k.service_period.overlaps(period)
        ),
        key=lambda p: p.start,
    )
    if not covered:
        return item, None
    free: list[Period] = []
    cursor = period.start
    for p in covered:
        if p.start > cursor:
            free.append(Period(cursor, p.start - ONE_DAY))
        cursor = max(cursor, p.end + ONE_DAY)
    if cursor <= period.end:
        free.append(Period(cursor, period.end))
    if not free:
        return None, None
    if len(free) > 1:
        return item, finding(
            "SCHEDULE-AMENDMENT-SPLIT-PERIOD",
            f"the rebuilt item {item.item_key} covers days already billed in the middle of its "
            "period; it is kept whole, check it by hand",
            fields=(f"schedule[{item.item_key}]",),
        )
    part = free[0]
    amount = exact_money(
        Fraction(item.amount.amount) * _share(part, period, day_count), item.amount.currency
    ).round(rounding)
    return (
        dataclasses.replace(
            item,
            amount=amount,
            service_period=part,
            explanation=f"{item.explanation}; only {part} is billed here, the rest of the "
            f"period is already on the schedule: {item.amount.amount:,f} x "
            f"{part.days}/{period.days} days = {amount.amount:,f}",
        ),
        None,
    )
