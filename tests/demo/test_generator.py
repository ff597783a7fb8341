"""The demo company: deterministic, complete, internally consistent, valid, and writable.

The arithmetic checks below recompute every line from first principles
(their own month counting, not the generator's helpers), so a generator
bug cannot hide behind its own formula. Where an expected value is written
out, the working is in a comment.
"""

from __future__ import annotations

import calendar
import csv
import doctest
import importlib
import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from billops.adapters.files import load_contract, load_document
from billops.demo import DemoCompany, generate_company, iter_accounts, tax_ids, write_company
from billops.demo.catalog import catalog
from billops.demo.company import PROBLEMS
from billops.demo.crm import salesforce_id
from billops.demo.files import CSV_FILES
from billops.demo.generator import write_accounts
from billops.demo.parties import legal_entities
from billops.domain.contract import parse_contract
from billops.domain.parties import Customer, LegalEntity
from billops.errors import InvalidInput

AS_OF = date(2026, 11, 30)
BILLING_MODELS = {
    "subscription", "fixed_fee", "milestone", "time_and_materials", "usage", "one_time",
    "hardware", "maintenance", "expenses",
}  # fmt: skip
EVENT_KINDS = ("time_entries", "milestone_acceptances", "shipments", "provisioning", "usage")


@pytest.fixture(scope="module")
def company() -> DemoCompany:
    return generate_company(customers=100)


@pytest.fixture(scope="module")
def showcase() -> DemoCompany:
    return generate_company(customers=7)


def _noted(company: DemoCompany, problem: str) -> set[tuple[str, str]]:
    return {(n.record_id, n.field) for n in company.data_quality_notes if n.problem == problem}


# ---------------------------------------------------------------- determinism


def test_the_same_arguments_give_the_same_company() -> None:
    assert generate_company(30) == generate_company(30)


def test_another_seed_gives_another_company() -> None:
    first, second = generate_company(30, seed=1), generate_company(30, seed=2)
    assert first.customers != second.customers
    assert first.contracts != second.contracts


def test_the_company_lives_around_its_as_of_date() -> None:
    # Contracts are signed relative to as_of, so any as-of date has a live
    # company: the same customers, with dates and events moved along.
    mid_year = date(2026, 6, 30)
    earlier, later = generate_company(20, as_of=mid_year), generate_company(20)
    assert earlier.customers == later.customers
    assert all(c["signature_date"] < mid_year for c in earlier.contracts)
    assert all(row["work_date"] <= mid_year for row in earlier.time_entries)
    assert any(c["start_date"] <= mid_year <= c["end_date"] for c in earlier.contracts)


def test_a_small_company_is_the_start_of_a_large_one() -> None:
    small, large = generate_company(10), generate_company(25)
    assert large.customers[:10] == small.customers
    assert large.contracts[: len(small.contracts)] == small.contracts


def test_written_files_are_byte_identical_across_runs(tmp_path: Path) -> None:
    write_company(generate_company(12), tmp_path / "a")
    write_company(generate_company(12), tmp_path / "b")
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for relative in files_a:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_generation_never_touches_the_global_random() -> None:
    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    generate_company(5)
    assert random.random() == expected


# ---------------------------------------------------------------- size and scale


def test_two_thousand_customers_scale_linearly() -> None:
    thousand = generate_company(1000).counts()
    two_thousand = generate_company(2000).counts()
    assert two_thousand["customers"] == 2000
    for kind in ("contracts", "opportunities", "opportunity_line_items", "provisioning"):
        assert 1.7 <= two_thousand[kind] / thousand[kind] <= 2.3, kind
    # Defects come once per 50 customers per kind: 9 kinds x 40 cycles.
    assert two_thousand["data_quality_notes"] == 9 * 40


def test_accounts_stream_one_at_a_time() -> None:
    stream = iter_accounts(customers=1_000_000 - 1)
    first = next(stream)
    assert first.customer["code"] == "CUST-000001"
    assert first.contracts


@pytest.mark.parametrize("customers", [-1, 1_000_000, True, 2.5])
def test_an_impossible_size_is_refused_with_a_clear_error(customers: Any) -> None:
    with pytest.raises(InvalidInput, match="customers"):
        generate_company(customers)
    with pytest.raises(InvalidInput, match="customers"):
        iter_accounts(customers)  # at once, not at the first next()


def test_no_customers_is_an_empty_company(tmp_path: Path) -> None:
    empty = generate_company(0)
    assert empty.customers == [] and empty.contracts == []
    assert len(empty.entities) == 2
    counts = write_company(empty, tmp_path)
    assert counts["customers"] == 0
    assert load_document(tmp_path / "customers.yaml") == []


# ---------------------------------------------------------------- variety


def test_even_the_seven_showcase_customers_cover_every_billing_model(showcase: DemoCompany) -> None:
    models = {line["billing_model"] for c in showcase.contracts for line in c["lines"]}
    assert models == BILLING_MODELS


def test_the_showcase_covers_every_billing_rhythm(showcase: DemoCompany) -> None:
    billing = [c["billing"] for c in showcase.contracts if c["billing"]]
    assert {b["frequency"] for b in billing} >= {"monthly", "quarterly", "annual"}
    assert {b["timing"] for b in billing} == {"advance", "arrears"}
    assert {b["alignment"] for b in billing} == {"calendar", "anniversary"}
    assert any(c["start_date"].day != 1 for c in showcase.contracts)
    lines = [line for c in showcase.contracts for line in c["lines"]]
    assert any(line.get("ramp") for line in lines)
    assert any(line.get("bundle_parent") for line in lines)
    assert any(line.get("tiers") and line.get("minimum_commitment") for line in lines)
    assert {r["unit"] for c in showcase.contracts for r in c["rate_card"]} == {"hour", "day"}
    assert any(c["not_to_exceed"] for c in showcase.contracts)
    milestones = [m for c in showcase.contracts for m in c["milestones"]]
    assert {m["acceptance_required"] for m in milestones} == {True, False}
    assert {c["document_type"] for c in showcase.contracts} == {"order_form", "sow", "amendment"}


def test_both_entities_and_currencies_sell(company: DemoCompany) -> None:
    assert {c["supplier"]["code"] for c in company.contracts} == {"NWUS", "NWDE"}
    assert {c["currency"] for c in company.contracts} == {"USD", "EUR"}
    countries = {c["customer"]["address"]["country"] for c in company.contracts}
    assert {"US", "DE"} < countries and len(countries - {"US", "CA", "DE"}) >= 3


def test_amendments_add_seats_co_termed_to_an_existing_order_form(company: DemoCompany) -> None:
    contracts = {c["contract_id"]: c for c in company.contracts}
    amendments = [c for c in company.contracts if c["document_type"] == "amendment"]
    assert amendments
    for amendment in amendments:
        base = contracts[amendment["amends"]]
        assert base["customer"]["code"] == amendment["customer"]["code"]
        assert amendment["end_date"] == base["end_date"]
        assert base["start_date"] < amendment["start_date"] <= base["end_date"]
        assert amendment["lines"][0]["sku"] == base["lines"][0]["sku"]


def test_time_entries_are_approved_submitted_and_rejected(company: DemoCompany) -> None:
    statuses = Counter(row["status"] for row in company.time_entries)
    assert statuses["approved"] > statuses["submitted"] > 0
    assert statuses["rejected"] > 0
    assert all(row["approved"] == (row["status"] == "approved") for row in company.time_entries)
    # Only the last ten days are still waiting for approval.
    assert all(
        AS_OF - row["work_date"] < timedelta(days=10)
        for row in company.time_entries
        if row["status"] == "submitted"
    )


def test_customers_vary_as_a_billing_team_would_see(company: DemoCompany) -> None:
    customers = company.customers
    assert {c["payment_terms_days"] for c in customers} == {30, 45, 60}
    assert {c["po_required"] for c in customers} == {True, False}
    endpoints = [c["einvoice_endpoint"] for c in customers if c["einvoice_endpoint"]]
    assert any(e.startswith("9930:DE") for e in endpoints)
    assert any(e.startswith("0088:") for e in endpoints)
    assert any(len(c["billing_contacts"]) == 2 for c in customers)
    assert any(len(c["addresses"]) == 2 for c in customers)  # hardware buyers ship elsewhere
    assert len({c["name"] for c in customers}) == len(customers)


def test_every_event_kind_happens(company: DemoCompany) -> None:
    for kind in EVENT_KINDS:
        assert getattr(company, kind), kind
    assert {row["status"] for row in company.milestone_acceptances} == {"accepted", "rejected"}
    assert {row["event"] for row in company.provisioning} == {"tenant_live", "seats_added"}


# ---------------------------------------------------------------- the deliberate defects


def test_each_kind_of_defect_appears_once_per_fifty_customers(company: DemoCompany) -> None:
    assert Counter(n.problem for n in company.data_quality_notes) == {p: 2 for p in PROBLEMS}


def test_every_note_names_a_record_that_exists(company: DemoCompany) -> None:
    ids = {
        "customer": {c["code"] for c in company.customers},
        "contract": {c["contract_id"] for c in company.contracts},
        "opportunity": {o["Id"] for o in company.opportunities},
        "opportunity_line_item": {i["Id"] for i in company.opportunity_line_items},
    }
    for note in company.data_quality_notes:
        assert note.record_id in ids[note.record_type], note
        assert note.detail


def test_the_noted_customer_gaps_are_really_there(company: DemoCompany) -> None:
    customers = {c["code"]: c for c in company.customers}
    for code, _ in _noted(company, "missing_billing_contact"):
        assert customers[code]["billing_contacts"] == []
    for code, _ in _noted(company, "missing_tax_id"):
        assert customers[code]["tax_ids"] == []
        assert customers[code]["default_currency"] == "EUR"  # a customer of the GmbH...
        assert customers[code]["addresses"][0]["country"] != "DE"  # ...in another member state
    for code, _ in _noted(company, "invalid_vat_check_digit"):
        assert not tax_ids.is_valid_vat(customers[code]["tax_ids"][0]["value"])


def test_the_noted_contract_defects_are_really_there(company: DemoCompany) -> None:
    contracts = {c["contract_id"]: c for c in company.contracts}
    customers = {c["code"]: c for c in company.customers}
    for contract_id, _ in _noted(company, "missing_purchase_order"):
        contract = contracts[contract_id]
        assert contract["purchase_order"] is None
        assert customers[contract["customer"]["code"]]["po_required"]
    for contract_id, field in _noted(company, "discount_above_policy"):
        assert field == "lines[0].discount_percent"
        assert contracts[contract_id]["lines"][0]["discount_percent"] > 30


def test_no_discount_above_thirty_percent_unless_noted(company: DemoCompany) -> None:
    noted = {contract_id for contract_id, _ in _noted(company, "discount_above_policy")}
    for contract in company.contracts:
        if contract["contract_id"] in noted:
            continue
        for line in contract["lines"]:
            assert line.get("discount_percent", 0) <= 30, contract["contract_id"]


def test_every_customer_requiring_a_po_has_one_unless_noted(company: DemoCompany) -> None:
    noted = {contract_id for contract_id, _ in _noted(company, "missing_purchase_order")}
    customers = {c["code"]: c for c in company.customers}
    for contract in company.contracts:
        if customers[contract["customer"]["code"]]["po_required"]:
            has_po = contract["purchase_order"] is not None
            assert has_po != (contract["contract_id"] in noted)


# ---------------------------------------------------------------- arithmetic


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    last = calendar.monthrange(day.year + year, month + 1)[1]
    return date(day.year + year, month + 1, min(day.day, last))


def _months(start: date, end: date) -> int:
    """Whole months from start to end inclusive; the demo's terms are whole months."""
    months = 0
    while _add_months(start, months + 1) - timedelta(days=1) <= end:
        months += 1
    assert _add_months(start, months) - timedelta(days=1) == end, (start, end)
    return months


PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def _expected_amount(contract: dict[str, Any], line: dict[str, Any]) -> Decimal | None:
    model = line["billing_model"]
    if model == "expenses":
        return None
    if model == "usage":
        months = _months(line["service_start"], line["service_end"])
        return Decimal(line["minimum_commitment"] * months)
    if model == "time_and_materials":
        return Decimal(contract["not_to_exceed"])
    if model not in {"subscription", "maintenance"} or line.get("frequency") == "one_time":
        return Decimal(line["quantity"] * line["unit_price"])
    frequency = line.get("frequency") or contract["billing"]["frequency"]
    per_period = PERIOD_MONTHS[frequency]
    if line.get("ramp"):
        total = Decimal(0)
        for step in line["ramp"]:
            periods = Fraction(_months(step["start_date"], step["end_date"]), per_period)
            value = step["quantity"] * step["unit_price"] * periods.numerator / periods.denominator
            assert value == step["amount"]
            total += step["amount"]
        return total
    periods = Fraction(_months(line["service_start"], line["service_end"]), per_period)
    value = Decimal(line["quantity"] * line["unit_price"] * periods.numerator / periods.denominator)
    assert value == value.quantize(Decimal("0.01")), "not exact in cents"
    return value


def test_every_line_amount_is_quantity_times_net_price_times_periods(company: DemoCompany) -> None:
    mismatches = _noted(company, "arithmetic_mismatch")
    checked = 0
    for contract in company.contracts:
        for index, line in enumerate(contract["lines"]):
            if line.get("discount_percent") is not None:
                net = line["list_price"] * (100 - line["discount_percent"]) / 100
                assert line["unit_price"] == net, (contract["contract_id"], index)
            expected = _expected_amount(contract, line)
            stated = line.get("amount")
            if (contract["contract_id"], f"lines[{index}].amount") in mismatches:
                assert stated != expected
            else:
                assert stated == expected, (contract["contract_id"], index)
                checked += 1
    assert checked > 200


def test_amounts_are_whole_cents_and_tcv_is_the_sum_of_the_true_amounts(
    company: DemoCompany,
) -> None:
    for contract in company.contracts:
        amounts = [_expected_amount(contract, line) for line in contract["lines"]]
        total = sum((a for a in amounts if a is not None), Decimal(0))
        assert contract["total_contract_value"] == total, contract["contract_id"]
        assert total == total.quantize(Decimal("0.01"))
        po = contract["purchase_order"]
        if po is not None:
            usage = any(line["billing_model"] == "usage" for line in contract["lines"])
            # a blanket PO (no amount) for consumption, else the contract value
            assert po["amount"] == (None if usage else total), contract["contract_id"]


def test_a_hand_checked_ramp(showcase: DemoCompany) -> None:
    # Showcase customer 1 signed 420 days before 2026-11-30 (2025-10-06) for
    # Enterprise seats, 36 months from the next first of the month, annually:
    # list 80.00 a seat a month = 960.00 a year; 30 % off (drawn, seed 2026)
    # = 672.00; in year 3 the discount steps down to 20 %: 768.00.
    line = showcase.contracts[0]["lines"][0]
    assert (line["list_price"], line["discount_percent"]) == (Decimal("960.00"), Decimal(30))
    steps = line["ramp"]
    assert [s["unit_price"] for s in steps] == [Decimal("672.00")] * 2 + [Decimal("768.00")]
    assert [s["start_date"] for s in steps] == [
        date(2025, 11, 1),
        date(2026, 11, 1),
        date(2027, 11, 1),
    ]
    assert steps[0]["amount"] == steps[0]["quantity"] * Decimal("672.00")
    assert line["amount"] == sum(s["amount"] for s in steps)


def test_installments_and_milestones_add_up(company: DemoCompany) -> None:
    for contract in company.contracts:
        if not contract["milestones"]:
            continue
        line = next(line for line in contract["lines"] if line["line_id"] == "L1")
        percents = [m["percent"] for m in contract["milestones"] if "percent" in m]
        amounts = [m["amount"] for m in contract["milestones"] if "amount" in m]
        if line["billing_model"] == "fixed_fee":
            assert sum(percents) == 100 and not amounts
        else:
            assert sum(amounts) == line["amount"] and not percents


# ---------------------------------------------------------------- references


def test_every_contract_names_an_existing_customer_and_entity(company: DemoCompany) -> None:
    customers = {c["code"]: c for c in company.customers}
    entities = {e["code"]: e for e in company.entities}
    for contract in company.contracts:
        customer = customers[contract["customer"]["code"]]
        entity = entities[contract["supplier"]["code"]]
        assert contract["customer"]["name"] == customer["name"]
        assert contract["currency"] == customer["default_currency"] == entity["currency"]


def test_contract_ids_follow_the_numbering_and_are_unique(company: DemoCompany) -> None:
    ids = [c["contract_id"] for c in company.contracts]
    assert len(set(ids)) == len(ids)
    for contract in company.contracts:
        entity, code, number = contract["contract_id"].split("-")
        assert entity == contract["supplier"]["code"]
        assert (
            code == {"order_form": "OF", "sow": "SOW", "amendment": "AM"}[contract["document_type"]]
        )
        assert len(number) == 6 and number.isdigit()


def test_every_sku_is_in_the_catalogue(company: DemoCompany) -> None:
    skus = {product["sku"] for product in company.catalog}
    for contract in company.contracts:
        assert {line["sku"] for line in contract["lines"]} <= skus


def test_opportunities_match_their_contracts_unless_noted(company: DemoCompany) -> None:
    accounts = {a["Id"]: a for a in company.crm_accounts}
    customers = {c["code"]: c for c in company.customers}
    contracts = {c["contract_id"]: c for c in company.contracts}
    amount_noted = {rid for rid, _ in _noted(company, "crm_amount_mismatch")}
    date_noted = {rid for rid, _ in _noted(company, "crm_close_date_after_signature")}
    assert len(company.opportunities) == len(company.contracts)
    for opportunity in company.opportunities:
        account = accounts[opportunity["AccountId"]]
        assert customers[account["ERP_Customer_Code__c"]]["name"] == opportunity["Account.Name"]
        contract = contracts[opportunity["Order_Form_Number__c"]]
        assert contract["customer"]["code"] == account["ERP_Customer_Code__c"]
        assert opportunity["CurrencyIsoCode"] == contract["currency"]
        assert opportunity["StageName"] == "Closed Won" and opportunity["Probability"] == 100
        same_amount = opportunity["Amount"] == contract["total_contract_value"]
        assert same_amount != (opportunity["Id"] in amount_noted)
        closed_in_time = opportunity["CloseDate"] <= contract["signature_date"]
        assert closed_in_time != (opportunity["Id"] in date_noted)


def test_opportunity_products_add_up_to_the_opportunity_unless_noted(company: DemoCompany) -> None:
    quantity_noted = {rid for rid, _ in _noted(company, "crm_quantity_mismatch")}
    opportunities = {o["Id"]: o for o in company.opportunities}
    contracts = {c["contract_id"]: c for c in company.contracts}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    broken_opportunities = set()
    for item in company.opportunity_line_items:
        opportunity = opportunities[item["OpportunityId"]]
        contract = contracts[opportunity["Order_Form_Number__c"]]
        assert item["Product2.ProductCode"] in {line["sku"] for line in contract["lines"]}
        assert item["TotalPrice"] == item["Quantity"] * item["UnitPrice"]
        totals[item["OpportunityId"]] += item["TotalPrice"]
        if item["Id"] in quantity_noted:
            broken_opportunities.add(item["OpportunityId"])
    assert broken_opportunities
    mismatches = {rid for rid, _ in _noted(company, "crm_amount_mismatch")}
    arithmetic = {rid for rid, _ in _noted(company, "arithmetic_mismatch")}
    for opportunity_id, opportunity in opportunities.items():
        contract = contracts[opportunity["Order_Form_Number__c"]]
        stated = sum(
            (line["amount"] for line in contract["lines"] if line.get("amount") is not None),
            Decimal(0),
        )
        if opportunity_id in broken_opportunities:
            assert totals[opportunity_id] != stated
        elif opportunity_id not in mismatches and contract["contract_id"] not in arithmetic:
            assert totals[opportunity_id] == opportunity["Amount"], opportunity_id


def test_salesforce_ids_are_unique_and_carry_their_case_checksum(company: DemoCompany) -> None:
    ids = (
        [a["Id"] for a in company.crm_accounts]
        + [o["Id"] for o in company.opportunities]
        + [i["Id"] for i in company.opportunity_line_items]
    )
    assert len(set(ids)) == len(ids)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    for sf_id in ids:
        assert len(sf_id) == 18
        for chunk, check in zip(range(0, 15, 5), sf_id[15:], strict=True):
            bits = sum(1 << i for i, ch in enumerate(sf_id[chunk : chunk + 5]) if ch.isupper())
            assert alphabet[bits] == check
    # By hand: "006Dn000vYsOnJk": chunks 006Dn / 000vY / sOnJk have capitals at
    # {3} / {4} / {1, 3} -> 8 / 16 / 10 -> I / Q / K.
    assert salesforce_id("006", 42) == "006Dn000vYsOnJkIQK"


def test_events_refer_to_contracts_lines_and_milestones_that_exist(company: DemoCompany) -> None:
    contracts = {c["contract_id"]: c for c in company.contracts}
    for kind in ("time_entries", "shipments", "provisioning", "usage"):
        for row in getattr(company, kind):
            contract = contracts[row["contract_id"]]
            line = next(line for line in contract["lines"] if line["line_id"] == row["line_id"])
            expected_model = {
                "time_entries": "time_and_materials",
                "shipments": "hardware",
                "provisioning": "subscription",
                "usage": "usage",
            }[kind]
            assert line["billing_model"] == expected_model
    for row in company.milestone_acceptances:
        milestones = {m["milestone_id"]: m for m in contracts[row["contract_id"]]["milestones"]}
        assert milestones[row["milestone_id"]]["acceptance_required"]


def test_events_happen_in_the_service_period_and_by_the_as_of_date(company: DemoCompany) -> None:
    contracts = {c["contract_id"]: c for c in company.contracts}
    for row in company.time_entries:
        contract = contracts[row["contract_id"]]
        assert contract["start_date"] <= row["work_date"] <= min(contract["end_date"], AS_OF)
        assert row["role"] in {rate["role"] for rate in contract["rate_card"]}
    for row in company.usage:
        assert row["period_end"] <= AS_OF
        assert row["period_start"].month == row["period_end"].month
    for row in company.shipments:
        assert row["ship_date"] <= AS_OF
        assert len(row["serial_numbers"]) == row["quantity"]
    assert all(row["occurred_on"] <= AS_OF for row in company.provisioning)
    assert all(row["decided_on"] <= AS_OF for row in company.milestone_acceptances)


def test_never_more_is_shipped_than_was_sold(company: DemoCompany) -> None:
    contracts = {c["contract_id"]: c for c in company.contracts}
    shipped: Counter[tuple[str, str]] = Counter()
    for row in company.shipments:
        shipped[(row["contract_id"], row["line_id"])] += int(row["quantity"])
    for (contract_id, line_id), quantity in shipped.items():
        line = next(x for x in contracts[contract_id]["lines"] if x["line_id"] == line_id)
        assert quantity <= line["quantity"]
    serials = [s for row in company.shipments for s in row["serial_numbers"]]
    assert len(set(serials)) == len(serials)


def test_idempotency_keys_are_unique_across_all_events(company: DemoCompany) -> None:
    keys = [row["idempotency_key"] for kind in EVENT_KINDS for row in getattr(company, kind)]
    assert len(set(keys)) == len(keys)
    prefixes = {
        kind: {row["idempotency_key"][:3] for row in getattr(company, kind)} for kind in EVENT_KINDS
    }
    assert prefixes == {
        "time_entries": {"TE-"},
        "milestone_acceptances": {"MA-"},
        "shipments": {"SH-"},
        "provisioning": {"PV-"},
        "usage": {"US-"},
    }


# ---------------------------------------------------------------- tax ids


@pytest.mark.parametrize(
    "vat",
    [
        "DE136695976",
        "ATU13585627",
        "BE0403019261",
        "FR40303265045",
        "IT00743110157",
        "NL004495445B01",
    ],
)
def test_published_valid_vat_ids_pass(vat: str) -> None:
    assert tax_ids.is_valid_vat(vat)


@pytest.mark.parametrize(
    "vat",
    [
        "DE136695978",
        "ATU13585626",
        "BE0431150351",
        "FR84323140391",
        "IT00743110158",
        "NL123456789B90",
    ],
)
def test_vat_ids_with_a_wrong_check_digit_fail(vat: str) -> None:
    assert not tax_ids.is_valid_vat(vat)


def test_german_check_digit_worked_by_hand() -> None:
    # ISO 7064 MOD 11,10 over 1 3 6 6 9 5 9 7, product p starts at 10:
    # s = (d + p) mod 10 (10 if 0), p = 2s mod 11
    # 1: s=1 p=2 | 3: s=5 p=10 | 6: s=6 p=1 | 6: s=7 p=3 | 9: s=2 p=4
    # 5: s=9 p=7 | 9: s=6 p=1  | 7: s=8 p=5 | check = (11 - 5) mod 10 = 6
    assert tax_ids.de_vat_check_digit("13669597") == "6"
    # The GmbH's own id DE318465922: 3 1 8 4 6 5 9 2 gives
    # s/p: 3/6, 7/3, 1/2, 6/1, 7/3, 8/5, 4/8, 10/9 -> check = (11 - 9) mod 10 = 2.
    assert tax_ids.de_vat_check_digit("31846592") == "2"
    assert legal_entities()[1]["tax_id"] == {"scheme": "vat", "value": "DE318465922"}


def test_french_key_and_belgian_check_worked_by_hand() -> None:
    # SIREN 303265045 = 97 x 3126443 + 74, so the key is (12 + 3 x 74) mod 97 = 40.
    assert tax_ids.fr_vat_key("303265045") == "40"
    # 04030192 = 97 x 41548 + 36, so the check is 97 - 36 = 61: BE0403019261.
    assert tax_ids.be_vat_check_digits("04030192") == "61"


def test_gln_check_digit_worked_by_hand() -> None:
    # 4 0 0 6 3 8 1 3 3 3 9 3, weights 1 3 1 3 ... from the left (3 on the rightmost):
    # 4+0+0+18+3+24+1+9+3+9+9+9 = 89 -> (10 - 9) mod 10 = 1: EAN 4006381333931.
    assert tax_ids.gs1_check_digit("400638133393") == "1"


@pytest.mark.parametrize("country", tax_ids.EU_VAT_COUNTRIES)
def test_generated_vat_ids_pass_and_corrupted_ones_fail(country: str) -> None:
    rng = random.Random(country)
    for _ in range(200):
        vat = tax_ids.make_vat(country, rng)
        assert tax_ids.is_valid_vat(vat), vat
        assert not tax_ids.is_valid_vat(tax_ids.corrupt_check_digit(vat)), vat


def test_every_customer_vat_id_is_valid_unless_noted(company: DemoCompany) -> None:
    noted = {code for code, _ in _noted(company, "invalid_vat_check_digit")}
    vat_countries = set()
    for customer in company.customers:
        for tax_id in customer["tax_ids"]:
            if tax_id["scheme"] == "vat":
                vat_countries.add(tax_id["value"][:2])
                assert tax_ids.is_valid_vat(tax_id["value"]) != (customer["code"] in noted)
            elif tax_id["scheme"] == "gst":
                assert tax_ids.luhn_sum(tax_id["value"][:9]) == 0
    assert len(vat_countries) >= 5


def test_peppol_endpoints_carry_valid_identifiers(company: DemoCompany) -> None:
    noted = {code for code, _ in _noted(company, "invalid_vat_check_digit")}
    for customer in company.customers:
        endpoint = customer["einvoice_endpoint"]
        if not endpoint or customer["code"] in noted:
            continue
        scheme, value = endpoint.split(":", 1)
        if scheme == "0088":
            assert len(value) == 13 and tax_ids.gs1_check_digit(value[:12]) == value[12]
        elif scheme == "0009":
            assert len(value) == 14 and tax_ids.luhn_sum(value) == 0
        elif scheme == "0208":
            assert tax_ids.is_valid_vat("BE" + value)
        else:
            assert tax_ids.is_valid_vat(value)


# ---------------------------------------------------------------- the real models


def test_every_record_validates_through_the_domain_models(company: DemoCompany) -> None:
    for entity in company.entities:
        LegalEntity.model_validate(entity)
    for customer in company.customers:
        Customer.model_validate(customer)
    for contract in company.contracts:
        parse_contract(contract, source=contract["contract_id"])


def test_the_catalogue_has_every_family_the_brief_names() -> None:
    products = {p["sku"]: p for p in catalog()}
    assert {"NW-SUB-STARTER", "NW-SUB-PRO", "NW-SUB-ENT", "NW-API-CALLS", "NW-PS-IMPL"} <= set(
        products
    )
    assert {p["role"] for p in products.values() if p.get("role")} == {
        "consultant", "senior_consultant", "architect", "project_manager",
    }  # fmt: skip
    for product in products.values():
        assert {"gl_revenue", "gl_deferred", "gl_unbilled", "tax_code"} <= set(product)
        for component in product.get("components", []):
            assert component["sku"] in products
            standalone = products[component["sku"]]
            assert standalone["ssp"] or standalone.get("ssp_percent"), component["sku"]


@pytest.mark.parametrize(
    "module",
    ["amounts", "catalog", "company", "contracts", "crm", "events", "fiction", "generator",
     "defects", "tax_ids"],
)  # fmt: skip
def test_the_docstring_examples_run(module: str) -> None:
    failures, _ = doctest.testmod(importlib.import_module(f"billops.demo.{module}"))
    assert failures == 0


# ---------------------------------------------------------------- files


def _decimals_as_text(data: Any) -> Any:
    if isinstance(data, Decimal):
        return str(data)
    if isinstance(data, dict):
        return {key: _decimals_as_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_decimals_as_text(item) for item in data]
    return data


def test_write_company_round_trips(tmp_path: Path, company: DemoCompany) -> None:
    counts = write_company(company, tmp_path)
    assert counts == company.counts()
    assert load_document(tmp_path / "entities.yaml") == company.entities
    # Money is written as quoted text, so it reads back as that exact text.
    assert load_document(tmp_path / "catalog.yaml") == _decimals_as_text(company.catalog)
    customers = load_document(tmp_path / "customers.yaml")
    assert [Customer.model_validate(c) for c in customers] == [
        Customer.model_validate(c) for c in company.customers
    ]
    files = sorted((tmp_path / "contracts").glob("*.yaml"))
    assert len(files) == len(company.contracts)
    for contract in company.contracts:
        path = tmp_path / "contracts" / f"{contract['contract_id']}.yaml"
        assert load_contract(path) == parse_contract(contract)
    assert (tmp_path / "README.md").read_text(encoding="utf-8").startswith("# Northwind Cloud")


def test_yaml_money_reads_back_as_the_identical_decimal(
    tmp_path: Path, company: DemoCompany
) -> None:
    write_company(company, tmp_path)
    contract = company.contracts[0]
    loaded = load_document(tmp_path / "contracts" / f"{contract['contract_id']}.yaml")
    assert isinstance(loaded, dict)
    for written, read in zip(contract["lines"], loaded["lines"], strict=True):
        assert Decimal(read["amount"]) == written["amount"]
        assert str(Decimal(read["amount"])) == str(written["amount"])  # same exponent too


def test_csv_files_hold_every_row_with_exact_values(tmp_path: Path, company: DemoCompany) -> None:
    write_company(company, tmp_path)
    for kind, (relative, header) in CSV_FILES.items():
        with (tmp_path / relative).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert tuple(rows[0].keys()) == header
        assert len(rows) == company.counts()[kind]
    with (tmp_path / "crm/opportunities.csv").open(encoding="utf-8", newline="") as handle:
        amounts = [Decimal(row["Amount"]) for row in csv.DictReader(handle)]
    assert amounts == [o["Amount"] for o in company.opportunities]
    with (tmp_path / "events/shipments.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["serial_numbers"].split(";") == company.shipments[0]["serial_numbers"]


def test_an_unwritable_directory_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot create the demo folders"):
        write_company(generate_company(1), blocker)


def test_streaming_writer_writes_the_same_files(tmp_path: Path) -> None:
    write_company(generate_company(15), tmp_path / "whole")
    write_accounts(iter_accounts(15), tmp_path / "stream")
    for path in (tmp_path / "whole").rglob("*"):
        if path.is_file():
            twin = tmp_path / "stream" / path.relative_to(tmp_path / "whole")
            assert twin.read_bytes() == path.read_bytes(), path.name
