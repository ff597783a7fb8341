"""``billops crm import``: opportunities stored once, bad files refused whole; the cross-check."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_validation import OpportunityRow
from tests.validation.support import audit_count, contract, rows, save_contract, store_parties

Cli = Callable[..., Any]

OPPORTUNITIES = (
    "Opportunity ID,Opportunity Name,Account Name,Amount,Opportunity Currency,Close Date,"
    "Stage,Order Form Number\n"
    '006A000000001,Globex platform,Globex Corporation,"24,100.00",USD,12/18/2025,'
    "Closed Won,OF-2026-001\n"
    '006A000000002,Initech renewal,Müller Initech GmbH,"9,000.00",USD,12/20/2025,'
    "Closed Won,\n"
)
LINE_ITEMS = (
    "Line Item ID,Opportunity ID,Product Code,Quantity,Sales Price\n"
    '00kA01,006A000000001,PLAT-PRO,10,"2,160.00"\n'
    '00kA02,006A000000001,ONB,1,"2,500.00"\n'
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Path]:
    return (
        _write(tmp_path / "opportunities.csv", OPPORTUNITIES),
        _write(tmp_path / "items.csv", LINE_ITEMS),
    )


def test_import_stores_each_opportunity_once(
    cli: Cli, db: Database, export: tuple[Path, Path]
) -> None:
    opportunities, items = export
    first = cli("crm", "import", str(opportunities), "--line-items", str(items))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == (
        f"{opportunities}: 2 opportunities: 2 created, 0 updated, 0 unchanged"
    )
    stored = list(rows(db, OpportunityRow))
    assert [(r["opportunity_id"], r["contract_reference"]) for r in stored] == [
        ("006A000000001", "OF-2026-001"),
        ("006A000000002", None),
    ]
    assert stored[0]["data"]["amount"] == "24100.00"
    assert [line["quantity"] for line in stored[0]["data"]["lines"]] == ["10", "1"]

    audited = audit_count(db)
    again = cli("crm", "import", str(opportunities), "--line-items", str(items), "--json")
    assert json.loads(again.stdout)["unchanged"] == 2
    assert audit_count(db) == audited


def test_a_changed_opportunity_is_updated_and_audited(
    cli: Cli, db: Database, export: tuple[Path, Path], tmp_path: Path
) -> None:
    opportunities, items = export
    cli("crm", "import", str(opportunities), "--line-items", str(items))
    audited = audit_count(db)
    changed = _write(tmp_path / "changed.csv", OPPORTUNITIES.replace('"9,000.00"', '"9,500.00"'))
    result = cli("crm", "import", str(changed), "--json")
    assert json.loads(result.stdout) | {"source": ""} == {
        "source": "",
        "opportunities": 2,
        "created": 0,
        "updated": 2,  # the first lost its line items: no --line-items this time
        "unchanged": 0,
    }
    assert audit_count(db) == audited + 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_windows_1252_exports_keep_their_accents(
    cli: Cli, db: Database, tmp_path: Path, encoding: str
) -> None:
    path = _write(tmp_path / "opportunities.csv", OPPORTUNITIES, encoding)
    assert cli("crm", "import", str(path)).exit_code == 0
    names = [r["account_name"] for r in rows(db, OpportunityRow)]
    assert names == ["Globex Corporation", "Müller Initech GmbH"]


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            OPPORTUNITIES.replace("Close Date,", "Closing,"),
            "header (row 1): missing required column CloseDate",
        ),
        (
            OPPORTUNITIES.replace('"9,000.00"', "nine thousand"),
            "row 3, column Amount: not a number (got 'nine thousand')",
        ),
        (
            OPPORTUNITIES.replace("12/20/2025", "12/40/2025"),
            "row 3, column Close Date: ",
        ),
    ],
)
def test_a_bad_export_is_one_error_and_nothing_is_saved(
    cli: Cli, db: Database, tmp_path: Path, broken: str, expected: str
) -> None:
    path = _write(tmp_path / "opportunities.csv", broken)
    before = audit_count(db)
    result = cli("crm", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: {expected}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(rows(db, OpportunityRow)) == []
    assert audit_count(db) == before


def test_a_line_item_of_an_unknown_opportunity_saves_nothing(
    cli: Cli, db: Database, tmp_path: Path, export: tuple[Path, Path]
) -> None:
    opportunities, _ = export
    items = _write(tmp_path / "items.csv", LINE_ITEMS + "00kA03,006A000000099,ONB,1,100\n")
    result = cli("crm", "import", str(opportunities), "--line-items", str(items))
    assert result.exit_code == 2
    assert "row 4, column Opportunity ID: no such opportunity" in result.stderr
    assert list(rows(db, OpportunityRow)) == []


def test_either_a_file_or_salesforce(cli: Cli, export: tuple[Path, Path], monkeypatch: Any) -> None:
    assert cli("crm", "import").exit_code == 2
    both = cli("crm", "import", str(export[0]), "--salesforce")
    assert both.exit_code == 2
    assert "give either an opportunities CSV file or --salesforce" in both.stderr
    for name in ("SF_INSTANCE_URL", "SF_ACCESS_TOKEN", "SF_USERNAME", "SF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    unconfigured = cli("crm", "import", "--salesforce")
    assert unconfigured.exit_code == 2
    assert "Salesforce is not configured" in unconfigured.stderr


def test_the_cross_check_runs_against_imported_opportunities(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    store_parties(db)
    save_contract(db, contract())
    clean = cli("contract", "validate", "OF-2026-001", "--json")
    assert json.loads(clean.stdout)["crm_checked"] is False

    booked_more = OPPORTUNITIES.replace('"24,100.00"', '"25,100.00"')
    items = _write(tmp_path / "i.csv", LINE_ITEMS)
    cli("crm", "import", str(_write(tmp_path / "o.csv", booked_more)), "--line-items", str(items))
    result = cli("contract", "validate", "OF-2026-001", "--json")
    data = json.loads(result.stdout)
    assert data["crm_checked"] is True
    assert data["crm_match"] == "opportunity 006A000000001 names contract OF-2026-001"
    assert [f["rule_id"] for f in data["findings"]] == ["CRM-AMOUNT"]
    assert result.exit_code == 1
