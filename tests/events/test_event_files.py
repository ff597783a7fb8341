"""Event CSV files: the demo's five files and expenses, read into domain values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billops.adapters.event_files import (
    content_hash,
    event_from_payload,
    event_kind,
    event_payload,
    read_event_file,
)
from billops.domain.events import (
    AcceptanceStatus,
    ExpenseEntry,
    MilestoneAcceptance,
    Provisioning,
    ProvisioningKind,
    Shipment,
    TimeEntry,
    UsageRecord,
)
from billops.errors import InvalidInput

FILES = {
    "time_entries.csv": (
        "idempotency_key,contract_id,line_id,person,role,work_date,hours,approved,status,"
        "billable,description\n"
        "TE-1,SOW-1,TM1,Avery Holloway,Senior Consultant,2026-08-03,8,true,approved,true,"
        "UAT support\n"
        "TE-2,SOW-1,TM1,Priya Nakamura,Consultant,2026-08-04,2.5,false,submitted,true,\n"
    ),
    "milestone_acceptances.csv": (
        "idempotency_key,contract_id,milestone_id,status,decided_on,decided_by,comment\n"
        "MA-1,SOW-1,M1,accepted,2026-07-10,Bastien Lambert,Accepted as specified.\n"
    ),
    "shipments.csv": (
        "idempotency_key,contract_id,line_id,sku,quantity,serial_numbers,ship_date,"
        "tracking_number\n"
        "SH-1,OF-1,L1,NW-HW-E100,2,E100-1;E100-2,2026-07-16,NWL9313938047\n"
    ),
    "provisioning.csv": (
        "idempotency_key,contract_id,line_id,sku,event,tenant_id,occurred_on,quantity\n"
        "PV-1,OF-1,L1,NW-SUB-ENT,tenant_live,tnt-1,2025-10-30,885\n"
        "PV-2,OF-1,L1,NW-SUB-ENT,seats_added,tnt-1,2026-01-01,\n"
    ),
    "usage.csv": (
        "idempotency_key,contract_id,line_id,sku,meter,period_start,period_end,quantity,unit\n"
        "US-1,OF-1,L3,NW-API-CALLS,api_calls,2025-11-01,2025-11-30,2981704,api_call\n"
    ),
    "expenses.csv": (
        "idempotency_key,contract_id,line_id,incurred_on,amount,category,approved,description\n"
        "EX-1,SOW-1,EX1,2026-08-05,412.30,travel,true,Flight Berlin-London\n"
    ),
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_demo_file_reads_into_its_domain_events(tmp_path: Path) -> None:
    read = {name: read_event_file(write(tmp_path, name, text)) for name, text in FILES.items()}
    assert read["time_entries.csv"] == [
        TimeEntry("TE-1", "SOW-1", "TM1", "Avery Holloway", "Senior Consultant",
                  date(2026, 8, 3), Decimal(8), True, True, "UAT support"),
        TimeEntry("TE-2", "SOW-1", "TM1", "Priya Nakamura", "Consultant",
                  date(2026, 8, 4), Decimal("2.5"), False, True, ""),
    ]  # fmt: skip
    assert read["milestone_acceptances.csv"] == [
        MilestoneAcceptance("MA-1", "SOW-1", "M1", AcceptanceStatus.ACCEPTED,
                            date(2026, 7, 10), "Bastien Lambert", "Accepted as specified.")
    ]  # fmt: skip
    assert read["shipments.csv"] == [
        Shipment("SH-1", "OF-1", "L1", "NW-HW-E100", Decimal(2), date(2026, 7, 16),
                 ("E100-1", "E100-2"), "NWL9313938047")
    ]  # fmt: skip
    assert read["provisioning.csv"] == [
        Provisioning("PV-1", "OF-1", "L1", ProvisioningKind.TENANT_LIVE, date(2025, 10, 30),
                     Decimal(885), "tnt-1", "NW-SUB-ENT"),
        Provisioning("PV-2", "OF-1", "L1", ProvisioningKind.SEATS_ADDED, date(2026, 1, 1),
                     None, "tnt-1", "NW-SUB-ENT"),
    ]  # fmt: skip
    assert read["usage.csv"] == [
        UsageRecord("US-1", "OF-1", "L3", date(2025, 11, 1), date(2025, 11, 30),
                    Decimal(2981704), "api_calls", "api_call")
    ]  # fmt: skip
    assert read["expenses.csv"] == [
        ExpenseEntry("EX-1", "SOW-1", "EX1", date(2026, 8, 5), Decimal("412.30"), "travel",
                     True, "Flight Berlin-London")
    ]  # fmt: skip


def test_what_is_stored_reads_back_as_the_same_event(tmp_path: Path) -> None:
    for name, text in FILES.items():
        for event in read_event_file(write(tmp_path, name, text)):
            payload = event_payload(event)
            assert event_from_payload(event.kind, payload) == event
            assert content_hash(payload) == content_hash(event_payload(event))


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "shipments.csv",
            "idempotency_key,contract_id,line_id,sku,quantity,ship_date\n"
            "SH-1,OF-1,L1,HW,2,2026-07-16\nSH-2,OF-1,L1,HW,two,2026-07-17\n",
            "shipments.csv, row 3: quantity: not a decimal number (got 'two')",
        ),
        (
            "usage.csv",
            "idempotency_key,contract_id,line_id,period_start,period_end,quantity\n"
            "US-1,OF-1,L3,2025-11-01,2025-11-31,5\n",
            "usage.csv, row 2: period_end: not a date (YYYY-MM-DD) (got '2025-11-31')",
        ),
        (
            "time_entries.csv",
            "idempotency_key,contract_id,line_id,person,role,work_date,hours\n"
            "TE-1,SOW-1,TM1,Ada,Consultant,2026-08-03,8\n",
            "the header has no column approved",
        ),
        (
            "time_entries.csv",
            "idempotency_key,contract_id,line_id,person,role,work_date,hours,approved\n"
            "TE-1,SOW-1,TM1,Ada,Consultant,2026-08-03,-8,true\n",
            "time_entries.csv, row 2: hours: hours must not be negative (got '-8')",
        ),
        (
            "milestone_acceptances.csv",
            "idempotency_key,contract_id,milestone_id,status,decided_on\n"
            "MA-1,SOW-1,M1,maybe,2026-07-10\n",
            "milestone_acceptances.csv, row 2: 'maybe' is not a valid AcceptanceStatus",
        ),
        (
            "milestone_acceptances.csv",
            "idempotency_key,contract_id,milestone_id,status,decided_on\n"
            ",SOW-1,M1,accepted,2026-07-10\n",
            "milestone_acceptances.csv, row 2: idempotency_key: is missing",
        ),
        (
            "shipments.csv",
            "idempotency_key,contract_id,line_id,sku,quantity,ship_date\n"
            "SH-1,OF-1,L1,HW,2,2026-07-16,extra\n",
            "shipments.csv, row 2: has more values than the header has columns",
        ),
    ],
)
def test_a_bad_row_names_the_file_row_and_column(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        read_event_file(write(tmp_path, name, text))
    assert message in str(raised.value)


def test_an_unknown_kind_is_named_with_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "deliveries.csv", "idempotency_key\nX\n")
    with pytest.raises(InvalidInput, match="unknown event kind 'deliveries'; one of time_entry"):
        read_event_file(path)
    with pytest.raises(InvalidInput, match="unknown event kind 'parcel'"):
        read_event_file(path, "parcel")
    assert event_kind("time_entries") == "time_entry"
    assert event_kind("Milestone-Acceptances") == "milestone_acceptance"


def test_a_file_of_any_name_reads_with_its_kind_given(tmp_path: Path) -> None:
    path = write(tmp_path, "export-2026-08.csv", FILES["expenses.csv"])
    assert [e.idempotency_key for e in read_event_file(path, "expenses")] == ["EX-1"]


def test_a_file_that_is_not_utf8_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InvalidInput, match="usage.csv: is not UTF-8 text"):
        read_event_file(path)
