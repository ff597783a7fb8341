"""``billops bill``: the billing run and its dry run.

- ``billops bill run --as-of DATE [--entity E] [--customer C] [--json]``: draft, check
  and store every invoice due and not billed yet; a re-run drafts nothing new;
- ``billops bill preview --as-of DATE [--entity E] [--customer C] [--json]``: exactly
  what a run would draft, with the pre-invoice check results; nothing stored.
"""

from __future__ import annotations

from datetime import date, datetime

import typer

from billops.errors import InvalidInput
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.state import state
from billops.workflows.billing import STORE_CUSTOMERS, BillRun, bill_preview, bill_run

__all__ = ["app", "parse_day", "show_run"]

app = typer.Typer(help="Billing runs: draft what is due, preview a run.", no_args_is_help=True)


def parse_day(value: str | None, option: str = "--as-of") -> date:
    if value is None:
        return datetime.now().astimezone().date()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("not a date (YYYY-MM-DD)", field=option, value=value) from exc


def show_run(run: BillRun) -> None:
    """The run's invoices and counts, for a person."""
    rows = [
        (
            "" if d["id"] is None else f"#{d['id']}",
            d["customer"],
            ",".join(d["contracts"]),
            d["purchase_order"] or "",
            d["lines"],
            f"{d['gross_total']} {d['currency']}",
            d["status"] if d.get("kind", "invoice") == "invoice" else f"{d['status']} credit note",
            " ".join(d["holds"]),
        )
        for d in run.drafts
    ]
    if rows:
        table(
            None,
            ["invoice", "customer", "contracts", "PO", "lines", "gross", "status", "holds"],
            rows,
        )
    summary = run.as_dict()
    verb = "drafted" if run.stored else "would draft"
    held = ", ".join(f"{k} {v}" for k, v in summary["held_by_check"].items())
    say(
        f"as of {run.as_of}: {verb} {summary['drafted']} invoices, {summary['held']} held"
        + (f" ({held})" if held else "")
        + f"; {run.skipped} items already billed or nothing to bill"
    )
    notes = sum(1 for d in run.drafts if d.get("kind") == "credit_note")
    if notes:
        say(f"   {notes} of them credit notes: items due that net to a credit")
    for proposal in run.credit_proposals:
        say(f"   credit to resolve for {proposal['customer']}: {proposal['reason']}")
    for finding in run.findings:
        say(f"   {finding['severity']} {finding['rule_id']}: {finding['message']}")
    for proposal in run.credit_proposals:
        say(f"   credit proposal for {proposal['customer']}: {proposal['total']}")
    for conflict in run.conflicts:
        say(f"   {conflict}: drafted by another run at the same time; skipped")


@app.command("run")
def run_command(
    ctx: typer.Context,
    as_of: str = typer.Option(..., "--as-of", help="The run date (YYYY-MM-DD)."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    customer: str | None = typer.Option(None, "--customer", help="Only this customer."),
    commit_every: int = typer.Option(
        STORE_CUSTOMERS,
        "--commit-every",
        min=1,
        max=10_000,
        help="Customers stored per transaction (a killed run loses at most these).",
    ),
    summary: bool = typer.Option(
        False,
        "--summary",
        help="Counts only, no line per invoice (memory stays flat for a big company).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Draft and check every invoice due on the date and not billed yet; store the drafts."""
    app_state = state(ctx)
    run = bill_run(
        app_state.database(),
        as_of=parse_day(as_of),
        actor=app_state.settings.actor,
        entity=entity,
        customer=customer,
        store_customers=commit_every,
        keep_drafts=not summary,
    )
    if as_json:
        emit_json(run.as_dict())
    else:
        show_run(run)


@app.command("preview")
def preview_command(
    ctx: typer.Context,
    as_of: str = typer.Option(..., "--as-of", help="The run date (YYYY-MM-DD)."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    customer: str | None = typer.Option(None, "--customer", help="Only this customer."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Exactly the invoices a run would draft, with their check results; stores nothing."""
    run = bill_preview(
        state(ctx).database(), as_of=parse_day(as_of), entity=entity, customer=customer
    )
    if as_json:
        emit_json(run.as_dict())
    else:
        show_run(run)
