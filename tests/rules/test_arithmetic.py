"""Arithmetic rules: figures recomputed by hand from the base contract."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from billops.domain.policy import Policy
from billops.domain.rules.arithmetic import service_months
from tests.rules.builders import check, context, line, terms


def test_service_months_whole_and_partial() -> None:
    assert service_months(date(2026, 1, 1), date(2027, 12, 31)) == 24
    assert service_months(date(2026, 1, 31), date(2026, 2, 27)) == Fraction(28, 28)
    assert service_months(date(2026, 3, 1), date(2026, 3, 16)) == Fraction(16, 31)
    # 2026-06-01 .. 2027-01-15: 7 months, then 15 of January's 31 days
    assert service_months(date(2026, 6, 1), date(2027, 1, 15)) == 7 + Fraction(15, 31)


def test_line_total_passes_on_base() -> None:
    assert check("ARITH-LINE-TOTAL", context()) == []
    assert check("ARITH-NET-PRICE", context()) == []
    assert check("ARITH-TCV", context()) == []


def test_line_total_mismatch_quotes_the_values() -> None:
    contract = terms(lines=line(0, amount="12600.00"), total_contract_value="15100.00")
    [found] = check("ARITH-LINE-TOTAL", context(contract))
    assert found.fields == ("lines[0].amount",)
    assert found.message == (
        "line L1 (PLAT-PRO): 10 x 1,080.00 x 2 periods = 21,600.00 EUR, "
        "but the amount says 12,600.00 EUR"
    )
    assert found.values["expected"] == "21600.00"
    assert found.values["periods"] == "2"


def test_line_total_for_monthly_coterm_add_on() -> None:
    # 5 seats at 90.00 a month from 2026-06-01 to 2026-12-31: 7 periods = 3,150.00
    add_on = {
        "line_id": "L3",
        "description": "Extra seats",
        "billing_model": "subscription",
        "quantity": "5",
        "unit_price": "90.00",
        "amount": "3150.00",
        "frequency": "monthly",
        "service_start": "2026-06-01",
        "service_end": "2026-12-31",
    }
    contract = terms(lines=[*line(0), add_on], total_contract_value="24750.00")
    assert check("ARITH-LINE-TOTAL", context(contract)) == []
    wrong = dict(add_on, amount="3240.00")  # 8 months billed
    contract = terms(lines=[*line(0), wrong], total_contract_value="24840.00")
    [found] = check("ARITH-LINE-TOTAL", context(contract))
    assert found.message == (
        "line L3: 5 x 90.00 x 7 periods = 3,150.00 EUR, but the amount says 3,240.00 EUR"
    )


def test_usage_amount_is_minimum_commitment_times_periods() -> None:
    usage = {
        "line_id": "L3",
        "description": "API calls",
        "billing_model": "usage",
        "frequency": "monthly",
        "timing": "arrears",
        "tiers": [{"up_to": "1000000", "unit_price": "0.002"}, {"unit_price": "0.001"}],
        "tier_mode": "graduated",
        "minimum_commitment": "500.00",
        "amount": "11000.00",  # 24 months x 500.00 = 12,000.00
    }
    contract = terms(lines=[*line(0), usage], total_contract_value="32600.00")
    [found] = check("ARITH-LINE-TOTAL", context(contract))
    assert found.message == (
        "line L3: minimum commitment 500.00 EUR x 24 periods = 12,000.00 EUR, "
        "but the amount says 11,000.00 EUR"
    )


def test_rounding_within_tolerance_is_no_finding() -> None:
    contract = terms(lines=line(0, amount="21600.01"), total_contract_value="24100.01")
    assert check("ARITH-LINE-TOTAL", context(contract)) == []
    contract = terms(lines=line(0, amount="21600.02"), total_contract_value="24100.02")
    assert len(check("ARITH-LINE-TOTAL", context(contract))) == 1
    looser = Policy.from_mapping({"arithmetic": {"tolerance_minor_units": 5}})
    assert check("ARITH-LINE-TOTAL", context(contract, policy=looser)) == []


def test_net_price_mismatch() -> None:
    contract = terms(lines=line(0, discount_percent="20"))
    [found] = check("ARITH-NET-PRICE", context(contract))
    assert found.fields == ("lines[0].unit_price",)
    assert found.message == (
        "line L1 (PLAT-PRO): list price 1,200.00 EUR less 20 % is 960.00 EUR, "
        "but the unit price says 1,080.00 EUR"
    )


def test_tcv_mismatch() -> None:
    [found] = check("ARITH-TCV", context(terms(total_contract_value="24000.00")))
    assert found.fields == ("total_contract_value",)
    assert found.message == (
        "OF-2026-001: the line amounts (2 lines) add up to 24,100.00 EUR, "
        "but the total contract value says 24,000.00 EUR"
    )


RAMP = [
    {"start_date": "2026-01-01", "end_date": "2026-12-31", "quantity": "10", "amount": "10800.00"},
    {"start_date": "2027-01-01", "end_date": "2027-12-31", "quantity": "20", "amount": "21600.00"},
]


def test_consistent_ramp() -> None:
    contract = terms(lines=line(0, ramp=RAMP, amount="32400.00"), total_contract_value="34900.00")
    assert check("ARITH-RAMP", context(contract)) == []
    assert check("ARITH-LINE-TOTAL", context(contract)) == []


def test_ramp_step_amount_and_sum_wrong() -> None:
    steps = [RAMP[0], dict(RAMP[1], amount="20600.00")]
    contract = terms(lines=line(0, ramp=steps, amount="32400.00"), total_contract_value="34900.00")
    findings = check("ARITH-RAMP", context(contract))
    assert [(f.fields, f.message) for f in findings] == [
        (
            ("lines[0].amount",),
            "line L1 (PLAT-PRO): the 2 ramp steps add up to 31,400.00 EUR, "
            "but the line amount says 32,400.00 EUR",
        ),
        (
            ("lines[0].ramp[1].amount",),
            "line L1 (PLAT-PRO), step 2 from 2027-01-01: 20 x 1,080.00 = 21,600.00 EUR, "
            "but the step says 20,600.00 EUR",
        ),
    ]


def test_ramp_with_a_gap_and_short_end() -> None:
    steps = [
        RAMP[0],
        dict(RAMP[1], start_date="2027-02-01", end_date="2027-11-30", amount="18000.00"),
    ]
    contract = terms(lines=line(0, ramp=steps, amount="28800.00"), total_contract_value="31300.00")
    messages = {f.fields: f.message for f in check("ARITH-RAMP", context(contract))}
    assert messages[("lines[0].ramp[1].start_date",)] == (
        "line L1 (PLAT-PRO): step 1 ends on 2026-12-31 but step 2 starts on 2027-02-01; "
        "the days between are priced by no step"
    )
    assert messages[("lines[0].ramp[1].end_date",)] == (
        "line L1 (PLAT-PRO): the last ramp step ends on 2027-11-30, but the service ends on "
        "2027-12-31"
    )


def _usage(tiers: list[dict[str, str]]) -> list[dict[str, object]]:
    usage = {
        "line_id": "L3",
        "description": "API calls",
        "billing_model": "usage",
        "frequency": "monthly",
        "tiers": tiers,
        "tier_mode": "graduated",
    }
    return [*line(0), usage]


def test_open_ended_tiers_pass() -> None:
    tiers = [{"up_to": "1000", "unit_price": "0.10"}, {"unit_price": "0.05"}]
    contract = terms(lines=_usage(tiers), total_contract_value="21600.00")
    assert check("ARITH-TIERS", context(contract)) == []


def test_last_tier_capped_leaves_usage_unpriced() -> None:
    tiers = [{"up_to": "1000", "unit_price": "0.10"}, {"up_to": "5000", "unit_price": "0.05"}]
    contract = terms(lines=_usage(tiers), total_contract_value="21600.00")
    [found] = check("ARITH-TIERS", context(contract))
    assert found.fields == ("lines[2].tiers[1].up_to",)
    assert (
        found.message
        == "line L3: the last tier ends at 5,000 units, so usage above 5,000 has no price"
    )


SOW = {
    "document_type": "sow",
    "billing": None,
    "renewal": None,
    "term_months": None,
    "end_date": "2026-06-30",
    "lines": [
        {
            "line_id": "L1",
            "description": "Implementation, fixed fee",
            "billing_model": "fixed_fee",
            "quantity": "1",
            "unit_price": "50000.00",
            "amount": "50000.00",
        }
    ],
    "total_contract_value": "50000.00",
    "expenses_policy": {"billable": False},
}


def test_milestone_percents_add_to_100() -> None:
    milestones = [
        {"milestone_id": "M1", "name": "Signature", "percent": "40", "line_id": "L1"},
        {"milestone_id": "M2", "name": "Go-live", "percent": "60", "line_id": "L1"},
    ]
    assert check("ARITH-MILESTONES", context(terms(**SOW, milestones=milestones))) == []


def test_milestone_percents_short_of_100() -> None:
    milestones = [
        {"milestone_id": "M1", "name": "Signature", "percent": "40", "line_id": "L1"},
        {"milestone_id": "M2", "name": "Go-live", "percent": "50", "line_id": "L1"},
    ]
    [found] = check("ARITH-MILESTONES", context(terms(**SOW, milestones=milestones)))
    assert found.fields == ("milestones[0].percent", "milestones[1].percent")
    assert found.message == "milestones M1, M2 bill 90 % of line L1's amount, not 100 %"


def test_milestone_amounts_against_the_fee() -> None:
    milestones = [
        {"milestone_id": "M1", "name": "Design", "amount": "20000.00", "line_id": "L1"},
        {"milestone_id": "M2", "name": "Go-live", "amount": "25000.00", "line_id": "L1"},
    ]
    [found] = check("ARITH-MILESTONES", context(terms(**SOW, milestones=milestones)))
    assert found.message == (
        "milestones M1, M2 add up to 45,000.00 EUR, but line L1's amount is 50,000.00 EUR"
    )
    fixed = [milestones[0], dict(milestones[1], amount="30000.00")]
    assert check("ARITH-MILESTONES", context(terms(**SOW, milestones=fixed))) == []


def test_po_amount_below_tcv() -> None:
    contract = terms(purchase_order={"number": "PO-1", "amount": "20000.00"})
    [found] = check("ARITH-PO-AMOUNT", context(contract))
    assert found.severity.value == "warning"
    assert found.message == (
        "purchase order PO-1 authorises 20,000.00 EUR, less than the total contract value "
        "24,100.00 EUR: invoices beyond it will be rejected"
    )
    enough = terms(purchase_order={"number": "PO-1", "amount": "24100.00"})
    assert check("ARITH-PO-AMOUNT", context(enough)) == []
