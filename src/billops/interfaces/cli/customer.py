"""``billops customer``: the accounts that receive invoices."""

from __future__ import annotations

from typing import Any

import typer

from billops.adapters.storage.repositories import Customers
from billops.domain.parties import Customer
from billops.interfaces.cli import records
from billops.workflows.parties import import_customers

app = typer.Typer(help="Customers: add, update, list, show, delete, import.", no_args_is_help=True)

REASON = typer.Option(None, "--reason", help="Why, for the audit trail.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _address(
    line1: str | None,
    city: str | None,
    postal_code: str | None,
    region: str | None,
    country: str | None,
) -> list[dict[str, Any]] | None:
    if country is None:
        return None
    return [
        records.drop_none(
            {
                "kind": "billing",
                "line1": line1,
                "city": city,
                "postal_code": postal_code,
                "region": region,
                "country": country,
            }
        )
    ]


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Option(..., "--code", help="Unique customer code."),
    name: str = typer.Option(..., "--name", help="Legal name, as invoiced."),
    country: str | None = typer.Option(None, "--country", help="Billing address country."),
    line1: str | None = typer.Option(None, "--street", help="Billing address street line."),
    city: str | None = typer.Option(None, "--city"),
    postal_code: str | None = typer.Option(None, "--postal-code"),
    region: str | None = typer.Option(None, "--region"),
    tax_ids: list[str] | None = typer.Option(None, "--tax-id", help="SCHEME:VALUE (repeatable)."),
    contacts: list[str] | None = typer.Option(
        None, "--contact", help="'Name <email>' (repeatable)."
    ),
    po_required: bool = typer.Option(False, "--po-required/--no-po-required"),
    payment_terms_days: int = typer.Option(30, "--payment-terms-days"),
    currency: str | None = typer.Option(None, "--currency", help="Default currency."),
    einvoice_endpoint: str | None = typer.Option(None, "--einvoice-endpoint", help="Peppol id."),
    reason: str | None = REASON,
) -> None:
    """Add a customer."""
    data = records.drop_none(
        {
            "code": code,
            "name": name,
            "addresses": _address(line1, city, postal_code, region, country),
            "tax_ids": [records.parse_tax_id(t) for t in tax_ids or []],
            "billing_contacts": [records.parse_contact(c) for c in contacts or []],
            "po_required": po_required,
            "payment_terms_days": payment_terms_days,
            "default_currency": currency,
            "einvoice_endpoint": einvoice_endpoint,
        }
    )
    records.add_record(ctx, Customers, Customer, data, reason)


@app.command("update")
def update(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The customer's code."),
    name: str | None = typer.Option(None, "--name"),
    tax_ids: list[str] | None = typer.Option(None, "--tax-id", help="Replaces all tax ids."),
    contacts: list[str] | None = typer.Option(None, "--contact", help="Replaces all contacts."),
    po_required: bool | None = typer.Option(None, "--po-required/--no-po-required"),
    payment_terms_days: int | None = typer.Option(None, "--payment-terms-days"),
    currency: str | None = typer.Option(None, "--currency"),
    einvoice_endpoint: str | None = typer.Option(None, "--einvoice-endpoint"),
    reason: str | None = REASON,
) -> None:
    """Change some fields of a customer (only those given)."""
    changes = records.drop_none(
        {
            "name": name,
            "tax_ids": [records.parse_tax_id(t) for t in tax_ids] if tax_ids else None,
            "billing_contacts": [records.parse_contact(c) for c in contacts] if contacts else None,
            "po_required": po_required,
            "payment_terms_days": payment_terms_days,
            "default_currency": currency,
            "einvoice_endpoint": einvoice_endpoint,
        }
    )
    records.update_record(ctx, Customers, Customer, code, changes, reason)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List customers."""
    records.list_records(
        ctx,
        Customers,
        ["code", "name", "country", "PO req.", "terms", "tax ids"],
        lambda c: (
            c.code,
            c.name,
            c.billing_address.country if c.billing_address else "",
            "yes" if c.po_required else "",
            f"net {c.payment_terms_days}",
            ", ".join(t.value for t in c.tax_ids),
        ),
        as_json,
    )


records.add_common_commands(app, Customers, import_customers, "customers")
