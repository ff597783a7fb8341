"""Migration 0005_setup: the database itself keeps one live item per key and one event per key."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_setup import EventRow, ScheduleItemRow
from tests.setup.support import order_form, store_contract

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def item(version: int, superseded_by: int | None = None) -> ScheduleItemRow:
    return ScheduleItemRow(
        contract_id="OF-S-1",
        item_key="L1:2026-01-01",
        line_id="L1",
        billing_model="subscription",
        kind="charge",
        amount="1350.00",
        currency="USD",
        bill_date=date(2026, 1, 1),
        trigger="date",
        status="billable",
        explanation="10 x 135.00",
        contract_version=1,
        version=version,
        reason="test",
        superseded_by_version=superseded_by,
        created_at=NOW,
        updated_at=NOW,
    )


def test_two_live_items_with_one_key_are_refused_superseded_ones_are_kept(db: Database) -> None:
    store_contract(db, order_form())
    with db.transaction() as session:
        session.add_all([item(1, superseded_by=2), item(2, superseded_by=3), item(3)])
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(item(4))


def test_an_idempotency_key_is_stored_once(db: Database) -> None:
    store_contract(db, order_form())

    def event() -> EventRow:
        return EventRow(
            kind="shipment",
            idempotency_key="SH-1",
            contract_id="OF-S-1",
            line_id="L3",
            occurred_on=date(2026, 2, 10),
            payload={},
            content_hash="0" * 64,
            source="test",
            received_by="test",
            received_at=NOW,
        )

    with db.transaction() as session:
        session.add(event())
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(event())


def test_an_event_for_a_contract_that_does_not_exist_is_refused_by_the_database(
    db: Database,
) -> None:
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(
            EventRow(
                kind="shipment",
                idempotency_key="SH-1",
                contract_id="OF-NONE",
                occurred_on=date(2026, 2, 10),
                payload={},
                content_hash="0" * 64,
                received_by="test",
                received_at=NOW,
            )
        )
