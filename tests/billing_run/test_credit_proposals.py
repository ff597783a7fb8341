"""Items due that net negative become a draft credit note against the invoice they correct.

The story: OF-B-1 (``support.py``: 10 seats at 45.00 a month in advance,
German VAT 19 %) is billed on 2026-06-01 for January to June on one
invoice, NWDE-2026-000001 (6 x 450.00 = 2,700.00 net, 3,213.00 gross). An
amendment signed on 2026-06-10 cuts the seats to 5 from 2026-06-16. The
15 days 2026-06-16..30 are half of June, so 5 seats x 45.00 x 15/30 =
112.50 was billed in advance for seats the customer no longer has.

A run on 2026-06-20 finds only that proration credit due: a group of
-112.50. It is not an invoice; it becomes a draft credit note of 112.50 +
21.38 VAT (19 % of 112.50 = 21.375, half up) = 133.88, naming
NWDE-2026-000001, approved and issued with the entity's next number.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from billops.adapters.storage.audit_store import verify
from billops.adapters.storage.billing_store import BillingStore, invoice_from_image
from billops.adapters.storage.database import Database
from billops.workflows.billing import approve, bill_preview, bill_run, issue
from billops.workflows.setup import amend_contract
from tests.einvoice.validator import EInvoiceValidator, format_findings

from .support import company

JUNE = date(2026, 6, 1)
AFTER_AMENDMENT = date(2026, 6, 20)


def _amendment(tmp_path: Path) -> Path:
    data: dict[str, Any] = {
        "contract_id": "AM-B-1",
        "document_type": "amendment",
        "amends": "OF-B-1",
        "supplier": {"code": "NW-DE", "name": "Northwind Software GmbH"},
        "customer": {"code": "globex", "name": "Globex GmbH"},
        "signature_date": "2026-06-10",
        "effective_date": "2026-06-16",
        "start_date": "2026-06-16",
        "end_date": "2026-12-31",
        "currency": "EUR",
        "lines": [
            {
                "line_id": "L1",
                "description": "Workspace Pro seats, 5 from 2026-06-16",
                "billing_model": "subscription",
                "quantity": "5",
                "unit_price": "45.00",
                "replaces": "L1",
            }
        ],
    }
    path = tmp_path / "am-b-1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _billed_to_june_then_amended(db: Database, tmp_path: Path) -> None:
    company(db)
    bill_run(db, as_of=JUNE, actor="ana")
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000001"]
    amend_contract(db, "OF-B-1", _amendment(tmp_path), actor="ana", as_of=JUNE)


def test_a_downgrade_credit_is_drafted_as_a_credit_note_on_the_invoice(
    db: Database, tmp_path: Path
) -> None:
    _billed_to_june_then_amended(db, tmp_path)
    preview = bill_preview(db, as_of=AFTER_AMENDMENT)
    assert [(d["kind"], d["net_total"], d["gross_total"]) for d in preview.drafts] == [
        ("credit_note", "112.50", "133.88")
    ]
    run = bill_run(db, as_of=AFTER_AMENDMENT, actor="ana")
    assert run.credit_proposals == []
    assert [(d["kind"], d["status"], d["gross_total"]) for d in run.drafts] == [
        ("credit_note", "draft", "133.88")
    ]
    assert bill_run(db, as_of=AFTER_AMENDMENT, actor="ana").drafts == []  # exactly once
    with db.transaction() as session:
        store = BillingStore(session, "r")
        row = store.row(f"#{run.drafts[0]['id']}")
        note = invoice_from_image(row.record)
        assert row.credits_invoice_id == store.row("NWDE-2026-000001").id
    assert note.preceding is not None and note.preceding.number == "NWDE-2026-000001"
    # the 10 old seats credited for 16-30 June, the 5 new seats charged for them
    assert [
        (line.quantity, line.unit_price, line.net_amount.amount, str(line.service_period))
        for line in note.lines
    ] == [
        (10, Decimal("22.50"), Decimal("225.00"), "2026-06-16..2026-06-30"),
        (-5, Decimal("22.50"), Decimal("-112.50"), "2026-06-16..2026-06-30"),
    ]
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob", out=tmp_path / "docs") == ["NWDE-2026-000002"]
    with db.transaction() as session:
        assert verify(session).ok
    for name in ("NWDE-2026-000002.ubl.xml", "NWDE-2026-000002.facturx.pdf"):
        findings = EInvoiceValidator().validate_file(tmp_path / "docs" / name)
        assert not findings, f"{name}: {format_findings(findings)}"


def test_july_nets_the_credit_against_the_new_month_on_one_invoice(
    db: Database, tmp_path: Path
) -> None:
    """Run on 2026-07-01 instead: July at 5 seats (225.00) less the June credit (112.50)."""
    _billed_to_june_then_amended(db, tmp_path)
    run = bill_run(db, as_of=date(2026, 7, 1), actor="ana")
    assert [(d["kind"], d["net_total"]) for d in run.drafts] == [("invoice", "112.50")]
    assert run.credit_proposals == []


def test_no_invoice_to_correct_leaves_the_credit_as_a_proposal(
    db: Database, tmp_path: Path
) -> None:
    """June was drafted but never issued: there is no issued invoice a credit note can name."""
    company(db)
    bill_run(db, as_of=JUNE, actor="ana")
    amend_contract(db, "OF-B-1", _amendment(tmp_path), actor="ana", as_of=JUNE)
    run = bill_run(db, as_of=AFTER_AMENDMENT, actor="ana")
    assert run.drafts == []
    assert [p["total"] for p in run.credit_proposals] == ["-112.50 EUR"]
    assert "no issued invoice" in run.credit_proposals[0]["reason"]


def test_an_amendment_processed_late_credits_the_month_billops_already_invoiced(
    db: Database, tmp_path: Path
) -> None:
    """The invoice ledger, not the signature date, says what was billed.

    billops invoiced January to July on 2026-07-01 (10 seats, 450.00 a month).
    The amendment signed on 2026-06-10 (5 seats from 2026-06-16) reaches
    setup only on 2026-07-05. July was invoiced at 10 seats after the
    signature: it is credited 450.00 and charged again at 5 seats (225.00),
    as are the days 16-30 June (credit 225.00, charge 112.50). Net credit
    337.50 + 19 % VAT 64.13 = 401.63, drafted as a credit note. (Taking the
    items due before the signature as the billed ones would have rebuilt
    July at 5 seats and billed it again, 225.00 on top of the 450.00.)
    """
    company(db)
    bill_run(db, as_of=date(2026, 7, 1), actor="ana")
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000001"]
    late = date(2026, 7, 5)
    amend_contract(db, "OF-B-1", _amendment(tmp_path), actor="ana", as_of=late)
    (draft,) = bill_preview(db, as_of=late).drafts
    assert (draft["kind"], draft["net_total"], draft["gross_total"]) == (
        "credit_note",
        "337.50",
        "401.63",
    )
