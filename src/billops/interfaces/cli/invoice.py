"""``billops invoice``: list, show, holds, approve, issue, release, credit, close-period.

- ``list [--status S] [--customer C]``, ``show REF``, ``holds`` (``--json`` on each);
- ``approve [REF...]`` (all drafts when none given); ``issue [REF...] [--out DIR]``
  (all approved; writes PDF, UBL and Factur-X per invoice under DIR);
- ``release REF`` (re-draft on fixed data) or ``release REF --override --reason TEXT``
  (an approver other than the run's actor);
- ``credit NUMBER --reason TEXT [--amount NET | --line N ...] [--out DIR]``;
- ``close-period ENTITY --through DATE``;
- ``export --period YYYY-MM [--format csv|xlsx] [--entity E] [--out FILE]``: issued
  documents of the month for the ERP, one row per line.

REF is an invoice number, or ``#ID`` / ``ID`` for a draft.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer

from billops.adapters.storage.billing_store import BillingStore
from billops.domain.calendar import parse_period
from billops.errors import InvalidInput
from billops.interfaces.cli.billing import parse_day
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.policy import policy_source
from billops.interfaces.cli.state import state
from billops.workflows.billing import (
    approve,
    close_period,
    credit,
    describe_row,
    export_invoices,
    issue,
    release,
)
from billops.workflows.billing_holds import hold_tasks

__all__ = ["app"]

app = typer.Typer(
    help="Invoices and credit notes: list, holds, approve, issue, release, credit.",
    no_args_is_help=True,
)


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="draft, held, approved, issued."),
    customer: str | None = typer.Option(None, "--customer", help="Only this customer."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Invoices and credit notes, oldest first."""
    with state(ctx).database().transaction() as session:
        store = BillingStore(session, "reader")
        shown = [describe_row(store, r) for r in store.rows(status=status, customer=customer)]
    if as_json:
        emit_json(shown)
        return
    table(
        None,
        ["id", "kind", "number", "status", "customer", "issue date", "gross", "holds"],
        [
            (
                d["id"],
                d["kind"],
                d["number"] or "",
                d["status"],
                d["customer"],
                d["issue_date"],
                f"{d['gross_total']} {d['currency']}",
                " ".join(d["holds"]),
            )
            for d in shown
        ],
    )
    say(f"{len(shown)} documents")


@app.command("show")
def show_command(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="Invoice number, or #ID for a draft."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One invoice: its columns, lines and hold tasks."""
    with state(ctx).database().transaction() as session:
        store = BillingStore(session, "reader")
        data = describe_row(store, store.row(ref), full=True)
    if as_json:
        emit_json(data)
        return
    name = data["number"] or f"#{data['id']}"
    say(
        f"{data['kind']} {name} ({data['status']}) {data['entity']} -> {data['customer']}, "
        f"issued {data['issue_date']}, due {data['due_date']}, PO {data['purchase_order'] or '-'}"
    )
    lines = data["record"]["lines"]
    table(
        None,
        ["#", "description", "period", "qty", "unit price", "net"],
        [
            (
                line["line_no"],
                line["description"],
                ""
                if line["service_period"] is None
                else f"{line['service_period']['start']}..{line['service_period']['end']}",
                line["quantity"],
                line["unit_price"],
                line["net_amount"]["amount"],
            )
            for line in lines
        ],
    )
    say(f"net {data['net_total']}  tax {data['tax_total']}  gross {data['gross_total']}")
    for task in data["hold_tasks"]:
        say(f"   {task['status']} {task['check_id']}: {task['message']}")


@app.command("holds")
def holds_command(
    ctx: typer.Context,
    route: str | None = typer.Option(None, "--queue", help="One work queue (route) only."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Held drafts with the checks that failed, due by their queue's SLA: the billing work queue."""
    tasks = hold_tasks(state(ctx).database(), policy_source(), route=route)
    now = datetime.now(UTC)
    if as_json:
        emit_json([t.as_dict(now) for t in tasks])
        return
    table(
        None,
        ["invoice", "customer", "check", "queue", "due (UTC)", "overdue", "message"],
        [
            (
                t.reference,
                t.customer,
                t.check_id,
                t.route,
                f"{t.due_at:%Y-%m-%d %H:%M}",
                "OVERDUE" if t.overdue(now) else "",
                t.message,
            )
            for t in tasks
        ],
    )
    overdue = sum(1 for t in tasks if t.overdue(now))
    say(
        f"{len(tasks)} open holds on {len({t.invoice_id for t in tasks})} invoices"
        + (f", {overdue} overdue" if overdue else "")
    )


@app.command("approve")
def approve_command(
    ctx: typer.Context,
    refs: list[str] = typer.Argument(None, help="Drafts to approve (default: every draft)."),
) -> None:
    """Approve drafts for issue (a held draft must be released first)."""
    app_state = state(ctx)
    done = approve(app_state.database(), refs or [], actor=app_state.settings.actor)
    say(f"approved {len(done)} invoices" + (f": {' '.join(done)}" if done else ""))


@app.command("issue")
def issue_command(
    ctx: typer.Context,
    refs: list[str] = typer.Argument(None, help="Invoices to issue (default: every approved)."),
    out: Path | None = typer.Option(
        None, "--out", help="Write PDF, UBL and Factur-X here.", file_okay=False
    ),
) -> None:
    """Issue approved invoices: gapless numbers per entity and fiscal year; then immutable."""
    app_state = state(ctx)
    numbers = issue(app_state.database(), refs or [], actor=app_state.settings.actor, out=out)
    say(f"issued {len(numbers)} invoices" + (f": {numbers[0]}..{numbers[-1]}" if numbers else ""))
    if out is not None and numbers:
        say(f"documents under {out}")


@app.command("release")
def release_command(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The held draft (#ID)."),
    override: bool = typer.Option(
        False, "--override", help="Override the holds (another approver, with --reason)."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why the holds are overridden."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date to re-draft on."),
) -> None:
    """Release a held draft: re-drafted on the corrected data, or overridden with a reason."""
    app_state = state(ctx)
    if override and not reason:
        raise InvalidInput("--override needs --reason", field="--reason")
    outcome = release(
        app_state.database(),
        ref,
        actor=app_state.settings.actor,
        override_reason=reason if override else None,
        as_of=parse_day(as_of) if as_of else None,
    )
    if outcome["how"] == "override":
        say(f"{outcome['released']}: holds overridden; now a draft")
    else:
        drafts = ", ".join(f"#{d}" for d in outcome["drafts"]) or "none"
        held = " ".join(outcome["holds"])
        say(
            f"{outcome['released']}: re-drafted as {drafts}"
            + (f"; still held: {held}" if held else "")
        )


@app.command("credit")
def credit_command(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="The issued invoice's number."),
    reason: str = typer.Option(..., "--reason", help="Why it is credited."),
    amount: str | None = typer.Option(None, "--amount", help="Net amount to credit."),
    lines: list[int] = typer.Option(None, "--line", help="Line number to credit (repeatable)."),
    on: str | None = typer.Option(None, "--on", help="Credit note date (default today)."),
    out: Path | None = typer.Option(None, "--out", help="Write its documents here."),
    rebill: bool = typer.Option(
        False,
        "--rebill",
        help="Bill the credited lines again: the next run drafts them from the current data.",
    ),
) -> None:
    """A credit note for an issued invoice: whole, some lines, or a net amount."""
    app_state = state(ctx)
    net: Decimal | None = None
    if amount is not None:
        try:
            net = Decimal(amount)
        except InvalidOperation as exc:
            raise InvalidInput("not an amount", field="--amount", value=amount) from exc
    if net is not None and lines:
        raise InvalidInput("give --amount or --line, not both", field="--amount")
    outcome = credit(
        app_state.database(),
        number,
        actor=app_state.settings.actor,
        reason=reason,
        amount=net,
        lines=lines or [],
        on=parse_day(on, "--on") if on else None,
        out=out,
        rebill=rebill,
    )
    say(
        f"credit note {outcome['credit_note']} for {outcome['invoice']}: "
        f"{outcome['gross_total']}; {outcome['remaining_creditable']} remains creditable"
    )
    if rebill:
        say(
            f"{outcome['released_for_rebill']} item(s) released for re-billing: the next "
            "`billops bill run` drafts them from the current data"
        )


@app.command("close-period")
def close_period_command(
    ctx: typer.Context,
    entity: str = typer.Argument(..., help="The legal entity code."),
    through: str = typer.Option(..., "--through", help="Last day of the closed periods."),
) -> None:
    """Lock the entity's periods: no invoice dated on or before the day."""
    app_state = state(ctx)
    day = parse_day(through, "--through")
    close_period(app_state.database(), entity, day, actor=app_state.settings.actor)
    say(f"{entity}: periods closed through {day}")


@app.command("export")
def export_command(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", help="The month, YYYY-MM."),
    file_format: str = typer.Option("csv", "--format", help="csv or xlsx."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    out: Path | None = typer.Option(
        None, "--out", help="File to write (default invoices-YYYY-MM.<format>)."
    ),
) -> None:
    """Issued invoices and credit notes of a month for the ERP: one row per line."""
    month = parse_period(period)
    target = out or Path(f"invoices-{period}.{file_format}")
    outcome = export_invoices(
        state(ctx).database(), month, target, file_format=file_format, entity=entity
    )
    say(f"{outcome.path}: {outcome.documents} documents, {outcome.lines} lines")
