"""A person corrects extracted terms: ``billops contract set`` and ``billops intake corrections``.

The stories start from the hand-written fixtures in tests/fixtures/contracts
(the Globex order form: net 45, line L1 at 960.00 with a regex/1 source on
page 2; the Initech SOW: net 30), imported as a reviewer would find them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import open_database
from billops.adapters.storage.documents import Corrections
from billops.adapters.storage.repositories import Contracts
from tests.cli.test_parties_cli import bad

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"
ORDER_FORM = FIXTURES / "order_form_globex.yaml"
SOW = FIXTURES / "sow_initech.json"


def _counts(database_url: str) -> tuple[int, int, int]:
    """(versions of OF-2025-0142, corrections, audit records)."""
    database = open_database(database_url)
    with database.transaction() as session:
        versions = len(Contracts(session, "t").versions("OF-2025-0142"))
        corrections = Corrections(session, "t").count()
        audit = len(list(audit_store.records(session)))
    database.dispose()
    return versions, corrections, audit


def test_a_correction_is_a_new_version_with_a_human_source(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("contract", "import", str(ORDER_FORM)).exit_code == 0
    result = cli(
        "contract",
        "set",
        "OF-2025-0142",
        "payment_terms.net_days",
        "30",
        "--reason",
        "Net 30 per the signed page 2",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (
        "OF-2025-0142: payment_terms.net_days 45 -> 30; new version 2 (was 1)"
    )
    shown = json.loads(cli("contract", "show", "OF-2025-0142", "--json").stdout)
    assert shown["version"] == 2
    assert shown["terms"]["payment_terms"] == {
        "net_days": 30,
        "description": "Net 45 days from invoice date",
    }
    assert shown["terms"]["provenance"]["payment_terms.net_days"] == {
        "document": {
            "name": "order_form_globex.yaml",
            "sha256": hashlib.sha256(ORDER_FORM.read_bytes()).hexdigest(),
        },
        "page": None,
        "span": None,
        "box": None,
        "quote": "Net 30 per the signed page 2",
        "confidence": "1",
        "extractor": "human",
    }
    # the other sources are kept as they were
    assert shown["terms"]["provenance"]["end_date"]["extractor"] == "layout/1"
    # version 1 still says net 45
    old = json.loads(cli("contract", "show", "OF-2025-0142", "--version", "1", "--json").stdout)
    assert old["terms"]["payment_terms"]["net_days"] == 45

    database = open_database(database_url)
    with database.transaction() as session:
        trail = list(audit_store.records(session))
    database.dispose()
    assert [(r.entity_type, r.action, r.reason) for r in trail] == [
        ("contract", "create", None),
        ("contract", "new_version", "Net 30 per the signed page 2"),
        ("contract_correction", "create", "Net 30 per the signed page 2"),
    ]
    assert trail[2].after == {
        "contract_id": "OF-2025-0142",
        "version": 2,
        "field": "payment_terms.net_days",
        "before": 45,
        "after": 30,
        "corrected_extractor": None,
    }


def test_the_same_correction_again_changes_nothing(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("contract", "import", str(ORDER_FORM))
    args = ("contract", "set", "OF-2025-0142", "lines[0].unit_price", "900.00")
    assert cli(*args, "--reason", "discount is 25 %, not 20 %").exit_code == 0
    before = _counts(database_url)
    assert before == (2, 1, 3)
    again = cli(*args, "--reason", "said twice")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == (
        "OF-2025-0142: lines[0].unit_price already holds 900.00; unchanged (version 2)"
    )
    assert _counts(database_url) == before


def test_a_field_that_does_not_exist_is_named_and_nothing_is_saved(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("contract", "import", str(ORDER_FORM))
    before = _counts(database_url)
    bad(
        cli("contract", "set", "OF-2025-0142", "payment_terms.net_dayz", "30", "--reason", "x"),
        "payment_terms.net_dayz: payment_terms has no field 'net_dayz'",
        "did you mean 'net_days'?",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "lines[7].quantity", "3", "--reason", "x"),
        "lines[7].quantity: lines has 3 entries, so no [7]",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "lines.0.quantity", "3", "--reason", "x"),
        "lines.0.quantity: is not a field path",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "contract_id", "OF-1", "--reason", "x"),
        "contract_id: contract_id is the contract's identity and cannot be corrected",
    )
    bad(
        cli("contract", "set", "OF-9", "currency", "EUR", "--reason", "x"),
        "no contract with id 'OF-9'",
    )
    assert _counts(database_url) == before


def test_a_value_the_terms_refuse_is_named_and_nothing_is_saved(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("contract", "import", str(ORDER_FORM))
    before = _counts(database_url)
    bad(
        cli("contract", "set", "OF-2025-0142", "lines[2].quantity", "-5", "--reason", "typo"),
        "contract OF-2025-0142: lines[2].quantity: must be greater than or equal to 0",
        "(got '-5')",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "currency", "XYZ", "--reason", "typo"),
        "currency",
        "XYZ",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "end_date", "2024-01-01", "--reason", "typo"),
        "end_date: must be on or after start_date 2025-01-01",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "billing", '{"frequency": ', "--reason", "x"),
        "billing: is not valid JSON",
    )
    bad(
        cli("contract", "set", "OF-2025-0142", "currency", "EUR", "--reason", "  "),
        "a correction needs a reason",
    )
    assert _counts(database_url) == before


def test_a_whole_part_can_be_set_as_json_and_a_value_cleared(cli) -> None:  # type: ignore[no-untyped-def]
    cli("contract", "import", str(ORDER_FORM))
    result = cli(
        "contract",
        "set",
        "OF-2025-0142",
        "payment_terms",
        '{"net_days": 60, "description": "Net 60"}',
        "--reason",
        "amended by side letter",
    )
    assert result.exit_code == 0, result.stderr
    cleared = cli("contract", "set", "OF-2025-0142", "renewal", "null", "--reason", "no renewal")
    assert cleared.exit_code == 0, cleared.stderr
    terms = json.loads(cli("contract", "show", "OF-2025-0142", "--json").stdout)["terms"]
    assert terms["payment_terms"] == {"net_days": 60, "description": "Net 60"}
    assert terms["renewal"] is None
    assert terms["provenance"]["renewal"]["extractor"] == "human"


def test_the_report_counts_corrections_per_field(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("contract", "import", str(ORDER_FORM), str(SOW)).exit_code == 0
    empty = cli("intake", "corrections")
    assert empty.exit_code == 0, empty.stderr
    assert "no corrections recorded yet" in empty.stdout
    for args in (
        ("OF-2025-0142", "lines[0].unit_price", "900.00", "25 % discount"),
        ("OF-2025-0142", "lines[2].unit_price", "14000.00", "onboarding repriced"),
        ("SOW-2025-007", "lines[0].unit_price", "110000.00", "fee per SOW page 3"),
        ("OF-2025-0142", "payment_terms.net_days", "30", "net 30"),
        ("SOW-2025-007", "title", "Statement of Work No. 7", "title as printed"),
    ):
        contract_id, field, value, reason = args
        result = cli("contract", "set", contract_id, field, value, "--reason", reason)
        assert result.exit_code == 0, result.stderr
    report = json.loads(cli("intake", "corrections", "--json").stdout)
    assert report == [
        {
            "field": "lines[].unit_price",
            "corrections": 3,
            "contracts": 2,
            "corrected_extractors": {"regex/1": 1, "unknown": 2},
            "last_reason": "fee per SOW page 3",
        },
        {
            "field": "payment_terms.net_days",
            "corrections": 1,
            "contracts": 1,
            "corrected_extractors": {"unknown": 1},
            "last_reason": "net 30",
        },
        {
            "field": "title",
            "corrections": 1,
            "contracts": 1,
            "corrected_extractors": {"unknown": 1},
            "last_reason": "title as printed",
        },
    ]
    human = cli("intake", "corrections")
    assert "corrections by field (5 in all)" in human.stdout
    assert "lines[].unit_price" in human.stdout


def test_show_prints_each_values_source(cli) -> None:  # type: ignore[no-untyped-def]
    cli("contract", "import", str(ORDER_FORM))
    shown = cli("contract", "show", "OF-2025-0142")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(line.startswith("sources (2 values)") for line in lines), shown.stdout
    unit_price = next(line for line in lines if "lines[0].unit_price" in line)
    assert [cell.strip() for cell in unit_price.strip("│ ").split("│")] == [
        "lines[0].unit_price",
        "960.00",
        "2",
        "$960.00",
        "0.97",
        "regex/1",
    ]
    end_date = next(line for line in lines if line.lstrip("│ ").startswith("end_date"))
    assert [cell.strip() for cell in end_date.strip("│ ").split("│")] == [
        "end_date",
        "2027-12-31",
        "1",
        "through December 31, 2027",
        "0.91",
        "layout/1",
    ]
