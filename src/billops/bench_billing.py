"""The billing run's benchmark: one run over a set-up company, beside its raw I/O.

``billing_results`` runs ``bill_run`` once over every set-up contract of the
database (as ``make bench`` leaves it after setup) and measures, in the same
process and minutes, the raw cost of the same I/O with the same driver:

- reading the inputs: the contract versions' terms, the stored events and
  the billed-item keys, fetched row by row as the run reads them;
- writing the outputs: the rows the run wrote (invoices with their JSON
  image, invoice lines, holds and audit records) inserted again, as text of
  the same size, into a scratch table, with as many transactions as the run
  committed (one per ``STORE_CUSTOMERS`` customers).

The ratio run / (read + write) is the figure to compare across runs; the
issue's aim is 3 or less. The peak resident memory of the run itself
(reset when it starts, Linux) shows whether it grows with the company.

    python -m billops.bench_billing --database sqlite:////tmp/bench.db --as-of 2026-11-30
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select

from billops.adapters.storage.database import open_database
from billops.adapters.storage.tables import AuditRow, ContractRow, ContractVersionRow
from billops.adapters.storage.tables_billing import InvoiceHoldRow, InvoiceLineRow, InvoiceRow
from billops.adapters.storage.tables_setup import EventRow, OrderRow
from billops.bench import Result, Run, _peak_rss, _reset_peak_rss
from billops.workflows.billing import STORE_CUSTOMERS, bill_run

__all__ = ["billing_results"]


def billing_results(database: Any, as_of: date) -> Run:
    """One billing run over every set-up contract, and the raw cost of its reads and writes."""
    audit_before = _max_seq(database)
    invoices_before = _max_id(database, InvoiceRow)
    start_rss = _reset_peak_rss()
    start = time.perf_counter()
    run = bill_run(database, as_of=as_of, actor="bench", keep_drafts=False)
    seconds = time.perf_counter() - start
    peak = _peak_rss()
    transactions = max(1, -(-run.customers // STORE_CUSTOMERS))
    raw_read = _raw_read(database)
    payloads = _written(database, invoices_before, audit_before)
    raw_write = _raw_write(database, payloads, transactions)
    held, lines = run.held_drafts, run.lines
    return Run(
        [
            Result(
                f"billing run: drafted and checked ({lines} lines, {held} held, "
                f"{len(payloads)} rows written)",
                run.drafted,
                "invoices",
                seconds,
                raw_read + raw_write,
            )
        ],
        [
            f"billing run raw cost: reading its inputs {raw_read:.2f} s, writing its "
            f"{len(payloads)} rows in {transactions} transactions {raw_write:.2f} s",
            f"memory of the billing run itself: resident {start_rss:.0f} MiB when it started, "
            f"peak {peak:.0f} MiB while it ran",
        ],
    )


def _max_seq(database: Any) -> int:
    with database.transaction() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditRow.seq), 0))).scalar_one())


def _max_id(database: Any, row_type: Any) -> int:
    with database.transaction() as session:
        return int(session.execute(select(func.coalesce(func.max(row_type.id), 0))).scalar_one())


def _raw_read(database: Any) -> float:
    """Seconds to fetch what the run reads: terms, events and billed keys of set-up contracts."""
    set_up = select(OrderRow.contract_id)
    queries = [
        select(ContractRow.customer_code, ContractRow.contract_id).where(
            ContractRow.contract_id.in_(set_up)
        ),
        select(ContractVersionRow.terms).where(ContractVersionRow.contract_id.in_(set_up)),
        select(EventRow.kind, EventRow.payload),
        select(InvoiceLineRow.contract_id, InvoiceLineRow.item_key, InvoiceLineRow.net_amount),
    ]
    start = time.perf_counter()
    with database.transaction() as session:
        for query in queries:
            for _ in session.execute(query.execution_options(yield_per=1000)):
                pass
    return time.perf_counter() - start


def _written(database: Any, invoices_before: int, audit_before: int) -> list[str]:
    """The rows the run wrote, as the text of their values."""
    with database.transaction() as session:
        rows: list[str] = []
        for query in (
            select(InvoiceRow.record, InvoiceRow.holds).where(InvoiceRow.id > invoices_before),
            select(
                InvoiceLineRow.contract_id, InvoiceLineRow.item_key, InvoiceLineRow.net_amount
            ).where(InvoiceLineRow.invoice_id > invoices_before),
            select(InvoiceHoldRow.check_id, InvoiceHoldRow.message).where(
                InvoiceHoldRow.invoice_id > invoices_before
            ),
            select(AuditRow.after, AuditRow.hash).where(AuditRow.seq > audit_before),
        ):
            rows.extend(json.dumps(list(row), default=str) for row in session.execute(query))
    return rows


def _raw_write(database: Any, payloads: list[str], transactions: int) -> float:
    """Seconds to insert ``payloads`` as text rows, spread over ``transactions`` commits."""
    metadata = MetaData()
    table = Table(
        "bench_raw_billing",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("payload", Text),
    )
    metadata.create_all(database.engine)
    size = -(-len(payloads) // transactions) if payloads else 0
    try:
        start = time.perf_counter()
        for first in range(0, len(payloads), max(size, 1)):
            with database.engine.begin() as connection:
                connection.execute(
                    insert(table), [{"payload": p} for p in payloads[first : first + size]]
                )
        return time.perf_counter() - start
    finally:
        metadata.drop_all(database.engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="Database URL of a set-up company.")
    parser.add_argument("--as-of", default="2026-11-30", help="The run date.")
    args = parser.parse_args(argv)
    database = open_database(args.database)
    try:
        measured = billing_results(database, date.fromisoformat(args.as_of))
    finally:
        database.dispose()
    text = [
        f"{r.name}: {r.items} {r.unit} in {r.seconds:.2f} s, raw {r.raw_seconds:.2f} s, "
        f"ratio {r.ratio:.1f}"
        for r in measured.results
    ] + [f"- {note}" for note in measured.notes]
    print("\n".join(text))  # noqa: T201 - the benchmark's output is its report
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
