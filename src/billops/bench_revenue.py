"""Benchmark hook for the revenue run: one month over a stored company, against raw I/O.

``revenue_results(database, period)`` runs ``revenue_run`` for ``period``
on a database whose contracts are set up, billed and booked (the month
before must have been run, or none), and measures beside it the raw cost
of the same I/O with the same driver: reading the rows the run reads (the
booked contracts' approved versions and applied amendments, their events,
their invoice lines and issued documents, their postings and the month's
journal entries) with plain ``SELECT``s, and inserting as many rows as the
run wrote (postings, journal entries, audit records, run rows) into a
scratch table of a posting's width, one transaction per chunk of
contracts as the run commits. The ratio says what the computation (plans,
journals, hashing the audit chain) costs over the bare database work.

    from billops.bench_revenue import revenue_results
    for result in revenue_results(database, "2026-11"):
        print(result.name, result.seconds, result.raw_seconds, result.ratio)
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, insert, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables import AuditRow, ContractVersionRow
from billops.adapters.storage.tables_billing import InvoiceLineRow, InvoiceRow
from billops.adapters.storage.tables_revenue import (
    BookingRow,
    RevenueJournalEntryRow,
    RevenuePostingRow,
    RevenueRunRow,
)
from billops.adapters.storage.tables_setup import AppliedAmendmentRow, EventRow
from billops.bench import Result, raw_inserts
from billops.domain.calendar import Period, parse_period
from billops.workflows.revenue import CHUNK_CONTRACTS, revenue_run

__all__ = ["revenue_results"]

_WRITTEN = (RevenuePostingRow, RevenueJournalEntryRow, RevenueRunRow, AuditRow)


def _count(database: Database, table: Any) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _raw_reads(database: Database, period: Period, chunk: int) -> float:
    """Seconds to read the run's input rows with plain SELECTs, a chunk of contracts at a time."""
    month = period.start.strftime("%Y-%m")
    start = time.perf_counter()
    with database.engine.connect() as connection:
        booked = list(connection.execute(select(BookingRow.contract_id)).scalars())
        for first in range(0, len(booked), chunk):
            ids = booked[first : first + chunk]
            connection.execute(
                select(ContractVersionRow.contract_id, ContractVersionRow.terms).where(
                    ContractVersionRow.contract_id.in_(ids)
                )
            ).fetchall()
            connection.execute(
                select(AppliedAmendmentRow).where(AppliedAmendmentRow.contract_id.in_(ids))
            ).fetchall()
            connection.execute(
                select(EventRow.contract_id, EventRow.kind, EventRow.payload).where(
                    EventRow.contract_id.in_(ids)
                )
            ).fetchall()
            invoice_ids = list(
                connection.execute(
                    select(InvoiceLineRow.invoice_id).where(InvoiceLineRow.contract_id.in_(ids))
                ).scalars()
            )
            connection.execute(
                select(InvoiceRow.record).where(
                    InvoiceRow.id.in_(invoice_ids) | InvoiceRow.credits_invoice_id.in_(invoice_ids)
                )
            ).fetchall()
            connection.execute(
                select(RevenuePostingRow).where(RevenuePostingRow.contract_id.in_(ids))
            ).fetchall()
            connection.execute(
                select(RevenueJournalEntryRow).where(
                    RevenueJournalEntryRow.contract_id.in_(ids),
                    RevenueJournalEntryRow.period == month,
                )
            ).fetchall()
    return time.perf_counter() - start


POSTING_ROW: dict[str, str] = {
    "contract_id": "NWUS-OF-000101",
    "obligation_id": "L1",
    "period": "2026-11",
    "amount": "1019.18",
    "explanation": "ratable: 30 days of service in the month, 334 of 365 days by 2026-11-30",
}


def revenue_results(database: Database, period: Period | str) -> list[Result]:
    """One month's revenue run over ``database``, and the raw cost of its reads and writes."""
    month = parse_period(period) if isinstance(period, str) else period
    contracts = _count(database, BookingRow)
    before = sum(_count(database, table) for table in _WRITTEN)
    start = time.perf_counter()
    run = revenue_run(database, month, actor="bench")
    seconds = time.perf_counter() - start
    written = sum(_count(database, table) for table in _WRITTEN) - before
    chunks = max(1, -(-contracts // CHUNK_CONTRACTS))
    raw_read = _raw_reads(database, month, CHUNK_CONTRACTS)
    spread = [written // chunks + (1 if i < written % chunks else 0) for i in range(chunks)]
    raw_write = raw_inserts(database, spread, POSTING_ROW, "bench_revenue_raw_rows")
    kinds = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in sorted(run.modifications.items()))
    return [
        Result(
            f"revenue run {month.start:%Y-%m}: plans, postings, journals "
            f"({run.postings} postings, {written} rows written"
            + (f"; amendments assessed: {kinds}" if kinds else "")
            + ")",
            contracts,
            "contracts",
            seconds,
            raw_read + raw_write,
        )
    ]


def book_all_set_up(database: Database) -> int:
    """Bench preparation, not measured: book every set-up contract's approved version in bulk.

    A real company books through ``billops revenue book`` (readiness checked,
    audited); the benchmark measures the month's run, so it records the
    bookings the way ``bench.py`` records approvals: one bulk insert.
    """
    from datetime import UTC, datetime

    from billops.adapters.storage.tables_setup import OrderRow
    from billops.adapters.storage.tables_validation import ContractApprovalRow

    with database.transaction() as session:
        booked = select(BookingRow.contract_id)
        rows = session.execute(
            select(OrderRow.contract_id, func.max(ContractApprovalRow.contract_version))
            .join(ContractApprovalRow, ContractApprovalRow.contract_id == OrderRow.contract_id)
            .where(OrderRow.contract_id.not_in(booked))
            .group_by(OrderRow.contract_id)
        ).all()
        now = datetime.now(UTC)
        if rows:
            session.execute(
                insert(BookingRow),
                [
                    {
                        "contract_id": contract_id,
                        "contract_version": version,
                        "status": "booked",
                        "booked_by": "bench",
                        "booked_at": now,
                        "checklist": {"bench": "booked in bulk for the benchmark"},
                    }
                    for contract_id, version in rows
                ],
            )
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    """``python -m billops.bench_revenue --database URL --period 2026-11 [--book-all]``."""
    import argparse

    from billops.adapters.storage.database import open_database
    from billops.bench import _peak_rss, _reset_peak_rss

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", required=True, help="Database URL of a set-up company.")
    parser.add_argument("--period", default="2026-11")
    parser.add_argument("--book-all", action="store_true", help="Book every set-up contract first.")
    args = parser.parse_args(argv)
    database = open_database(args.database)
    try:
        booked = book_all_set_up(database) if args.book_all else 0
        start_rss = _reset_peak_rss()
        results = revenue_results(database, args.period)
        peak = _peak_rss()
    finally:
        database.dispose()
    lines = [f"booked in bulk before the run: {booked} contracts"] + [
        f"{r.name}: {r.items} {r.unit} in {r.seconds:.2f} s, raw {r.raw_seconds:.2f} s, "
        f"ratio {r.ratio:.1f}"
        for r in results
    ]
    lines.append(f"memory: resident {start_rss:.0f} MiB at the start, peak {peak:.0f} MiB")
    print("\n".join(lines))  # noqa: T201 - the benchmark's output is its report
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
