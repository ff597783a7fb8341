"""Bad input is held with the failed check's id, never billed wrong; a hold is released by a fix
or by another approver's override with a reason (maker-checker)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from billops.adapters.storage.billing_store import BillingStore
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Customers
from billops.workflows.billing import (
    MakerChecker,
    approve,
    bill_run,
    close_period,
    issue,
    release,
)

from .support import customer, order_form, store_contract, store_parties

MARCH = date(2026, 3, 1)


def held(db: Database, data: dict[str, Any] | None = None, **customer_changes: Any) -> list[Any]:
    store_parties(db, customer(**customer_changes))
    store_contract(db, data or order_form())
    run = bill_run(db, as_of=MARCH, actor="ana")
    return [(d["status"], d["holds"]) for d in run.drafts]


def test_a_customer_without_an_address_is_held(db: Database) -> None:
    assert held(db, addresses=[]) == [("held", ["INV-CUSTOMER-ADDRESS"])]
    with db.transaction() as session:
        tasks = BillingStore(session, "r").holds()
        assert [(t.invoice_id, t.check_id, t.status) for t in tasks] == [
            (1, "INV-CUSTOMER-ADDRESS", "open")
        ]


def test_an_exhausted_purchase_order_is_held(db: Database) -> None:
    data = order_form(purchase_order={"number": "PO-7", "amount": "500.00", "required": True})
    assert held(db, data) == [("held", ["INV-PO-EXHAUSTED"])]


def test_a_run_dated_in_a_closed_period_is_held(db: Database) -> None:
    store_parties(db)
    store_contract(db, order_form())
    close_period(db, "NW-DE", date(2026, 3, 31), actor="controller")
    run = bill_run(db, as_of=MARCH, actor="ana")
    assert [d["holds"] for d in run.drafts] == [["INV-PERIOD-CLOSED"]]


def test_a_zero_rate_is_held_not_billed_free(db: Database) -> None:
    data = order_form()
    data["lines"][0].update(unit_price="0.00", amount="0.00")
    data["total_contract_value"] = "0.00"
    assert held(db, data) == [("held", ["INV-RATE-ZERO"])]


def test_a_held_draft_cannot_be_approved(db: Database) -> None:
    held(db, addresses=[])
    with pytest.raises(Exception, match="only a draft can be approved"):
        approve(db, ["1"], actor="bob")


def test_an_override_needs_another_approver_than_the_run(db: Database) -> None:
    held(db, addresses=[])
    with pytest.raises(MakerChecker):
        release(db, "1", actor="ana", override_reason="customer confirmed by phone")
    outcome = release(db, "1", actor="bob", override_reason="customer confirmed by phone")
    assert outcome["how"] == "override"
    with db.transaction() as session:
        store = BillingStore(session, "r")
        assert store.row("1").status == "draft"
        tasks = store.holds(1, status=None)
        assert [(t.status, t.closed_by, t.closed_reason) for t in tasks] == [
            ("overridden", "bob", "customer confirmed by phone")
        ]


def test_fixed_data_releases_the_hold_by_drafting_again(db: Database) -> None:
    held(db, addresses=[])
    with db.transaction() as session:
        Customers(session, "ops").update(customer())  # the address is completed
    outcome = release(db, "1", actor="ana")
    assert outcome["how"] == "redrafted" and outcome["holds"] == []
    approve(db, [], actor="bob")
    assert issue(db, [], actor="bob") == ["NWDE-2026-000001"]
    with db.transaction() as session:
        rows = BillingStore(session, "r").rows()
        assert [(r.id, r.status, r.gross_total) for r in rows] == [(2, "issued", "1606.50")]
