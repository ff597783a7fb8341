"""build_schedule as a whole: dispatch, ordering, keys, bundles, one shape for all generators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.contract import BillingModel, ContractTerms
from billops.domain.events import AcceptanceStatus, Events, MilestoneAcceptance, Shipment, TimeEntry
from billops.domain.money import RoundingMode
from billops.domain.schedules import GENERATORS, build_schedule, generator_for
from tests.schedules.stories import contract, rows, seats

D = date  # dates in stories read short: D(2026, 3, 1)


def mixed_contract() -> ContractTerms:
    return contract(
        seats(quantity=5, unit_price="20.00"),
        {"billing_model": "hardware", "quantity": 1, "unit_price": "999.00"},
        {"billing_model": "one_time", "amount": "250.00"},
        {"billing_model": "milestone", "amount": "1000.00"},
        signature_date="2026-01-10",
        start_date="2026-02-01",
        end_date="2026-04-30",
        billing={"frequency": "monthly"},
        milestones=[
            {"milestone_id": "M1", "name": "Go-live", "amount": "1000.00", "line_id": "L4"}
        ],
    )


def test_items_are_ordered_by_bill_date_then_line_then_key_waiting_last() -> None:
    assert rows(build_schedule(mixed_contract(), as_of=D(2026, 3, 1))) == [
        ("L3:one-time", "250.00", D(2026, 1, 10), "billable"),
        ("L1:2026-02-01", "100.00", D(2026, 2, 1), "billable"),
        ("L1:2026-03-01", "100.00", D(2026, 3, 1), "billable"),
        ("L1:2026-04-01", "100.00", D(2026, 4, 1), "scheduled"),
        ("L2:unshipped", "999.00", None, "waiting"),
        ("L4:M1", "1000.00", None, "waiting"),
    ]


def test_the_same_inputs_give_the_same_schedule() -> None:
    events = Events.of(
        [
            Shipment(
                idempotency_key="SH-1",
                contract_id="C-1",
                line_id="L2",
                sku="X",
                quantity=Decimal(1),
                ship_date=D(2026, 2, 3),
            ),
            MilestoneAcceptance(
                idempotency_key="MA-1",
                contract_id="C-1",
                milestone_id="M1",
                status=AcceptanceStatus.ACCEPTED,
                decided_on=D(2026, 2, 20),
            ),
        ]
    )
    first = build_schedule(mixed_contract(), events, as_of=D(2026, 3, 1))
    again = build_schedule(mixed_contract(), events, as_of=D(2026, 3, 1))
    assert first == again
    keys = [i.item_key for i in first.items]
    assert len(keys) == len(set(keys))


def test_events_of_other_contracts_are_ignored() -> None:
    other = Shipment(
        idempotency_key="SH-X",
        contract_id="C-2",
        line_id="L2",
        sku="X",
        quantity=Decimal(1),
        ship_date=D(2026, 2, 3),
    )
    schedule = build_schedule(mixed_contract(), Events.of([other]), as_of=D(2026, 3, 1))
    assert ("L2:unshipped", "999.00", None, "waiting") in rows(schedule)
    assert schedule.findings == ()


def test_bundle_components_without_a_price_are_billed_through_the_bundle() -> None:
    terms = contract(
        {"billing_model": "hardware", "quantity": 1, "unit_price": "12635.00"},
        {"billing_model": "hardware", "quantity": 1, "unit_price": "0.00", "bundle_parent": "L1"},
        {"billing_model": "one_time", "amount": "0.00", "bundle_parent": "L1"},
        signature_date="2026-01-10",
    )
    assert rows(build_schedule(terms, as_of=D(2026, 3, 1))) == [
        ("L1:unshipped", "12635.00", None, "waiting")
    ]


def test_every_billing_model_has_exactly_one_generator_of_the_same_shape() -> None:
    served = [model for module in GENERATORS for model in module.BILLING_MODELS]
    assert sorted(served) == sorted(BillingModel)
    for module in GENERATORS:
        assert callable(module.generate)
        assert module.__doc__ and ">>>" in module.__doc__
    assert generator_for(BillingModel.HARDWARE).__name__.endswith(".hardware")


def test_schedule_carries_the_version_and_currency() -> None:
    schedule = build_schedule(mixed_contract(), as_of=D(2026, 3, 1), version=3)
    assert (schedule.contract_id, schedule.version, schedule.currency) == ("C-1", 3, "USD")


def test_rounding_mode_is_the_callers_choice() -> None:
    # 2 x 1.0125 = 2.025: half-up 2.03, half-even 2.02.
    terms = contract(
        {"billing_model": "one_time", "quantity": 2, "unit_price": "1.0125"},
        signature_date="2026-01-10",
    )
    half_up = build_schedule(terms, as_of=D(2026, 3, 1))
    half_even = build_schedule(terms, as_of=D(2026, 3, 1), rounding=RoundingMode.HALF_EVEN)
    assert (rows(half_up)[0][1], rows(half_even)[0][1]) == ("2.03", "2.02")


def test_time_for_a_line_the_contract_does_not_have_is_a_finding() -> None:
    entry = TimeEntry(
        idempotency_key="TE-1",
        contract_id="C-1",
        line_id="L7",
        person="Ada",
        role="Consultant",
        work_date=D(2026, 3, 3),
        hours=Decimal(4),
        approved=True,
    )
    schedule = build_schedule(mixed_contract(), Events.of([entry]), as_of=D(2026, 3, 1))
    assert [f.rule_id for f in schedule.findings] == ["SCHEDULE-EVENT-UNKNOWN-LINE"]
