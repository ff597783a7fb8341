"""``billops audit``: read and verify the tamper-evident audit trail."""

from __future__ import annotations

import typer

from billops.adapters.storage import audit_store
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.state import state

app = typer.Typer(help="The audit trail: who changed what, when, and why.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Recompute the hash chain; exit 1 and name the first broken link if anything was altered."""
    with state(ctx).database().transaction() as session:
        report = audit_store.verify(session)
    broken = report.first_broken
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "checked": report.checked,
                "first_broken": None
                if broken is None
                else {"seq": broken.seq, "problem": broken.problem},
            }
        )
    elif broken is None:
        say(f"audit trail intact: {report.checked} records, every link verified")
    else:
        say(
            f"audit trail BROKEN at record {broken.seq}: {broken.problem} "
            f"({report.checked} earlier record{'' if report.checked == 1 else 's'} verified)"
        )
    if broken is not None:
        raise typer.Exit(1)


@app.command("log")
def log(
    ctx: typer.Context,
    entity_type: str | None = typer.Option(
        None, "--type", help="Only this kind: entity, customer, contract."
    ),
    entity_id: str | None = typer.Option(
        None, "--id", help="Only this record (code or contract id)."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="Show the newest N records."),
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON (with before and after images)."
    ),
) -> None:
    """List audit records, newest last."""
    with state(ctx).database().transaction() as session:
        shown, total = audit_store.latest(
            session, limit, entity_type=entity_type, entity_id=entity_id
        )
    if as_json:
        emit_json(
            [
                {
                    "seq": r.seq,
                    "occurred_at": r.occurred_at,
                    "actor": r.actor,
                    "entity_type": r.entity_type,
                    "entity_id": r.entity_id,
                    "action": r.action,
                    "reason": r.reason,
                    "before": r.before,
                    "after": r.after,
                    "hash": r.hash,
                }
                for r in shown
            ]
        )
        return
    table(
        f"audit trail ({len(shown)} of {total})",
        ["seq", "when (UTC)", "actor", "record", "action", "reason"],
        [
            (
                r.seq,
                r.occurred_at[:19].replace("T", " "),
                r.actor,
                f"{r.entity_type} {r.entity_id}",
                r.action,
                r.reason or "",
            )
            for r in shown
        ],
    )
