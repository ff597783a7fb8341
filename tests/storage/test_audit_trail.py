"""The audit trail in the database: written with every change, append-only, tamper-evident.

These tests do what an insider with database access would do: edit a
record, delete one, delete the newest ones, and check that ``audit verify``
names the first broken link.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Customers
from billops.domain.parties import Customer


def add_customers(db: Database, n: int, actor: str = "ana") -> None:
    for index in range(1, n + 1):
        with db.transaction() as session:
            Customers(session, actor).add(
                Customer(code=f"C-{index}", name=f"Customer {index}"), reason="onboarding"
            )


def drop_append_only_triggers(db: Database) -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))


def tamper(db: Database, statement: str) -> None:
    drop_append_only_triggers(db)
    with db.engine.begin() as connection:
        connection.execute(text(statement))


def verify(db: Database) -> audit_store.ChainReport:
    with db.transaction() as session:
        return audit_store.verify(session)


def test_every_change_writes_one_record_with_before_and_after(db: Database) -> None:
    add_customers(db, 1)
    with db.transaction() as session:
        Customers(session, "ben").update(
            Customer(code="C-1", name="Customer One Ltd", po_required=True), reason="renamed"
        )
    with db.transaction() as session:
        records = list(audit_store.records(session))
    assert [(r.seq, r.actor, r.action, r.reason) for r in records] == [
        (1, "ana", "create", "onboarding"),
        (2, "ben", "update", "renamed"),
    ]
    assert records[1].before["name"] == "Customer 1"
    assert records[1].after["name"] == "Customer One Ltd"
    assert records[1].after["po_required"] is True
    assert records[1].prev_hash == records[0].hash


def test_an_update_that_changes_nothing_writes_nothing(db: Database) -> None:
    add_customers(db, 1)
    with db.transaction() as session:
        changed = Customers(session, "ben").update(Customer(code="C-1", name="Customer 1"))
    assert changed is False
    assert verify(db).checked == 1


def test_the_database_refuses_to_update_or_delete_audit_records(db: Database) -> None:
    add_customers(db, 2)
    for statement in (
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    assert verify(db).ok


def test_an_edited_record_is_named_as_the_first_broken_link(db: Database) -> None:
    add_customers(db, 5)
    assert verify(db).ok
    tamper(db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    report = verify(db)
    assert report.first_broken is not None
    assert report.first_broken.seq == 3
    assert "altered" in report.first_broken.problem


def test_an_edited_after_image_is_caught(db: Database) -> None:
    add_customers(db, 3)
    drop_append_only_triggers(db)
    with db.transaction() as session:
        row = session.get(audit_store.AuditRow, 2)
        assert row is not None
        row.after = {**row.after, "name": "Quietly Renamed"}
    report = verify(db)
    assert report.first_broken is not None
    assert report.first_broken.seq == 2


def test_a_deleted_record_is_caught(db: Database) -> None:
    add_customers(db, 5)
    tamper(db, "DELETE FROM audit_log WHERE seq = 2")
    report = verify(db)
    assert report.first_broken is not None
    assert report.first_broken.seq == 2
    assert "missing" in report.first_broken.problem


def test_deleting_the_newest_records_is_caught(db: Database) -> None:
    add_customers(db, 5)
    tamper(db, "DELETE FROM audit_log WHERE seq >= 4")
    report = verify(db)
    assert report.first_broken is not None
    assert report.first_broken.seq == 4
    assert "4..5 are missing" in report.first_broken.problem


def test_a_failed_change_leaves_neither_the_change_nor_its_audit_record(db: Database) -> None:
    add_customers(db, 1)
    with pytest.raises(RuntimeError), db.transaction() as session:
        Customers(session, "ana").add(Customer(code="C-2", name="Customer 2"))
        raise RuntimeError("killed half-way")
    with db.transaction() as session:
        assert Customers(session, "ana").find("C-2") is None
    assert verify(db).checked == 1


def test_concurrent_writers_never_fork_the_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(prefix: str) -> Callable[[], None]:
        def work() -> None:
            try:
                for index in range(10):
                    with db.transaction() as session:
                        Customers(session, prefix).add(
                            Customer(code=f"{prefix}-{index}", name=f"{prefix} {index}")
                        )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        return work

    threads = [threading.Thread(target=writer(p)) for p in ("A", "B", "C")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify(db)
    assert report.ok
    assert report.checked == 30


def test_find_many_reads_the_customers_that_exist_in_one_call(db: Database) -> None:
    add_customers(db, 3)
    with db.transaction() as session:
        found = Customers(session, "ana").find_many(["C-2", "C-9", "C-1", "C-2"])
        assert sorted(found) == ["C-1", "C-2"]
        assert found["C-2"].name == "Customer 2"
        assert Customers(session, "ana").find_many([]) == {}
