"""``billops policy show``: the effective policy and the rules with their effective severities."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]


@pytest.fixture
def policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "policy"
    (folder / "entities").mkdir(parents=True)
    (folder / "company.yaml").write_text(
        'version: "acme-2026.1"\n'
        "severities:\n"
        '  COMMERCIAL-ARREARS: "off"\n'
        "  DATES-TERM-MONTHS: error\n"
        "sla:\n"
        "  billing: 8\n",
        encoding="utf-8",
    )
    (folder / "entities" / "ACME-DE.yaml").write_text(
        "payment_terms:\n  max_net_days: 45\n", encoding="utf-8"
    )
    monkeypatch.setenv("BILLOPS_POLICY_DIR", str(folder))
    return folder


def test_policy_show_without_a_policy_dir_is_the_shipped_default(cli: Cli) -> None:
    result = cli("policy", "show", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["policy"]["version"] == "1"
    assert data["policy"]["payment_terms"] == {"max_net_days": 60}
    rules = {r["rule_id"]: r for r in data["rules"]}
    assert rules["ARITH-LINE-TOTAL"]["severity"] == "error"
    assert rules["REF-UNKNOWN-CUSTOMER"] == {
        "rule_id": "REF-UNKNOWN-CUSTOMER",
        "title": "The contract names a customer on file",
        "severity": "error",
        "default_severity": "error",
        "route": "billing",
    }
    assert len(data["sources"]) == 1 and data["sources"][0].endswith("default.yaml")


def test_policy_show_merges_company_and_entity_files(cli: Cli, policy_dir: Path) -> None:
    data = json.loads(cli("policy", "show", "--entity", "ACME-DE", "--json").stdout)
    assert data["policy"]["version"] == "acme-2026.1"
    assert data["policy"]["payment_terms"] == {"max_net_days": 45}
    assert data["policy"]["sla"]["billing"] == 8
    rules = {r["rule_id"]: r for r in data["rules"]}
    assert (
        rules["COMMERCIAL-ARREARS"]["severity"],
        rules["COMMERCIAL-ARREARS"]["default_severity"],
    ) == ("off", "warning")
    assert rules["DATES-TERM-MONTHS"]["severity"] == "error"
    assert [Path(s).name for s in data["sources"]] == [
        "default.yaml",
        "company.yaml",
        "ACME-DE.yaml",
    ]

    other = json.loads(cli("policy", "show", "--entity", "ACME-US", "--json").stdout)
    assert other["policy"]["payment_terms"] == {"max_net_days": 60}


def test_policy_show_prints_the_settings_and_the_rules_table(cli: Cli, policy_dir: Path) -> None:
    result = cli("policy", "show")
    assert result.exit_code == 0, result.stderr
    assert "policy: billops default policy (version acme-2026.1)" in result.stdout
    assert "max_net_days: 60" in result.stdout
    assert "  COMMERCIAL-ARREARS: 'off'" in result.stdout  # the settings
    [row] = [x for x in result.stdout.splitlines() if x.startswith("│ COMMERCIAL-ARREARS")]
    assert [cell.strip() for cell in row.strip("│").split("│")][2:] == [
        "off",
        "warning",
        "deal_desk",
    ]


def test_a_typo_in_the_policy_is_one_error_with_file_line_and_key(
    cli: Cli, policy_dir: Path
) -> None:
    (policy_dir / "company.yaml").write_text(
        "discount:\n  aproval_threshold_percent: 20\n", encoding="utf-8"
    )
    result = cli("policy", "show")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {policy_dir / 'company.yaml'}: line 2: discount.aproval_threshold_percent: "
        "unknown key (did you mean approval_threshold_percent?)"
    )
