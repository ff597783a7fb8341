"""Billing journal entries: late documents journaled once, the entity's own accounts.

An invoice issued after its month was run is journaled once, in the month run
next; the receivable and tax accounts are the entity's policy's.

Northwind's OF-B-1 (``run_support``): 10 seats x 45.00 a month, billed monthly
in advance, German VAT 19 %: January's invoice is 450.00 + 85.50 = 535.50.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_billing import InvoiceRow
from billops.adapters.storage.tables_revenue import RevenueJournalEntryRow
from billops.domain.policy import LedgerPolicy, Policy
from billops.workflows.revenue import revenue_run

from . import run_support as rs

D = Decimal


def _billing(db: Database) -> dict[str, tuple[dict[str, tuple[str, str]], list[str] | None]]:
    """Per month: the billing entry's account -> (debit, credit), and its documents."""
    with db.transaction() as session:
        rows = session.execute(
            select(RevenueJournalEntryRow).where(RevenueJournalEntryRow.kind == "billing")
        ).scalars()
        return {
            r.period: (
                {line["account"]: (line["debit"], line["credit"]) for line in r.lines},
                r.documents,
            )
            for r in rows
        }


def _issued(db: Database) -> list[tuple[str, date, Decimal]]:
    with db.transaction() as session:
        return [
            (r.number or "", r.issue_date, D(r.gross_total))
            for r in session.execute(select(InvoiceRow).where(InvoiceRow.status == "issued"))
            .scalars()
            .all()
        ]


def test_an_invoice_dated_in_a_month_already_run_is_journaled_in_the_month_run_next(
    db: Database,
) -> None:
    rs.company(db)
    revenue_run(db, "2026-01", actor="rev")
    revenue_run(db, "2026-02", actor="rev")
    assert _billing(db) == {}  # nothing billed yet
    # January's invoice is issued now, dated 1 January: after January was run
    (number,) = rs.bill(db, date(2026, 1, 1))
    ((_, dated, gross),) = _issued(db)
    assert (dated, gross) == (date(2026, 1, 1), D("535.50"))
    # February, the month still open, is run again: it journals the late invoice
    again = revenue_run(db, "2026-02", actor="rev")
    assert again.late_document_count == 1
    assert again.late_documents == [
        {"contract": "OF-B-1", "document": number, "dated": "2026-01-01"}
    ]
    billing = _billing(db)
    lines, documents = billing["2026-02"]
    assert documents == [number]
    assert lines["1200"] == ("535.50", "0.00")  # receivable, with the tax
    assert lines["2300"] == ("0.00", "85.50")  # tax payable
    # January's revenue (458.63) was unbilled at its end: the invoice clears it first
    assert lines["1310"] == ("0.00", "450.00")
    assert "2026-01" not in billing  # a posted month is never rewritten
    # March: the invoice is not journaled a second time; nothing new is late
    march = revenue_run(db, "2026-03", actor="rev")
    assert march.late_document_count == 0
    billing = _billing(db)
    assert "2026-03" not in billing or number not in (billing["2026-03"][1] or [])
    # the ledger's receivables equal the documents' gross
    receivable = sum(D(lines.get("1200", ("0", "0"))[0]) for lines, _ in billing.values())
    assert receivable == sum(gross for _, _, gross in _issued(db))
    # running March again changes nothing
    assert not revenue_run(db, "2026-03", actor="rev").changed


def test_documents_dated_before_the_first_month_run_are_the_previous_systems(
    db: Database,
) -> None:
    rs.company(db)
    rs.bill(db, date(2026, 1, 1))  # January billed before billops recognised revenue
    february = revenue_run(db, "2026-02", actor="rev")  # the first month run
    assert february.late_document_count == 0
    assert _billing(db) == {}  # January's invoice is not journaled in February


def test_the_run_names_the_late_documents(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    rs.company(db)
    revenue_run(db, "2026-01", actor="rev")
    revenue_run(db, "2026-02", actor="rev")
    (number,) = rs.bill(db, date(2026, 1, 1))
    result = cli("revenue", "run", "--period", "2026-02")
    assert result.exit_code == 0, result.stderr
    assert (
        f"1 document(s) dated in a month already run, issued after it, journaled in 2026-02: "
        f"{number} (OF-B-1, dated 2026-01-01)"
    ) in result.stdout


def test_the_receivable_and_tax_accounts_come_from_the_entitys_policy(db: Database) -> None:
    rs.company(db)
    rs.bill(db, date(2026, 1, 1))
    chart = Policy(ledger=LedgerPolicy(receivable="110000", tax_payable="177100"))
    revenue_run(db, "2026-01", actor="rev", policy=lambda entity: chart)
    lines, _ = _billing(db)["2026-01"]
    assert lines["110000"] == ("535.50", "0.00")
    assert lines["177100"] == ("0.00", "85.50")
    assert "1200" not in lines and "2300" not in lines


def test_a_ledger_account_that_is_not_an_account_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="receivable"):
        LedgerPolicy(receivable="11 00; DROP")
