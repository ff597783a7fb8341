"""``billops entity`` and ``billops customer``: CRUD from the command line, audited."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliResult

ADD_US = (
    "entity",
    "add",
    "--code",
    "NWUS",
    "--name",
    "Northwind Cloud Inc.",
    "--country",
    "US",
    "--currency",
    "USD",
    "--invoice-prefix",
    "NWUS",
    "--tax-id",
    "ein:12-3456789",
)


def test_an_entity_is_added_listed_shown_and_updated(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(*ADD_US).exit_code == 0
    listed = cli("entity", "list", "--json")
    assert listed.exit_code == 0
    assert [e["code"] for e in json.loads(listed.stdout)] == ["NWUS"]
    shown = json.loads(cli("entity", "show", "NWUS", "--json").stdout)
    assert shown["currency"] == "USD"
    assert shown["tax_id"] == {"scheme": "ein", "value": "12-3456789"}
    assert shown["rounding_mode"] == "half_up"
    updated = cli("entity", "update", "NWUS", "--locale", "en_GB", "--reason", "UK office")
    assert updated.exit_code == 0, updated.stderr
    assert json.loads(cli("entity", "show", "NWUS", "--json").stdout)["locale"] == "en_GB"
    log = json.loads(cli("audit", "log", "--type", "entity", "--json").stdout)
    assert [(r["action"], r["reason"], r["actor"]) for r in log] == [
        ("create", None, "tester"),
        ("update", "UK office", "tester"),
    ]
    assert log[1]["before"]["locale"] == "en_US"
    assert log[1]["after"]["locale"] == "en_GB"


def test_a_duplicate_entity_code_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    cli(*ADD_US)
    again = cli(*ADD_US)
    assert again.exit_code == 2
    assert "a legal entity with code 'NWUS' already exists" in again.stderr


def bad(result: CliResult, *needles: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_an_unknown_currency_is_one_clear_line(cli) -> None:  # type: ignore[no-untyped-def]
    args = list(ADD_US)
    args[args.index("USD")] = "XYZ"
    bad(cli(*args), "currency", "XYZ", "ISO 4217")
    assert json.loads(cli("entity", "list", "--json").stdout) == []


def test_a_customer_is_added_with_contacts_and_tax_ids(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "customer",
        "add",
        "--code",
        "globex",
        "--name",
        "Globex GmbH",
        "--country",
        "DE",
        "--city",
        "Berlin",
        "--tax-id",
        "vat:DE136695976",
        "--contact",
        "Ada Payable <ap@globex.example>",
        "--po-required",
        "--payment-terms-days",
        "45",
    )
    assert result.exit_code == 0, result.stderr
    shown = json.loads(cli("customer", "show", "globex", "--json").stdout)
    assert shown["po_required"] is True
    assert shown["payment_terms_days"] == 45
    assert shown["billing_contacts"] == [
        {"name": "Ada Payable", "email": "ap@globex.example", "phone": None}
    ]
    assert shown["addresses"][0]["country"] == "DE"


def test_payment_terms_beyond_a_year_are_refused(cli) -> None:  # type: ignore[no-untyped-def]
    bad(
        cli("customer", "add", "--code", "x", "--name", "X", "--payment-terms-days", "400"),
        "payment_terms_days",
        "400",
    )


def test_a_customer_is_deleted_and_the_deletion_audited(cli) -> None:  # type: ignore[no-untyped-def]
    cli("customer", "add", "--code", "initech", "--name", "Initech")
    assert cli("customer", "delete", "initech", "--reason", "duplicate of INI-1").exit_code == 0
    missing = cli("customer", "show", "initech")
    assert missing.exit_code == 2
    assert "no customer with code 'initech'" in missing.stderr
    log = json.loads(cli("audit", "log", "--json").stdout)
    assert log[-1]["action"] == "delete"
    assert log[-1]["before"]["name"] == "Initech"
    assert log[-1]["after"] is None


def test_customers_import_is_all_or_nothing_and_idempotent(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "customers.yaml"
    good.write_text(
        "customers:\n"
        "  - {code: a1, name: Alpha Ltd, payment_terms_days: 30}\n"
        "  - {code: b2, name: Beta SA, po_required: true}\n",
        encoding="utf-8",
    )
    first = cli("customer", "import", str(good))
    assert first.exit_code == 0, first.stderr
    assert "2 customers created, 0 updated, 0 unchanged" in first.stdout
    second = cli("customer", "import", str(good))
    assert "0 customers created, 0 updated, 2 unchanged" in second.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "- {code: c3, name: Gamma}\n- {code: d4, name: Delta, payment_terms_days: -1}\n",
        encoding="utf-8",
    )
    bad(cli("customer", "import", str(broken)), "broken.yaml", "customers[1].payment_terms_days")
    codes = [c["code"] for c in json.loads(cli("customer", "list", "--json").stdout)]
    assert codes == ["a1", "b2"]


def test_an_unknown_key_in_an_import_file_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.yaml"
    path.write_text("- {code: a1, name: Alpha, po_requierd: true}\n", encoding="utf-8")
    bad(cli("customer", "import", str(path)), "customers[0].po_requierd")
