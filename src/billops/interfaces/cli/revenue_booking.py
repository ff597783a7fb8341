"""``billops revenue ready / judge / approve-judgement / book``: booking an order for revenue.

    $ billops revenue ready OF-2026-001
    OF-2026-001 v1: not ready to book: 1 of 7 criteria missing (combination window 30 days)
    ┃ criterion                ┃ status  ┃ evidence ...
    │ REV-READY-COLLECTABILITY │ missing │ Globex Corporation (globex) has no credit assessment ...
    problems found: ...
    $ echo $?
    1
    $ BILLOPS_ACTOR=maria billops revenue judge OF-2026-001 --criterion collectability \\
          --reason "50 % deposit received; parent guarantee G-17"
    $ BILLOPS_ACTOR=carl billops revenue approve-judgement OF-2026-001 --criterion collectability
    $ BILLOPS_ACTOR=carl billops revenue book OF-2026-001
    OF-2026-001 v1 booked by carl

``register(app)`` adds the commands to the ``revenue`` group. Exit codes:
0 ready / done; 1 ``ready`` found criteria missing; 2 bad input or a
refused judgement, approval or booking (nothing saved). Who acts is
``BILLOPS_ACTOR``: the approver of a judgement must not be its maker.
"""

from __future__ import annotations

from datetime import date, datetime

import typer

from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.policy import policy_source
from billops.interfaces.cli.state import state
from billops.workflows.revenue_booking import (
    BookingReadiness,
    approve_judgement,
    book,
    booking_readiness_of,
    judge,
)

__all__ = ["register"]


def _today() -> date:
    """Today in the local time zone of whoever runs the command."""
    return datetime.now().astimezone().date()


def _print_readiness(result: BookingReadiness) -> None:
    missing = result.readiness.missing
    total = len(result.readiness.criteria)
    if result.booking is not None:
        verdict = (
            f"booked (version {result.booking.contract_version}) by {result.booking.booked_by} "
            f"on {result.booking.booked_at:%Y-%m-%d %H:%M} UTC"
        )
    elif missing:
        verdict = f"not ready to book: {len(missing)} of {total} criteria missing"
    else:
        verdict = "ready to book: every criterion met or judged"
    say(
        f"{result.contract_id} v{result.version}: {verdict} "
        f"(combination window {result.combination_window_days} days)"
    )
    table(
        None,
        ["criterion", "status", "evidence"],
        [(c.criterion_id, c.status.value, c.explanation) for c in result.readiness.criteria],
    )
    for checked in missing:
        if checked.hint:
            say(f"  {checked.criterion_id}: to do: {checked.hint}")
    if result.booking is None and not missing:
        if result.order_version is None:
            say(f"  no order yet: `billops setup {result.contract_id}` before booking")
        elif result.order_version != result.version:
            say(
                f"  the order was set up from version {result.order_version}: "
                f"`billops setup {result.contract_id}` again before booking"
            )


def ready_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print which booking criteria (ASC 606 / IFRS 15 step 1) are met, missing or judged."""
    result = booking_readiness_of(
        state(ctx).database(), contract_id, policy=policy_source(), as_of=_today()
    )
    missing = result.readiness.missing
    if as_json:
        emit_json(result.as_dict())
    else:
        _print_readiness(result)
    if missing and result.booking is None:
        if not as_json:
            say(
                f"problems found: {len(missing)} criteri{'a' if len(missing) > 1 else 'on'} "
                "missing; fix the contract or customer, or record a judgement "
                f"(`billops revenue judge {contract_id} --criterion ID --reason ...`) for a "
                "second person to approve"
            )
        raise typer.Exit(1)


def judge_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    criterion: str = typer.Option(
        ..., "--criterion", help="The missing criterion, e.g. REV-READY-COLLECTABILITY."
    ),
    reason: str = typer.Option(..., "--reason", help="The judgement and its grounds (required)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record your judgement on a missing criterion; a second person approves it."""
    app_state = state(ctx)
    outcome = judge(
        app_state.database(),
        contract_id,
        criterion=criterion,
        reason=reason,
        actor=app_state.settings.actor,
        policy=policy_source(),
        as_of=_today(),
    )
    stored = outcome.judgement
    if as_json:
        emit_json(outcome.as_dict())
        return
    if not outcome.changed:
        say(
            f"{stored.criterion} on {contract_id} v{stored.contract_version}: the same judgement "
            f"by {stored.made_by} is already recorded (nothing changed)"
        )
        return
    say(
        f"{stored.criterion} on {contract_id} v{stored.contract_version}: judgement recorded by "
        f"{stored.made_by}; a second person approves it with `billops revenue approve-judgement "
        f"{contract_id} --criterion {stored.criterion}`"
    )


def approve_judgement_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    criterion: str = typer.Option(..., "--criterion", help="The judged criterion."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Approve a colleague's judgement (maker-checker: not your own)."""
    app_state = state(ctx)
    outcome = approve_judgement(
        app_state.database(),
        contract_id,
        criterion=criterion,
        approver=app_state.settings.actor,
    )
    stored = outcome.judgement
    if as_json:
        emit_json(outcome.as_dict())
        return
    if outcome.changed:
        say(
            f"{stored.criterion} on {contract_id} v{stored.contract_version}: judgement by "
            f"{stored.made_by} approved by {stored.approved_by}"
        )
    else:
        say(
            f"{stored.criterion} on {contract_id} v{stored.contract_version}: already approved "
            f"by {stored.approved_by} (nothing changed)"
        )


def book_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Book the contract's order for revenue: every criterion met or judged (audited)."""
    app_state = state(ctx)
    outcome = book(
        app_state.database(),
        contract_id,
        actor=app_state.settings.actor,
        policy=policy_source(),
        as_of=_today(),
    )
    booking = outcome.booking
    if as_json:
        emit_json(outcome.as_dict())
        return
    if outcome.created:
        say(f"{contract_id} v{booking.contract_version} booked by {booking.booked_by}")
    else:
        say(
            f"{contract_id} v{booking.contract_version} was already booked by "
            f"{booking.booked_by} on {booking.booked_at:%Y-%m-%d %H:%M} UTC (nothing changed)"
        )


def register(app: typer.Typer) -> None:
    """Add ``ready``, ``judge``, ``approve-judgement`` and ``book`` to ``app``."""
    app.command("ready")(ready_command)
    app.command("judge")(judge_command)
    app.command("approve-judgement")(approve_judgement_command)
    app.command("book")(book_command)
