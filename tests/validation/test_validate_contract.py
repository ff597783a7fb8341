"""Validating a stored contract: findings stored once, resolved when fixed, every change audited."""

from __future__ import annotations

from typing import Any

import pytest

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_validation import (
    ContractValidationRow,
    FindingRow,
    WorkQueueTaskRow,
)
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.policy import Policy
from billops.errors import NotFound
from billops.workflows.validation import ValidationResult, validate_contract
from tests.validation.support import (
    CHECKER,
    TODAY,
    FixedClock,
    audit_count,
    contract,
    rows,
    save_contract,
    store_parties,
    with_line_amount,
)


def _validate(
    database: Database, clock: FixedClock, policy: Policy | None = None
) -> ValidationResult:
    return validate_contract(
        database, "OF-2026-001", actor=CHECKER, policy=policy or Policy(), today=TODAY, clock=clock
    )


def _state(database: Database) -> list[list[dict[str, Any]]]:
    return [
        list(rows(database, table))
        for table in (FindingRow, WorkQueueTaskRow, ContractValidationRow)
    ]


def test_a_clean_contract_has_no_findings_and_its_validation_is_recorded(db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    result = _validate(db, FixedClock())
    assert result.findings == ()
    assert result.crm_checked is False  # no opportunities imported: the cross-check waits
    with db.transaction() as session:
        record = ValidationStore(session, "reader").validation("OF-2026-001", 1)
    assert record is not None
    assert (record.open_errors, record.open_warnings, record.validated_by) == (0, 0, CHECKER)


def test_a_wrong_line_amount_is_stored_as_open_error_findings_with_tasks(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    result = _validate(db, FixedClock())
    assert sorted((f.rule_id, f.key, f.status) for f in result.findings) == [
        ("ARITH-LINE-TOTAL", "ARITH-LINE-TOTAL:lines[0].amount", "open"),
        ("ARITH-TCV", "ARITH-TCV:total_contract_value", "open"),
    ]
    [line_total] = [f for f in result.findings if f.rule_id == "ARITH-LINE-TOTAL"]
    assert "12,600.00" in line_total.finding.message
    assert "10 x 1,080.00 x 2 periods = 21,600.00 USD" in line_total.finding.message
    tasks = list(rows(db, WorkQueueTaskRow))
    assert len(tasks) == 2
    assert {t["status"] for t in tasks} == {"open"}
    assert len(result.open_errors) == 2


def test_validating_twice_changes_nothing(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock()
    first = _validate(db, clock)
    before, audited = _state(db), audit_count(db)
    clock.move(hours=5)
    second = _validate(db, clock)
    assert _state(db) == before
    assert audit_count(db) == audited
    assert second.changes.changed is False
    assert [f.finding_id for f in second.findings] == [f.finding_id for f in first.findings]


def test_each_change_writes_one_audit_record(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    before = audit_count(db)
    _validate(db, FixedClock())
    # two findings raised (each with its task) and the version's validation record
    assert audit_count(db) == before + 3


def test_a_corrected_version_resolves_the_findings_of_the_old_one(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock()
    _validate(db, clock)
    assert save_contract(db, contract()) == 2
    clock.move(hours=1)
    result = _validate(db, clock)
    assert result.version == 2
    assert result.findings == ()
    assert len(result.changes.superseded) == 2
    old = list(rows(db, FindingRow))
    assert [(f["contract_version"], f["status"]) for f in old] == [(1, "resolved"), (1, "resolved")]
    assert {f["closed_reason"] for f in old} == {"superseded by version 2"}
    assert {t["status"] for t in rows(db, WorkQueueTaskRow)} == {"done"}


def test_a_finding_no_longer_raised_on_the_same_version_is_resolved_and_can_reopen(
    db: Database,
) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock()
    raised = _validate(db, clock)
    off = Policy.from_mapping({"severities": {"ARITH-LINE-TOTAL": "off"}})
    clock.move(hours=1)
    resolved = _validate(db, clock, off)
    assert [f.rule_id for f in resolved.findings] == ["ARITH-TCV"]
    [line_total] = [f for f in raised.findings if f.rule_id == "ARITH-LINE-TOTAL"]
    assert resolved.changes.resolved == [line_total.finding_id]
    with db.transaction() as session:
        stored = ValidationStore(session, "reader").finding(line_total.finding_id)
    assert (stored.status, stored.closed_reason) == ("resolved", "no longer raised")

    clock.move(hours=1)
    again = _validate(db, clock)
    assert again.changes.reopened == [line_total.finding_id]
    assert {f.finding_id for f in again.findings} == {f.finding_id for f in raised.findings}
    task = {t["finding_id"]: t for t in rows(db, WorkQueueTaskRow)}[line_total.finding_id]
    assert task["status"] == "open"


def test_a_policy_severity_change_updates_the_finding_in_place(db: Database) -> None:
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    clock = FixedClock()
    first = _validate(db, clock)
    lowered = Policy.from_mapping({"severities": {"ARITH-TCV": "info"}})
    second = _validate(db, clock, lowered)
    [tcv] = [f for f in second.findings if f.rule_id == "ARITH-TCV"]
    assert tcv.severity.value == "info"
    assert tcv.finding_id in {f.finding_id for f in first.findings}
    assert second.changes.updated == [tcv.finding_id]
    # info findings wait in no queue: its task is done
    tasks = {t["finding_id"]: t["status"] for t in rows(db, WorkQueueTaskRow)}
    assert tasks[tcv.finding_id] == "done"


def test_an_unknown_customer_and_entity_are_findings_not_crashes(db: Database) -> None:
    save_contract(db, contract())  # neither party is on file
    result = _validate(db, FixedClock())
    found = {f.rule_id: f for f in result.findings}
    assert set(found) == {"REF-UNKNOWN-CUSTOMER", "REF-UNKNOWN-ENTITY"}
    customer = found["REF-UNKNOWN-CUSTOMER"]
    assert customer.finding.message == "the contract names customer 'globex', which is not on file"
    assert customer.finding.fields == ("customer.code",)
    assert customer.severity.value == "error"
    assert found["REF-UNKNOWN-ENTITY"].finding.route == "finance"


def test_adding_the_missing_customer_resolves_its_finding(db: Database) -> None:
    store_parties(db, customer=False)
    save_contract(db, contract())
    clock = FixedClock()
    assert [f.rule_id for f in _validate(db, clock).findings] == ["REF-UNKNOWN-CUSTOMER"]
    store_parties(db, entity=False)
    result = _validate(db, clock)
    assert result.findings == ()
    assert len(result.changes.resolved) == 1


def test_an_unknown_contract_is_named(db: Database) -> None:
    with pytest.raises(NotFound, match="no contract with id 'OF-404'"):
        validate_contract(db, "OF-404", actor=CHECKER, policy=Policy(), today=TODAY)


def test_once_a_catalogue_is_loaded_an_unknown_product_blocks_the_contract(db: Database) -> None:
    from billops.adapters.storage.setup_store import CatalogStore
    from tests.rules.test_catalogue import CATALOGUE

    store_parties(db)
    data = contract()
    data["lines"][1]["sku"] = "XYZ-9"
    data["lines"][1]["description"] = "Quantum consulting"
    save_contract(db, data)
    before = _validate(db, FixedClock())
    assert not [f for f in before.findings if f.rule_id.startswith("CATALOG-")]  # no catalogue yet
    with db.transaction() as session:
        CatalogStore(session, "loader").save(CATALOGUE.records())
    after = _validate(db, FixedClock())
    found = [f for f in after.findings if f.rule_id.startswith("CATALOG-")]
    assert [(f.rule_id, f.finding.fields, f.status) for f in found] == [
        ("CATALOG-PRODUCT", ("lines[1].sku", "lines[1].description"), "open")
    ]
