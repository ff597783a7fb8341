"""Waivers and approvals: maker-checker, reasons required, refused while errors are open."""

from __future__ import annotations

import pytest

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_validation import WorkQueueTaskRow
from billops.domain.policy import Policy
from billops.errors import Conflict, InvalidInput
from billops.workflows.validation import (
    ApprovalRefused,
    ValidationResult,
    approve_contract,
    validate_contract,
    waive_finding,
)
from tests.validation.support import (
    CHECKER,
    MAKER,
    TODAY,
    FixedClock,
    audit_count,
    contract,
    rows,
    save_contract,
    store_parties,
    with_line_amount,
)


def _validate(database: Database) -> ValidationResult:
    return validate_contract(
        database, "OF-2026-001", actor=CHECKER, policy=Policy(), today=TODAY, clock=FixedClock()
    )


@pytest.fixture
def defective(db: Database) -> ValidationResult:
    """OF-2026-001 v1 made by MAKER, with line L1's amount typed wrong: two open errors."""
    store_parties(db)
    save_contract(db, with_line_amount("12600.00"))
    return _validate(db)


def test_approval_is_refused_while_errors_are_open_and_lists_them(
    db: Database, defective: ValidationResult
) -> None:
    before = audit_count(db)
    with pytest.raises(ApprovalRefused) as refused:
        approve_contract(db, "OF-2026-001", approver=CHECKER, reason="looks fine")
    message = refused.value.describe()
    ids = sorted(f.finding_id for f in defective.findings)
    assert message.startswith("contract 'OF-2026-001' version 1 has 2 open error findings: #")
    assert f"#{ids[0]} ARITH-LINE-TOTAL: line L1 (PLAT-PRO)" in message
    assert f"#{ids[1]} ARITH-TCV" in message
    assert refused.value.exit_code == 2
    assert audit_count(db) == before


def test_approval_is_allowed_after_every_error_is_waived_by_a_checker(
    db: Database, defective: ValidationResult
) -> None:
    for finding in defective.findings:
        waived = waive_finding(
            db, finding.finding_id, approver=CHECKER, reason="typo on the OF; Globex confirmed"
        )
        assert waived.status == "waived"
        assert waived.waiver is not None and waived.waiver.approver == CHECKER
    outcome = approve_contract(db, "OF-2026-001", approver=CHECKER, reason="checked against OF")
    assert outcome.created is True
    assert (outcome.approval.contract_version, outcome.approval.approver) == (1, CHECKER)
    assert {t["status"] for t in rows(db, WorkQueueTaskRow)} == {"done"}
    with db.transaction() as session:
        trail = list(audit_store.records(session))
    assert [r.action for r in trail[-3:]] == ["waive", "waive", "approve"]
    assert trail[-1].reason == "checked against OF"
    assert trail[-2].reason == "typo on the OF; Globex confirmed"
    assert trail[-2].before["status"] == "open" and trail[-2].after["status"] == "waived"


def test_the_maker_of_the_version_cannot_waive_its_findings(
    db: Database, defective: ValidationResult
) -> None:
    finding = defective.findings[0]
    with pytest.raises(ApprovalRefused, match="maria.maker made version 1 of contract"):
        waive_finding(db, finding.finding_id, approver=MAKER, reason="fine by me")
    # case does not make another person
    with pytest.raises(ApprovalRefused, match="maker-checker"):
        waive_finding(db, finding.finding_id, approver="Maria.Maker", reason="fine by me")


def test_a_waiver_needs_a_reason(db: Database, defective: ValidationResult) -> None:
    before = audit_count(db)
    for reason in (None, "", "   "):
        with pytest.raises(InvalidInput, match="a waiver needs a reason"):
            waive_finding(db, defective.findings[0].finding_id, approver=CHECKER, reason=reason)
    assert audit_count(db) == before


def test_a_finding_cannot_be_waived_twice(db: Database, defective: ValidationResult) -> None:
    finding_id = defective.findings[0].finding_id
    waive_finding(db, finding_id, approver=CHECKER, reason="confirmed")
    with pytest.raises(Conflict, match=f"finding {finding_id} is waived, not open"):
        waive_finding(db, finding_id, approver=CHECKER, reason="confirmed")


def test_a_finding_of_an_older_version_cannot_be_waived(
    db: Database, defective: ValidationResult
) -> None:
    save_contract(db, contract(payment_terms={"net_days": 45}), actor=MAKER)
    with pytest.raises(ApprovalRefused, match="which is now at version 2"):
        waive_finding(db, defective.findings[0].finding_id, approver=CHECKER, reason="ok")


def test_the_maker_cannot_approve_even_a_clean_contract(db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    _validate(db)
    with pytest.raises(ApprovalRefused, match="so cannot approve it: maker-checker"):
        approve_contract(db, "OF-2026-001", approver=MAKER, reason="mine")


def test_an_unvalidated_version_cannot_be_approved(db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    with pytest.raises(ApprovalRefused, match="has not been validated"):
        approve_contract(db, "OF-2026-001", approver=CHECKER, reason="ok")
    _validate(db)
    save_contract(db, contract(payment_terms={"net_days": 45}))  # version 2, not validated
    with pytest.raises(ApprovalRefused, match="version 2 of contract 'OF-2026-001' has not been"):
        approve_contract(db, "OF-2026-001", approver=CHECKER, reason="ok")


def test_approving_again_changes_nothing(db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    _validate(db)
    first = approve_contract(db, "OF-2026-001", approver=CHECKER, reason="ok")
    audited = audit_count(db)
    again = approve_contract(db, "OF-2026-001", approver="someone.else", reason="again")
    assert (first.created, again.created) == (True, False)
    assert again.approval == first.approval
    assert audit_count(db) == audited


def test_an_approval_needs_a_reason(db: Database) -> None:
    store_parties(db)
    save_contract(db, contract())
    _validate(db)
    with pytest.raises(InvalidInput, match="an approval needs a reason"):
        approve_contract(db, "OF-2026-001", approver=CHECKER, reason=" ")
