"""``billops contract set``: a person's correction to extracted terms, as a new version.

    $ billops contract set OF-2025-0142 payment_terms.net_days 30 --reason "Net 30 per page 2"
    OF-2025-0142: payment_terms.net_days 45 -> 30; new version 3 (was 2)

FIELD is a field path as provenance spells it (``currency``,
``payment_terms.net_days``, ``lines[0].unit_price``); VALUE is text that the
contract model converts (``30``, ``960.00``, ``2026-01-31``, ``true``),
``null`` to clear a value, or JSON for a whole part
(``payment_terms '{"net_days": 30}'``). The whole terms are validated again;
a bad path or value is one error naming it, and nothing is saved. The field's
source becomes ``extractor: human`` with the reason, and a correction record
is kept for ``billops intake corrections``. Setting a value the field
already holds changes nothing.
"""

from __future__ import annotations

import json

import typer

from billops.interfaces.cli.contract import app
from billops.interfaces.cli.output import emit_json, say
from billops.interfaces.cli.state import state
from billops.workflows.intake import correct_field


# A negative number is a value to refuse with the model's message, not an
# unknown option: `contract set X lines[0].quantity -5` must name the field.
@app.command("set", context_settings={"ignore_unknown_options": True})
def set_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    field: str = typer.Argument(..., help="Field path, e.g. lines[0].unit_price."),
    value: str = typer.Argument(..., help="New value; null clears it; JSON for a whole part."),
    reason: str = typer.Option(..., "--reason", help="Why, for the audit trail (required)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Correct one value of a contract's terms; saved as a new version with its reason."""
    app_state = state(ctx)
    outcome = correct_field(
        app_state.database(),
        contract_id,
        field,
        value,
        reason=reason,
        actor=app_state.settings.actor,
    )
    if as_json:
        emit_json(
            {
                "contract_id": outcome.contract_id,
                "field": outcome.field,
                "before": outcome.before,
                "after": outcome.after,
                "changed": outcome.changed,
                "version": outcome.version,
                "previous_version": outcome.previous_version,
            }
        )
        return
    if not outcome.changed:
        say(
            f"{contract_id}: {field} already holds {_shown(outcome.after)}; "
            f"unchanged (version {outcome.version})"
        )
        return
    say(
        f"{contract_id}: {field} {_shown(outcome.before)} -> {_shown(outcome.after)}; "
        f"new version {outcome.version} (was {outcome.previous_version})"
    )


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


__all__ = ["app"]
