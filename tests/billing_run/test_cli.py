"""``billops bill`` and ``billops invoice`` end to end on Northwind's order form."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from billops.adapters.storage.database import Database

from .support import company, customer, order_form, store_contract, store_parties


def test_preview_run_approve_issue_show_credit(
    db: Database, cli: Callable[..., Any], tmp_path: Path
) -> None:
    company(db)
    preview = cli("bill", "preview", "--as-of", "2026-03-01", "--json")
    assert preview.exit_code == 0, preview.stderr
    assert json.loads(preview.stdout)["drafted"] == 1
    assert json.loads(cli("invoice", "list", "--json").stdout) == []

    run = cli("bill", "run", "--as-of", "2026-03-01")
    assert run.exit_code == 0 and "drafted 1 invoices, 0 held" in run.stdout
    assert "drafted 0 invoices" in cli("bill", "run", "--as-of", "2026-03-01").stdout
    assert json.loads(cli("invoice", "holds", "--json").stdout) == []
    assert "approved 1 invoices: #1" in cli("invoice", "approve").stdout
    issued = cli("invoice", "issue", "--out", str(tmp_path / "docs"))
    assert issued.exit_code == 0, issued.stderr
    assert "issued 1 invoices: NWDE-2026-000001" in issued.stdout
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "NWDE-2026-000001.facturx.pdf",
        "NWDE-2026-000001.pdf",
        "NWDE-2026-000001.ubl.xml",
    ]
    shown = json.loads(cli("invoice", "show", "NWDE-2026-000001", "--json").stdout)
    assert (shown["status"], shown["gross_total"], shown["remaining_creditable"]) == (
        "issued",
        "1606.50",
        "1606.50",
    )
    too_much = cli("invoice", "credit", "NWDE-2026-000001", "--reason", "x", "--amount", "5000")
    assert too_much.exit_code != 0
    assert too_much.stderr.count("\n") == 1 and "remains creditable" in too_much.stderr
    note = cli("invoice", "credit", "NWDE-2026-000001", "--reason", "March", "--line", "3")
    assert note.exit_code == 0, note.stderr
    assert "credit note NWDE-2026-000002" in note.stdout and "1071.00 EUR remains" in note.stdout


def test_an_unknown_invoice_is_one_error_line(db: Database, cli: Callable[..., Any]) -> None:
    company(db)
    result = cli("invoice", "show", "NWDE-2026-999999")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "no invoice" in result.stderr


def test_holds_are_listed_and_counted_on_the_billing_queue(
    db: Database, cli: Callable[..., Any]
) -> None:
    store_parties(db, customer(addresses=[]))
    store_contract(db, order_form())
    run = cli("bill", "run", "--as-of", "2026-03-01", "--json")
    assert json.loads(run.stdout)["held_by_check"] == {"INV-CUSTOMER-ADDRESS": 1}
    holds = json.loads(cli("invoice", "holds", "--json").stdout)
    assert [(h["invoice"], h["check_id"], h["route"]) for h in holds] == [
        ("#1", "INV-CUSTOMER-ADDRESS", "billing")
    ]
    opened = datetime.fromisoformat(holds[0]["opened_at"])
    assert datetime.fromisoformat(holds[0]["due_at"]) - opened == timedelta(hours=24)
    assert holds[0]["overdue"] is False
    queue = cli("queue", "list", "--role", "billing")
    assert "held invoices on billing: 1 task(s)" in queue.stdout
    assert "INV-CUSTOMER-ADDRESS" in queue.stdout
    on_queue = json.loads(cli("queue", "list", "--role", "billing", "--json").stdout)
    assert [t["check_id"] for t in on_queue if "check_id" in t] == ["INV-CUSTOMER-ADDRESS"]
    assert json.loads(cli("queue", "list", "--role", "tax", "--json").stdout) == []
    refused = cli("invoice", "release", "1", "--override", "--reason", "ok")  # tester ran it
    assert refused.exit_code != 0 and "different approver" in refused.stderr


def test_export_a_month_for_the_erp_one_row_per_line(
    db: Database, cli: Callable[..., Any], tmp_path: Path
) -> None:
    import csv

    company(db)
    cli("bill", "run", "--as-of", "2026-03-01")
    cli("invoice", "approve")
    cli("invoice", "issue")
    note = cli("invoice", "credit", "NWDE-2026-000001", "--reason", "March", "--line", "3")
    assert note.exit_code == 0, note.stderr  # dated today, so outside March
    target = tmp_path / "march.csv"
    result = cli("invoice", "export", "--period", "2026-03", "--out", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"{target}: 1 documents, 3 lines"
    with open(target, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # 3 months x 450.00 net, 19 % VAT 256.50 split exactly: 85.50 each.
    assert [
        (r["document_number"], r["line_no"], r["net_amount"], r["tax_amount"], r["gross_amount"])
        for r in rows
    ] == [
        ("NWDE-2026-000001", "1", "450.00", "85.50", "535.50"),
        ("NWDE-2026-000001", "2", "450.00", "85.50", "535.50"),
        ("NWDE-2026-000001", "3", "450.00", "85.50", "535.50"),
    ]
    assert not list(tmp_path.glob(".*partial"))
    bad = cli("invoice", "export", "--period", "2026-03", "--format", "pdf")
    assert bad.exit_code == 2 and "the export format is csv or xlsx" in bad.stderr


def test_a_summary_run_prints_counts_and_no_invoice_rows(
    db: Database, cli: Callable[..., Any]
) -> None:
    company(db)
    run = cli("bill", "run", "--as-of", "2026-03-01", "--summary")
    assert run.exit_code == 0, run.stderr
    assert "drafted 1 invoices, 0 held" in run.stdout
    assert "#1" not in run.stdout  # the draft is stored, not listed
    assert [d["id"] for d in json.loads(cli("invoice", "list", "--json").stdout)] == [1]
