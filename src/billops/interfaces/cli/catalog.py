"""``billops catalog``: load the product catalogue, export it, list and show products."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from billops.adapters.catalog_files import catalogue_to_yaml, export_catalogue, load_catalogue
from billops.adapters.storage.setup_store import CatalogStore
from billops.domain.catalog import parse_catalogue
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.state import state

__all__ = ["app"]

app = typer.Typer(
    help="Product catalogue: import from YAML/CSV, export, list, show one SKU.",
    no_args_is_help=True,
)


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Catalogue file: .yaml, .yml, .json or .csv."),
    reason: str | None = typer.Option(None, "--reason", help="Why, for the audit trail."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Validate the whole file, then store each product (new or changed ones only)."""
    catalogue = load_catalogue(file)
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        outcome = CatalogStore(session, app_state.settings.actor).save(
            catalogue.records(), reason=reason or f"catalogue import from {file.name}"
        )
    data = {
        "created": len(outcome.created),
        "updated": len(outcome.updated),
        "unchanged": len(outcome.unchanged),
    }
    if as_json:
        emit_json(data)
        return
    say(
        f"{file.name}: {data['created']} products created, {data['updated']} updated, "
        f"{data['unchanged']} unchanged"
    )


@app.command("export")
def export_command(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None, help="Where to write (.yaml or .csv); YAML to stdout when left out."
    ),
) -> None:
    """Write the stored catalogue as YAML or CSV (by the file's suffix)."""
    with state(ctx).database().transaction() as session:
        catalogue = parse_catalogue(CatalogStore(session, "reader").records())
    if file is None:
        sys.stdout.write(catalogue_to_yaml(catalogue))
        return
    export_catalogue(catalogue, file)
    say(f"{len(catalogue)} products written to {file}")


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the stored products."""
    with state(ctx).database().transaction() as session:
        records = CatalogStore(session, "reader").records()
    if as_json:
        emit_json(records)
        return
    rows = []
    for r in records:
        prices = r.get("list_price") or {}
        rows.append(
            (
                r["sku"],
                r.get("name"),
                r.get("billing_model"),
                r.get("unit"),
                ", ".join(f"{cur} {amount}" for cur, amount in sorted(prices.items())),
                "bundle" if r.get("components") else "",
            )
        )
    table(
        f"catalogue ({len(rows)} products)",
        ["sku", "name", "billing model", "unit", "list price", ""],
        rows,
    )


@app.command("show")
def show_command(
    ctx: typer.Context,
    sku: str = typer.Argument(..., help="The product's SKU."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one product's whole record."""
    with state(ctx).database().transaction() as session:
        record = CatalogStore(session, "reader").get(sku)
    if as_json:
        emit_json(record)
        return
    for key, value in record.items():
        if value not in (None, [], {}, ""):
            say(f"{key}: {value}")
