"""Recording events: once per idempotency key, checked against the contract, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.setup_store import EventStore
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_setup import EventRow
from billops.domain.events import Events, MilestoneAcceptance, Shipment
from billops.errors import Conflict, InvalidInput
from billops.workflows.events import import_event_files, record_events
from tests.setup.support import company

SHIPMENTS = (
    "idempotency_key,contract_id,line_id,sku,quantity,serial_numbers,ship_date,tracking_number\n"
)


def shipment(key: str, quantity: str, line: str = "L3", contract: str = "OF-S-1") -> Shipment:
    return Shipment(
        idempotency_key=key,
        contract_id=contract,
        line_id=line,
        sku="HW-1",
        quantity=Decimal(quantity),
        ship_date=date(2026, 2, 10),
    )


def counts(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        events = session.execute(select(func.count()).select_from(EventRow)).scalar_one()
        audit = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    return int(events), int(audit)


def test_an_event_is_recorded_once_per_key(db: Database, tmp_path: Path) -> None:
    company(db)
    path = tmp_path / "shipments.csv"
    path.write_text(SHIPMENTS + "SH-1,OF-S-1,L3,HW-1,1,SN-1,2026-02-10,T1\n", encoding="utf-8")
    first = import_event_files(db, [path], actor="warehouse")
    after_first = counts(db)
    again = import_event_files(db, [path], actor="warehouse")
    assert (len(first[0].recorded), len(first[0].already_recorded)) == (1, 0)
    assert (len(again[0].recorded), len(again[0].already_recorded)) == (0, 1)
    assert counts(db) == after_first  # nothing at all written the second time
    with db.transaction() as session:
        stored = EventStore(session, "t").for_contracts(["OF-S-1"])
    assert stored == Events(
        shipments=(
            Shipment(
                "SH-1", "OF-S-1", "L3", "HW-1", Decimal(1), date(2026, 2, 10), ("SN-1",), "T1"
            ),
        )
    )


def test_the_same_key_with_other_content_is_an_error_naming_the_key(db: Database) -> None:
    company(db)
    record_events(db, [shipment("SH-1", "1")], actor="warehouse", source="a.csv")
    before = counts(db)
    with pytest.raises(Conflict, match="'SH-1' is already recorded with other content"):
        record_events(db, [shipment("SH-1", "2")], actor="warehouse", source="b.csv")
    assert counts(db) == before


def test_an_event_for_an_unknown_contract_line_or_milestone_is_refused(db: Database) -> None:
    company(db)
    before = counts(db)
    cases = [
        (shipment("SH-9", "1", contract="OF-NOPE"), "no contract 'OF-NOPE'"),
        (shipment("SH-9", "1", line="L9"), "contract OF-S-1 has no line 'L9' (its lines: L1, L2"),
        (
            MilestoneAcceptance(
                idempotency_key="MA-9",
                contract_id="SOW-2025-007",
                milestone_id="M7",
                status="accepted",  # type: ignore[arg-type]
                decided_on=date(2025, 4, 2),
            ),
            "contract SOW-2025-007 has no milestone 'M7' (its milestones: M1, M2, M3)",
        ),
    ]
    for event, message in cases:
        # a good event first in the batch: it must not be saved either
        batch = [shipment("SH-OK", "1"), event]
        with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
            record_events(db, batch, actor="psa", source="batch.csv")
    assert counts(db) == before


def test_a_shipment_above_the_ordered_quantity_is_refused(db: Database, tmp_path: Path) -> None:
    company(db)
    record_events(db, [shipment("SH-1", "1")], actor="warehouse", source="first.csv")
    before = counts(db)
    path = tmp_path / "shipments.csv"
    # 1 shipped already; 1 more is fine, then 1 more takes it to 3 of the 2 ordered
    path.write_text(
        SHIPMENTS + "SH-2,OF-S-1,L3,HW-1,1,,2026-03-01,\n" + "SH-3,OF-S-1,L3,HW-1,1,,2026-03-02,\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as raised:
        import_event_files(db, [path], actor="warehouse")
    assert str(raised.value) == (
        "shipments.csv: shipment SH-3: quantity: shipping 1 takes line L3 of OF-S-1 to 3 shipped, "
        "above the 2 ordered (got '1'); check the quantity, or amend the order first"
    )
    assert counts(db) == before  # the good row SH-2 was not saved either


def test_a_malformed_file_saves_nothing(db: Database, tmp_path: Path) -> None:
    company(db)
    path = tmp_path / "shipments.csv"
    path.write_text(
        SHIPMENTS + "SH-1,OF-S-1,L3,HW-1,1,,2026-03-01,\nSH-2,OF-S-1,L3,HW-1,1,,yesterday,\n",
        encoding="utf-8",
    )
    before = counts(db)
    with pytest.raises(InvalidInput, match="shipments.csv, row 3: ship_date: not a date"):
        import_event_files(db, [path], actor="warehouse")
    assert counts(db) == before


def test_one_key_twice_in_a_batch_with_other_content_is_refused(db: Database) -> None:
    company(db)
    with pytest.raises(Conflict, match="'SH-1' is used twice in this batch"):
        record_events(db, [shipment("SH-1", "1"), shipment("SH-1", "2")], actor="w", source="x.csv")
    same = record_events(
        db, [shipment("SH-1", "1"), shipment("SH-1", "1")], actor="w", source="x.csv"
    )
    assert (same.recorded, same.already_recorded) == (["SH-1"], ["SH-1"])
