"""Usage stories: included units, graduated / volume / package tiers, true-up, bad tiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from billops.domain.calendar import month_period
from billops.domain.contract import UsageTier
from billops.domain.events import Events, UsageRecord
from billops.domain.schedules import ItemKind, Trigger, build_schedule
from tests.schedules.stories import contract, rows, rule_ids

D = date  # dates in stories read short: D(2026, 3, 1)

TIERS = [
    {"up_to": 1000, "unit_price": "0.10"},
    {"up_to": 5000, "unit_price": "0.08"},
    {"unit_price": "0.05"},
]


def api_calls(**fields: Any) -> Any:
    line = {"billing_model": "usage", "unit": "call", "tiers": TIERS, "tier_mode": "graduated"}
    line.update(fields)
    return contract(line, start_date="2026-01-01", end_date="2026-12-31")


def month(n: int, quantity: int, key: str | None = None) -> UsageRecord:
    period = month_period(D(2026, n, 1))
    return UsageRecord(
        idempotency_key=key or f"US-C-1-L1-2026{n:02d}",
        contract_id="C-1",
        line_id="L1",
        period_start=period.start,
        period_end=period.end,
        quantity=Decimal(quantity),
    )


def test_graduated_tiers_after_included_units() -> None:
    # 7,500 calls, 500 included: 7,000 billable =
    # 1,000 x 0.10 + 4,000 x 0.08 + 2,000 x 0.05 = 100 + 320 + 100 = 520.00.
    schedule = build_schedule(
        api_calls(included_units=500), Events.of([month(10, 7500)]), as_of=D(2026, 11, 23)
    )
    assert rows(schedule) == [("L1:US-C-1-L1-202610", "520.00", D(2026, 11, 1), "billable")]
    item = schedule.items[0]
    assert item.trigger is Trigger.USAGE_REPORTED
    assert "1,000 x 0.10 + 4,000 x 0.08 + 2,000 x 0.05" in item.explanation


def test_volume_tiers_price_every_unit_at_the_reached_tier() -> None:
    # 7,000 calls reach the open tier: 7,000 x 0.05 = 350.00.
    schedule = build_schedule(
        api_calls(tier_mode="volume"), Events.of([month(10, 7000)]), as_of=D(2026, 11, 23)
    )
    assert rows(schedule)[0][1] == "350.00"


def test_package_tiers_charge_per_started_package() -> None:
    # 2,500 calls in packages of 1,000 at 5.00: 3 packages = 15.00 (+ 2.00 flat fee).
    tiers = [{"unit_price": "5.00", "package_size": 1000, "flat_fee": "2.00"}]
    schedule = build_schedule(
        api_calls(tiers=tiers, tier_mode="package"),
        Events.of([month(10, 2500)]),
        as_of=D(2026, 11, 23),
    )
    assert rows(schedule)[0][1] == "17.00"


def test_flat_unit_price_without_tiers() -> None:
    terms = contract({"billing_model": "usage", "unit_price": "0.015"})
    schedule = build_schedule(terms, Events.of([month(3, 1001)]), as_of=D(2026, 4, 1))
    # 1,001 x 0.015 = 15.015 -> 15.02 (half-up).
    assert rows(schedule) == [("L1:US-C-1-L1-202603", "15.02", D(2026, 4, 1), "billable")]


def test_minimum_commitment_true_up_at_period_end() -> None:
    # 1,200 calls, 1,000 included: 200 x 0.10 = 20.00; minimum 100.00: true-up 80.00.
    # 21,000 calls the next month, 20,000 billable:
    # 1,000 x 0.10 + 4,000 x 0.08 + 15,000 x 0.05 = 100 + 320 + 750 = 1,170.00.
    schedule = build_schedule(
        api_calls(included_units=1000, minimum_commitment="100.00"),
        Events.of([month(9, 1200), month(10, 21000)]),
        as_of=D(2026, 11, 23),
    )
    assert [(i.item_key, i.kind, format(i.amount.amount, "f")) for i in schedule.items] == [
        ("L1:US-C-1-L1-202609", ItemKind.CHARGE, "20.00"),
        ("L1:US-C-1-L1-202609:true-up", ItemKind.TRUE_UP, "80.00"),
        ("L1:US-C-1-L1-202610", ItemKind.CHARGE, "1170.00"),
    ]


def test_no_usage_at_all_is_trued_up_in_full() -> None:
    schedule = build_schedule(
        api_calls(minimum_commitment="100.00"), Events.of([month(9, 0)]), as_of=D(2026, 11, 23)
    )
    assert [format(i.amount.amount, "f") for i in schedule.items] == ["0.00", "100.00"]


def test_overlapping_tiers_are_a_finding_and_bill_nothing() -> None:
    # The contract model refuses such tiers when it parses a file; terms built in code
    # (or stored before the rule) can still hold them, and the schedule must not guess.
    terms = api_calls()
    bad = (
        UsageTier(up_to=Decimal(1000), unit_price=Decimal("0.10")),
        UsageTier.model_construct(up_to=Decimal(500), unit_price=Decimal("0.08")),
        UsageTier(unit_price=Decimal("0.05")),
    )
    terms = terms.model_copy(update={"lines": (terms.lines[0].model_copy(update={"tiers": bad}),)})
    schedule = build_schedule(terms, Events.of([month(10, 7000)]), as_of=D(2026, 11, 23))
    assert schedule.items == ()
    assert rule_ids(schedule) == ["SCHEDULE-USAGE-TIERS-INVALID"]
    assert "tiers[1] overlaps tiers[0]" in schedule.findings[0].message


def test_open_tier_before_the_last_leaves_a_gap_finding() -> None:
    terms = api_calls()
    bad = (
        UsageTier.model_construct(up_to=None, unit_price=Decimal("0.10")),
        UsageTier(up_to=Decimal(5000), unit_price=Decimal("0.08")),
    )
    terms = terms.model_copy(update={"lines": (terms.lines[0].model_copy(update={"tiers": bad}),)})
    schedule = build_schedule(terms, Events.of([month(10, 7000)]), as_of=D(2026, 11, 23))
    assert rule_ids(schedule) == ["SCHEDULE-USAGE-TIERS-INVALID"]


def test_overlapping_usage_records_bill_once_and_report_the_second() -> None:
    events = Events.of([month(10, 2000), month(10, 3000, key="US-late-correction")])
    schedule = build_schedule(api_calls(), events, as_of=D(2026, 11, 23))
    assert [i.item_key for i in schedule.items] == ["L1:US-C-1-L1-202610"]
    assert rule_ids(schedule) == ["SCHEDULE-USAGE-OVERLAP"]
