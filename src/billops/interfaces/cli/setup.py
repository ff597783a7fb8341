"""``billops setup``, ``schedule``, ``event``, ``amend``, ``order`` and ``project``.

- ``billops setup ID`` / ``--all-approved``: order + project + schedule of approved
  contracts, idempotent;
- ``billops schedule preview FILE [--events FILE] [--as-of DATE]``: the schedule a
  contract (JSON/YAML, or a document read by extraction) would get; nothing stored;
- ``billops schedule show ID [--history]`` and ``schedule refresh ID``;
- ``billops event add KIND column=value ...`` / ``billops event import FILE [--kind KIND]``;
- ``billops amend ID FILE``; ``billops order show ID``; ``billops project show ID``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer

from billops.adapters.event_files import EVENT_KINDS, parse_event, read_event_file
from billops.adapters.files import load_contract
from billops.adapters.storage.setup_store import row_image
from billops.adapters.storage.tables_setup import ScheduleItemRow
from billops.domain.contract import ContractTerms
from billops.domain.events import Events
from billops.domain.schedules import Schedule
from billops.errors import InvalidInput
from billops.interfaces.cli.output import TerminalProgress, emit_json, say, table
from billops.interfaces.cli.state import state
from billops.workflows.events import import_event_files, record_events
from billops.workflows.setup import (
    SetupOutcome,
    amend_contract,
    find_setup,
    iter_setup_all_approved,
    pending_amendments,
    preview_schedule,
    setup_contract,
)

__all__ = [
    "amend_command",
    "event_app",
    "order_app",
    "project_app",
    "schedule_app",
    "setup_command",
]

TERMS_SUFFIXES = (".json", ".yaml", ".yml")
SHOWN = 1000  # outcomes of `setup --all-approved` printed one by one

schedule_app = typer.Typer(
    help="Billing schedules: preview a contract's, show a stored one, refresh statuses.",
    no_args_is_help=True,
)
event_app = typer.Typer(
    help="Events (time, milestones, shipments, provisioning, usage, expenses): add, import, list.",
    no_args_is_help=True,
)
order_app = typer.Typer(help="Orders made by setup.", no_args_is_help=True)
project_app = typer.Typer(help="Projects made by setup (services).", no_args_is_help=True)


def _today() -> date:
    return datetime.now().astimezone().date()


def _as_of(value: str | None) -> date:
    if value is None:
        return _today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("not a date (YYYY-MM-DD)", field="--as-of", value=value) from exc


AS_OF_HELP = "The date statuses are computed on (default: today)."


# --------------------------------------------------------------------------
# setup


def _describe(o: SetupOutcome) -> str:
    if not o.changed:
        head = f"{o.contract_id}: unchanged (version {o.version}"
    else:
        head = (
            f"{o.contract_id}: {o.status} (version {o.version}, schedule v{o.schedule.version}: "
            f"+{len(o.schedule.added)} -{len(o.schedule.superseded)} "
            f"~{len(o.schedule.status_changed)}"
        )
    project = ""
    if o.has_project:
        project = ", project ready" if o.ready_for_invoicing else ", project not ready"
    errors = sum(1 for f in o.findings if f.get("severity") == "error")
    return (
        f"{head}; {o.items} items, {o.billable} billable{project}, "
        f"{len(o.findings)} findings ({errors} errors))"
    )


def setup_command(
    ctx: typer.Context,
    contract_id: str | None = typer.Argument(None, help="The contract id."),
    all_approved: bool = typer.Option(
        False, "--all-approved", help="Set up every approved contract."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Order, project and billing schedule of approved contracts; a re-run changes nothing."""
    if (contract_id is None) == (not all_approved):
        raise InvalidInput("give a contract id or --all-approved (one of them)", field="ID")
    app_state = state(ctx)
    day = _as_of(as_of)
    if contract_id is not None:
        outcomes = [
            setup_contract(
                app_state.database(), contract_id, actor=app_state.settings.actor, as_of=day
            )
        ]
        total, changed = len(outcomes), sum(1 for o in outcomes if o.changed)
    else:
        # Streamed: only the first SHOWN outcomes are kept for printing (the counts cover
        # all), so memory does not grow with the number of contracts; --json keeps all.
        outcomes, total, changed = [], 0, 0
        with TerminalProgress() as progress:
            for outcome in iter_setup_all_approved(
                app_state.database(), actor=app_state.settings.actor, as_of=day, progress=progress
            ):
                total += 1
                changed += 1 if outcome.changed else 0
                if as_json or len(outcomes) < SHOWN:
                    outcomes.append(outcome)
    if as_json:
        emit_json([o.as_dict() for o in outcomes])
        return
    for outcome in outcomes:
        say(_describe(outcome))
        for finding in outcome.findings:
            say(f"   {finding['severity']} {finding['rule_id']}: {finding['message']}")
    if all_approved:
        if total > len(outcomes):
            say(f"... and {total - len(outcomes)} more (see `billops order show ID`)")
        say(f"{total} approved contracts: {changed} changed, {total - changed} unchanged")
        pending = pending_amendments(state(ctx).database())
        if pending:
            say(
                f"{len(pending)} approved amendments are not applied yet (billops amend ID FILE): "
                + ", ".join(f"{a} amends {c}" for a, c in pending)
            )


# --------------------------------------------------------------------------
# schedules


def _item_rows(items: list[dict[str, Any]], history: bool = False) -> list[tuple[Any, ...]]:
    rows = []
    for i in items:
        period = f"{i['period_start']}..{i['period_end']}" if i["period_start"] else ""
        row: tuple[Any, ...] = (
            i["bill_date"] or "(waiting)",
            f"{i['amount']} {i['currency']}",
            i["line_id"],
            i["billing_model"] + ("" if i["kind"] == "charge" else f" ({i['kind']})"),
            period,
            i["trigger"] + (f" {i['trigger_ref']}" if i["trigger_ref"] else ""),
            i["status"],
            i["explanation"],
        )
        if history:
            superseded = i.get("superseded_by_version")
            row = (
                f"v{i['version']}",
                "live" if superseded is None else f"superseded v{superseded}",
                *row,
            )
        rows.append(row)
    return rows


COLUMNS = ["date", "amount", "line", "model", "period", "trigger", "status", "explanation"]


def _totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    from decimal import Decimal

    total: dict[str, Decimal] = {}
    by_status: dict[str, int] = {}
    for i in items:
        by_status[i["status"]] = by_status.get(i["status"], 0) + 1
        if i["kind"] != "held_excess":
            total[i["currency"]] = total.get(i["currency"], Decimal(0)) + Decimal(i["amount"])
    return {
        "items": len(items),
        "total": {cur: format(amount, "f") for cur, amount in total.items()},
        "by_status": dict(sorted(by_status.items())),
    }


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    """A schedule as JSON: the same item images that setup stores."""
    from billops.adapters.storage.setup_store import item_image

    items = [item_image(item) for item in schedule.items]
    return {
        "contract_id": schedule.contract_id,
        "version": schedule.version,
        "currency": schedule.currency,
        **_totals(items),
        "schedule": items,
        "findings": [f.as_dict() for f in schedule.findings],
    }


def _load_terms(file: Path) -> ContractTerms:
    if file.suffix.lower() in TERMS_SUFFIXES:
        return load_contract(file)
    from billops.interfaces.cli.intake import llm_settings
    from billops.workflows.intake import extract_file

    extraction = extract_file(file, llm=llm_settings())
    if extraction.terms is None:
        problems = "; ".join(extraction.problems) or "no contract terms found"
        raise InvalidInput(
            f"extraction could not assemble contract terms: {problems}", source=str(file)
        )
    return extraction.terms


@schedule_app.command("preview")
def preview_command(
    file: Path = typer.Argument(..., help="Contract terms (.json/.yaml) or a signed document."),
    events: list[Path] = typer.Option(
        [], "--events", help="Event CSV files (kind from the name, e.g. shipments.csv)."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The schedule a contract would get, with these events; nothing is stored."""
    terms = _load_terms(file)
    recorded = Events.of(e for path in events for e in read_event_file(path))
    schedule = preview_schedule(terms, recorded, as_of=_as_of(as_of))
    data = schedule_data(schedule)
    if as_json:
        emit_json(data)
        return
    _print_schedule(f"schedule preview of {terms.contract_id}", data["schedule"], data)
    for finding in data["findings"]:
        say(f"   {finding['severity']} {finding['rule_id']}: {finding['message']}")


def _print_schedule(title: str, items: list[dict[str, Any]], totals: dict[str, Any]) -> None:
    table(title, COLUMNS, _item_rows(items))
    money = ", ".join(f"{amount} {cur}" for cur, amount in totals["total"].items())
    statuses = ", ".join(f"{count} {status}" for status, count in totals["by_status"].items())
    say(f"{totals['items']} items, total {money or '0'}; {statuses}")


def _stored_item(row: ScheduleItemRow) -> dict[str, Any]:
    return {
        **row_image(row),
        "contract_version": row.contract_version,
        "version": row.version,
        "reason": row.reason,
        "superseded_by_version": row.superseded_by_version,
        "superseded_reason": row.superseded_reason,
    }


def stored_schedule(ctx: typer.Context, contract_id: str, history: bool) -> dict[str, Any]:
    with state(ctx).database().transaction() as session:
        store = find_setup(session, contract_id)
        rows = store.history(contract_id) if history else store.live_items(contract_id)
        items = [_stored_item(row) for row in rows]
        order = store.order(contract_id)
        assert order is not None
        findings = order.findings
    if not history:
        items.sort(
            key=lambda i: (
                i["bill_date"] is None,
                i["bill_date"] or "",
                i["line_id"],
                i["item_key"],
            )
        )
    live = [i for i in items if i["superseded_by_version"] is None]
    return {
        "contract_id": contract_id,
        "schedule_version": max((i["version"] for i in items), default=0),
        **_totals(live),
        "schedule": items,
        "findings": findings,
    }


@schedule_app.command("show")
def show_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    history: bool = typer.Option(
        False, "--history", help="Every item ever stored, superseded ones too, with why."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A stored schedule as a timeline: date, amount, model, trigger, status, explanation."""
    data = stored_schedule(ctx, contract_id, history)
    if as_json:
        emit_json(data)
        return
    if history:
        table(
            f"schedule history of {contract_id}",
            ["version", "state", *COLUMNS],
            _item_rows(data["schedule"], history=True),
        )
        reasons: dict[int, str] = {}
        for item in data["schedule"]:
            reasons.setdefault(item["version"], item["reason"])
        for version, why in sorted(reasons.items()):
            say(f"v{version}: {why}")
        return
    _print_schedule(
        f"schedule of {contract_id} (v{data['schedule_version']})", data["schedule"], data
    )


@schedule_app.command("refresh")
def refresh_command(
    ctx: typer.Context,
    contract_id: str | None = typer.Argument(None, help="The contract id."),
    all_approved: bool = typer.Option(False, "--all-approved", help="Every approved contract."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recompute statuses after events arrived or dates passed (the same as running setup)."""
    setup_command(ctx, contract_id, all_approved, as_of, as_json)


# --------------------------------------------------------------------------
# events


def _describe_import(result: Any) -> str:
    return (
        f"{result.source}: {len(result.recorded)} events recorded, "
        f"{len(result.already_recorded)} already recorded"
    )


@event_app.command("add")
def add_command(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="One of: " + ", ".join(EVENT_KINDS) + "."),
    values: list[str] = typer.Argument(
        ..., help="column=value pairs, as in the CSV files: idempotency_key=... contract_id=..."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record one event (the same key and content again: already recorded)."""
    fields: dict[str, str] = {}
    for pair in values:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise InvalidInput("expected column=value", field="VALUES", value=pair)
        fields[name.strip()] = value
    event = parse_event(kind, fields, where="event add")
    app_state = state(ctx)
    result = record_events(
        app_state.database(), [event], actor=app_state.settings.actor, source="cli"
    )
    if as_json:
        emit_json(result.as_dict())
        return
    if result.recorded:
        say(f"{event.kind} {event.idempotency_key}: recorded for {event.contract_id}")
    else:
        say(f"{event.kind} {event.idempotency_key}: already recorded")


@event_app.command("import")
def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Event CSV files."),
    kind: str | None = typer.Option(
        None, "--kind", help="The kind of event (default: from the file name, e.g. usage.csv)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record the events of CSV files; each file whole or not at all."""
    app_state = state(ctx)
    with TerminalProgress() as progress:
        results = import_event_files(
            app_state.database(),
            files,
            actor=app_state.settings.actor,
            kind=kind,
            progress=progress,
        )
    if as_json:
        emit_json([r.as_dict() for r in results])
        return
    for result in results:
        say(_describe_import(result))


@event_app.command("list")
def list_command(
    ctx: typer.Context,
    contract_id: str | None = typer.Option(None, "--contract", help="Only this contract's."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List recorded events."""
    from billops.adapters.storage.setup_store import EventStore

    with state(ctx).database().transaction() as session:
        rows = EventStore(session, "reader").rows(contract_id)
        data = [
            {
                "kind": r.kind,
                "idempotency_key": r.idempotency_key,
                "contract_id": r.contract_id,
                "line_id": r.line_id,
                "occurred_on": r.occurred_on.isoformat(),
                "source": r.source,
                "payload": r.payload,
            }
            for r in rows
        ]
    if as_json:
        emit_json(data)
        return
    table(
        f"events ({len(data)})",
        ["kind", "key", "contract", "line", "date", "source"],
        [
            (
                d["kind"],
                d["idempotency_key"],
                d["contract_id"],
                d["line_id"],
                d["occurred_on"],
                d["source"],
            )
            for d in data
        ],
    )


# --------------------------------------------------------------------------
# amend, order, project


def amend_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract amended."),
    file: Path = typer.Argument(..., help="The amendment's terms (.json/.yaml)."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import an amendment and rebuild the contract's schedule from its effective date."""
    app_state = state(ctx)
    outcome = amend_contract(
        app_state.database(), contract_id, file, actor=app_state.settings.actor, as_of=_as_of(as_of)
    )
    if as_json:
        emit_json(outcome.as_dict())
        return
    if outcome.already_applied and not outcome.setup.changed:
        say(f"{outcome.amendment_id}: already applied to {contract_id}; nothing changed")
        return
    s = outcome.setup.schedule
    say(
        f"{outcome.amendment_id} (v{outcome.amendment_version}) applied to {contract_id} from "
        f"{outcome.effective_date}: schedule v{s.version}, {len(s.added)} items added, "
        f"{len(s.superseded)} superseded"
    )


@order_app.command("show")
def order_show_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The order setup made: lines with SKUs, prices, periods, GL accounts; and findings."""
    with state(ctx).database().transaction() as session:
        store = find_setup(session, contract_id)
        order = store.order(contract_id)
        assert order is not None
        data = {
            "contract_id": contract_id,
            "contract_version": order.contract_version,
            **order.record,
            "findings": order.findings,
        }
    if as_json:
        emit_json(data)
        return
    say(
        f"order for {contract_id} (version {data['contract_version']}), customer "
        f"{data.get('customer_code')}, entity {data.get('entity_code')}, opportunity "
        f"{data.get('opportunity_id') or '-'}"
    )
    table(
        None,
        ["line", "kind", "sku", "product", "model", "qty", "unit price", "amount", "period", "GL"],
        [
            (
                line.get("order_line_id"),
                line.get("kind"),
                line.get("sku"),
                line.get("product_name"),
                line.get("billing_model"),
                line.get("quantity"),
                line.get("unit_price"),
                _money(line.get("amount")),
                _period(line.get("service_period")),
                line.get("gl_revenue"),
            )
            for line in data.get("lines", [])
        ],
    )
    for finding in data["findings"]:
        say(f"   {finding['severity']} {finding['rule_id']}: {finding['message']}")


def _money(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('amount')} {value.get('currency')}"
    return "" if value is None else str(value)


def _period(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('start')}..{value.get('end')}"
    return "" if value is None else str(value)


@project_app.command("show")
def project_show_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The project setup made for a services contract: phases, milestones, rate card, budget."""
    with state(ctx).database().transaction() as session:
        store = find_setup(session, contract_id)
        row = store.project(contract_id)
        if row is None:
            raise InvalidInput(
                f"contract {contract_id!r} has no project (it has no services lines)",
                field="ID",
            )
        data = {"contract_version": row.contract_version, **row.record}
    if as_json:
        emit_json(data)
        return
    ready = "ready for invoicing" if data.get("ready_for_invoicing") else "NOT ready for invoicing"
    say(
        f"project {data.get('project_id')} for {contract_id}: {data.get('name')}, "
        f"{data.get('start')}..{data.get('end')}, {ready}"
    )
    if data.get("readiness_missing"):
        say("   without a fitting schedule item: " + ", ".join(data["readiness_missing"]))
    say(
        f"   budget {data.get('budget_hours')} hours, {_money(data.get('budget_amount'))}; "
        f"not to exceed {_money(data.get('not_to_exceed')) or '-'}"
    )
    table(
        "milestones",
        ["milestone", "name", "amount", "due", "phase"],
        [
            (
                m["milestone_id"],
                m["name"],
                _money(m.get("amount")),
                m.get("due_date"),
                m["phase_id"],
            )
            for m in data.get("milestones", [])
        ],
    )
    table(
        "rate card",
        ["role", "rate", "unit"],
        [(r["role"], _money(r["rate"]), r["unit"]) for r in data.get("rate_card", [])],
    )
