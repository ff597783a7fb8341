"""The billing run as stories: given Northwind's order form, on these dates, these invoices.

OF-B-1 (``support.py``): 10 seats at 45.00 a month, monthly in advance from
2026-01-01, German VAT 19 %. A run on 2026-03-01 bills January to March on
one invoice (3 x 450.00 = 1,350.00 + 256.50 VAT = 1,606.50); the same run
again drafts nothing; a run on 2026-04-01 drafts April alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from billops.adapters.storage.audit_store import verify
from billops.adapters.storage.billing_store import BillingStore, invoice_from_image
from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_billing import InvoiceLineRow, InvoiceRow
from billops.errors import Conflict
from billops.workflows.billing import (
    approve,
    bill_preview,
    bill_run,
    credit,
    fiscal_year,
    invoice_number,
    issue,
)

from .support import ENTITY, company

MARCH = date(2026, 3, 1)


def lines(db: Database) -> list[tuple[int, str, str]]:
    with db.transaction() as session:
        rows = session.execute(
            select(
                InvoiceLineRow.invoice_id, InvoiceLineRow.item_key, InvoiceLineRow.net_amount
            ).order_by(InvoiceLineRow.invoice_id, InvoiceLineRow.line_no)
        ).all()
    return [(int(i), k, a) for i, k, a in rows]


def test_a_run_bills_the_months_due_on_one_invoice(db: Database) -> None:
    company(db)
    run = bill_run(db, as_of=MARCH, actor="ana")
    assert [
        (d["customer"], d["net_total"], d["tax_total"], d["gross_total"]) for d in run.drafts
    ] == [("globex", "1350.00", "256.50", "1606.50")]
    assert run.drafts[0]["due_date"] == "2026-03-31"  # 30 days net
    assert lines(db) == [
        (1, "L1:2026-01-01", "450.00"),
        (1, "L1:2026-02-01", "450.00"),
        (1, "L1:2026-03-01", "450.00"),
    ]


def test_running_again_drafts_nothing_and_a_month_later_only_the_new_month(db: Database) -> None:
    company(db)
    bill_run(db, as_of=MARCH, actor="ana")
    again = bill_run(db, as_of=MARCH, actor="ana")
    assert again.drafts == [] and again.conflicts == []
    april = bill_run(db, as_of=date(2026, 4, 1), actor="ana")
    assert [d["gross_total"] for d in april.drafts] == ["535.50"]
    assert lines(db)[-1] == (2, "L1:2026-04-01", "450.00")
    assert len(lines(db)) == 4


def test_the_preview_shows_the_runs_invoices_and_stores_nothing(db: Database) -> None:
    company(db)
    preview = bill_preview(db, as_of=MARCH)
    assert lines(db) == []
    run = bill_run(db, as_of=MARCH, actor="ana")
    strip = [{k: v for k, v in d.items() if k != "id"} for d in preview.drafts]
    assert strip == [{k: v for k, v in d.items() if k != "id"} for d in run.drafts]


def test_issue_numbers_gaplessly_with_the_entity_prefix_and_fiscal_year(db: Database) -> None:
    company(db)
    bill_run(db, as_of=MARCH, actor="ana")
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000001"]
    bill_run(db, as_of=date(2026, 4, 1), actor="ana")
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000002"]
    with db.transaction() as session:
        assert verify(session).ok
        invoice = invoice_from_image(BillingStore(session, "r").row("NWDE-2026-000002").record)
    assert invoice.payment is not None and invoice.payment.reference == "NWDE-2026-000002"


def test_a_draft_must_be_approved_before_issue(db: Database) -> None:
    company(db)
    bill_run(db, as_of=MARCH, actor="ana")
    with pytest.raises(Conflict, match="only an approved invoice"):
        issue(db, ["1"], actor="bob")


def _issued(db: Database) -> None:
    company(db)
    bill_run(db, as_of=MARCH, actor="ana")
    approve(db, [], actor="bob")
    issue(db, [], actor="bob")


def test_an_issued_invoice_cannot_be_updated_or_deleted_in_the_database(db: Database) -> None:
    _issued(db)
    for statement in (
        "UPDATE invoices SET gross_total = '1.00' WHERE number = 'NWDE-2026-000001'",
        "DELETE FROM invoices WHERE number = 'NWDE-2026-000001'",
        "UPDATE invoice_lines SET net_amount = '1.00' WHERE invoice_id = 1",
        "DELETE FROM invoice_lines WHERE invoice_id = 1",
    ):
        with pytest.raises(DBAPIError, match="immutable"), db.transaction() as session:
            session.execute(text(statement))
    with db.transaction() as session:
        row = session.execute(select(InvoiceRow).where(InvoiceRow.id == 1)).scalar_one()
        assert row.gross_total == "1606.50"


def test_credit_notes_never_exceed_what_remains_creditable(db: Database) -> None:
    _issued(db)  # 1,606.50 gross
    day = date(2026, 3, 10)
    first = credit(
        db,
        "NWDE-2026-000001",
        actor="bob",
        reason="2 seats too many",
        amount=Decimal("90.00"),
        on=day,
    )
    assert first == {
        "credit_note": "NWDE-2026-000002",
        "invoice": "NWDE-2026-000001",
        "gross_total": "107.10 EUR",
        "remaining_creditable": "1499.40 EUR",
        "released_for_rebill": 0,
    }
    with pytest.raises(Conflict, match="exceeds the 1499.40 EUR"):
        credit(db, "NWDE-2026-000001", actor="bob", reason="all", on=day)  # whole = 1,606.50
    second = credit(db, "NWDE-2026-000001", actor="bob", reason="March", lines=[3], on=day)
    assert second["gross_total"] == "535.50 EUR"
    assert second["remaining_creditable"] == "963.90 EUR"
    with pytest.raises(Conflict, match="not an issued invoice"):
        credit(db, "NWDE-2026-000002", actor="bob", reason="credit of a credit", on=day)
    with db.transaction() as session:
        notes = BillingStore(session, "r").rows(kind="credit_note")
        assert [(n.number, n.status, n.credits_invoice_id) for n in notes] == [
            ("NWDE-2026-000002", "issued", 1),
            ("NWDE-2026-000003", "issued", 1),
        ]
        note = invoice_from_image(notes[0].record)
        assert note.preceding is not None and note.preceding.number == "NWDE-2026-000001"
        assert verify(session).ok


def test_the_fiscal_year_follows_the_entitys_start_month() -> None:
    april_start = ENTITY.model_copy(update={"fiscal_year_start_month": 4})
    assert fiscal_year(ENTITY, date(2026, 3, 31)) == 2026
    assert fiscal_year(april_start, date(2026, 3, 31)) == 2025
    assert fiscal_year(april_start, date(2026, 4, 1)) == 2026
    assert invoice_number(april_start, 2025, 7) == "NWDE-2025-000007"


def test_an_issue_rolled_back_leaves_no_gap(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    company(db)
    bill_run(db, as_of=MARCH, actor="ana")
    approve(db, [], actor="bob")
    original = BillingStore.update

    def fail_on_issue(self: BillingStore, row: InvoiceRow, invoice: Any, **kw: Any) -> None:
        original(self, row, invoice, **kw)
        if kw.get("action") == "issue":
            raise RuntimeError("the printer caught fire")

    monkeypatch.setattr(BillingStore, "update", fail_on_issue)
    with pytest.raises(RuntimeError):
        issue(db, [], actor="bob")
    monkeypatch.setattr(BillingStore, "update", original)
    with db.transaction() as session:
        assert BillingStore(session, "r").row("1").status == "approved"
    assert issue(db, [], actor="bob") == ["NWDE-2026-000001"]
