"""Exactly once, by the database: a killed run, two runs at once, two issuers at once.

A company of ``CUSTOMERS`` customers, each with its own copy of OF-B-1, is
billed as of 2026-03-01 (three months each, one invoice per customer).

- A run killed with SIGKILL part-way, then run again, ends with exactly the
  invoices of an uninterrupted run: every item billed once, no invoice
  without lines, no line without its invoice, an intact audit chain.
- Two runs started at the same moment bill every item once (the unique key
  ``(contract_id, item_key)`` refuses the second insert; that customer's
  transaction rolls back whole).
- Two processes issuing at once give gapless, unique numbers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from billops.adapters.storage.audit_store import verify
from billops.adapters.storage.database import Database, normalise_url
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.adapters.storage.tables_billing import InvoiceLineRow, InvoiceRow
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.contract import parse_contract
from billops.workflows.billing import approve
from billops.workflows.setup import setup_all_approved

from .support import ENTITY, customer, order_form

CUSTOMERS = 30


def billops(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "billops"), *args]


def many_customers(db: Database, count: int = CUSTOMERS) -> None:
    with db.transaction() as session:
        LegalEntities(session, "tester").add(ENTITY)
        people = Customers(session, "tester")
        contracts = Contracts(session, "maker")
        approvals = ValidationStore(session, "checker")
        for index in range(count):
            code = f"cust{index:04d}"
            people.add(customer(code))
            terms = parse_contract(
                order_form(contract_id=f"OF-X-{index:04d}", customer={"code": code, "name": code})
            )
            contracts.save(terms)
            approvals.approve(terms.contract_id, 1, approver="checker", reason="test")
    setup_all_approved(db, actor="setup", as_of=date(2026, 1, 1))


def billed(db: Database) -> tuple[list[tuple[str, str, str]], int, int]:
    """(contract, item key, customer) of every billed line; invoices; invoices without lines."""
    with db.transaction() as session:
        keys = session.execute(
            select(InvoiceLineRow.contract_id, InvoiceLineRow.item_key, InvoiceRow.customer_code)
            .join(InvoiceRow, InvoiceRow.id == InvoiceLineRow.invoice_id)
            .order_by(InvoiceLineRow.contract_id, InvoiceLineRow.item_key)
        ).all()
        invoices = session.execute(select(func.count()).select_from(InvoiceRow)).scalar_one()
        empty = session.execute(
            select(func.count())
            .select_from(InvoiceRow)
            .where(~InvoiceRow.id.in_(select(InvoiceLineRow.invoice_id)))
        ).scalar_one()
        assert verify(session).ok
    return [tuple(k) for k in keys], int(invoices), int(empty)  # type: ignore[misc]


EXPECTED = [
    (f"OF-X-{i:04d}", f"L1:2026-{m:02d}-01", f"cust{i:04d}")
    for i in range(CUSTOMERS)
    for m in (1, 2, 3)
]


def _env(url: str, actor: str = "night-run") -> dict[str, str]:
    return {**os.environ, "BILLOPS_DATABASE_URL": url, "BILLOPS_ACTOR": actor}


RUN = ("bill", "run", "--as-of", "2026-03-01", "--commit-every", "1", "--json")


@pytest.mark.slow
def test_a_killed_run_run_again_equals_an_uninterrupted_run(
    db: Database, database_url: str
) -> None:
    many_customers(db)
    process = subprocess.Popen(
        billops(*RUN),
        env=_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Watch with a plain engine: a read that takes no write lock (billops' own
    # SQLite engine begins every transaction with BEGIN IMMEDIATE).
    watcher = create_engine(normalise_url(database_url))
    deadline = time.monotonic() + 60
    with watcher.connect() as connection:
        while process.poll() is None and time.monotonic() < deadline:
            count = connection.execute(text("SELECT count(*) FROM invoices")).scalar_one()
            connection.rollback()
            if count >= 5:  # part-way: some customers drafted
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
    watcher.dispose()
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    keys, invoices, empty = billed(db)
    assert 5 <= invoices < CUSTOMERS and empty == 0
    assert len(keys) == 3 * invoices  # each customer all or nothing

    rerun = subprocess.run(
        billops(*RUN),
        env=_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert billed(db) == (EXPECTED, CUSTOMERS, 0)


@pytest.mark.slow
def test_two_runs_at_once_bill_each_item_once_and_two_issuers_number_gaplessly(
    db: Database, database_url: str
) -> None:
    many_customers(db)
    runs = [
        subprocess.Popen(
            billops(*RUN),
            env=_env(database_url, actor),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for actor in ("run-a", "run-b")
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert billed(db) == (EXPECTED, CUSTOMERS, 0)

    approve(db, [], actor="checker")
    issuers = [
        subprocess.Popen(
            billops("invoice", "issue"),
            env=_env(database_url, actor),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for actor in ("issuer-a", "issuer-b")
    ]
    outputs = [issuer.communicate(timeout=300) for issuer in issuers]
    assert [issuer.returncode for issuer in issuers] == [0, 0], outputs
    with db.transaction() as session:
        numbers = sorted(
            session.execute(
                select(InvoiceRow.number).where(InvoiceRow.status == "issued")
            ).scalars()
        )
    assert numbers == [f"NWDE-2026-{n:06d}" for n in range(1, CUSTOMERS + 1)]


def test_a_batch_that_meets_another_runs_drafts_is_stored_again_one_by_one(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between computing a chunk and storing it, another run drafts customer 1 first.

    The batch of all five customers fails on customer 1's billed-item key and
    rolls back whole; stored again one customer per transaction, customers 0,
    2, 3 and 4 are drafted and customer 1 is reported as a conflict: every
    customer ends with exactly one invoice.
    """
    from billops.workflows import billing

    many_customers(db, 5)
    original = billing._computed_chunks

    def racing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for chunk in original(*args, **kwargs):  # type: ignore[arg-type]
            monkeypatch.setattr(billing, "_computed_chunks", original)  # the other run's own
            billing.bill_run(db, as_of=date(2026, 3, 1), actor="other", customer="cust0001")
            yield chunk

    monkeypatch.setattr(billing, "_computed_chunks", racing)
    run = billing.bill_run(db, as_of=date(2026, 3, 1), actor="night-run", store_customers=50)
    assert run.conflicts == ["NW-DE/cust0001"]
    assert sorted(d["customer"] for d in run.drafts) == [
        "cust0000",
        "cust0002",
        "cust0003",
        "cust0004",
    ]
    keys, invoices, empty = billed(db)
    assert (invoices, empty, len(keys)) == (5, 0, 15)
    assert len(set(keys)) == 15


def test_chunks_of_customers_draft_what_one_chunk_drafts(db: Database) -> None:
    """Computing two customers at a time drafts exactly the invoices of a single chunk."""
    from billops.workflows.billing import bill_preview, bill_run

    many_customers(db, 5)
    whole = bill_preview(db, as_of=date(2026, 3, 1), chunk_customers=1000)
    run = bill_run(db, as_of=date(2026, 3, 1), actor="r", chunk_customers=2, store_customers=2)

    def shape(drafts: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return sorted((d["customer"], d["net_total"], d["lines"]) for d in drafts)

    assert shape(run.drafts) == shape(whole.drafts)
    assert len(run.drafts) == 5


def test_a_run_that_keeps_no_drafts_still_counts_them(db: Database) -> None:
    """For big runs: the counts of a run that keeps every draft, without keeping them."""
    from billops.workflows.billing import bill_run

    many_customers(db, 4)
    run = bill_run(db, as_of=date(2026, 3, 1), actor="r", keep_drafts=False, chunk_customers=3)
    assert run.drafts == []
    assert (run.drafted, run.customers, run.lines, run.held_drafts) == (4, 4, 12, 0)
    assert run.as_dict()["drafted"] == 4
