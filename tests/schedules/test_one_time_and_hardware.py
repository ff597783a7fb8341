"""One-time fees (signature or go-live) and hardware on shipment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.events import Events, Provisioning, ProvisioningKind, Shipment
from billops.domain.schedules import ItemStatus, Trigger, build_schedule
from tests.schedules.stories import contract, rows, rule_ids, total

D = date  # dates in stories read short: D(2026, 3, 1)


def live(line: str, on: D, key: str = "PV-1") -> Provisioning:
    return Provisioning(
        idempotency_key=key,
        contract_id="C-1",
        line_id=line,
        event=ProvisioningKind.TENANT_LIVE,
        occurred=on,
    )


def shipment(key: str, quantity: int, on: D, line: str = "L1") -> Shipment:
    return Shipment(
        idempotency_key=key,
        contract_id="C-1",
        line_id=line,
        sku="E400",
        quantity=Decimal(quantity),
        ship_date=on,
    )


# --- one-time --------------------------------------------------------------


def test_one_time_fee_on_signature() -> None:
    terms = contract(
        {"billing_model": "one_time", "quantity": 2, "unit_price": "1250.00"},
        signature_date="2026-03-10",
    )
    schedule = build_schedule(terms, as_of=D(2026, 3, 9))
    assert rows(schedule) == [("L1:one-time", "2500.00", D(2026, 3, 10), "scheduled")]
    assert schedule.items[0].trigger is Trigger.SIGNATURE


def test_unsigned_one_time_fee_waits() -> None:
    terms = contract({"billing_model": "one_time", "amount": "900.00"})
    assert rows(build_schedule(terms, as_of=D(2026, 3, 9))) == [
        ("L1:one-time", "900.00", None, "waiting")
    ]


def test_go_live_line_waits_for_the_tenant_to_go_live() -> None:
    terms = contract(
        {"billing_model": "one_time", "amount": "5000.00", "description": "Set-up, due at go live"},
        signature_date="2026-03-10",
    )
    item = build_schedule(terms, as_of=D(2026, 4, 1)).items[0]
    assert (item.trigger, item.status, item.bill_date) == (
        Trigger.GO_LIVE,
        ItemStatus.WAITING,
        None,
    )


def test_provisioning_go_live_makes_the_line_billable_on_the_go_live_day() -> None:
    terms = contract(
        {"billing_model": "one_time", "amount": "5000.00", "description": "Tenant set-up"},
        signature_date="2026-03-10",
    )
    schedule = build_schedule(terms, Events.of([live("L1", D(2026, 3, 20))]), as_of=D(2026, 4, 1))
    item = schedule.items[0]
    assert (item.trigger, item.status, item.bill_date, item.trigger_ref) == (
        Trigger.GO_LIVE,
        ItemStatus.BILLABLE,
        D(2026, 3, 20),
        "PV-1",
    )


def test_go_live_after_the_as_of_date_has_not_happened_yet() -> None:
    terms = contract(
        {"billing_model": "one_time", "amount": "5000.00", "description": "Payable on go-live"},
    )
    schedule = build_schedule(terms, Events.of([live("L1", D(2026, 5, 2))]), as_of=D(2026, 4, 1))
    assert schedule.items[0].status is ItemStatus.WAITING


# --- hardware --------------------------------------------------------------


def test_hardware_bills_each_shipment_and_waits_for_the_rest() -> None:
    terms = contract({"billing_model": "hardware", "quantity": 5, "unit_price": "26600.00"})
    events = Events.of([shipment("SH-1", 2, D(2026, 5, 4)), shipment("SH-2", 1, D(2026, 6, 1))])
    schedule = build_schedule(terms, events, as_of=D(2026, 5, 31))
    # SH-2 ships after the as-of date: not arrived yet, so 3 of 5 still wait.
    assert rows(schedule) == [
        ("L1:SH-1", "53200.00", D(2026, 5, 4), "billable"),
        ("L1:unshipped", "79800.00", None, "waiting"),
    ]
    assert schedule.items[0].trigger is Trigger.SHIPMENT
    assert schedule.items[0].quantity == Decimal(2)


def test_shipments_of_a_stated_amount_sum_to_it_exactly() -> None:
    # 3 units for 100.00: cumulative shares 33.33, 66.67, 100.00.
    terms = contract({"billing_model": "hardware", "quantity": 3, "amount": "100.00"})
    events = Events.of(
        [
            shipment("SH-1", 1, D(2026, 5, 4)),
            shipment("SH-2", 1, D(2026, 5, 5)),
            shipment("SH-3", 1, D(2026, 5, 6)),
        ]
    )
    schedule = build_schedule(terms, events, as_of=D(2026, 5, 31))
    assert [r[1] for r in rows(schedule)] == ["33.33", "33.34", "33.33"]
    assert total(schedule.items) == Decimal("100.00")


def test_shipping_more_than_ordered_bills_the_order_and_reports_the_excess() -> None:
    terms = contract(
        {"billing_model": "hardware", "quantity": 2, "unit_price": "1000.125"}, currency="BHD"
    )
    events = Events.of([shipment("SH-1", 3, D(2026, 5, 4)), shipment("SH-2", 1, D(2026, 5, 9))])
    schedule = build_schedule(terms, events, as_of=D(2026, 5, 31))
    assert rows(schedule) == [("L1:SH-1", "2000.250", D(2026, 5, 4), "billable")]
    assert rule_ids(schedule) == ["SCHEDULE-SHIPPED-ABOVE-ORDERED"] * 2
    assert "1 more than the 2 ordered" in schedule.findings[0].message


def test_shipment_for_a_line_the_contract_does_not_have_is_a_finding() -> None:
    terms = contract({"billing_model": "hardware", "quantity": 1, "unit_price": "10.00"})
    schedule = build_schedule(
        terms, Events.of([shipment("SH-9", 1, D(2026, 5, 4), line="L9")]), as_of=D(2026, 5, 31)
    )
    assert rule_ids(schedule) == ["SCHEDULE-EVENT-UNKNOWN-LINE"]
    assert rows(schedule) == [("L1:unshipped", "10.00", None, "waiting")]
