"""The demo: a fictional company taken through every step billops has so far.

``run_demo`` generates the company (deterministically), writes it as the
files a user would supply, loads them through the same workflows the CLI
uses, shows that re-running changes nothing, makes one contract amendment
to show versioning, validates and approves, sets up every approved
contract (catalogue, events, orders, projects, billing schedules, one
amendment), verifies the audit trail, and writes a summary. Each later
step of the flow (billing, revenue, close) adds itself here.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from billops.adapters.files import load_contract
from billops.adapters.storage import audit_store
from billops.adapters.storage.database import open_database
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.demo.generator import iter_accounts, write_accounts
from billops.domain.contract import DocumentType, PaymentTerms
from billops.workflows.billing_demo import demo_billing_step
from billops.workflows.contracts import import_contracts
from billops.workflows.intake import demo_intake_step
from billops.workflows.parties import import_customers, import_entities
from billops.workflows.progress import SILENT, Progress
from billops.workflows.revenue_demo import demo_revenue_step
from billops.workflows.setup import demo_setup_step
from billops.workflows.validation import demo_validation_step

Say = Callable[[str], None]


@dataclass
class DemoReport:
    data_counts: dict[str, int]
    entities: int
    customers: int
    contracts: int
    contract_versions_after_rerun: int
    amended_contract: str
    amended_versions: int
    audit_records: int
    audit_ok: bool
    not_yet_loaded: list[str] = field(default_factory=list)
    validation: dict[str, Any] = field(default_factory=dict)
    intake: dict[str, Any] = field(default_factory=dict)
    setup: dict[str, Any] = field(default_factory=dict)
    billing: dict[str, Any] = field(default_factory=dict)
    revenue: dict[str, Any] = field(default_factory=dict)


def run_demo(
    out: Path,
    *,
    customers: int = 50,
    seed: int = 2026,
    as_of: date = date(2026, 11, 30),
    say: Say = print,
    progress: Progress = SILENT,
    invoice_documents: int = 1,
) -> DemoReport:
    out.mkdir(parents=True, exist_ok=True)
    database_path = out / "billops.db"
    for leftover in (database_path, out / "billops.db-wal", out / "billops.db-shm"):
        leftover.unlink(missing_ok=True)
    data_dir = out / "data"
    shutil.rmtree(data_dir, ignore_errors=True)  # a smaller run must not inherit stale files
    shutil.rmtree(out / "invoices", ignore_errors=True)
    shutil.rmtree(out / "revenue", ignore_errors=True)
    say(f"1. generating the demo company ({customers} customers, seed {seed}) into {data_dir}")
    counts = write_accounts(iter_accounts(customers, seed, as_of), data_dir)
    database = open_database(f"sqlite:///{database_path}")
    actor = "demo"
    try:
        say("2. loading legal entities, customers and contracts")
        entities = import_entities(database, data_dir / "entities.yaml", actor=actor)
        people = import_customers(database, data_dir / "customers.yaml", actor=actor)
        contract_files = sorted((data_dir / "contracts").glob("*.yaml"))
        first = import_contracts(
            database, contract_files, actor=actor, reason="demo load", progress=progress
        )
        say(
            f"   {entities.created} entities, {people.created} customers, "
            f"{sum(o.created for o in first)} contracts imported"
        )
        say("3. loading the same files again (must change nothing)")
        again = import_contracts(
            database, contract_files, actor=actor, reason="demo re-run", progress=progress
        )
        rerun_new = sum(o.created for o in again)
        say(
            f"   {rerun_new} new contract versions, "
            f"{import_customers(database, data_dir / 'customers.yaml', actor=actor).created} "
            "new customers"
        )
        say("4. a revised order form arrives (payment terms net 45): a new version")
        amended = _amend_one(contract_files, out)
        versions = import_contracts(
            database, [amended], actor=actor, reason="demo: countersigned revision, net 45"
        )
        say(
            f"   {versions[0].contract_id}: version {versions[0].previous_version} -> "
            f"{versions[0].version}"
        )
        say("5. validating every contract against the policy and the CRM; approving the clean ones")
        validation = demo_validation_step(database, data_dir, say, today=as_of)
        say("6. setup: catalogue, events, orders, projects and billing schedules")
        write_demo_expenses(data_dir)
        setup = demo_setup_step(database, data_dir, say, as_of=as_of, actor=actor)
        say("7. billing: a month's run, holds by check id, approve, issue, documents")
        billing = demo_billing_step(
            database, out, say, as_of=as_of, actor=actor, document_sample=invoice_documents
        )
        say("8. revenue: book the orders, recognise month by month, waterfall, rollforward")
        revenue = demo_revenue_step(database, out, say, as_of=as_of, actor=actor)
        say("9. intake: reading signed documents (PDF, DOCX) into draft contracts with sources")
        intake = demo_intake_step(database, out, say)
        say("10. verifying the audit trail")
        with database.transaction() as session:
            report = audit_store.verify(session)
            totals = (
                LegalEntities(session, actor).count(),
                Customers(session, actor).count(),
                Contracts(session, actor).count(),
            )
        say(f"   {report.checked} records, chain {'intact' if report.ok else 'BROKEN'}")
    finally:
        database.dispose()
    result = DemoReport(
        data_counts=counts,
        entities=totals[0],
        customers=totals[1],
        contracts=totals[2],
        contract_versions_after_rerun=rerun_new,
        amended_contract=versions[0].contract_id,
        amended_versions=versions[0].version,
        audit_records=report.checked,
        audit_ok=report.ok,
        validation=validation,
        intake=intake,
        setup=setup,
        billing=billing,
        revenue=revenue,
        not_yet_loaded=[
            f"{kind} ({count})"
            for kind, count in sorted(counts.items())
            if kind
            not in {
                "entities",
                "customers",
                "contracts",
                "data_quality_notes",
                "crm_accounts",
                "opportunities",
                "opportunity_line_items",
                "catalog",
                "time_entries",
                "milestone_acceptances",
                "shipments",
                "provisioning",
                "usage",
            }
        ],
    )
    _write_summary(out / "summary.md", result)
    return result


def _amend_one(contract_files: list[Path], out: Path) -> Path:
    """Write a revised copy of the first order form: payment terms renegotiated to net 45.

    Goes through the domain model, so the copy is valid terms by construction.
    """
    for source in contract_files:
        terms = load_contract(source)
        if terms.document_type is DocumentType.ORDER_FORM:
            break
    else:  # pragma: no cover - the generator always signs order forms
        raise RuntimeError("the demo company has no order form to amend")
    revised = terms.model_copy(
        update={"payment_terms": PaymentTerms(net_days=45, description="Net 45 (revised)")}
    )
    target = out / "amended" / f"{terms.contract_id}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(revised.model_dump_json(indent=2), encoding="utf-8")
    return target


def _write_summary(path: Path, report: DemoReport) -> None:
    lines = [
        "# billops demo summary",
        "",
        f"- legal entities: {report.entities}",
        f"- customers: {report.customers}",
        f"- contracts: {report.contracts}",
        f"- new versions when the same files were loaded again: "
        f"{report.contract_versions_after_rerun}",
        f"- amended contract: {report.amended_contract} (now version {report.amended_versions})",
        f"- audit records: {report.audit_records}, chain intact: {report.audit_ok}",
        f"- validation: {report.validation.get('contracts_validated')} contracts validated, "
        f"{report.validation.get('approved')} approved, {report.validation.get('blocked')} "
        f"blocked by open errors; planted defects found "
        f"{report.validation.get('defects_found')}/{report.validation.get('defects_planted')}",
        f"- intake: {report.intake.get('documents')} documents, {report.intake.get('drafts')} "
        f"drafts, {report.intake.get('values')} values with sources, "
        f"{report.intake.get('missing')} fields missing",
        f"- setup: {report.setup.get('products')} catalogue products, "
        f"{report.setup.get('events')} events recorded, {report.setup.get('orders')} orders, "
        f"{report.setup.get('projects')} projects ({report.setup.get('projects_ready')} ready "
        f"for invoicing), {report.setup.get('schedule_items')} live schedule items "
        f"({report.setup.get('billable')} billable, {report.setup.get('waiting')} waiting, "
        f"{report.setup.get('held')} held), {report.setup.get('findings')} setup findings; "
        f"a re-run changed {report.setup.get('rerun_changed')} contracts",
        f"- amendment: {report.setup.get('amendment')}; "
        f"{report.setup.get('pending_amendments')} more approved amendments wait for "
        "`billops amend`",
        f"- billing: catch-up as of {report.billing.get('catch_up_as_of')} drafted "
        f"{report.billing.get('catch_up_drafted')} invoices (issued "
        f"{report.billing.get('catch_up_issued')}); the month's run drafted "
        f"{report.billing.get('drafted')}, held {report.billing.get('held')} "
        f"({report.billing.get('held_by_check')}), issued {report.billing.get('issued')}; "
        f"a re-run drafted {report.billing.get('rerun_drafted')}; "
        f"{report.billing.get('documents')} documents under invoices/",
        f"- revenue: {report.revenue.get('booked')} orders booked "
        f"({report.revenue.get('judged')} after a judgement), "
        f"{len(report.revenue.get('unbooked', {}))} not booked; revenue run for "
        f"{len(report.revenue.get('months', []))} months, {report.revenue.get('postings')} "
        f"postings; reconciled with the invoices: {report.revenue.get('reconciled')}; "
        "waterfall, rollforward and journals under revenue/",
        "",
        *report.setup.get("schedules_markdown", []),
    ]
    if report.not_yet_loaded:
        lines += [
            "Generated but not loaded yet (their steps are later issues): "
            + ", ".join(report.not_yet_loaded),
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_demo_expenses(data_dir: Path) -> Path:
    """Write ``events/expenses.csv``: travel for each consultant's month on site.

    The demo generator has no expense tool yet; the expenses lines of its
    SOWs would otherwise never bill. One expense per contract, consultant
    and month with approved time: 180.00 plus 20.00 a day worked, on the
    first day worked (deterministic, like the rest of the demo data).
    """
    expense_lines: dict[str, str] = {}
    for path in sorted((data_dir / "contracts").glob("*.yaml")):
        terms = load_contract(path)
        for line in terms.lines:
            if line.billing_model.value == "expenses":
                expense_lines.setdefault(terms.contract_id, line.line_id)
    visits: dict[tuple[str, str, str], list[str]] = {}
    with (data_dir / "events" / "time_entries.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["contract_id"] in expense_lines and row["approved"] == "true":
                key = (row["contract_id"], row["person"], row["work_date"][:7])
                visits.setdefault(key, []).append(row["work_date"])
    target = data_dir / "events" / "expenses.csv"
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(
            ["idempotency_key", "contract_id", "line_id", "incurred_on", "amount", "category",
             "approved", "description"]
        )  # fmt: skip
        for (contract_id, person, month), days in sorted(visits.items()):
            initials = "".join(part[0] for part in person.split()).upper()
            amount = Decimal("180.00") + Decimal("20.00") * len(set(days))
            writer.writerow(
                [f"EX-{contract_id}-{initials}-{month.replace('-', '')}", contract_id,
                 expense_lines[contract_id], min(days), amount, "travel", "true",
                 f"Travel to the customer site, {person}, {month}"]
            )  # fmt: skip
    return target
