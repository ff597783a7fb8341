"""``billops contract``: import files, list, show, versions; bad files are one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.test_parties_cli import bad

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"
ORDER_FORM = str(FIXTURES / "order_form_globex.yaml")
SOW = str(FIXTURES / "sow_initech.json")


def test_import_list_show_and_versions(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = cli("contract", "import", ORDER_FORM, SOW)
    assert first.exit_code == 0, first.stderr
    assert "OF-2025-0142: imported as version 1" in first.stdout
    assert "SOW-2025-007: imported as version 1" in first.stdout
    again = cli("contract", "import", ORDER_FORM)
    assert "OF-2025-0142: unchanged (version 1 already holds these terms)" in again.stdout
    listed = json.loads(cli("contract", "list", "--json").stdout)
    assert [(c["contract_id"], c["currency"], c["version"]) for c in listed] == [
        ("OF-2025-0142", "USD", 1),
        ("SOW-2025-007", "EUR", 1),
    ]
    shown = json.loads(cli("contract", "show", "OF-2025-0142", "--json").stdout)
    assert shown["terms"]["total_contract_value"] == "349800.00"
    assert shown["terms"]["lines"][0]["line_id"] == "L1"
    document = yaml.safe_load(Path(ORDER_FORM).read_text(encoding="utf-8"))
    document["payment_terms"]["net_days"] = 30
    revised = tmp_path / "revised.yaml"
    revised.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    second = cli("contract", "import", str(revised), "--reason", "net 30 agreed")
    assert "OF-2025-0142: new version 2 (was 1)" in second.stdout
    versions = json.loads(cli("contract", "versions", "OF-2025-0142", "--json").stdout)
    assert [(v["version"], v["source"]) for v in versions] == [
        (1, "order_form_globex.yaml"),
        (2, "revised.yaml"),
    ]
    old = json.loads(cli("contract", "show", "OF-2025-0142", "--version", "1", "--json").stdout)
    assert old["terms"]["payment_terms"]["net_days"] == 45
    human = cli("contract", "show", "OF-2025-0142")
    assert "OF-2025-0142 v2  order_form  Globex Corporation  (USD)" in human.stdout


def test_a_malformed_yaml_file_names_the_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.yaml"
    path.write_text("contract_id: OF-1\nlines: [\n  - a\n", encoding="utf-8")
    bad(cli("contract", "import", str(path)), "broken.yaml", "line")


def test_a_malformed_json_file_names_line_and_column(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.json"
    path.write_text('{"contract_id": "OF-1",\n "currency": }', encoding="utf-8")
    bad(cli("contract", "import", str(path)), "broken.json", "line 2")


def _variant(tmp_path: Path, name: str, change) -> str:  # type: ignore[no-untyped-def]
    document = json.loads(Path(SOW).read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_an_unknown_currency_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _variant(tmp_path, "xyz.json", lambda d: d.update(currency="XYZ"))
    bad(cli("contract", "import", path), "xyz.json", "currency", "XYZ")


def test_a_negative_quantity_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def change(document: dict) -> None:  # type: ignore[type-arg]
        document["lines"][0]["quantity"] = "-5"

    bad(
        cli("contract", "import", _variant(tmp_path, "neg.json", change)), "lines[0].quantity", "-5"
    )


def test_an_absurd_price_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def change(document: dict) -> None:  # type: ignore[type-arg]
        document["lines"][0]["unit_price"] = "1" + "0" * 20

    bad(cli("contract", "import", _variant(tmp_path, "huge.json", change)), "lines[0].unit_price")


def test_end_before_start_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _variant(tmp_path, "dates.json", lambda d: d.update(end_date="2020-01-01"))
    bad(cli("contract", "import", path), "dates.json", "end_date", "2020-01-01")


def test_duplicate_contract_ids_in_one_import_are_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    twin = _variant(tmp_path, "twin.json", lambda d: d.update(title="Another SOW"))
    bad(cli("contract", "import", SOW, twin), "duplicate contract id 'SOW-2025-007'")
    assert json.loads(cli("contract", "list", "--json").stdout) == []


def test_a_missing_file_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad(cli("contract", "import", str(tmp_path / "nope.yaml")), "nope.yaml")


def test_an_unknown_contract_is_named(cli) -> None:  # type: ignore[no-untyped-def]
    bad(cli("contract", "show", "OF-404"), "no contract with id 'OF-404'")


def test_diff_names_each_changed_field(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("contract", "import", ORDER_FORM)
    only_one = cli("contract", "diff", "OF-2025-0142")
    assert only_one.exit_code == 2
    assert "has only version 1: nothing to compare" in only_one.stderr
    document = yaml.safe_load(Path(ORDER_FORM).read_text(encoding="utf-8"))
    document["payment_terms"]["net_days"] = 30
    document["lines"][2]["unit_price"] = "16000.00"
    document["lines"][2]["amount"] = "16000.00"
    document["total_contract_value"] = "350800.00"
    revised = tmp_path / "revised.yaml"
    revised.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    cli("contract", "import", str(revised))
    diff = json.loads(cli("contract", "diff", "OF-2025-0142", "--json").stdout)
    assert (diff["from"], diff["to"]) == (1, 2)
    assert diff["changes"] == [
        {"field": "payment_terms.net_days", "before": 45, "after": 30},
        {"field": "lines[2].unit_price", "before": "15000", "after": "16000"},
        {"field": "lines[2].amount", "before": "15000", "after": "16000"},
        {"field": "total_contract_value", "before": "349800", "after": "350800"},
    ]
