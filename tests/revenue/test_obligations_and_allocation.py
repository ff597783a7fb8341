"""Obligations from an order and the catalogue, SSPs and allocation, figures worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billops.domain.orders import build_order
from billops.domain.revenue import (
    AllocationMethod,
    Discount,
    RecognitionPattern,
    RevenuePolicy,
    allocate_transaction_price,
    determine_transaction_price,
    identify_obligations,
    standalone_selling_prices,
)
from billops.domain.revenue.obligations import PointInTimeEvent
from billops.errors import InvalidInput
from tests.revenue.support import catalogue, contract, line


def _obligations(terms, policy=None):  # type: ignore[no-untyped-def]
    order, _ = build_order(terms, catalogue(), version=1)
    return identify_obligations(
        order, catalogue(), milestones=terms.milestones, policy=policy or RevenuePolicy()
    )


def test_each_billing_model_gets_its_recognition_pattern() -> None:
    terms = contract(
        [
            line("L1", "SUB-PRO", "subscription", "5400.00", quantity=10),
            line("L2", "ONB", "one_time", "2000.00"),
            line("L3", "HW", "hardware", "20000.00", quantity=2),
            line("L4", "IMPL", "fixed_fee", "30000.00"),
            line("L5", "DELIV", "milestone", "50000.00"),
            line("L6", "API", "usage", None),
            line("L7", "TM", "time_and_materials", None),
            line("L8", "LIC", "one_time", "50000.00", service_start="2026-02-01"),
        ]
    )
    found = {o.obligation_id: (o.pattern, o.point_event) for o in _obligations(terms)}
    assert found == {
        "L1": (RecognitionPattern.RATABLE, None),
        "L2": (RecognitionPattern.POINT_IN_TIME, PointInTimeEvent.GO_LIVE),
        "L3": (RecognitionPattern.POINT_IN_TIME, PointInTimeEvent.SHIPMENT),
        "L4": (RecognitionPattern.INPUT, None),
        "L5": (RecognitionPattern.OUTPUT, None),
        "L6": (RecognitionPattern.AS_INCURRED, None),
        "L7": (RecognitionPattern.AS_INCURRED, None),
        # a licence (its revenue category) is delivered when its term starts
        "L8": (RecognitionPattern.POINT_IN_TIME, PointInTimeEvent.SERVICE_START),
    }


def test_a_bundle_is_split_into_distinct_component_obligations() -> None:
    # Kit of 14,500: HW (SSP 10,800), MNT (18 % of 10,800 = 1,944), ONB (2,500);
    # the bundle line itself is no obligation.
    terms = contract([line("K1", "KIT", "hardware", "14500.00")])
    obligations = _obligations(terms)
    assert [(o.sku, o.bundle_parent) for o in obligations] == [
        ("HW", "K1"),
        ("MNT", "K1"),
        ("ONB", "K1"),
    ]
    assert all("component of bundle K1" in o.reason for o in obligations)
    # a shipment of the kit line delivers its appliance
    assert obligations[0].names("K1")


def test_a_component_that_is_not_distinct_joins_the_bundles_main_obligation() -> None:
    policy = RevenuePolicy(not_distinct_skus=frozenset({"onb"}))
    obligations = _obligations(contract([line("K1", "KIT", "hardware", "14500.00")]), policy)
    assert [o.obligation_id for o in obligations] == ["K1.1+K1.3", "K1.2"]
    combined = obligations[0]
    assert combined.pattern is RecognitionPattern.POINT_IN_TIME
    assert "not distinct" in combined.reason
    # its price is the two components' SSP shares together (HW + ONB of the kit)
    assert combined.stated_price is not None and obligations[1].stated_price is not None
    assert str(combined.stated_price + obligations[1].stated_price) == "14500.00 USD"


def test_the_same_product_for_the_same_period_twice_is_one_obligation() -> None:
    terms = contract(
        [
            line("L1", "SUB-PRO", "subscription", "5400.00", quantity=10),
            line("L2", "SUB-PRO", "subscription", "2700.00", quantity=5),
        ]
    )
    [seats] = _obligations(terms)
    assert seats.obligation_id == "L1+L2"
    assert seats.quantity == Decimal(15)
    assert str(seats.stated_price) == "8100.00 USD"


def test_a_ratable_line_without_any_service_period_is_refused() -> None:
    terms = contract(
        [line("L1", "SUB-PRO", "subscription", "5400.00")], start_date=None, end_date=None
    )
    with pytest.raises(InvalidInput) as error:
        _obligations(terms)
    assert error.value.field == "lines[L1].service_start"


def test_ssp_per_seat_per_month_midpoint_and_contract_price_inside_the_range() -> None:
    # 10 seats x 12 months: range 36..45 -> 4,320..5,400. A price of 4,800 is
    # inside: used as is. 3,000 is outside: midpoint 40.50 x 120 = 4,860.
    inside = _obligations(contract([line("L1", "SUB-PRO", "subscription", "4800.00", quantity=10)]))
    outside = _obligations(
        contract([line("L1", "SUB-PRO", "subscription", "3000.00", quantity=10)])
    )
    [ssp_inside] = standalone_selling_prices(inside, catalogue())
    [ssp_outside] = standalone_selling_prices(outside, catalogue())
    assert str(ssp_inside.amount) == "4800.00 USD"
    assert "inside the SSP range 4,320.00..5,400.00" in ssp_inside.basis
    assert str(ssp_outside.amount) == "4860.00 USD"
    assert "midpoint 40.5" in ssp_outside.basis


def test_maintenance_ssp_is_its_percentage_of_the_hardware_it_covers() -> None:
    # HW 2 x 10,800 = 21,600; MNT for a year at 18 % = 3,888.00.
    terms = contract(
        [
            line("L3", "HW", "hardware", "20000.00", quantity=2),
            line("L4", "MNT", "maintenance", "3600.00", quantity=2),
        ]
    )
    ssps = {s.obligation_id: s for s in standalone_selling_prices(_obligations(terms), catalogue())}
    assert str(ssps["L4"].amount) == "3888.00 USD"


def test_a_contract_allocated_by_relative_ssp_with_explanations() -> None:
    # Price 5,400 + 2,000 + 20,000 + 3,600 = 31,000; SSPs 5,400 + 2,500 +
    # 21,600 + 3,888 = 33,388. Shares: 5,013.777, 2,321.193, 20,055.109,
    # 3,609.919; rounded down 30,999.97, the 3 cents to the largest
    # remainders (L4 .97, L3 .96, L1 .74): 5,013.78, 2,321.19, 20,055.11, 3,609.92.
    terms = contract(
        [
            line("L1", "SUB-PRO", "subscription", "5400.00", quantity=10),
            line("L2", "ONB", "one_time", "2000.00"),
            line("L3", "HW", "hardware", "20000.00", quantity=2),
            line("L4", "MNT", "maintenance", "3600.00", quantity=2),
        ]
    )
    obligations = _obligations(terms)
    price = determine_transaction_price(obligations)
    allocation = allocate_transaction_price(
        obligations, price, standalone_selling_prices(obligations, catalogue())
    )
    assert {x.obligation_id: str(x.allocated.amount) for x in allocation.lines} == {
        "L1": "5013.78",
        "L2": "2321.19",
        "L3": "20055.11",
        "L4": "3609.92",
    }
    l3 = allocation.line("L3")
    assert l3 is not None and l3.method is AllocationMethod.RELATIVE_SSP
    assert "21,600.00 / 33,388.00 = 64.69 %" in l3.explanation


def test_an_obligation_without_ssp_that_is_no_residual_candidate_is_an_error() -> None:
    terms = contract(
        [line("L1", "ONB", "one_time", "2000.00"), line("L2", "DELIV", "milestone", "9000.00")]
    )
    obligations = _obligations(terms)
    with pytest.raises(InvalidInput) as error:
        allocate_transaction_price(
            obligations,
            determine_transaction_price(obligations),
            standalone_selling_prices(obligations, catalogue()),
        )
    assert error.value.field == "obligations[L2].ssp"
    assert error.value.value == "DELIV"
    assert "residual candidate" in (error.value.hint or "")


def test_a_residual_candidate_takes_what_the_others_leave() -> None:
    # ONB takes its SSP 2,500; DELIV the rest: 2,000 + 9,000 - 2,500 = 8,500.
    terms = contract(
        [line("L1", "ONB", "one_time", "2000.00"), line("L2", "DELIV", "milestone", "9000.00")]
    )
    policy = RevenuePolicy(residual_skus=frozenset({"DELIV"}))
    obligations = _obligations(terms, policy)
    allocation = allocate_transaction_price(
        obligations,
        determine_transaction_price(obligations),
        standalone_selling_prices(obligations, catalogue(), policy=policy),
    )
    assert {x.obligation_id: str(x.allocated.amount) for x in allocation.lines} == {
        "L1": "2500.00",
        "L2": "8500.00",
    }


def test_a_negative_transaction_price_is_a_clear_error() -> None:
    obligations = _obligations(contract([line("L1", "ONB", "one_time", "2000.00")]))
    with pytest.raises(InvalidInput) as error:
        determine_transaction_price(
            obligations, discounts=[Discount("goodwill credit", obligations[0].stated_price * 2)]
        )
    assert error.value.field == "transaction_price"
    assert error.value.value == "-2000.00 USD"
