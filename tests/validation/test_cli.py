"""The commands: contract validate / approve / explain, finding, queue, policy show."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_validation import FindingRow
from tests.validation.support import (
    MAKER,
    audit_count,
    contract,
    rows,
    save_contract,
    store_parties,
    with_line_amount,
)

Cli = Callable[..., Any]

QUOTE = "Platform Pro, 10 users x USD 1,080.00 per year ........ USD 12,600.00"


def _defective_with_source() -> dict[str, Any]:
    data = with_line_amount("12600.00")
    data["provenance"] = {
        "lines[0].amount": {
            "document": {"name": "of-globex-signed.pdf"},
            "page": 2,
            "quote": QUOTE,
        }
    }
    return data


@pytest.fixture
def as_actor(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    return lambda name: monkeypatch.setenv("BILLOPS_ACTOR", name)


def test_validate_exits_1_with_problems_found_and_stores_the_findings(
    cli: Cli, db: Database
) -> None:
    store_parties(db)
    save_contract(db, _defective_with_source())
    result = cli("contract", "validate", "OF-2026-001")
    assert result.exit_code == 1
    assert "OF-2026-001 v1: 2 error, 0 warning, 0 info finding(s) open" in result.stdout
    assert "ARITH-LINE-TOTAL" in result.stdout
    assert "problems found: 2 open error findings block approval" in result.stdout
    assert len(list(rows(db, FindingRow))) == 2

    again = cli("contract", "validate", "OF-2026-001", "--json")
    assert again.exit_code == 1
    data = json.loads(again.stdout)
    assert data["open_errors"] == 2
    assert data["changes"] == {
        "raised": 0,
        "reopened": 0,
        "updated": 0,
        "resolved": 0,
        "unchanged": 2,
    }


def test_validate_a_clean_contract_exits_0(cli: Cli, db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    result = cli("contract", "validate", "OF-2026-001")
    assert result.exit_code == 0, result.stderr
    assert "OF-2026-001 v1: 0 error, 0 warning, 0 info finding(s) open" in result.stdout


def test_validate_a_terms_file_stores_nothing(cli: Cli, db: Database, tmp_path: Path) -> None:
    store_parties(db, entity=False)
    path = tmp_path / "of.yaml"
    path.write_text(yaml.safe_dump(with_line_amount("12600.00")), encoding="utf-8")
    before = audit_count(db)
    result = cli("contract", "validate", str(path), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["stored"] is False
    assert sorted(f["rule_id"] for f in data["findings"]) == [
        "ARITH-LINE-TOTAL",
        "ARITH-TCV",
        "REF-UNKNOWN-ENTITY",
    ]
    assert audit_count(db) == before
    assert list(rows(db, FindingRow)) == []


def test_validate_a_bad_terms_file_is_one_error_naming_it(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(contract(currency="XYZ")), encoding="utf-8")
    result = cli("contract", "validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: currency:")
    assert "'XYZ'" in result.stderr


def test_validate_an_unknown_contract_exits_2(cli: Cli) -> None:
    result = cli("contract", "validate", "OF-404")
    assert result.exit_code == 2
    assert "no contract with id 'OF-404'" in result.stderr


def test_waive_then_approve_by_a_checker(cli: Cli, db: Database, as_actor: Any) -> None:
    store_parties(db)
    save_contract(db, _defective_with_source(), actor=MAKER)
    cli("contract", "validate", "OF-2026-001")
    ids = [str(row["id"]) for row in rows(db, FindingRow)]

    as_actor(MAKER)
    refused = cli("finding", "waive", ids[0], "--reason", "mine is fine")
    assert refused.exit_code == 2
    assert "maria.maker made version 1 of contract 'OF-2026-001'" in refused.stderr

    as_actor("carl.checker")
    blocked = cli("contract", "approve", "OF-2026-001", "--reason", "checked")
    assert blocked.exit_code == 2
    assert "has 2 open error findings: #" in blocked.stderr
    no_reason = cli("finding", "waive", ids[0])
    assert no_reason.exit_code == 2  # --reason is required
    for finding_id in ids:
        waived = cli("finding", "waive", finding_id, "--reason", "Globex confirmed the typo")
        assert waived.exit_code == 0, waived.stderr
        assert f"finding {finding_id} (" in waived.stdout
    approved = cli("contract", "approve", "OF-2026-001", "--reason", "checked against the OF")
    assert approved.exit_code == 0, approved.stderr
    assert approved.stdout.strip() == "OF-2026-001 version 1 approved by carl.checker"

    listed = json.loads(cli("finding", "list", "--contract", "OF-2026-001", "--json").stdout)
    assert [f["status"] for f in listed] == ["waived", "waived"]
    assert listed[0]["waiver"]["reason"] == "Globex confirmed the typo"
    assert json.loads(cli("finding", "list", "--status", "open", "--json").stdout) == []


def test_explain_quotes_the_clause_the_value_came_from(cli: Cli, db: Database) -> None:
    store_parties(db)
    save_contract(db, _defective_with_source())
    cli("contract", "validate", "OF-2026-001")
    result = cli("contract", "explain", "OF-2026-001")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "ERROR ARITH-LINE-TOTAL" in text
    assert f"clause:  lines[0].amount: of-globex-signed.pdf, page 2: \u201c{QUOTE}\u201d" in text
    assert "to do:   correct the amount" in text
    assert "values:  " in text

    data = json.loads(cli("contract", "explain", "OF-2026-001", "--json").stdout)
    [line_total] = [f for f in data["findings"] if f["rule_id"] == "ARITH-LINE-TOTAL"]
    assert line_total["clauses"] == [
        {
            "field": "lines[0].amount",
            "document": "of-globex-signed.pdf",
            "page": 2,
            "quote": QUOTE,
        }
    ]
    assert line_total["rule"]["rule_id"] == "ARITH-LINE-TOTAL"
    assert line_total["values"]["amount"] == "12600.00"


def test_explain_before_validation_says_what_to_run(cli: Cli, db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    result = cli("contract", "explain", "OF-2026-001")
    assert result.exit_code == 2
    assert "has not been validated" in result.stderr
    assert "billops contract validate OF-2026-001" in result.stderr


def test_queue_list_shows_due_times_and_refuses_an_unknown_role(cli: Cli, db: Database) -> None:
    store_parties(db, entity=False)
    save_contract(db, contract())
    cli("contract", "validate", "OF-2026-001")
    data = json.loads(cli("queue", "list", "--role", "finance", "--json").stdout)
    assert [(t["route"], t["rule_id"], t["overdue"]) for t in data] == [
        ("finance", "REF-UNKNOWN-ENTITY", False)
    ]
    assert json.loads(cli("queue", "list", "--role", "billing", "--json").stdout) == []
    bad = cli("queue", "list", "--role", "janitor")
    assert bad.exit_code == 2
    assert "--role: no such role (got 'janitor')" in bad.stderr


def test_validate_all_reports_each_contract(cli: Cli, db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    save_contract(db, with_line_amount("12600.00", contract_id="OF-2026-002"))
    result = cli("contract", "validate", "--all", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(r["contract_id"], r["open_errors"]) for r in data] == [
        ("OF-2026-001", 0),
        ("OF-2026-002", 2),
    ]


def test_validate_a_signed_document_reads_it_through_intake(cli: Cli) -> None:
    document = Path(__file__).parents[1] / "corpus" / "of-kestrel-prairie.txt"
    result = cli("contract", "validate", str(document), "--json")
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert (data["contract_id"], data["stored"]) == ("KDS-OF-2026-019", False)
    # the document names no customer or supplier code: nothing to bill until matched
    assert {"customer.code", "supplier.code"} <= {
        field
        for f in data["findings"]
        if f["rule_id"] == "COMPLETE-FIELDS"
        for field in f["fields"]
    }
