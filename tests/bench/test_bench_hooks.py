"""The benchmark hooks measure what they say: the run's own output, beside raw I/O."""

from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.setup_store import CatalogStore
from billops.adapters.storage.tables_billing import InvoiceRow
from billops.adapters.storage.tables_revenue import BookingRow, RevenuePostingRow
from billops.bench_billing import billing_results
from billops.bench_revenue import book_all_set_up, revenue_results
from tests.billing_run import support
from tests.billing_run.support import company
from tests.revenue import run_support


def _count(db: Database, table: object) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_billing_results_count_the_invoices_the_run_drafted(db: Database) -> None:
    company(db)  # one customer, OF-B-1: January to March due on 2026-03-01
    measured = billing_results(db, date(2026, 3, 1))
    (result,) = measured.results
    assert (result.items, result.unit) == (1, "invoices") == (_count(db, InvoiceRow), "invoices")
    assert "3 lines, 0 held" in result.name
    assert result.seconds > 0 and result.raw_seconds > 0
    assert any(note.startswith("memory of the billing run itself") for note in measured.notes)


def test_revenue_results_after_booking_every_set_up_contract_once(db: Database) -> None:
    """OF-B-1 with a catalogue, not booked: booked in bulk, then January to March recognised."""
    support.store_parties(db, support.customer(credit_status="good"))
    with db.transaction() as session:
        CatalogStore(session, "tester").save(copy.deepcopy(run_support.CATALOGUE))
    support.store_contract(db, run_support.order_form())
    assert book_all_set_up(db) == 1
    assert book_all_set_up(db) == 0  # already booked: nothing added
    assert _count(db, BookingRow) == 1
    (result,) = revenue_results(db, "2026-03")
    assert (result.items, result.unit) == (1, "contracts")
    assert _count(db, RevenuePostingRow) > 0
    assert result.raw_seconds > 0
