"""The demo run: every existing step on the fictional company, repeatable."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from billops.adapters.storage.database import open_database
from billops.adapters.storage.repositories import Contracts
from billops.adapters.storage.revenue_store import RevenueStore
from billops.workflows.contracts import portfolio
from billops.workflows.demo import run_demo
from tests.einvoice.validator import EInvoiceValidator, format_findings


def test_the_demo_loads_everything_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    lines: list[str] = []
    report = run_demo(tmp_path, customers=12, say=lines.append)
    assert report.entities == 2
    assert report.customers == 12
    assert report.contracts == report.data_counts["contracts"] + 3  # + 3 intake drafts
    assert report.contract_versions_after_rerun == 0
    assert report.amended_versions == 2
    assert report.audit_ok
    # validation found every planted defect the 12-customer company has, approved the rest
    assert report.validation["contracts_validated"] == report.data_counts["contracts"]
    assert report.validation["defects_found"] == report.validation["defects_planted"]
    assert (
        report.validation["approved"] + report.validation["blocked"]
        == (report.validation["contracts_validated"])
    )
    # intake took the three signed demo documents in as drafts; a second run stored nothing
    assert report.intake["documents"] == 3
    assert report.intake["drafts"] == 3
    assert report.intake["rerun_new_documents"] == 0
    # setup: every approved contract of the 12-customer company and its 4 amendments, idempotent
    setup = report.setup
    assert setup["products"] == report.data_counts["catalog"] == 19
    events = ("time_entries", "milestone_acceptances", "shipments", "provisioning", "usage")
    assert setup["events"] == sum(report.data_counts[kind] for kind in events) + 20  # + expenses
    assert setup["approved"] == setup["orders"] == 19
    assert (setup["projects"], setup["projects_ready"]) == (5, 5)
    assert setup["schedule_items"] == 290  # usage under its commitment: true-up items
    assert (setup["billable"], setup["scheduled"], setup["waiting"], setup["held"]) == (
        188,
        102,
        0,
        0,
    )
    assert setup["rerun_changed"] == 0
    assert setup["pending_amendments"] == 0  # all applied, oldest effective date first
    assert setup["amendment"].startswith("NWUS-AM-000101 applied to NWUS-OF-000101 from")
    assert setup["models_shown"] == [
        "expenses",
        "fixed_fee",
        "hardware",
        "maintenance",
        "milestone",
        "one_time",
        "subscription",
        "time_and_materials",
        "usage",
    ]
    # billing: a catch-up run for the months before November, then November's run
    billing = report.billing
    assert (billing["catch_up_as_of"], billing["catch_up_drafted"]) == ("2026-10-31", 19)
    assert billing["catch_up_issued"] == 18
    # the showcase's co-termed add-on raised the contract value, not its PO
    assert billing["catch_up_held_by_check"] == {"INV-PO-EXHAUSTED": 1}
    # the billing problems planted before November are held by the check made for them
    assert [(p["check_id"], p["held"]) for p in billing["planted"]] == [
        ("INV-CUSTOMER-TAX-ID", True),
        ("INV-CUSTOMER-ADDRESS", True),
    ]
    assert (billing["drafted"], billing["held"], billing["issued"]) == (12, 4, 8)
    assert billing["held_by_check"] == {"INV-CUSTOMER-TAX-ID": 2, "INV-CUSTOMER-ADDRESS": 2}
    assert billing["rerun_drafted"] == 0
    assert billing["credit_note"] == "NWDE-2026-000012"
    assert billing["invoices_by_status"] == {"draft": 0, "held": 5, "approved": 0, "issued": 26}
    assert billing["open_holds"] == 5
    assert billing["documents"] == 9
    einvoices = sorted((tmp_path / "invoices").glob("*.ubl.xml")) + sorted(
        (tmp_path / "invoices").glob("*.facturx.pdf")
    )
    assert len(einvoices) == 6  # two invoices and a credit note, UBL and Factur-X
    validator = EInvoiceValidator()  # the official EN 16931 (and Peppol BIS) rules
    for path in einvoices:
        findings = validator.validate_file(path)
        assert not findings, f"{path.name}: {format_findings(findings)}"
    # revenue: every set-up order booked but the doubtful customer's (CUST-000007, one in 50)
    revenue = report.revenue
    assert revenue["doubtful"] == ["NWDE-OF-000105"]
    assert revenue["unbooked"] == {"NWDE-OF-000105": "REV-READY-COLLECTABILITY"}
    assert revenue["booked"] == revenue["bookings_stored"] == setup["orders"] - 1 == 18
    assert revenue["judged"] == 4  # the combination question, judged and approved
    assert revenue["months"][0] == "2025-05" and revenue["months"][-1] == "2026-11"
    assert len(revenue["months"]) == 19
    assert (revenue["rerun_postings"], revenue["parked"]) == (0, [])
    # every applied amendment of a booked contract is assessed as a contract modification:
    # 4 applied, one of them to the doubtful customer's NWDE-OF-000105 (not booked)
    assert sum(revenue["modifications"].values()) == 3, revenue["modifications"]
    # the fixed-fee SOWs' monthly effort reports (the input method), one estimate revised
    assert revenue["effort_reports"]["obligations"] >= 1
    assert revenue["effort_reports"]["revised"] == 1
    assert set(revenue["modifications"]) <= {
        "separate_contract",
        "prospective",
        "cumulative_catch_up",
    }
    # billed in November = the issued documents' own net totals (invoices less credit notes)
    assert revenue["reconciled"]
    assert [(c["entity"], c["billed"], c["documents_net"]) for c in revenue["reconciliation"]] == [
        ("NWDE", "37107.35", "37107.35"),
        ("NWUS", "69460.57", "69460.57"),
    ]
    for row in revenue["rollforward"]["rows"]:
        opening = Decimal(row["opening_deferred"]) - Decimal(row["opening_unbilled"])
        closing = Decimal(row["closing_deferred"]) - Decimal(row["closing_unbilled"])
        assert closing == opening + Decimal(row["billed"]) - Decimal(row["recognised"])
    assert all(debit == credit for debit, credit in revenue["journal_totals"].values())
    assert len(revenue["waterfall"]["months"]) == 12
    assert revenue["waterfall"]["months"][0] == "2026-12"
    assert sorted(p.name for p in (tmp_path / "revenue").iterdir()) == sorted(revenue["files"])
    assert report.not_yet_loaded == []
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# billops demo")
    assert "### time_and_materials: " in summary
    database = open_database(f"sqlite:///{tmp_path / 'billops.db'}")
    try:
        rows = portfolio(database)
        with database.transaction() as session:
            versions = Contracts(session, "t").versions(report.amended_contract)
    finally:
        database.dispose()
    assert {(r.supplier, r.currency) for r in rows} == {("NWDE", "EUR"), ("NWUS", "USD")}
    assert sum(r.contracts for r in rows) == report.contracts
    assert {r.supplier for r in rows} == {"NWDE", "NWUS"}  # intake drafts matched to entities
    assert [v.terms.payment_terms.net_days for v in versions if v.terms.payment_terms][-1] == 45
    # by hand: NWUS-OF-000108 is 45,000.00 of seats over 2026-10-01..2028-09-30 (731 days,
    # a ramp recognised straight-line); November's 30 days earn 45,000 x 30 / 731 = 1,846.785
    database = open_database(f"sqlite:///{tmp_path / 'billops.db'}")
    try:
        with database.transaction() as session:
            november = RevenueStore(session, "t").postings(["NWUS-OF-000108"], period="2026-11")
            doubtful = Contracts(session, "t").get("NWDE-OF-000105").terms.customer.code
    finally:
        database.dispose()
    assert [(p.obligation_id, str(p.amount)) for p in november] == [("L1", "1846.79 USD")]
    assert doubtful == "CUST-000007"


def test_running_the_demo_again_in_the_same_folder_gives_the_same_result(tmp_path: Path) -> None:
    first = run_demo(tmp_path, customers=8, say=lambda _: None, invoice_documents=0)
    smaller = run_demo(tmp_path, customers=4, say=lambda _: None, invoice_documents=0)
    again = run_demo(tmp_path, customers=8, say=lambda _: None, invoice_documents=0)
    assert smaller.customers == 4
    assert smaller.contracts < first.contracts
    assert (again.customers, again.contracts, again.audit_records) == (
        first.customers,
        first.contracts,
        first.audit_records,
    )
