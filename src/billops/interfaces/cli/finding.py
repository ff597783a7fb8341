"""``billops finding``: list findings; waive one with a reason (maker-checker).

    $ billops finding list --contract OF-2025-0142 --status open
    $ BILLOPS_ACTOR=lee billops finding waive 7 --reason "discount approved by deal desk, DD-142"
    finding 7 (COMMERCIAL-DISCOUNT on OF-2025-0142 v1) waived by lee

A waiver needs a reason and an approver who did not make the contract's
current version; it is written to the audit trail and closes the
finding's work-queue task.
"""

from __future__ import annotations

import typer

from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.state import state
from billops.workflows.validation import list_findings, waive_finding

app = typer.Typer(help="Findings: waive with a reason (maker-checker), list.", no_args_is_help=True)


@app.command("list")
def list_command(
    ctx: typer.Context,
    contract_id: str | None = typer.Option(None, "--contract", help="One contract's findings."),
    status: str | None = typer.Option(None, "--status", help="open, resolved or waived."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List stored findings (every version), optionally of one contract or status."""
    findings = list_findings(state(ctx).database(), contract_id=contract_id, status=status)
    if as_json:
        emit_json([f.as_dict() for f in findings])
        return
    table(
        f"findings ({len(findings)})",
        ["id", "contract", "version", "severity", "rule", "status", "queue", "message"],
        [
            (
                f.finding_id,
                f.contract_id,
                f.contract_version,
                f.severity.value,
                f.rule_id,
                f.status,
                f.finding.route,
                f.finding.message,
            )
            for f in findings
        ],
    )


@app.command("waive")
def waive_command(
    ctx: typer.Context,
    finding_id: int = typer.Argument(..., help="The finding's id (billops finding list)."),
    reason: str = typer.Option(..., "--reason", help="Why it is acceptable (required)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Accept an open finding; the approver must not be the contract version's maker."""
    app_state = state(ctx)
    waived = waive_finding(
        app_state.database(), finding_id, approver=app_state.settings.actor, reason=reason
    )
    if as_json:
        emit_json(waived.as_dict())
        return
    say(
        f"finding {waived.finding_id} ({waived.rule_id} on {waived.contract_id} "
        f"v{waived.contract_version}) waived by {app_state.settings.actor}"
    )
