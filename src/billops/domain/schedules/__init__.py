"""Billing schedules: from a contract's terms and its events, every amount it will invoice.

A billing schedule lists, for each contract line, what will be invoiced,
for which service period, when, and why: a subscription's periods, a fixed
fee's installments, each milestone, each month of approved time, each
usage period, each shipment. ``build_schedule`` is a pure function of the
terms, the events and the as-of date: the same inputs always give the same
schedule, so a schedule preview and what setup stores agree by
construction, and the billing run can recompute it and bill only the
difference.

Each line goes to the generator of its billing model, one module per model
with one shape (``BILLING_MODELS`` and ``generate(lines, ctx)``):

    ==================  =====================================================
    subscription        periods in advance or arrears, prorated, ramps
    fixed_fee           installments: equal, or on dates / signature
    milestone           each milestone on the customer's acceptance
    time_and_materials  approved time x role rate, monthly, up to the NTE
    usage               tiers, included units, minimum commitment true-up
    one_time            on signature, or on go-live
    hardware            on shipment, per shipped quantity
    maintenance         annually in advance, a percent of a line or a price
    expenses            at cost (plus mark-up), monthly, up to the cap
    ==================  =====================================================

A year of a 100-seat plan at 45.00 a seat a month, billed quarterly in
advance (``unit_price`` is per billing period, so 135.00 a quarter):

    >>> from billops.domain.contract import parse_contract
    >>> terms = parse_contract({
    ...     "contract_id": "OF-1", "document_type": "order_form", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...     "billing": {"frequency": "quarterly", "timing": "advance"},
    ...     "lines": [{"line_id": "L1", "description": "Seats", "billing_model": "subscription",
    ...                "quantity": 100, "unit_price": "135.00", "amount": "54000.00"}]})
    >>> schedule = build_schedule(terms, as_of=date(2026, 5, 1))
    >>> for item in schedule.items:
    ...     print(item.item_key, item.bill_date, item.amount, item.status.value)
    L1:2026-01-01 2026-01-01 13500.00 USD billable
    L1:2026-04-01 2026-04-01 13500.00 USD billable
    L1:2026-07-01 2026-07-01 13500.00 USD scheduled
    L1:2026-10-01 2026-10-01 13500.00 USD scheduled

A bundle's components that carry no price of their own (``bundle_parent``
set, zero or no price) are billed through the bundle's line and get no
items of their own.

Items are ordered by bill date (waiting items, which have none, last),
then line and key. ``renewal_schedule`` (in ``subscription``) prices a
renewal term with its uplift; ``amend_schedule`` (in ``amendments``)
rebuilds a schedule after an amendment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from types import ModuleType

from billops.domain.calendar import DayCount
from billops.domain.contract import BillingModel, ContractLine, ContractTerms
from billops.domain.events import Events
from billops.domain.findings import Finding
from billops.domain.money import RoundingMode
from billops.domain.schedules import (
    expenses,
    fixed_fee,
    hardware,
    maintenance,
    milestone,
    one_time,
    subscription,
    time_and_materials,
    usage,
)
from billops.domain.schedules._common import Generated, ScheduleContext, finding
from billops.domain.schedules.amendments import AmendmentResult, amend_schedule
from billops.domain.schedules.model import (
    ItemKind,
    ItemStatus,
    Schedule,
    ScheduleItem,
    Trigger,
)
from billops.domain.schedules.subscription import renewal_schedule

__all__ = [
    "GENERATORS",
    "AmendmentResult",
    "ItemKind",
    "ItemStatus",
    "Schedule",
    "ScheduleItem",
    "Trigger",
    "amend_schedule",
    "build_schedule",
    "generator_for",
    "order_items",
    "renewal_schedule",
]

GENERATORS: tuple[ModuleType, ...] = (
    subscription,
    fixed_fee,
    milestone,
    time_and_materials,
    usage,
    one_time,
    hardware,
    maintenance,
    expenses,
)
"""The generator modules, one per billing model (each names its models in BILLING_MODELS)."""

_BY_MODEL: dict[BillingModel, ModuleType] = {
    model: module for module in GENERATORS for model in module.BILLING_MODELS
}


def generator_for(billing_model: BillingModel) -> ModuleType:
    """The generator module of a billing model.

    >>> generator_for(BillingModel.USAGE).__name__
    'billops.domain.schedules.usage'
    """
    return _BY_MODEL[BillingModel(billing_model)]


def build_schedule(
    terms: ContractTerms,
    events: Events = Events(),  # noqa: B008 - Events is immutable
    *,
    as_of: date,
    version: int = 1,
    rounding: RoundingMode = RoundingMode.HALF_UP,
    day_count: DayCount = DayCount.ACTUAL_ACTUAL,
    anchor: date | None = None,
) -> Schedule:
    """The billing schedule of ``terms`` given ``events``, with each item's status on ``as_of``.

    ``anchor`` overrides the anniversary anchor of recurring lines (the
    contract's start date by default): an amendment passes the amended
    contract's start so that its add-on periods fall on the base's grid.
    """
    ctx = ScheduleContext(
        terms=terms,
        events=events.for_contract(terms.contract_id),
        as_of=as_of,
        rounding=rounding,
        day_count=day_count,
        anchor=anchor,
    )
    generated = Generated(findings=tuple(_events_for_unknown_lines(ctx)))
    billed_lines = [line for line in terms.lines if not _priced_by_bundle(line)]
    for module in GENERATORS:
        lines = [line for line in billed_lines if line.billing_model in module.BILLING_MODELS]
        if lines or module is milestone:
            result: Generated = module.generate(lines, ctx)
            generated = generated + result
    items, clashes = _unique_keys(order_items(generated.items))
    return Schedule(
        contract_id=terms.contract_id,
        version=version,
        currency=terms.currency,
        items=items,
        findings=_unique_findings((*generated.findings, *clashes)),
    )


def _unique_keys(
    items: tuple[ScheduleItem, ...],
) -> tuple[tuple[ScheduleItem, ...], list[Finding]]:
    """Keys made unique (``#2``, ``#3``...) when two items would share one, with a finding.

    Only contracts whose names collide once made into keys (roles "Senior
    Consultant" and "senior-consultant") can get here; storage needs unique keys.
    """
    seen: dict[str, int] = {}
    out: list[ScheduleItem] = []
    findings: list[Finding] = []
    for item in items:
        count = seen.get(item.item_key, 0) + 1
        seen[item.item_key] = count
        if count == 1:
            out.append(item)
            continue
        key = f"{item.item_key}#{count}"
        out.append(dataclasses.replace(item, item_key=key))
        findings.append(
            finding(
                "SCHEDULE-DUPLICATE-KEY",
                f"two schedule items of line {item.line_id} would share the key "
                f"{item.item_key!r}; the second is stored as {key!r}",
                fields=(f"schedule[{item.item_key}]",),
                hint="give the contract's roles, lines or events distinct names",
            )
        )
    return tuple(out), findings


def _priced_by_bundle(line: ContractLine) -> bool:
    """A bundle component without a price of its own: the bundle line bills it."""
    return (
        line.bundle_parent is not None
        and not line.amount
        and not line.unit_price
        and line.percent is None
    )


def order_items(items: Iterable[ScheduleItem]) -> tuple[ScheduleItem, ...]:
    """Items by bill date (those without one last), then line id, then key."""
    return tuple(
        sorted(
            items,
            key=lambda item: (
                item.bill_date is None,
                item.bill_date or date.max,
                item.line_id,
                item.item_key,
            ),
        )
    )


def _unique_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    seen: set[str] = set()
    unique: list[Finding] = []
    for item in findings:
        if item.key not in seen:
            seen.add(item.key)
            unique.append(item)
    return tuple(unique)


def _events_for_unknown_lines(ctx: ScheduleContext) -> Iterable[Finding]:
    """Events that name a line this contract does not have: reported, never billed."""
    known: dict[str, ContractLine] = {line.line_id: line for line in ctx.terms.lines}
    for event in ctx.events.all():
        line_id = getattr(event, "line_id", None)
        if line_id is not None and line_id not in known:
            yield finding(
                "SCHEDULE-EVENT-UNKNOWN-LINE",
                f"{event.kind} {event.idempotency_key} names line {line_id!r}, which contract "
                f"{ctx.contract_id} does not have; it is not billed",
                fields=(f"events.{event.kind}[{event.idempotency_key}].line_id",),
                values={"line_id": line_id, "event": event.idempotency_key},
                hint="correct the event's line id, or amend the contract",
            )
