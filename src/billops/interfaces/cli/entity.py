"""``billops entity``: the legal entities that sign contracts and issue invoices."""

from __future__ import annotations

import typer

from billops.adapters.storage.repositories import LegalEntities
from billops.domain.parties import LegalEntity
from billops.interfaces.cli import records
from billops.workflows.parties import import_entities

app = typer.Typer(
    help="Legal entities: add, update, list, show, delete, import.", no_args_is_help=True
)

REASON = typer.Option(None, "--reason", help="Why, for the audit trail.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Option(..., "--code", help="Unique code, e.g. NWUS."),
    name: str = typer.Option(..., "--name", help="Registered legal name."),
    country: str = typer.Option(..., "--country", help="ISO 3166 country, e.g. US."),
    currency: str = typer.Option(..., "--currency", help="Functional currency, e.g. USD."),
    invoice_prefix: str = typer.Option(..., "--invoice-prefix", help="Invoice number prefix."),
    tax_id: str | None = typer.Option(None, "--tax-id", help="SCHEME:VALUE, e.g. vat:DE..."),
    fiscal_year_start_month: int = typer.Option(1, "--fiscal-year-start", help="Month 1-12."),
    rounding_mode: str = typer.Option("half_up", "--rounding", help="half_up, half_even, ..."),
    locale: str = typer.Option("en_US", "--locale", help="e.g. en_US, de_DE."),
    reason: str | None = REASON,
) -> None:
    """Add a legal entity."""
    data = records.drop_none(
        {
            "code": code,
            "name": name,
            "country": country,
            "currency": currency,
            "invoice_prefix": invoice_prefix,
            "tax_id": records.parse_tax_id(tax_id) if tax_id else None,
            "fiscal_year_start_month": fiscal_year_start_month,
            "rounding_mode": rounding_mode,
            "locale": locale,
        }
    )
    records.add_record(ctx, LegalEntities, LegalEntity, data, reason)


@app.command("update")
def update(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The entity's code."),
    name: str | None = typer.Option(None, "--name"),
    country: str | None = typer.Option(None, "--country"),
    currency: str | None = typer.Option(None, "--currency"),
    invoice_prefix: str | None = typer.Option(None, "--invoice-prefix"),
    tax_id: str | None = typer.Option(None, "--tax-id", help="SCHEME:VALUE"),
    fiscal_year_start_month: int | None = typer.Option(None, "--fiscal-year-start"),
    rounding_mode: str | None = typer.Option(None, "--rounding"),
    locale: str | None = typer.Option(None, "--locale"),
    reason: str | None = REASON,
) -> None:
    """Change some fields of a legal entity (only those given)."""
    changes = records.drop_none(
        {
            "name": name,
            "country": country,
            "currency": currency,
            "invoice_prefix": invoice_prefix,
            "tax_id": records.parse_tax_id(tax_id) if tax_id else None,
            "fiscal_year_start_month": fiscal_year_start_month,
            "rounding_mode": rounding_mode,
            "locale": locale,
        }
    )
    records.update_record(ctx, LegalEntities, LegalEntity, code, changes, reason)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List legal entities."""
    records.list_records(
        ctx,
        LegalEntities,
        ["code", "name", "country", "currency", "prefix", "FY start", "locale"],
        lambda e: (
            e.code,
            e.name,
            e.country,
            e.currency,
            e.invoice_prefix,
            e.fiscal_year_start_month,
            e.locale,
        ),
        as_json,
    )


records.add_common_commands(app, LegalEntities, import_entities, "entities")
