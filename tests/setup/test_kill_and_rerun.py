"""``billops setup --all-approved`` killed half-way (SIGKILL) and run again ends as one clean run.

Each contract is set up in its own transaction, so a kill leaves every
contract either fully set up (order, schedule, audit records) or not at
all; the re-run sets up the rest and leaves the done ones unchanged. The
end state is the one an uninterrupted run reaches: every contract's order
and six schedule items at schedule version 1, exactly two audit records
(order, schedule) per contract, and an intact audit chain.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_setup import OrderRow, ScheduleItemRow
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.contract import parse_contract
from tests.setup.support import order_form, store_catalogue

CONTRACTS = 300


def billops(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "billops"), *args]


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


def verified(url: str) -> bool:
    result = subprocess.run(
        billops("audit", "verify"),
        env={**os.environ, "BILLOPS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return True


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.3, 2.5])
def test_a_killed_setup_rerun_equals_an_uninterrupted_one(
    db: Database, database_url: str, kill_after: float
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
    time.sleep(kill_after)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    orders, items, audit = state(db)
    assert len(items) == orders  # each contract all or nothing
    assert all(count == 6 for _, count, _ in items)
    assert audit == 2 * orders
    assert verified(database_url)

    rerun = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    orders, items, audit = state(db)
    assert orders == CONTRACTS
    assert items == [(f"OF-K-{index:04d}", 6, 1) for index in range(CONTRACTS)]
    assert audit == 2 * CONTRACTS
    assert verified(database_url)
