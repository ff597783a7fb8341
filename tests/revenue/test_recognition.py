"""Recognition schedules as stories: an obligation and its events, these months and amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.calendar import Period
from billops.domain.events import (
    AcceptanceStatus,
    Events,
    MilestoneAcceptance,
    Provisioning,
    ProvisioningKind,
    Shipment,
    TimeEntry,
)
from billops.domain.revenue import (
    AllocationVersion,
    IncurredAmount,
    InputProgress,
    PointInTimeEvent,
    RecognitionPattern,
    allocate_transaction_price,
    determine_transaction_price,
    manual_obligation,
    recognition_schedule,
)
from billops.domain.revenue.allocation import standalone
from billops.domain.revenue.obligations import MilestoneWeight
from tests.revenue.support import usd

C = "OF-R-1"


def _months(schedule, obligation_id=None):  # type: ignore[no-untyped-def]
    return [
        (e.month.start.strftime("%Y-%m"), str(e.amount.amount))
        for e in schedule.entries
        if obligation_id is None or e.obligation_id == obligation_id
    ]


def _alone(obligation, amount: str):  # type: ignore[no-untyped-def]
    return allocate_transaction_price(
        [obligation], usd(amount), [standalone(obligation.obligation_id, amount)]
    )


def test_ratable_by_actual_days_across_partial_months() -> None:
    # 15 Jan - 14 Apr is 17 + 28 + 31 + 14 = 90 days; 900.00 is 10.00 a day.
    service = Period(date(2026, 1, 15), date(2026, 4, 14))
    seats = manual_obligation(
        "L1", C, "USD", pattern=RecognitionPattern.RATABLE, service_period=service
    )
    schedule = recognition_schedule([seats], _alone(seats, "900.00"))
    assert _months(schedule) == [
        ("2026-01", "170.00"),
        ("2026-02", "280.00"),
        ("2026-03", "310.00"),
        ("2026-04", "140.00"),
    ]
    assert schedule.pending == ()


def test_hardware_is_recognised_per_shipped_quantity() -> None:
    # 2 appliances allocated 1,000.01: the first shipped in February earns
    # half, 500.005, rounded half-up to 500.01; the second in March the rest.
    appliances = manual_obligation("L3", C, "USD", quantity=Decimal(2))
    events = Events.of(
        [
            Shipment("SH-1", C, "L3", "HW", Decimal(1), date(2026, 2, 10)),
            Shipment("SH-2", C, "L3", "HW", Decimal(1), date(2026, 3, 5)),
        ]
    )
    schedule = recognition_schedule([appliances], _alone(appliances, "1000.01"), events=events)
    assert _months(schedule) == [("2026-02", "500.01"), ("2026-03", "500.00")]


def test_nothing_shipped_is_pending_with_the_reason() -> None:
    appliances = manual_obligation("L3", C, "USD", quantity=Decimal(2))
    schedule = recognition_schedule([appliances], _alone(appliances, "1000.00"))
    assert schedule.entries == ()
    assert [(p.obligation_id, str(p.amount.amount), p.reason) for p in schedule.pending] == [
        ("L3", "1000.00", "waiting for shipment")
    ]


def test_one_time_service_on_go_live_of_its_line() -> None:
    onboarding = manual_obligation("L2", C, "USD", point_event=PointInTimeEvent.GO_LIVE)
    events = Events.of(
        [
            Provisioning("P-0", C, "L9", ProvisioningKind.TENANT_LIVE, date(2026, 1, 5)),
            Provisioning("P-1", C, "L2", ProvisioningKind.TENANT_LIVE, date(2026, 3, 20)),
        ]
    )
    schedule = recognition_schedule([onboarding], _alone(onboarding, "2321.19"), events=events)
    assert _months(schedule) == [("2026-03", "2321.19")]  # not January: P-0 is another line


def test_output_method_milestone_by_milestone_as_accepted() -> None:
    # Weights 36,000 / 48,000 / 36,000 of 100,000 allocated: 30,000, 40,000,
    # 30,000. M1 accepted in February; M2 rejected in April, accepted in May.
    deliverables = manual_obligation(
        "L5",
        C,
        "USD",
        pattern=RecognitionPattern.OUTPUT,
        milestones=[
            MilestoneWeight("M1", "Design", Decimal(36000)),
            MilestoneWeight("M2", "Build", Decimal(48000)),
            MilestoneWeight("M3", "Go-live", Decimal(36000)),
        ],
    )
    events = Events.of(
        [
            MilestoneAcceptance("A-1", C, "M1", AcceptanceStatus.ACCEPTED, date(2026, 2, 15)),
            MilestoneAcceptance("A-2", C, "M2", AcceptanceStatus.REJECTED, date(2026, 4, 1)),
            MilestoneAcceptance("A-3", C, "M2", AcceptanceStatus.ACCEPTED, date(2026, 5, 10)),
        ]
    )
    schedule = recognition_schedule(
        [deliverables], _alone(deliverables, "100000.00"), events=events
    )
    assert _months(schedule) == [("2026-02", "30000.00"), ("2026-05", "40000.00")]
    assert [str(p.amount.amount) for p in schedule.pending] == ["30000.00"]


def _hours(key: str, day: date, hours: int, approved: bool = True) -> TimeEntry:
    return TimeEntry(key, C, "L4", "Ada", "Consultant", day, Decimal(hours), approved)


def test_input_method_hours_over_estimate_with_a_change_of_estimate() -> None:
    # 30,000 allocated, 400 hours estimated. January 100 approved hours:
    # 25 % = 7,500. February 100 more (20 unapproved do not count): 50 % =
    # 15,000, so 7,500 in February. On 31 March the estimate becomes 500
    # hours with 300 incurred: 60 % = 18,000, so 3,000 in March.
    implementation = manual_obligation("L4", C, "USD", pattern=RecognitionPattern.INPUT)
    entries = [_hours(f"J{d}", date(2026, 1, d), 20) for d in range(5, 10)]
    entries += [_hours(f"F{d}", date(2026, 2, d), 20) for d in range(2, 7)]
    entries.append(_hours("F-X", date(2026, 2, 9), 20, approved=False))
    schedule = recognition_schedule(
        [implementation],
        _alone(implementation, "30000.00"),
        events=Events.of(entries),
        estimated_hours={"L4": Decimal(400)},
        progress=[InputProgress("L4", date(2026, 3, 31), Decimal(300), Decimal(500))],
    )
    assert _months(schedule) == [
        ("2026-01", "7500.00"),
        ("2026-02", "7500.00"),
        ("2026-03", "3000.00"),
    ]
    assert [str(p.amount.amount) for p in schedule.pending] == ["12000.00"]
    # April: 40 more approved hours on top of the report's 300: 340 / 500 =
    # 68 % = 20,400, so 2,400 in April.
    april = recognition_schedule(
        [implementation],
        _alone(implementation, "30000.00"),
        events=Events.of([*entries, *(_hours(f"A{d}", date(2026, 4, d), 20) for d in (1, 2))]),
        estimated_hours={"L4": Decimal(400)},
        progress=[InputProgress("L4", date(2026, 3, 31), Decimal(300), Decimal(500))],
    )
    assert _months(april)[-1] == ("2026-04", "2400.00")


def test_input_method_without_any_estimate_waits_and_says_so() -> None:
    implementation = manual_obligation("L4", C, "USD", pattern=RecognitionPattern.INPUT)
    schedule = recognition_schedule(
        [implementation],
        _alone(implementation, "30000.00"),
        events=Events.of([_hours("J1", date(2026, 1, 5), 8)]),
    )
    assert schedule.entries == ()
    assert "no estimate" in schedule.pending[0].reason


def test_usage_is_recognised_as_incurred() -> None:
    usage = manual_obligation("L6", C, "USD", pattern=RecognitionPattern.AS_INCURRED)
    incurred = [
        IncurredAmount("L6", date(2026, 1, 31), usd("120.00"), "usage January"),
        IncurredAmount("L6", date(2026, 2, 28), usd("80.00"), "usage February"),
    ]
    price = determine_transaction_price([usage], incurred=incurred)
    allocation = allocate_transaction_price([usage], price, [standalone("L6", "0")])
    assert str(allocation.allocated_to("L6")) == "200.00 USD"  # the price is what was incurred
    schedule = recognition_schedule([usage], allocation, incurred=incurred)
    assert _months(schedule) == [("2026-01", "120.00"), ("2026-02", "80.00")]


def test_a_change_of_estimate_is_caught_up_in_its_month() -> None:
    # A year of 12,000 by day; from 15 July the price is 13,200 (a bonus now
    # highly probable). Through June at 12,000: 1,019.18 + 920.54 + 1,019.18
    # + 986.30 + 1,019.18 + 986.30 = 5,950.68. At 13,200 the months are
    # 1,121.10 (31 days, the first five), 1,012.60 (28), 1,084.93 (30);
    # through July 1,121.10 x 4 + 1,012.60 + 1,084.93 x 2 = 7,666.86. July
    # books 7,666.86 - 5,950.68 = 1,716.18.
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    seats = manual_obligation(
        "L1", C, "USD", pattern=RecognitionPattern.RATABLE, service_period=year
    )
    versions = [
        AllocationVersion(date(2026, 1, 1), _alone(seats, "12000.00")),
        AllocationVersion(date(2026, 7, 15), _alone(seats, "13200.00"), "bonus now probable"),
    ]
    schedule = recognition_schedule([seats], versions)
    months = dict(_months(schedule))
    assert months["2026-06"] == "986.30"
    assert months["2026-07"] == "1716.18"
    assert months["2026-08"] == "1121.10"
    assert str(schedule.total()) == "13200.00 USD"
    july = schedule.entries[6]
    assert "change of estimate" in july.explanation and "IFRS 15.88" in july.explanation
