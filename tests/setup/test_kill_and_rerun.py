"""``billops setup --all-approved`` killed half-way (SIGKILL) and run again ends as one clean run.

Each contract is set up in its own transaction, so a kill leaves every
contract either fully set up (order, schedule, audit records) or not at
all; the re-run sets up the rest and leaves the done ones unchanged. The
end state is the one an uninterrupted run reaches: every contract's order
and six schedule items at schedule version 1, exactly two audit records
(order, schedule) per contract, and an intact audit chain.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database, open_database
from billops.adapters.storage.repositories import Contracts
from billops.adapters.storage.tables import AuditHeadRow, AuditRow
from billops.adapters.storage.tables_setup import OrderRow, ScheduleItemRow
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.audit import GENESIS_HASH, compute_hash
from billops.domain.contract import parse_contract
from tests.setup.support import order_form, store_catalogue

CONTRACTS = 300


def billops(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "billops"), *args]


def orders_stored(db: Database) -> int:
    """Orders stored so far, read without taking the write lock.

    ``db.transaction()`` begins with BEGIN IMMEDIATE on SQLite, so a poller
    using it queues behind the setup it watches and can be starved until the
    run ends; a plain read on the DBAPI connection (autocommit on SQLite, WAL)
    sees each commit as it lands.
    """
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"SELECT count(*) FROM {OrderRow.__tablename__}")
        (count,) = cursor.fetchone()
        cursor.close()
        raw.rollback()
        return int(count)
    finally:
        raw.close()


def state(db: Database) -> tuple[int, list[tuple[str, int, int]], int]:
    with db.transaction() as session:
        orders = session.execute(select(func.count()).select_from(OrderRow)).scalar_one()
        items = session.execute(
            select(
                ScheduleItemRow.contract_id,
                func.count(),
                func.max(ScheduleItemRow.version),
            )
            .where(ScheduleItemRow.superseded_by_version.is_(None))
            .group_by(ScheduleItemRow.contract_id)
            .order_by(ScheduleItemRow.contract_id)
        ).all()
        audit = session.execute(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.entity_type.in_(["order", "schedule"]))
        ).scalar_one()
    return int(orders), [(c, int(n), int(v)) for c, n, v in items], int(audit)


def verified(url: str, when: str) -> bool:
    """``billops audit verify`` (a separate process, as an auditor runs it) says intact.

    A failure says which it is: the chain is broken (verify ran and named a
    link: the records around it are listed with their hashes recomputed),
    or verify could not run at all (its error is shown; e.g. the source
    tree gained a migration while the suite ran, so the fresh process asks
    for ``db upgrade``), so that one failure is enough to diagnose.
    """
    result = subprocess.run(
        billops("audit", "verify", "--json"),
        env={**os.environ, "BILLOPS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return True
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    if isinstance(report, dict) and report.get("ok") is False:
        pytest.fail(
            f"audit chain BROKEN {when}: {result.stdout.strip()}\n"
            f"{chain_dump(url, report['first_broken']['seq'])}",
            pytrace=False,
        )
    pytest.fail(
        f"audit verify could not run {when} (exit {result.returncode}), "
        f"this is not a broken chain:\n{result.stdout}{result.stderr}\n{chain_dump(url, None)}",
        pytrace=False,
    )


def chain_dump(url: str, broken: int | None) -> str:
    """The stored head and the records around the first broken link, for a failure message."""
    try:
        db = open_database(url, check_schema=False)
    except Exception as exc:  # the message must still say what verify said
        return f"(could not open the database to list records: {exc})"
    try:
        with db.transaction() as session:
            head = session.get(AuditHeadRow, 1)
            total = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
            lines = [f"head: {None if head is None else (head.seq, head.hash)}"]
            lines.append(f"records stored: {total}")
            if broken is None:
                return "\n".join(lines)
            prev = GENESIS_HASH
            for record in audit_store.records(session):
                if record.seq >= broken - 2:
                    lines.append(
                        f"seq={record.seq} at={record.occurred_at} {record.entity_type} "
                        f"{record.entity_id} {record.action} prev={record.prev_hash[:12]} "
                        f"(chain expects {prev[:12]}) hash={record.hash[:12]} "
                        f"(recomputed {compute_hash(record, record.prev_hash)[:12]})"
                    )
                if record.seq > broken + 2:
                    break
                prev = record.hash
            return "\n".join(lines)
    except Exception as exc:
        return f"(could not list records: {exc})"
    finally:
        db.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", [1, CONTRACTS // 10])
def test_a_killed_setup_rerun_equals_an_uninterrupted_one(
    db: Database, database_url: str, kill_at: int
) -> None:
    store_catalogue(db)
    base = parse_contract(order_form())
    with db.transaction() as session:
        contracts = Contracts(session, "maker")
        approvals = ValidationStore(session, "checker")
        for index in range(CONTRACTS):
            terms = base.model_copy(update={"contract_id": f"OF-K-{index:04d}"})
            contracts.save(terms)
            approvals.approve(terms.contract_id, 1, approver="checker", reason="test")
    env = {**os.environ, "BILLOPS_DATABASE_URL": database_url, "BILLOPS_ACTOR": "night-run"}
    command = billops("setup", "--all-approved", "--as-of", "2026-05-01")
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # Kill once ``kill_at`` contracts are set up (not after a fixed time: on a
    # loaded machine the process may not even have started writing by then).
    deadline = time.monotonic() + 120
    while process.poll() is None and orders_stored(db) < kill_at:
        assert time.monotonic() < deadline, f"setup did not reach {kill_at} orders in 120 s"
        time.sleep(0.02)
    assert process.poll() is None, "setup ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    orders, items, audit = state(db)
    assert kill_at <= orders < CONTRACTS  # killed part-way
    assert len(items) == orders  # each contract all or nothing
    assert all(count == 6 for _, count, _ in items)
    assert audit == 2 * orders
    assert verified(database_url, "after the kill")

    rerun = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    orders, items, audit = state(db)
    assert orders == CONTRACTS
    assert items == [(f"OF-K-{index:04d}", 6, 1) for index in range(CONTRACTS)]
    assert audit == 2 * CONTRACTS
    assert verified(database_url, "after the re-run")
