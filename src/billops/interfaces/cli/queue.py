"""``billops queue list``: the work queues: open tasks per role, with SLA due times.

Every open error or warning finding waits as a task on its route's queue
(billing, finance, sales_ops, legal, tax, deal_desk), due the policy's SLA
hours after it was raised. Overdue tasks are flagged:

    $ billops queue list --role finance
    ┃ task ┃ role    ┃ contract ┃ finding ┃ rule ┃ due              ┃ overdue ┃ message ┃
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from billops.domain.findings import Route
from billops.errors import InvalidInput
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.policy import policy_source
from billops.interfaces.cli.state import state
from billops.workflows.billing_holds import hold_tasks
from billops.workflows.validation import list_tasks

app = typer.Typer(
    help="Work queues: open tasks per role, with SLA due times.", no_args_is_help=True
)


@app.command("list")
def list_command(
    ctx: typer.Context,
    role: str | None = typer.Option(
        None, "--role", help="One role's queue: " + ", ".join(r.value for r in Route) + "."
    ),
    include_done: bool = typer.Option(False, "--all", help="Include done tasks."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List open tasks, soonest due first, with their due time and overdue flag."""
    roles = [r.value for r in Route]
    if role is not None and role not in roles:
        raise InvalidInput("no such role", field="--role", value=role, hint=", ".join(roles))
    tasks = list_tasks(state(ctx).database(), route=role, include_done=include_done)
    now = datetime.now(UTC)
    if as_json:
        holds = hold_tasks(state(ctx).database(), policy_source(), route=role)
        emit_json([t.as_dict(now) for t in tasks] + [h.as_dict(now) for h in holds])
        return
    table(
        f"work queue{' ' + role if role else ''}: {len(tasks)} task(s)",
        [
            "task",
            "role",
            "contract",
            "finding",
            "severity",
            "rule",
            "due (UTC)",
            "overdue",
            "status",
        ],
        [
            (
                t.task_id,
                t.route,
                t.contract_id,
                t.finding_id,
                t.severity,
                t.rule_id,
                f"{t.due_at:%Y-%m-%d %H:%M}",
                "OVERDUE" if t.overdue(now) else "",
                t.status,
            )
            for t in tasks
        ],
    )
    holds = hold_tasks(state(ctx).database(), policy_source(), route=role)
    if holds:
        table(
            f"held invoices{' on ' + role if role else ''}: {len(holds)} task(s)",
            ["invoice", "role", "customer", "check", "due (UTC)", "overdue", "message"],
            [
                (
                    h.reference,
                    h.route,
                    h.customer,
                    h.check_id,
                    f"{h.due_at:%Y-%m-%d %H:%M}",
                    "OVERDUE" if h.overdue(now) else "",
                    h.message,
                )
                for h in holds
            ],
        )
        say("release them with `billops invoice release REF` once the data is fixed")
