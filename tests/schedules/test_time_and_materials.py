"""Time-and-materials stories: approved hours x rate, monthly in arrears, up to the NTE."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from billops.domain.events import Events, TimeEntry
from billops.domain.schedules import ItemKind, ItemStatus, Trigger, build_schedule
from tests.schedules.stories import contract, rows, rule_ids

D = date  # dates in stories read short: D(2026, 3, 1)

_count = iter(range(1, 10_000))


def hours(role: str, on: D, h: str, *, approved: bool = True, billable: bool = True) -> TimeEntry:
    return TimeEntry(
        idempotency_key=f"TE-{next(_count)}",
        contract_id="C-1",
        line_id="L1",
        person="Ada",
        role=role,
        work_date=on,
        hours=Decimal(h),
        approved=approved,
        billable=billable,
    )


def tm_sow(**fields: Any) -> Any:
    return contract(
        {"billing_model": "time_and_materials"},
        document_type="sow",
        rate_card=[
            {"role": "Consultant", "rate": "150.00", "unit": "hour"},
            {"role": "Architect", "rate": "1200.00", "unit": "day"},
        ],
        **fields,
    )


def test_one_item_per_role_per_month_in_arrears() -> None:
    events = Events.of(
        [
            hours("Consultant", D(2026, 3, 3), "10"),
            hours("consultant", D(2026, 3, 20), "2.5"),  # role names match case-insensitively
            hours("Consultant", D(2026, 3, 27), "4", approved=False),
            hours("Consultant", D(2026, 3, 28), "3", billable=False),
            hours("Consultant", D(2026, 4, 1), "8"),
        ]
    )
    schedule = build_schedule(tm_sow(), events, as_of=D(2026, 4, 15))
    # March: 12.5 h x 150.00 = 1,875.00; April: 8 h x 150.00 = 1,200.00.
    assert rows(schedule) == [
        ("L1:consultant:2026-03", "1875.00", D(2026, 4, 1), "billable"),
        ("L1:consultant:2026-04", "1200.00", D(2026, 5, 1), "scheduled"),
    ]
    march = schedule.items[0]
    assert march.trigger is Trigger.TIME_APPROVED
    assert march.quantity == Decimal("12.5")
    assert march.explanation == (
        "Consultant, 2026-03: 12.5 h x 150.00 an hour = 1,875.00 "
        "(4 h not approved yet, not billed; 3 h non-billable)"
    )


def test_day_rate_bills_hours_over_eight() -> None:
    # 12 h = 1.5 days x 1,200.00 = 1,800.00.
    events = Events.of(
        [hours("Architect", D(2026, 3, 3), "6"), hours("Architect", D(2026, 3, 4), "6")]
    )
    item = build_schedule(tm_sow(), events, as_of=D(2026, 4, 1)).items[0]
    assert (item.item_key, format(item.amount.amount, "f")) == ("L1:architect:2026-03", "1800.00")
    assert item.quantity == Decimal("1.5")
    assert "12 h = 1.5 days x 1,200.00 a day" in item.explanation


def test_role_not_on_the_rate_card_is_a_finding_and_not_billed() -> None:
    events = Events.of([hours("Data Scientist", D(2026, 3, 3), "5")])
    schedule = build_schedule(tm_sow(), events, as_of=D(2026, 4, 1))
    assert schedule.items == ()
    assert rule_ids(schedule) == ["SCHEDULE-ROLE-NOT-ON-RATE-CARD"]
    assert "'Data Scientist'" in schedule.findings[0].message


def test_only_unapproved_time_bills_nothing() -> None:
    events = Events.of([hours("Consultant", D(2026, 3, 3), "5", approved=False)])
    schedule = build_schedule(tm_sow(), events, as_of=D(2026, 4, 1))
    assert (schedule.items, schedule.findings) == ((), ())


def test_not_to_exceed_stops_billing_and_holds_the_excess() -> None:
    # NTE 2,000.00. March 1,875.00 fits; April 1,500.00 crosses: 125.00 billed,
    # 1,375.00 held; May 750.00 is all above the cap: held.
    events = Events.of(
        [
            hours("Consultant", D(2026, 3, 3), "12.5"),
            hours("Consultant", D(2026, 4, 7), "10"),
            hours("Consultant", D(2026, 5, 5), "5"),
        ]
    )
    schedule = build_schedule(tm_sow(not_to_exceed="2000.00"), events, as_of=D(2026, 6, 1))
    assert [
        (i.item_key, i.kind, format(i.amount.amount, "f"), i.status) for i in schedule.items
    ] == [
        ("L1:consultant:2026-03", ItemKind.CHARGE, "1875.00", ItemStatus.BILLABLE),
        ("L1:consultant:2026-04", ItemKind.CHARGE, "125.00", ItemStatus.BILLABLE),
        ("L1:consultant:2026-04:held", ItemKind.HELD_EXCESS, "1375.00", ItemStatus.HELD),
        ("L1:consultant:2026-05:held", ItemKind.HELD_EXCESS, "750.00", ItemStatus.HELD),
    ]
    assert schedule.total().amount == Decimal("2000.00")
    assert rule_ids(schedule) == ["SCHEDULE-NTE-EXCEEDED"]
    assert schedule.findings[0].values["held"] == "2125.00"


def test_not_to_exceed_spans_all_t_and_m_lines() -> None:
    terms = contract(
        {"billing_model": "time_and_materials"},
        {"billing_model": "time_and_materials"},
        document_type="sow",
        not_to_exceed="1000.00",
        rate_card=[{"role": "Consultant", "rate": "100.00"}],
    )
    first = hours("Consultant", D(2026, 3, 3), "6")
    second = TimeEntry(
        idempotency_key="TE-L2",
        contract_id="C-1",
        line_id="L2",
        person="Bo",
        role="Consultant",
        work_date=D(2026, 3, 4),
        hours=Decimal(6),
        approved=True,
    )
    schedule = build_schedule(terms, Events.of([first, second]), as_of=D(2026, 4, 1))
    assert schedule.total().amount == Decimal("1000.00")
    assert [i.item_key for i in schedule.items if i.kind is ItemKind.HELD_EXCESS] == [
        "L2:consultant:2026-03:held"
    ]


def test_roles_whose_keys_collide_still_get_unique_keys() -> None:
    terms = contract(
        {"billing_model": "time_and_materials"},
        document_type="sow",
        rate_card=[
            {"role": "Senior Consultant", "rate": "200.00"},
            {"role": "Senior-Consultant", "rate": "210.00"},
        ],
    )
    events = Events.of(
        [
            hours("Senior Consultant", D(2026, 3, 3), "1"),
            hours("Senior-Consultant", D(2026, 3, 4), "1"),
        ]
    )
    schedule = build_schedule(terms, events, as_of=D(2026, 4, 1))
    assert [i.item_key for i in schedule.items] == [
        "L1:senior-consultant:2026-03",
        "L1:senior-consultant:2026-03#2",
    ]
    assert rule_ids(schedule) == ["SCHEDULE-DUPLICATE-KEY"]
