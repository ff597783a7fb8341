"""Event values: what delivery systems report, checked on the way in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billops.domain.events import (
    AcceptanceStatus,
    Events,
    ExpenseEntry,
    MilestoneAcceptance,
    Provisioning,
    ProvisioningKind,
    Shipment,
    TimeEntry,
    UsageRecord,
)
from billops.errors import InvalidInput


def _time(key: str = "TE-1", contract: str = "C-1", hours: str = "8") -> TimeEntry:
    return TimeEntry(
        idempotency_key=key,
        contract_id=contract,
        line_id="L1",
        person="Ada Lovelace",
        role="Senior Consultant",
        work_date=date(2026, 8, 3),
        hours=Decimal(hours),
        approved=True,
    )


def test_each_kind_names_itself_and_the_day_it_happened() -> None:
    acceptance = MilestoneAcceptance(
        idempotency_key="MA-1",
        contract_id="C-1",
        milestone_id="M1",
        status=AcceptanceStatus.ACCEPTED,
        decided_on=date(2026, 7, 10),
    )
    shipment = Shipment(
        idempotency_key="SH-1",
        contract_id="C-1",
        line_id="L2",
        sku="NW-HW-E100",
        quantity=Decimal(2),
        ship_date=date(2026, 7, 16),
    )
    live = Provisioning(
        idempotency_key="PV-1",
        contract_id="C-1",
        line_id="L1",
        event=ProvisioningKind.TENANT_LIVE,
        occurred=date(2025, 10, 30),
    )
    usage = UsageRecord(
        idempotency_key="US-1",
        contract_id="C-1",
        line_id="L3",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        quantity=Decimal(2981704),
    )
    expense = ExpenseEntry(
        idempotency_key="EX-1",
        contract_id="C-1",
        line_id="L4",
        incurred_on=date(2026, 9, 2),
        amount=Decimal("412.80"),
    )
    assert [
        (e.kind, e.occurred_on) for e in (_time(), acceptance, shipment, live, usage, expense)
    ] == [
        ("time_entry", date(2026, 8, 3)),
        ("milestone_acceptance", date(2026, 7, 10)),
        ("shipment", date(2026, 7, 16)),
        ("provisioning", date(2025, 10, 30)),
        ("usage", date(2026, 10, 31)),
        ("expense", date(2026, 9, 2)),
    ]


def test_status_and_kind_given_as_text_become_their_enums() -> None:
    acceptance = MilestoneAcceptance(
        idempotency_key="MA-2",
        contract_id="C-1",
        milestone_id="M2",
        status="rejected",  # type: ignore[arg-type]
        decided_on=date(2026, 8, 1),
    )
    assert acceptance.status is AcceptanceStatus.REJECTED
    with pytest.raises(ValueError, match="'approved' is not a valid AcceptanceStatus"):
        MilestoneAcceptance(
            idempotency_key="MA-3",
            contract_id="C-1",
            milestone_id="M2",
            status="approved",  # type: ignore[arg-type]
            decided_on=date(2026, 8, 1),
        )


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-1", "hours: hours must not be negative (got '-1')"),
        ("24.5", "hours: hours must be at most 24 for one day (got '24.5')"),
        ("NaN", "hours: hours must be a finite decimal number (got 'NaN')"),
    ],
)
def test_impossible_hours_are_refused(hours: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _time(hours=hours)
    assert str(caught.value) == message


def test_a_shipment_of_nothing_and_an_absurd_usage_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^quantity: quantity must be positive \(got '0'\)"):
        Shipment(
            idempotency_key="SH-2",
            contract_id="C-1",
            line_id="L2",
            sku="NW-HW-E100",
            quantity=Decimal(0),
            ship_date=date(2026, 7, 16),
        )
    with pytest.raises(InvalidInput, match=r"^quantity: quantity is too large"):
        UsageRecord(
            idempotency_key="US-2",
            contract_id="C-1",
            line_id="L3",
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            quantity=Decimal("1e16"),
        )


def test_a_usage_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^period_end: the usage period ends on 2026-09-30"):
        UsageRecord(
            idempotency_key="US-3",
            contract_id="C-1",
            line_id="L3",
            period_start=date(2026, 10, 1),
            period_end=date(2026, 9, 30),
            quantity=Decimal(5),
        )


def test_an_event_without_its_key_or_contract_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^idempotency_key: idempotency_key must not be empty"):
        _time(key=" ")
    with pytest.raises(InvalidInput, match=r"^contract_id: contract_id must not be empty"):
        _time(contract="")


def test_events_group_by_kind_and_filter_by_contract() -> None:
    first, second, other = _time("TE-1"), _time("TE-2"), _time("TE-3", contract="C-2")
    expense = ExpenseEntry(
        idempotency_key="EX-1",
        contract_id="C-2",
        line_id="L4",
        incurred_on=date(2026, 9, 2),
        amount=Decimal("10.00"),
    )
    events = Events.of([first, expense, second, other])
    assert events.time_entries == (first, second, other)
    assert events.expenses == (expense,)
    assert events.count == 4
    only_c2 = events.for_contract("C-2")
    assert only_c2.time_entries == (other,) and only_c2.expenses == (expense,)
    assert only_c2.count == 2
