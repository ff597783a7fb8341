"""The demo company through validation: every planted defect is found by its rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_validation import ContractApprovalRow
from billops.demo.generator import iter_accounts, write_accounts
from billops.workflows.contracts import import_contracts
from billops.workflows.parties import import_customers, import_entities
from billops.workflows.validation import DEMO_APPROVER, demo_validation_step
from tests.validation.support import FixedClock, audit_count, rows


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    write_accounts(iter_accounts(50, 2026, date(2026, 11, 30)), folder)
    return folder


def test_the_demo_step_finds_every_planted_defect_and_approves_the_clean_contracts(
    db: Database, demo_data: Path
) -> None:
    import_entities(db, demo_data / "entities.yaml", actor="demo")
    import_customers(db, demo_data / "customers.yaml", actor="demo")
    import_contracts(db, sorted((demo_data / "contracts").glob("*.yaml")), actor="demo")
    said: list[str] = []
    clock = FixedClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    report = demo_validation_step(db, demo_data, said.append, clock=clock)

    assert report["contracts_validated"] == 103
    assert report["crm"] == {"created": 103, "updated": 0, "unchanged": 0}
    assert (report["defects_planted"], report["defects_found"]) == (9, 9)
    assert report["defects_missed"] == []
    assert report["approved"] + report["blocked"] == 103
    approvals = list(rows(db, ContractApprovalRow))
    assert len(approvals) == report["approved"]
    assert {a["approver"] for a in approvals} == {DEMO_APPROVER}

    table = "\n".join(said)
    assert "planted defect → rule that found it" in table
    for defect, rule in [
        ("arithmetic_mismatch", "ARITH-LINE-TOTAL"),
        ("missing_purchase_order", "COMPLETE-PO"),
        ("discount_above_policy", "COMMERCIAL-DISCOUNT"),
        ("missing_billing_contact", "COMPLETE-BILLING-CONTACT"),
        ("missing_tax_id", "COMPLETE-TAX-ID"),
        ("invalid_vat_check_digit", "TAX-ID-INVALID"),
        ("crm_amount_mismatch", "CRM-AMOUNT"),
        ("crm_quantity_mismatch", "CRM-QUANTITY"),
        ("crm_close_date_after_signature", "CRM-CLOSE-DATE"),
    ]:
        [line] = [x for x in said if x.strip().startswith(defect + " ")]
        assert f"→ {rule}  (" in line, line
    assert "9 of 9 planted defects found" in table

    # Running the step again changes nothing.
    audited = audit_count(db)
    again = demo_validation_step(db, demo_data, said.append, clock=clock)
    assert audit_count(db) == audited
    assert (again["approved"], again["already_approved"]) == (0, report["approved"])
    assert again["crm"] == {"created": 0, "updated": 0, "unchanged": 103}
