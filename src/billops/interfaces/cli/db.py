"""``billops db``: the database schema."""

from __future__ import annotations

import typer

from billops.adapters.storage.database import (
    current_revision,
    display_url,
    head_revision,
    make_engine,
    upgrade,
)
from billops.interfaces.cli.output import emit_json, say
from billops.interfaces.cli.state import state

app = typer.Typer(
    help="The database: migrate it to this billops's schema, show where it is.",
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """Apply every Alembic migration the database has not had yet (safe to re-run)."""
    engine = make_engine(state(ctx).settings.database_url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    where = display_url(engine.url)
    if before == after:
        say(f"{where}: already at migration {after}")
    else:
        say(f"{where}: migrated {before or '(empty)'} -> {after}")


@app.command("status")
def status_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Show the database's migration and the one this billops needs."""
    engine = make_engine(state(ctx).settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    data = {
        "database": display_url(engine.url),
        "current": current,
        "head": head,
        "up_to_date": current == head,
    }
    if as_json:
        emit_json(data)
    else:
        flag = "up to date" if current == head else "behind: run `billops db upgrade`"
        say(f"{data['database']}: migration {current or '(none)'}; needs {head} ({flag})")
