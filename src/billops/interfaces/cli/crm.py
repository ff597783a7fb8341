"""``billops crm import``: CRM opportunities for the contract cross-check.

From a Salesforce report export (CSV: opportunities, optionally their
products and accounts) or straight from Salesforce's REST API
(``--salesforce``, configured by the ``SF_*`` variables; see
``billops.adapters.crm.salesforce``):

    $ billops crm import crm/opportunities.csv --line-items crm/opportunity_line_items.csv \\
        --accounts crm/accounts.csv
    crm/opportunities.csv: 103 opportunities: 103 created, 0 updated, 0 unchanged

Opportunities are stored by their id: importing the same export again
changes nothing; a changed opportunity is updated (audited). A bad file
(missing column, unreadable encoding, a number or date that is not one)
is one error naming the file, row and column, and nothing is stored.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer

from billops.domain.crm import Opportunity
from billops.errors import InvalidInput
from billops.interfaces.cli.output import emit_json, errors, say
from billops.interfaces.cli.state import state
from billops.workflows.validation import import_opportunities

app = typer.Typer(
    help="CRM: import opportunities (Salesforce report CSV or REST).", no_args_is_help=True
)


@app.command("import")
def import_command(
    ctx: typer.Context,
    opportunities_csv: Path | None = typer.Argument(
        None, help="Opportunities report export (CSV)."
    ),
    line_items: Path | None = typer.Option(
        None, "--line-items", help="Opportunity products export (CSV)."
    ),
    accounts: Path | None = typer.Option(None, "--accounts", help="Accounts export (CSV)."),
    salesforce: bool = typer.Option(
        False, "--salesforce", help="Fetch Closed Won opportunities from Salesforce (SF_* env)."
    ),
    since: str | None = typer.Option(
        None, "--since", help="With --salesforce: closed on or after this date (YYYY-MM-DD)."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why, for the audit trail."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Store CRM opportunities (upsert by id); the same data again changes nothing."""
    if salesforce == (opportunities_csv is not None):
        raise InvalidInput(
            "give either an opportunities CSV file or --salesforce",
            field="OPPORTUNITIES_CSV",
            hint="billops crm import opportunities.csv [--line-items F] [--accounts F], "
            "or billops crm import --salesforce",
        )
    if salesforce:
        if line_items is not None or accounts is not None:
            raise InvalidInput(
                "--line-items and --accounts are for CSV files, not --salesforce",
                field="--salesforce",
            )
        opportunities, source = _from_salesforce(since)
    else:
        assert opportunities_csv is not None
        if since is not None:
            raise InvalidInput("--since is for --salesforce only", field="--since", value=since)
        from billops.adapters.crm.csv_export import read_export

        export = read_export(opportunities_csv, line_items, accounts)
        for note in export.warnings:
            errors.print(f"note: {note}", markup=False)
        opportunities, source = list(export.opportunities), str(opportunities_csv)
    app_state = state(ctx)
    summary = import_opportunities(
        app_state.database(),
        opportunities,
        actor=app_state.settings.actor,
        source=source,
        reason=reason,
    )
    if as_json:
        emit_json(
            {
                "source": source,
                "opportunities": len(opportunities),
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            }
        )
        return
    say(
        f"{source}: {len(opportunities)} opportunities: {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged"
    )


def _from_salesforce(since: str | None) -> tuple[list[Opportunity], str]:
    from billops.adapters.crm.salesforce import SalesforceSource

    since_date = None
    if since is not None:
        try:
            since_date = date.fromisoformat(since)
        except ValueError:
            raise InvalidInput(
                "not a date (write it as YYYY-MM-DD)", field="--since", value=since
            ) from None
    source = SalesforceSource.from_env(os.environ)
    if source is None:
        raise InvalidInput(
            "Salesforce is not configured",
            field="environment",
            hint="set SF_INSTANCE_URL and SF_ACCESS_TOKEN (or SF_USERNAME, SF_PASSWORD and "
            "SF_SECURITY_TOKEN); see docs/crm.md",
        )
    return source.fetch_opportunities(since=since_date), source.where
