"""``billops contract``: import contract terms and read their versions."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import typer

from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, LegalEntities
from billops.domain.contract import terms_changes
from billops.domain.l10n import format_amount, format_money, format_unit_price
from billops.domain.money import Money
from billops.errors import InvalidInput
from billops.interfaces.cli.output import TerminalProgress, emit_json, say, table
from billops.interfaces.cli.state import state
from billops.workflows.contracts import PortfolioRow, import_contracts, portfolio

app = typer.Typer(
    help="Contracts: import terms from JSON/YAML, list, show, versions, diff, summary.",
    no_args_is_help=True,
)


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Contract terms files (.json, .yaml, .yml)."),
    reason: str | None = typer.Option(None, "--reason", help="Why, for the audit trail."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Validate and store contracts; all files or none. Same terms again store nothing."""
    app_state = state(ctx)
    with TerminalProgress() as progress:
        outcomes = import_contracts(
            app_state.database(),
            files,
            actor=app_state.settings.actor,
            reason=reason,
            progress=progress,
        )
    if as_json:
        emit_json(
            [
                {
                    "contract_id": o.contract_id,
                    "version": o.version,
                    "created": o.created,
                    "previous_version": o.previous_version,
                }
                for o in outcomes
            ]
        )
        return
    for o in outcomes:
        if not o.created:
            say(f"{o.contract_id}: unchanged (version {o.version} already holds these terms)")
        elif o.previous_version is None:
            say(f"{o.contract_id}: imported as version 1")
        else:
            say(f"{o.contract_id}: new version {o.version} (was {o.previous_version})")


@app.command("list")
def list_command(
    ctx: typer.Context,
    customer: str | None = typer.Option(None, "--customer", help="Customer code or name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List stored contracts with their current version."""
    with state(ctx).database().transaction() as session:
        rows = Contracts(session, "reader").list(customer)
        data = [
            {
                "contract_id": r.contract_id,
                "document_type": r.document_type,
                "customer": r.customer_name,
                "customer_code": r.customer_code,
                "supplier": r.supplier_code,
                "currency": r.currency,
                "version": r.current_version,
            }
            for r in rows
        ]
    if as_json:
        emit_json(data)
        return
    table(
        f"contracts ({len(data)})",
        ["contract", "type", "customer", "currency", "version"],
        [
            (d["contract_id"], d["document_type"], d["customer"], d["currency"], d["version"])
            for d in data
        ],
    )


@app.command("show")
def show_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    version: int | None = typer.Option(None, "--version", min=1, help="An older version."),
    as_json: bool = typer.Option(False, "--json", help="Print the terms as JSON."),
) -> None:
    """Show one contract's terms (the current version unless --version), with their sources."""
    from billops.adapters.storage.documents import Extractions
    from billops.interfaces.cli.intake import print_sources

    with state(ctx).database().transaction() as session:
        stored = Contracts(session, "reader").get(contract_id, version)
        locale = _locale_of(LegalEntities(session, "reader"), stored.terms.supplier.code or "")
        intake = [
            {
                "document": e.document_name,
                "sha256": e.document_sha256,
                "status": e.status,
                "version": e.contract_version,
                "missing": e.result.get("missing", []),
                "findings": [f.get("message") for f in e.result.get("findings", [])],
            }
            for e in Extractions(session, "reader").for_contract(contract_id)
        ]
    terms = stored.terms

    def amount(value: Decimal | None) -> str:
        return "" if value is None else format_amount(Money(value, terms.currency), locale)

    def price(value: Decimal | None) -> str:
        return "" if value is None else format_unit_price(Money(value, terms.currency), locale)

    if as_json:
        emit_json(
            {
                "contract_id": stored.contract_id,
                "version": stored.version,
                "fingerprint": stored.fingerprint,
                "source": stored.source_name,
                "terms": terms.model_dump(mode="json"),
                "intake": intake,
            }
        )
        return
    say(
        f"{terms.contract_id} v{stored.version}  {terms.document_type.value}  "
        f"{terms.customer.name}  ({terms.currency})"
    )
    say(
        f"  term {terms.start_date or '?'} .. {terms.end_date or '?'}; "
        f"signed {terms.signature_date or '?'}; source {stored.source_name or '-'}"
    )
    table(
        None,
        ["line", "sku", "model", "qty", "unit price", "amount"],
        [
            (
                line.line_id,
                line.sku or "",
                line.billing_model.value,
                "" if line.quantity is None else line.quantity,
                price(line.unit_price),
                amount(line.amount),
            )
            for line in terms.lines
        ],
    )
    if terms.milestones:
        table(
            "milestones",
            ["milestone", "name", "amount", "percent", "due", "acceptance"],
            [
                (
                    m.milestone_id,
                    m.name,
                    amount(m.amount),
                    m.percent or "",
                    m.due_date or "",
                    "required" if m.acceptance_required else "",
                )
                for m in terms.milestones
            ],
        )
    if terms.rate_card:
        table(
            "rate card",
            ["role", "rate", "per"],
            [(r.role, price(r.rate), r.unit.value) for r in terms.rate_card],
        )
    if terms.not_to_exceed is not None:
        say(f"  not to exceed {amount(terms.not_to_exceed)} {terms.currency}")
    if terms.total_contract_value is not None:
        total = Money(terms.total_contract_value, terms.currency)
        say(f"  total contract value {format_money(total, locale)}")
    print_sources(terms, intake)


@app.command("versions")
def versions_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List every stored version of a contract, oldest first."""
    with state(ctx).database().transaction() as session:
        versions = Contracts(session, "reader").versions(contract_id)
    data = [
        {
            "version": v.version,
            "fingerprint": v.fingerprint,
            "source": v.source_name,
            "created_by": v.created_by,
            "created_at": v.created_at,
        }
        for v in versions
    ]
    if as_json:
        emit_json(data)
        return
    table(
        f"{contract_id}: {len(data)} version(s)",
        ["version", "created", "by", "source", "sha256"],
        [
            (
                v.version,
                str(v.created_at)[:19],
                v.created_by,
                v.source_name or "",
                v.fingerprint[:12],
            )
            for v in versions
        ],
    )


@app.command("summary")
def summary_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Contracts per supplier entity and currency: count, value, lines per billing model."""
    database = state(ctx).database()
    rows = portfolio(database)
    if as_json:
        emit_json(
            [
                {
                    "supplier": r.supplier,
                    "currency": r.currency,
                    "contracts": r.contracts,
                    "amendments": r.amendments,
                    "total_contract_value": r.total_contract_value.to_dict(),
                    "lines_by_model": r.lines_by_model,
                }
                for r in rows
            ]
        )
        return
    render_portfolio(database, rows)


def render_portfolio(database: Database, rows: list[PortfolioRow]) -> None:
    """Print the portfolio tables, money in each entity's own locale."""
    with database.transaction() as session:
        entities = LegalEntities(session, "reader")
        locales = {r.supplier: _locale_of(entities, r.supplier) for r in rows}
    table(
        "contract portfolio (current versions)",
        ["entity", "currency", "contracts", "amendments", "total contract value"],
        [
            (
                r.supplier,
                r.currency,
                r.contracts,
                r.amendments,
                format_money(r.total_contract_value, locales[r.supplier]),
            )
            for r in rows
        ],
    )
    models = sorted({model for r in rows for model in r.lines_by_model})
    table(
        "contract lines by billing model",
        ["billing model", *(f"{r.supplier} {r.currency}" for r in rows)],
        [(model, *(r.lines_by_model.get(model, 0) for r in rows)) for model in models],
    )


def _locale_of(entities: LegalEntities, code: str) -> str:
    entity = entities.find(code)
    return entity.locale if entity is not None else "en_US"


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    from_version: int | None = typer.Option(None, "--from", min=1, help="Default: current - 1."),
    to_version: int | None = typer.Option(None, "--to", min=1, help="Default: current."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What changed between two versions of a contract, field by field."""
    with state(ctx).database().transaction() as session:
        contracts = Contracts(session, "reader")
        new = contracts.get(contract_id, to_version)
        old_version = from_version if from_version is not None else new.version - 1
        if old_version < 1:
            raise InvalidInput(
                f"contract {contract_id!r} has only version 1: nothing to compare",
                field="--from",
            )
        old = contracts.get(contract_id, old_version)
    changes = terms_changes(old.terms, new.terms)
    if as_json:
        emit_json(
            {
                "contract_id": contract_id,
                "from": old.version,
                "to": new.version,
                "changes": [
                    {"field": c.path, "before": c.before, "after": c.after} for c in changes
                ],
            }
        )
        return
    table(
        f"{contract_id}: version {old.version} -> {new.version}, {len(changes)} change(s)",
        ["field", f"v{old.version}", f"v{new.version}"],
        [(c.path, _cell(c.before), _cell(c.after)) for c in changes],
    )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:120]
    return str(value)
