"""Policy files: the shipped YAML, company and entity overrides, and refused files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billops.adapters.policy_files import deep_merge, load_policy, shipped_policy_path
from billops.domain.contract import Frequency
from billops.domain.policy import Policy, PolicyInvalid, default_policy
from billops.errors import InvalidInput


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_yaml_is_the_default_policy() -> None:
    policy = load_policy(None, None)
    assert policy.sources == (str(shipped_policy_path()),)
    assert policy.model_copy(update={"sources": ()}) == default_policy() == Policy()


def test_company_then_entity_override_merge_in_order(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "company.yaml",
        "version: acme-2026.1\n"
        "discount:\n  approval_threshold_percent: 20\n"
        "payment_terms:\n  max_net_days: 45\n"
        "subscriptions:\n  allowed_frequencies: [monthly, annual]\n"
        "severities:\n  COMMERCIAL-ARREARS: off\n  DATES-TERM-MONTHS: error\n",
    )
    _write(
        tmp_path,
        "entities/ACME-DE.yaml",
        "payment_terms:\n  max_net_days: 30\n"
        "currencies:\n  allowed: [EUR, CHF]\n"
        "severities:\n  DATES-TERM-MONTHS: info\n",
    )
    policy = load_policy(tmp_path, "ACME-DE")
    assert policy.version == "acme-2026.1"
    assert policy.discount.approval_threshold_percent == Decimal(20)  # company
    assert policy.payment_terms.max_net_days == 30  # entity wins over company
    assert policy.currencies.allowed == ("EUR", "CHF")
    assert policy.subscriptions.allowed_frequencies == (Frequency.MONTHLY, Frequency.ANNUAL)
    assert policy.subscriptions.arrears_allowed is False  # shipped default kept
    assert policy.severities == {"COMMERCIAL-ARREARS": "off", "DATES-TERM-MONTHS": "info"}
    assert policy.sla_hours("legal") == 72
    assert policy.sources == (
        str(shipped_policy_path()),
        str(tmp_path / "company.yaml"),
        str(tmp_path / "entities" / "ACME-DE.yaml"),
    )
    other = load_policy(tmp_path, "ACME-US")  # no entity file: company policy
    assert other.payment_terms.max_net_days == 45
    assert other.currencies.allowed == ()


def test_deep_merge_replaces_lists_and_merges_mappings() -> None:
    merged = deep_merge({"a": {"b": 1, "c": [1, 2]}, "d": 1}, {"a": {"c": [3]}, "e": {"f": 2}})
    assert merged == {"a": {"b": 1, "c": [3]}, "d": 1, "e": {"f": 2}}


def test_typo_key_named_with_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "company.yaml",
        "# Acme's policy\n"
        "version: '2'\n"
        "\n"
        "payment_terms:\n"
        "  max_net_days: 45\n"
        "discount:\n"
        "  aproval_threshold_percent: 20\n",
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(tmp_path, None)
    assert str(caught.value) == (
        f"{path}: line 7: discount.aproval_threshold_percent: unknown key "
        "(did you mean approval_threshold_percent?)"
    )
    assert caught.value.problems[0].line == 7


def test_wrong_type_named_with_line_in_entity_file(tmp_path: Path) -> None:
    _write(tmp_path, "company.yaml", "discount:\n  approval_threshold_percent: 25\n")
    path = _write(
        tmp_path,
        "entities/ACME-DE.yaml",
        "dates:\n  max_signature_after_start_days: 30\n  term_tolerance_days: three\n",
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(tmp_path, "ACME-DE")
    assert str(caught.value) == (
        f"{path}: line 3: dates.term_tolerance_days: must be a valid integer, unable to parse "
        "string as an integer (got 'three')"
    )


def test_wrong_list_item_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "company.yaml",
        "subscriptions:\n  allowed_frequencies:\n    - monthly\n    - weekly\n",
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(tmp_path, None)
    assert caught.value.problems[0].key == "subscriptions.allowed_frequencies[1]"
    assert caught.value.problems[0].line == 4
    assert str(caught.value).startswith(f"{path}: line 4: subscriptions.allowed_frequencies[1]")


def test_unknown_rule_id_named_with_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "company.yaml", "severities:\n  COMERCIAL-DISCOUNT: warning\n")
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(tmp_path, None)
    assert str(caught.value) == (
        f"{path}: line 2: severities.COMERCIAL-DISCOUNT: unknown rule id "
        "(did you mean COMMERCIAL-DISCOUNT?)"
    )


def test_malformed_yaml(tmp_path: Path) -> None:
    path = _write(tmp_path, "company.yaml", "discount:\n  approval_threshold_percent: [20\n")
    with pytest.raises(InvalidInput) as caught:
        load_policy(tmp_path, None)
    message = str(caught.value)
    assert message.startswith(f"{path}: malformed YAML at line ")


def test_top_level_list_refused(tmp_path: Path) -> None:
    _write(tmp_path, "company.yaml", "- discount\n")
    with pytest.raises(InvalidInput, match="the top level must be a mapping"):
        load_policy(tmp_path, None)


def test_missing_policy_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such policy directory"):
        load_policy(tmp_path / "nope", None)


def test_empty_directory_gives_the_defaults(tmp_path: Path) -> None:
    assert load_policy(tmp_path, "ACME-DE").model_copy(update={"sources": ()}) == Policy()
