"""The revenue run as stories: Northwind's booked order forms, billed by the real billing run.

OF-B-1: 10 seats x 45.00 a month for 2026, 5,400.00, ratable by day; its
months by largest remainder over the year (exact cents: 31-day months
45,863.01, 30-day 44,383.56, February 41,424.66; the 3 cents left go to
February and the first two 30-day months): January 458.63, February
414.25, March 458.63, April 443.84.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from billops.adapters.storage.audit_store import verify
from billops.adapters.storage.database import Database
from billops.adapters.storage.revenue_store import RevenueStore
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_revenue import (
    RevenueJournalEntryRow,
    RevenuePostingRow,
    RevenueRunRow,
)
from billops.errors import InvalidInput, NotFound
from billops.workflows.billing import close_period
from billops.workflows.revenue import (
    PeriodClosed,
    RevenueRunRefused,
    revenue_run,
)

from . import run_support as rs

D = Decimal


def _state(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int, int]:
    """Postings, journal entries, revenue-run rows and audit records as stored."""
    with db.transaction() as session:
        postings = [
            (r.contract_id, r.obligation_id, r.period, r.revision, r.amount, r.catch_up)
            for r in session.execute(
                select(RevenuePostingRow).order_by(RevenuePostingRow.id)
            ).scalars()
        ]
        entries = [
            (r.entry_key, r.debit_total, r.credit_total, str(r.lines))
            for r in session.execute(
                select(RevenueJournalEntryRow).order_by(RevenueJournalEntryRow.entry_key)
            ).scalars()
        ]
        runs = session.execute(select(func.count()).select_from(RevenueRunRow)).scalar_one()
        audit = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    return postings, entries, int(runs), int(audit)


def _posted(db: Database, contract_id: str) -> dict[tuple[str, str, int], tuple[str, str]]:
    with db.transaction() as session:
        return {
            (p.obligation_id, p.period, p.revision): (
                format(p.amount.amount, "f"),
                format(p.catch_up.amount, "f"),
            )
            for p in RevenueStore(session, "t").postings([contract_id])
        }


def test_a_month_is_recognised_once_running_it_twice_changes_nothing(db: Database) -> None:
    rs.company(db)
    rs.bill(db, date(2026, 1, 1))
    first = revenue_run(db, "2026-01", actor="rev")
    assert first.recognised == {"NW-DE": {"EUR": "458.63"}}
    # billing 450.00, recognition 450.00 out of deferred, unbilled 8.63 beyond billing
    assert (first.postings, first.journal_entries, first.parked) == (1, 3, [])
    after_first = _state(db)
    again = revenue_run(db, "2026-01", actor="rev")
    assert (again.postings, again.posted_contracts, again.changed) == (0, 0, False)
    assert _state(db) == after_first  # not even an audit record
    second = revenue_run(db, "2026-02", actor="rev")
    assert second.recognised == {"NW-DE": {"EUR": "414.25"}}
    assert _posted(db, "OF-B-1") == {
        ("L1", "2026-01", 0): ("458.63", "0.00"),
        ("L1", "2026-02", 0): ("414.25", "0.00"),
    }
    with db.transaction() as session:
        assert verify(session).ok


def test_a_closed_month_is_refused_before_anything_is_written(db: Database) -> None:
    rs.company(db)
    rs.bill(db, date(2026, 1, 1))
    close_period(db, "NW-DE", date(2026, 1, 31), actor="controller")
    before = _state(db)
    with pytest.raises(PeriodClosed, match="2026-01 is closed for NW-DE"):
        revenue_run(db, "2026-01", actor="rev")
    assert _state(db) == before
    # the first open month takes everything earned before it (the first run catches up)
    run = revenue_run(db, "2026-02", actor="rev")
    assert run.recognised == {"NW-DE": {"EUR": "872.88"}}  # 458.63 + 414.25
    assert run.catch_up == {"NW-DE": {"EUR": "458.63"}}
    # a close in the middle of a month leaves the month open (revenue is dated its last day)
    close_period(db, "NW-DE", date(2026, 3, 15), actor="controller")
    assert revenue_run(db, "2026-03", actor="rev").recognised == {"NW-DE": {"EUR": "458.63"}}


def test_months_are_run_in_order(db: Database) -> None:
    rs.company(db)
    revenue_run(db, "2026-01", actor="rev")
    before = _state(db)
    with pytest.raises(RevenueRunRefused, match="last run for 2026-01; months are run in order"):
        revenue_run(db, "2026-03", actor="rev")
    revenue_run(db, "2026-02", actor="rev")
    with pytest.raises(RevenueRunRefused, match="was run through 2026-02"):
        revenue_run(db, "2026-01", actor="rev")
    assert _state(db)[0] == before[0] + [("OF-B-1", "L1", "2026-02", 0, "414.25", "0.00")]


def test_bad_input_is_one_clear_error(db: Database) -> None:
    rs.company(db)
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        revenue_run(db, "2026-13", actor="rev")
    with pytest.raises(NotFound, match="no legal entity 'XX'"):
        revenue_run(db, "2026-01", actor="rev", entity="XX")
    with pytest.raises(InvalidInput, match="who is running revenue"):
        revenue_run(db, "2026-01", actor=" ")
    assert _state(db)[0] == []


def test_a_late_go_live_is_caught_up_in_the_open_month_never_rewriting_a_posted_one(
    db: Database,
) -> None:
    rs.company(db, rs.with_onboarding())
    rs.bill(db, date(2026, 1, 1))  # January seats and the onboarding, billed on signature
    revenue_run(db, "2026-01", actor="rev")
    january = _posted(db, "OF-B-2")
    assert january == {("L1", "2026-01", 0): ("458.63", "0.00")}  # onboarding waits for go-live
    # the PSA reports, after January was run, that the tenant went live on 20 January
    rs.go_live(db, "OF-B-2", date(2026, 1, 20))
    february = revenue_run(db, "2026-02", actor="rev")
    assert february.catch_ups == [
        {"contract": "OF-B-2", "obligation": "L2", "amount": "2500.00", "currency": "EUR"}
    ]
    assert february.catch_up_postings == 1
    posted = _posted(db, "OF-B-2")
    assert {k: v for k, v in posted.items() if k[1] == "2026-01"} == january  # untouched
    assert posted[("L2", "2026-02", 0)] == ("2500.00", "2500.00")
    assert posted[("L1", "2026-02", 0)] == ("414.25", "0.00")
    # February's entries: the onboarding billed in January comes out of deferred revenue
    # (the catch-up); February's seats were not billed yet, so they are unbilled revenue
    with db.transaction() as session:
        entries = {
            r.kind: {(line["account"], line["debit"], line["credit"]) for line in r.lines}
            for r in RevenueStore(session, "t").journal_rows("2026-02", contract_ids=["OF-B-2"])
        }
    assert entries == {
        "recognition": {("2460", "2500.00", "0.00"), ("4310", "0.00", "2500.00")},
        "unbilled": {("1310", "414.25", "0.00"), ("4010", "0.00", "414.25")},
    }


def test_a_plan_change_in_the_open_month_is_posted_when_the_month_is_run_again(
    db: Database,
) -> None:
    rs.company(db, rs.with_onboarding())
    rs.bill(db, date(2026, 1, 1))
    revenue_run(db, "2026-01", actor="rev")
    revenue_run(db, "2026-02", actor="rev")
    rs.go_live(db, "OF-B-2", date(2026, 2, 20))
    rerun = revenue_run(db, "2026-02", actor="rev")
    assert (rerun.postings, rerun.catch_up) == (1, {})
    posted = _posted(db, "OF-B-2")
    assert posted[("L2", "2026-02", 0)] == ("2500.00", "0.00")  # February's own: no catch-up
    assert posted[("L1", "2026-02", 0)] == ("414.25", "0.00")
    assert len(posted) == 3  # L1 January and February, L2 February
    assert revenue_run(db, "2026-02", actor="rev").postings == 0
    with db.transaction() as session:
        row = session.execute(select(RevenueRunRow)).scalars().all()
        assert [(r.period, r.runs) for r in row] == [("2026-01", 1), ("2026-02", 2)]
        assert verify(session).ok


def test_unbooked_contracts_are_not_recognised(db: Database) -> None:
    rs.company(db)
    second = rs.order_form(contract_id="OF-B-9", signature_date="2025-09-01")
    rs.support.store_contract(db, second)  # set up, not booked
    run = revenue_run(db, "2026-01", actor="rev")
    assert run.contracts == 1
    assert set(_posted(db, "OF-B-9")) == set()


def test_a_second_change_in_one_month_is_a_new_revision_with_the_difference() -> None:
    from billops.adapters.storage.revenue_store import Posting
    from billops.domain.calendar import parse_period
    from billops.domain.catalog import parse_catalogue
    from billops.domain.contract import parse_contract
    from billops.domain.events import Events, Provisioning, ProvisioningKind
    from billops.domain.money import Money
    from billops.domain.revenue import plan_revenue
    from billops.workflows.revenue import _new_postings

    terms = parse_contract(rs.with_onboarding())
    live = Provisioning("PV-1", "OF-B-2", "L2", ProvisioningKind.TENANT_LIVE, date(2026, 2, 20))
    plan = plan_revenue(
        terms, parse_catalogue(rs.CATALOGUE), Events.of([live]), as_of=date(2026, 2, 28)
    )

    def posting(oid: str, month: str, revision: int, amount: str) -> Posting:
        money, day = Money(amount, "EUR"), date(2026, 2, 28)
        return Posting("OF-B-2", oid, month, revision, money, money - money, "x", day, "")

    posted = [
        posting("L1", "2026-01", 0, "458.63"),
        posting("L1", "2026-02", 0, "414.25"),
        posting("L2", "2026-02", 0, "1000.00"),  # what an earlier run of February posted
    ]
    [made] = _new_postings(plan, posted, parse_period("2026-02"), "y")
    assert (made.obligation_id, made.period, made.revision) == ("L2", "2026-02", 1)
    assert (str(made.amount), str(made.catch_up)) == ("1500.00 EUR", "0.00 EUR")
    assert made.explanation.startswith("revision 1: the plan changed since the month was run")


def test_a_run_lists_the_first_catch_ups_and_counts_them_all(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run at 100,000 customers is all catch-up: the report lists a bounded number."""
    from billops.workflows import revenue

    monkeypatch.setattr(revenue, "CATCH_UPS_LISTED", 0)
    rs.company(db, rs.with_onboarding())
    rs.bill(db, date(2026, 1, 1))
    revenue_run(db, "2026-01", actor="rev")
    rs.go_live(db, "OF-B-2", date(2026, 1, 20))
    february = revenue_run(db, "2026-02", actor="rev")
    assert february.catch_ups == []
    assert february.catch_up_postings == 1
    assert february.as_dict()["catch_up_postings"] == 1
