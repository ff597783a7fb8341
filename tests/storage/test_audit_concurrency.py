"""Concurrent writers never break the audit chain, on SQLite and on PostgreSQL.

Every append chains onto the stored head (``audit_head``), so two writers
must never read the same head: each append takes the head under a lock
held to the end of its transaction (``SELECT ... FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite). These tests start several
processes appending at once, and hold one writer's transaction open while
another tries to append, then check that ``verify`` finds every link intact
and every sequence number used exactly once.
"""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from sqlalchemy import select

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database, open_database
from billops.adapters.storage.tables import AuditHeadRow, AuditRow

WRITERS = 4
APPENDS = 25


def _append_many(url: str, writer: int, appends: int, start: float) -> None:
    """One writer process: ``appends`` transactions of one or two records each."""
    db = open_database(url)
    try:
        time.sleep(max(0.0, start - time.time()))  # all writers start together
        for index in range(appends):
            with db.transaction() as session:
                for part in range(1 + index % 2):  # some transactions append twice
                    audit_store.append(
                        session,
                        actor=f"writer-{writer}",
                        entity_type="stress",
                        entity_id=f"W{writer}-{index}-{part}",
                        action="create",
                        before=None,
                        after={"writer": writer, "index": index, "part": part},
                    )
    finally:
        db.dispose()


def chain_problem(db: Database, expected: int) -> str | None:
    """None if the chain is intact and holds ``expected`` records; else what is wrong, in full."""
    with db.transaction() as session:
        report = audit_store.verify(session)
        rows = session.execute(select(AuditRow.seq, AuditRow.prev_hash, AuditRow.hash)).all()
        head = session.get(AuditHeadRow, 1)
    seqs = sorted(seq for seq, _, _ in rows)
    problems = []
    if not report.ok:
        assert report.first_broken is not None
        problems.append(
            f"verify: broken at record {report.first_broken.seq}: "
            f"{report.first_broken.problem} ({report.checked} records verified before it)"
        )
    if seqs != list(range(1, expected + 1)):
        problems.append(f"sequence numbers are not 1..{expected}: {len(seqs)} records")
    by_prev: dict[str, list[int]] = {}
    for seq, prev_hash, _ in rows:
        by_prev.setdefault(prev_hash, []).append(seq)
    forks = {prev[:12]: seqs for prev, seqs in by_prev.items() if len(seqs) > 1}
    if forks:
        problems.append(f"records chained onto the same predecessor: {forks}")
    if head is None or head.seq != expected:
        problems.append(f"head is {None if head is None else (head.seq, head.hash[:12])}")
    return "; ".join(problems) or None


@pytest.mark.slow
def test_writer_processes_appending_at_once_leave_one_intact_chain(
    db: Database, database_url: str
) -> None:
    spawn = multiprocessing.get_context("spawn")
    start = time.time() + 1.5  # time for every process to start and connect
    processes = [
        spawn.Process(target=_append_many, args=(database_url, writer, APPENDS, start))
        for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WRITERS, "a writer process failed"
    per_writer = sum(1 + index % 2 for index in range(APPENDS))
    assert chain_problem(db, WRITERS * per_writer) is None


def test_a_second_writer_waits_for_the_first_and_chains_onto_its_record(db: Database) -> None:
    """The head is locked from the first append to commit: the second writer cannot read it."""
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with db.transaction() as session:
                audit_store.append(
                    session,
                    actor="ben",
                    entity_type="stress",
                    entity_id="second",
                    action="create",
                    before=None,
                    after={"n": 2},
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            second_done.set()

    with db.transaction() as session:
        audit_store.append(
            session,
            actor="ana",
            entity_type="stress",
            entity_id="first",
            action="create",
            before=None,
            after={"n": 1},
        )
        thread = threading.Thread(target=second_writer)
        thread.start()
        # While the first transaction is open, the second append must not complete.
        assert not second_done.wait(0.5), "the second writer appended past an uncommitted head"
    thread.join(timeout=30)
    assert not errors, errors
    with db.transaction() as session:
        stored = [(r.seq, r.entity_id) for r in audit_store.records(session)]
    assert stored == [(1, "first"), (2, "second")]
    assert chain_problem(db, 2) is None


def test_a_head_read_earlier_in_the_transaction_is_not_reused_stale(db: Database) -> None:
    """Appending after reading the head (e.g. to show it) chains onto the head as it is now.

    On PostgreSQL another writer can commit between the plain read and the
    append's ``SELECT ... FOR UPDATE``; the append must use the row the lock
    returned, not the copy the session loaded first.
    """
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite locks the whole database from BEGIN: no writer can come between")
    with db.transaction() as session:
        assert session.get(AuditHeadRow, 1) is not None  # loads the head: seq 0
        with db.transaction() as other:
            audit_store.append(
                other,
                actor="ben",
                entity_type="stress",
                entity_id="meanwhile",
                action="create",
                before=None,
                after=None,
            )
        record = audit_store.append(
            session,
            actor="ana",
            entity_type="stress",
            entity_id="after",
            action="create",
            before=None,
            after=None,
        )
    assert record.seq == 2
    assert chain_problem(db, 2) is None
