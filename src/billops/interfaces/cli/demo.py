"""``billops demo``: the fictional company, end to end."""

from __future__ import annotations

from pathlib import Path

import typer

from billops.adapters.storage.database import open_database
from billops.interfaces.cli.contract import render_portfolio
from billops.interfaces.cli.output import TerminalProgress, say
from billops.workflows.contracts import portfolio

app = typer.Typer(help="Run the demo company through every step that exists.", no_args_is_help=True)


@app.command("run")
def run(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the artifacts."),
    customers: int = typer.Option(50, "--customers", min=1, max=1_000_000),
    seed: int = typer.Option(2026, "--seed"),
) -> None:
    """Generate the demo company into OUT, load it into OUT/billops.db, summarise."""
    from billops.workflows.demo import run_demo  # the generator is only loaded when asked for

    with TerminalProgress() as progress:
        report = run_demo(out, customers=customers, seed=seed, say=say, progress=progress)
    say("")
    database = open_database(f"sqlite:///{out / 'billops.db'}")
    try:
        render_portfolio(database, portfolio(database))
    finally:
        database.dispose()
    say("")
    say(
        f"demo done: {report.entities} entities, {report.customers} customers, "
        f"{report.contracts} contracts, {report.audit_records} audit records "
        f"(chain {'intact' if report.audit_ok else 'BROKEN'}); artifacts in {out}/"
    )
    say(f"explore it: BILLOPS_DB_PATH={out}/billops.db billops contract list")
    if not report.audit_ok:
        raise typer.Exit(1)
