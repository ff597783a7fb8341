"""Finance's revenue estimates: effort of a fixed-fee service, variable consideration.

Northwind (``run_support``) with one more product, IMPL, a fixed-fee
implementation (SSP range 20,000..30,000). SOW-E-1: IMPL 24,000.00 for
January to April 2026, billed in two instalments; recognised by the input
method once finance records the estimated total effort. OF-B-1: the seats
(5,400.00 for 2026, ratable) to which a go-live bonus is added.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.revenue_store import RevenueStore
from billops.adapters.storage.setup_store import CatalogStore
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_revenue import RevenueEstimateRow
from billops.domain.money import Money, allocate
from billops.domain.policy import Policy
from billops.errors import InvalidInput
from billops.workflows.revenue import explain, revenue_run
from billops.workflows.revenue_booking import book
from billops.workflows.revenue_estimates import record_effort, record_variable
from tests.billing_run import support

from . import run_support as rs

D = Decimal
IMPL = {
    "sku": "IMPL",
    "name": "Implementation",
    "billing_model": "fixed_fee",
    "revenue_category": "professional_services",
    "unit": "engagement",
    "ssp_range": {"EUR": {"low": "20000", "high": "30000"}},
    "gl_revenue": "4110",
    "gl_deferred": "2430",
    "gl_unbilled": "1330",
    "tax_code": "PROFESSIONAL_SERVICE",
}


def sow() -> dict[str, Any]:
    data = rs.order_form(
        contract_id="SOW-E-1",
        document_type="sow",
        end_date="2026-04-30",
        signature_date="2025-10-01",
    )
    data.pop("billing", None)
    data["total_contract_value"] = "24000.00"
    data["lines"] = [
        {
            "line_id": "L1",
            "sku": "IMPL",
            "description": "Implementation, fixed fee",
            "billing_model": "fixed_fee",
            "quantity": "1",
            "unit_price": "24000.00",
            "amount": "24000.00",
            "service_start": "2026-01-01",
            "service_end": "2026-04-30",
        }
    ]
    data["milestones"] = [
        {"milestone_id": "M1", "name": "On signature", "percent": "50",
         "due_date": "2026-01-05", "acceptance_required": False, "line_id": "L1"},
        {"milestone_id": "M2", "name": "At the end", "percent": "50",
         "due_date": "2026-04-30", "acceptance_required": False, "line_id": "L1"},
    ]  # fmt: skip
    return data


def company(db: Database) -> None:
    support.store_parties(db, support.customer(credit_status="good"))
    with db.transaction() as session:
        CatalogStore(session, "tester").save(copy.deepcopy([*rs.CATALOGUE, IMPL]))
    for data in (rs.order_form(), sow()):
        support.store_contract(db, data)
        book(db, data["contract_id"], actor="controller", policy=Policy(), as_of=date(2026, 1, 1))


def _posted(db: Database, contract_id: str) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    with db.transaction() as session:
        return {
            (p.obligation_id, p.period): (p.amount.amount, p.catch_up.amount)
            for p in RevenueStore(session, "t").postings([contract_id])
        }


def _count(db: Database, table: Any) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_fixed_fee_service_is_recognised_from_finances_effort_estimates(db: Database) -> None:
    company(db)
    revenue_run(db, "2026-01", actor="rev")
    # no estimate yet: the input method cannot measure progress
    pending = explain(db, "SOW-E-1", date(2026, 1, 31)).plan.schedule.pending
    assert [(p.obligation_id, p.amount.amount) for p in pending] == [("L1", D("24000.00"))]
    assert "no estimate" in pending[0].reason
    # January: 40 of an estimated 160 hours
    first = record_effort(
        db, "SOW-E-1", "L1", estimated_total="160", incurred="40", as_of=date(2026, 1, 31),
        reason="PM estimate at completion, January", actor="fin",
    )  # fmt: skip
    assert first.changed
    again = revenue_run(db, "2026-01", actor="rev")  # the open month, run again
    assert _posted(db, "SOW-E-1") == {("L1", "2026-01"): (D("6000.00"), D("0.00"))}
    assert again.postings == 1
    # February: the estimate rises to 200 hours, 100 done: 50 % -> 12,000 cumulative
    record_effort(
        db, "SOW-E-1", "L1", estimated_total="200", incurred="100", as_of=date(2026, 2, 28),
        reason="PM: 40 h overrun on data migration", actor="fin",
    )  # fmt: skip
    revenue_run(db, "2026-02", actor="rev")
    posted = _posted(db, "SOW-E-1")
    assert posted[("L1", "2026-02")] == (D("6000.00"), D("0.00"))
    assert posted[("L1", "2026-01")] == (D("6000.00"), D("0.00"))  # never rewritten
    # recording the same report again changes nothing, audit included
    audit = _count(db, AuditRow)
    same = record_effort(
        db, "SOW-E-1", "L1", estimated_total="200", incurred="100", as_of=date(2026, 2, 28),
        reason="again", actor="fin",
    )  # fmt: skip
    assert not same.changed and _count(db, AuditRow) == audit


def test_a_corrected_estimate_of_the_same_date_replaces_it_audited(db: Database) -> None:
    company(db)
    record_effort(
        db, "SOW-E-1", "L1", estimated_total="160", incurred="40", as_of=date(2026, 1, 31),
        reason="first", actor="fin",
    )  # fmt: skip
    corrected = record_effort(
        db, "SOW-E-1", "L1", estimated_total="120", incurred="40", as_of=date(2026, 1, 31),
        reason="typo: 120, not 160", actor="fin",
    )  # fmt: skip
    assert corrected.changed
    assert corrected.replaced is not None
    assert corrected.replaced["estimate"]["estimated_total"] == "160"
    assert _count(db, RevenueEstimateRow) == 1
    with db.transaction() as session:
        actions = [
            a
            for (a,) in session.execute(
                select(AuditRow.action).where(AuditRow.entity_type == "revenue_estimate")
            )
        ]
    assert actions == ["record", "revise"]
    revenue_run(db, "2026-01", actor="rev")
    assert _posted(db, "SOW-E-1")[("L1", "2026-01")] == (D("8000.00"), D("0.00"))  # 40/120


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"obligation_id": "L9"}, "--obligation", "no obligation 'L9' measured by effort"),
        ({"estimated_total": "0"}, "--total", "greater than 0"),
        ({"estimated_total": "1e13"}, "--total", "a number up to"),
        ({"estimated_total": "many"}, "--total", "not a number"),
        ({"incurred": "-1"}, "--incurred", "must not be negative"),
        ({"unit": "cost", "incurred": None}, "--incurred", "needs the cost incurred"),
        ({"unit": "days"}, "--unit", "hours or cost"),
        ({"reason": " "}, "--reason", "a reason is required"),
    ],
)
def test_bad_effort_estimates_are_one_clear_error_and_nothing_is_stored(
    db: Database, changes: dict[str, Any], field: str, words: str
) -> None:
    company(db)
    audit = _count(db, AuditRow)
    arguments: dict[str, Any] = {
        "obligation_id": "L1", "estimated_total": "160", "incurred": "40", "unit": "hours",
        "as_of": date(2026, 1, 31), "reason": "PM", "actor": "fin",
    }  # fmt: skip
    arguments.update(changes)
    with pytest.raises(InvalidInput, match=words) as caught:
        record_effort(db, "SOW-E-1", **arguments)
    assert caught.value.field == field
    assert _count(db, RevenueEstimateRow) == 0 and _count(db, AuditRow) == audit


def test_a_subscription_is_not_measured_by_effort(db: Database) -> None:
    company(db)
    with pytest.raises(InvalidInput, match="its input-method obligations: none"):
        record_effort(
            db, "OF-B-1", "L1", estimated_total="10", incurred="1", as_of=date(2026, 1, 31),
            reason="x", actor="fin",
        )  # fmt: skip


def test_a_bonus_estimated_later_is_caught_up_for_the_months_already_posted(
    db: Database,
) -> None:
    company(db)
    revenue_run(db, "2026-01", actor="rev")
    revenue_run(db, "2026-02", actor="rev")
    # March: a go-live bonus of 1,200.00 is now most likely (80 %), tied to the seats
    record_variable(
        db, "OF-B-1", "go-live bonus", method="most_likely_amount",
        outcomes=[("1200", "0.8"), ("0", "0.2")], obligation_ids=["L1"],
        as_of=date(2026, 3, 15), reason="customer confirmed go-live date", actor="fin",
    )  # fmt: skip
    revenue_run(db, "2026-03", actor="rev")
    posted = _posted(db, "OF-B-1")
    # the seats' price becomes 6,600.00, split over 2026 by days; the months already
    # posted catch up in March: January and February's shares of 6,600 less of 5,400
    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    old = allocate(Money("5400.00", "EUR"), days)
    new = allocate(Money("6600.00", "EUR"), days)
    catch_up = (new[0] + new[1]) - (old[0] + old[1])
    assert posted[("L1", "2026-03")] == (
        (new[2] + catch_up).amount,
        catch_up.amount,
    )
    assert posted[("L1", "2026-01")] == (old[0].amount, D("0.00"))


def test_bad_variable_estimates_are_refused(db: Database) -> None:
    company(db)
    common: dict[str, Any] = {"as_of": date(2026, 3, 15), "reason": "x", "actor": "fin"}
    with pytest.raises(InvalidInput, match="add up to exactly 1"):
        record_variable(
            db, "OF-B-1", "bonus", method="most_likely_amount",
            outcomes=[("1200", "0.7"), ("0", "0.2")], **common,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="expected_value or most_likely_amount") as caught:
        record_variable(db, "OF-B-1", "bonus", method="guess", outcomes=[("1200", "1")], **common)
    assert caught.value.field == "--method"
    with pytest.raises(InvalidInput, match="no obligation L7"):
        record_variable(
            db, "OF-B-1", "bonus", method="most_likely_amount", outcomes=[("1200", "1")],
            obligation_ids=["L7"], **common,
        )  # fmt: skip
    assert _count(db, RevenueEstimateRow) == 0


def test_revenue_estimate_commands(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    company(db)
    done = cli(
        "revenue", "estimate", "SOW-E-1", "--obligation", "L1", "--total", "160",
        "--incurred", "40", "--as-of", "2026-01-31", "--reason", "PM EAC January",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "SOW-E-1 effort L1 as of 2026-01-31: recorded" in done.stdout
    listed = cli("revenue", "estimates", "SOW-E-1")
    assert "160 hours in total, 40 incurred" in listed.stdout
    assert "PM EAC January" in listed.stdout
    explained = cli("revenue", "explain", "SOW-E-1", "--as-of", "2026-01-31")
    assert "estimate effort L1 as of 2026-01-31 by tester: PM EAC January" in explained.stdout
    assert "recognised 6,000.00 EUR in 1 months" in explained.stdout  # 40 of 160 hours
    wrong = cli(
        "revenue", "variable", "OF-B-1", "--name", "bonus", "--method", "most_likely_amount",
        "--outcome", "1200", "--reason", "x",
    )  # fmt: skip
    assert wrong.exit_code == 2
    assert "AMOUNT:PROBABILITY" in wrong.stderr and wrong.stderr.count("\n") == 1
