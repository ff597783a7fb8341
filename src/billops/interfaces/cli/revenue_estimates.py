"""``billops revenue estimate / variable / estimates``: finance's estimates for the revenue run.

    $ billops revenue estimate NWDE-SOW-000104 --obligation L1 --total 180 \\
          --incurred 60 --as-of 2026-10-31 --reason "PM estimate at completion, Oct"
    NWDE-SOW-000104 effort L1 as of 2026-10-31: recorded
    $ billops revenue variable SOW-7 --name "go-live bonus" --method most_likely_amount \\
          --outcome 20000:0.8 --outcome 0:0.2 --obligation L1 --reason "on plan, PM"
    $ billops revenue estimates NWDE-SOW-000104

``register(app)`` adds the commands to the ``revenue`` group. Exit codes: 0
recorded (or recorded already); 2 bad input, nothing saved. Who records is
``BILLOPS_ACTOR``. The next ``billops revenue run`` uses the estimates dated
on or before its month's last day; a change is caught up in that month.
"""

from __future__ import annotations

import typer

from billops.errors import InvalidInput
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.setup import AS_OF_HELP, _as_of
from billops.interfaces.cli.state import state
from billops.workflows.revenue_estimates import (
    EFFORT_UNITS,
    Recorded,
    contract_estimates,
    record_effort,
    record_variable,
)

__all__ = ["register"]


def _said(recorded: Recorded, as_json: bool) -> None:
    if as_json:
        emit_json(recorded.as_dict())
        return
    verdict = (
        "recorded already (nothing changed)"
        if not recorded.changed
        else "replaced the estimate of the same date"
        if recorded.replaced
        else "recorded"
    )
    say(f"{recorded.contract_id} {recorded.kind} {recorded.name} as of {recorded.as_of}: {verdict}")


def estimate_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="A set-up contract's id."),
    obligation: str = typer.Option(..., "--obligation", help="The input-method obligation."),
    total: str = typer.Option(..., "--total", help="Estimated total effort (hours or cost)."),
    unit: str = typer.Option("hours", "--unit", help=f"One of {', '.join(EFFORT_UNITS)}."),
    incurred: str | None = typer.Option(
        None,
        "--incurred",
        help="Effort incurred by --as-of (needed for cost; hours default to approved time).",
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    reason: str = typer.Option(..., "--reason", help="Why: the source of the estimate."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record an input-method obligation's estimated total effort (a progress report)."""
    app_state = state(ctx)
    recorded = record_effort(
        app_state.database(),
        contract_id,
        obligation,
        estimated_total=total,
        unit=unit,
        incurred=incurred,
        as_of=_as_of(as_of),
        reason=reason,
        actor=app_state.settings.actor,
    )
    _said(recorded, as_json)


def _outcome(text: str, index: int) -> tuple[str, str]:
    amount, sep, probability = text.partition(":")
    if not sep or not amount.strip() or not probability.strip():
        raise InvalidInput(
            "an outcome is AMOUNT:PROBABILITY, e.g. 20000:0.8",
            field=f"--outcome[{index}]",
            value=text,
        )
    return amount.strip(), probability.strip()


def variable_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="A set-up contract's id."),
    name: str = typer.Option(..., "--name", help="What it is: a bonus, a penalty, a rebate."),
    method: str = typer.Option(
        ..., "--method", help="expected_value or most_likely_amount (IFRS 15.53)."
    ),
    outcome: list[str] = typer.Option(
        ..., "--outcome", help="AMOUNT:PROBABILITY, one per possible outcome (repeatable)."
    ),
    obligation: list[str] = typer.Option(
        [], "--obligation", help="An obligation it relates to entirely (IFRS 15.85; repeatable)."
    ),
    highly_probable: str | None = typer.Option(
        None,
        "--highly-probable",
        help="The analyst's constraint: the amount highly probable not to reverse.",
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    reason: str = typer.Option(..., "--reason", help="Why: the basis of the estimate."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record an estimate of variable consideration (a bonus, a penalty)."""
    app_state = state(ctx)
    recorded = record_variable(
        app_state.database(),
        contract_id,
        name,
        method=method,
        outcomes=[_outcome(text, i) for i, text in enumerate(outcome)],
        obligation_ids=obligation,
        highly_probable_amount=highly_probable,
        as_of=_as_of(as_of),
        reason=reason,
        actor=app_state.settings.actor,
    )
    _said(recorded, as_json)


def estimates_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="A set-up contract's id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The estimates recorded for a contract, oldest first."""
    found = contract_estimates(state(ctx).database(), contract_id)
    if as_json:
        emit_json(found.as_dict())
        return
    rows = []
    for item in found.as_dict():
        estimate = item["estimate"]
        if item["kind"] == "effort":
            what = f"{estimate['estimated_total']} {estimate['unit']} in total" + (
                f", {estimate['incurred']} incurred"
                if estimate.get("incurred") is not None
                else ", incurred: approved time"
            )
        else:
            outcomes = ", ".join(
                f"{o['amount']} at {o['probability']}" for o in estimate["outcomes"]
            )
            what = f"{estimate['method']}: {outcomes}"
        rows.append((item["as_of"], item["kind"], item["name"], what, item["reason"]))
    table(
        f"revenue estimates of {contract_id}",
        ["as of", "kind", "obligation / name", "estimate", "reason"],
        rows,
    )
    if not rows:
        say("   none recorded")


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_command)
    app.command("variable")(variable_command)
    app.command("estimates")(estimates_command)
