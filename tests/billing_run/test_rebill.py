"""Credit and re-bill: the credited items are billed again from the corrected data.

The story: OF-B-1 (``support.py``, 10 seats at 45.00 a month in advance) is
billed on 2026-03-01 for January to March without a PO (invoice
NWDE-2026-000001, 3 x 450.00 = 1,350.00 net, 1,606.50 gross). Globex's AP
sends it back: every invoice must quote PO 4500012345. The analyst records
the PO on the contract (version 2), credits the invoice in full for
re-billing, and the next run drafts the same three months again, now with
the PO, on an invoice naming both the credited invoice and the credit note.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from billops.adapters.storage.audit_store import verify
from billops.adapters.storage.billing_store import (
    BillingStore,
    invoice_from_image,
    split_item_key,
)
from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_billing import InvoiceLineRow
from billops.errors import Conflict, InvalidInput
from billops.workflows.billing import approve, bill_run, credit, issue
from tests.einvoice.validator import EInvoiceValidator, format_findings

from .support import company, order_form, store_contract

MARCH = date(2026, 3, 1)
DAY = date(2026, 3, 10)
PO = {"number": "4500012345", "required": True}


def _issued(db: Database) -> None:
    company(db)
    bill_run(db, as_of=MARCH, actor="ana")
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000001"]


def _keys(db: Database) -> list[tuple[int, str, str]]:
    with db.transaction() as session:
        rows = session.execute(
            select(
                InvoiceLineRow.invoice_id, InvoiceLineRow.item_key, InvoiceLineRow.net_amount
            ).order_by(InvoiceLineRow.invoice_id, InvoiceLineRow.line_no)
        ).all()
    return [(int(i), k, a) for i, k, a in rows]


def test_a_full_credit_for_rebilling_drafts_the_months_again_with_the_fix(db: Database) -> None:
    _issued(db)
    store_contract(db, order_form(purchase_order=PO), as_of=MARCH)  # version 2, with the PO
    assert bill_run(db, as_of=MARCH, actor="ana").drafts == []  # credited nothing yet
    outcome = credit(db, "NWDE-2026-000001", actor="bob", reason="PO missing", on=DAY, rebill=True)
    assert outcome["credit_note"] == "NWDE-2026-000002"
    assert outcome["released_for_rebill"] == 3
    assert outcome["remaining_creditable"] == "0.00 EUR"

    run = bill_run(db, as_of=MARCH, actor="ana")
    assert [(d["net_total"], d["purchase_order"], d["status"]) for d in run.drafts] == [
        ("1350.00", "4500012345", "draft")
    ]
    assert bill_run(db, as_of=MARCH, actor="ana").drafts == []  # exactly once, again
    with db.transaction() as session:
        store = BillingStore(session, "r")
        rebilled = invoice_from_image(store.row("#3").record)
        assert verify(session).ok
    assert rebilled.preceding is not None
    assert (rebilled.preceding.number, rebilled.preceding.issue_date) == ("NWDE-2026-000001", MARCH)
    assert rebilled.note == (
        "Re-bills 3 line(s) credited by credit note NWDE-2026-000002 on invoice NWDE-2026-000001."
    )
    assert [line.net_amount.amount for line in rebilled.lines] == [Decimal("450.00")] * 3
    # invoice 1 billed generation 0, the credit note cancelled it, invoice 3 bills generation 1
    assert _keys(db) == [
        (1, "L1:2026-01-01", "450.00"),
        (1, "L1:2026-02-01", "450.00"),
        (1, "L1:2026-03-01", "450.00"),
        (2, "L1:2026-01-01~credit0", "-450.00"),
        (2, "L1:2026-02-01~credit0", "-450.00"),
        (2, "L1:2026-03-01~credit0", "-450.00"),
        (3, "L1:2026-01-01~rebill1", "450.00"),
        (3, "L1:2026-02-01~rebill1", "450.00"),
        (3, "L1:2026-03-01~rebill1", "450.00"),
    ]
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000003"]


def test_a_line_credited_for_rebilling_is_billed_again_and_can_be_again(db: Database) -> None:
    _issued(db)
    credit(db, "NWDE-2026-000001", actor="bob", reason="March", lines=[3], on=DAY, rebill=True)
    first = bill_run(db, as_of=MARCH, actor="ana").drafts
    assert [(d["lines"], d["net_total"]) for d in first] == [(1, "450.00")]
    approve(db, [], actor="bob")
    (again,) = issue(db, [], actor="bob")
    credit(db, again, actor="bob", reason="March again", on=DAY, rebill=True)
    second = bill_run(db, as_of=MARCH, actor="ana").drafts
    assert [(d["lines"], d["net_total"]) for d in second] == [(1, "450.00")]
    march = [split_item_key(k) for _, k, _ in _keys(db) if k.startswith("L1:2026-03-01")]
    assert march == [
        ("L1:2026-03-01", "billed", 0),
        ("L1:2026-03-01", "credited", 0),
        ("L1:2026-03-01", "billed", 1),
        ("L1:2026-03-01", "credited", 1),
        ("L1:2026-03-01", "billed", 2),
    ]


def test_a_credit_without_rebill_keeps_the_items_billed(db: Database) -> None:
    _issued(db)
    credit(db, "NWDE-2026-000001", actor="bob", reason="goodwill", lines=[1], on=DAY)
    assert bill_run(db, as_of=MARCH, actor="ana").drafts == []
    assert [k for i, k, _ in _keys(db) if i == 2] == []  # a plain credit note releases nothing


def test_a_credit_by_amount_cannot_be_rebilled(db: Database) -> None:
    _issued(db)
    with pytest.raises(InvalidInput, match="credit by amount cannot be re-billed"):
        credit(db, "NWDE-2026-000001", actor="bob", reason="x", amount=Decimal("10"), rebill=True)
    with db.transaction() as session:
        assert BillingStore(session, "r").rows(kind="credit_note") == []


def test_the_same_billing_cannot_be_credited_for_rebilling_twice(db: Database) -> None:
    """Crediting what is already credited is refused (nothing remains creditable)."""
    _issued(db)
    credit(db, "NWDE-2026-000001", actor="bob", reason="all", on=DAY, rebill=True)
    with pytest.raises(Conflict, match="exceeds"):
        credit(db, "NWDE-2026-000001", actor="bob", reason="all", lines=[1], on=DAY, rebill=True)


def test_the_rebill_is_valid_as_an_einvoice_and_its_pdf_names_what_it_replaces(
    db: Database, tmp_path: Path
) -> None:
    _issued(db)
    credit(db, "NWDE-2026-000001", actor="bob", reason="PO missing", on=DAY, rebill=True)
    bill_run(db, as_of=MARCH, actor="ana")
    approve(db, [], actor="bob")
    (number,) = issue(db, [], actor="bob", out=tmp_path)
    text = _pdf_text(tmp_path / f"{number}.pdf")
    assert "Replaces invoice NWDE-2026-000001" in text
    assert "credited by credit note NWDE-2026-000002" in text
    findings = EInvoiceValidator().validate_file(tmp_path / f"{number}.ubl.xml")
    assert not findings, format_findings(findings)
    ubl = (tmp_path / f"{number}.ubl.xml").read_text(encoding="utf-8")
    assert "<cbc:ID>NWDE-2026-000001</cbc:ID>" in ubl  # BT-25, the preceding invoice


def _pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
