"""Shared commands of the nouns named by a code (``entity``, ``customer``).

list / show / delete / import behave the same for both; ``add`` and
``update`` differ only in their options, which each noun's module declares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel

from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Customers, LegalEntities
from billops.errors import InvalidInput
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.state import state
from billops.workflows.parties import ImportSummary, validate_record

Repository = type[LegalEntities] | type[Customers]
Importer = Callable[..., ImportSummary]


def parse_tax_id(text: str) -> dict[str, str]:
    """``vat:DE123456789`` -> {"scheme": "vat", "value": "DE123456789"}."""
    scheme, sep, value = text.partition(":")
    if not sep or not scheme or not value:
        raise InvalidInput(
            "a tax id is written SCHEME:VALUE, e.g. vat:DE123456789", field="--tax-id", value=text
        )
    return {"scheme": scheme.strip().lower(), "value": value.strip()}


def parse_contact(text: str) -> dict[str, str]:
    """``Jane Roe <ap@example.com>`` or ``ap@example.com`` -> a contact."""
    text = text.strip()
    if text.endswith(">") and "<" in text:
        name, _, email = text[:-1].partition("<")
        return {k: v for k, v in {"name": name.strip(), "email": email.strip()}.items() if v}
    if "@" in text:
        return {"email": text}
    return {"name": text}


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def add_record(
    ctx: typer.Context,
    repository: Repository,
    model: type[BaseModel],
    data: dict[str, Any],
    reason: str | None,
) -> None:
    record = validate_record(model, data, source="command line")
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        repository(session, app_state.settings.actor).add(record, reason)  # type: ignore[arg-type]
    say(f"{repository.noun} {data['code']} created")


def update_record(
    ctx: typer.Context,
    repository: Repository,
    model: type[BaseModel],
    code: str,
    changes: dict[str, Any],
    reason: str | None,
) -> None:
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        repo = repository(session, app_state.settings.actor)
        current = repo.get(code).model_dump(mode="json")
        record = validate_record(model, {**current, **changes}, source="command line")
        changed = repo.update(record, reason)  # type: ignore[arg-type]
    say(f"{repository.noun} {code} {'updated' if changed else 'unchanged'}")


def delete_record(
    ctx: typer.Context, repository: Repository, code: str, reason: str | None
) -> None:
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        repository(session, app_state.settings.actor).delete(code, reason)
    say(f"{repository.noun} {code} deleted")


def show_record(ctx: typer.Context, repository: Repository, code: str, as_json: bool) -> None:
    with state(ctx).database().transaction() as session:
        record = repository(session, "reader").get(code)
    data = record.model_dump(mode="json")
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        say(f"{key:>24}  {_plain(value)}")


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_plain(item) for item in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items() if v is not None)
    return "-" if value is None else str(value)


def list_records(
    ctx: typer.Context,
    repository: Repository,
    columns: Sequence[str],
    row: Callable[[Any], Sequence[Any]],
    as_json: bool,
) -> None:
    with state(ctx).database().transaction() as session:
        records = repository(session, "reader").list()
    if as_json:
        emit_json([r.model_dump(mode="json") for r in records])
        return
    table(f"{repository.noun}s ({len(records)})", columns, [row(r) for r in records])


def import_records(
    ctx: typer.Context, importer: Importer, path: Path, reason: str | None, noun: str
) -> None:
    app_state = state(ctx)
    database: Database = app_state.database()
    summary = importer(database, path, actor=app_state.settings.actor, reason=reason)
    say(
        f"{path}: {summary.created} {noun} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged"
    )


def add_common_commands(
    app: typer.Typer, repository: Repository, importer: Importer, plural: str
) -> None:
    """Register show, delete and import on a noun's app; they behave the same for every noun."""
    noun = repository.noun

    @app.command("show")
    def show(
        ctx: typer.Context,
        code: str = typer.Argument(..., help=f"The {noun}'s code."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        show_record(ctx, repository, code, as_json)

    show.__doc__ = f"Show one {noun}."

    @app.command("delete")
    def delete(
        ctx: typer.Context,
        code: str = typer.Argument(..., help=f"The {noun}'s code."),
        reason: str | None = typer.Option(None, "--reason", help="Why, for the audit trail."),
    ) -> None:
        delete_record(ctx, repository, code, reason)

    delete.__doc__ = f"Delete a {noun} that no contract names."

    @app.command("import")
    def import_(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="YAML or JSON list."),
        reason: str | None = typer.Option(None, "--reason", help="Why, for the audit trail."),
    ) -> None:
        import_records(ctx, importer, file, reason, plural)

    import_.__doc__ = (
        f"Create or update {plural} from a file (all or nothing; re-running changes nothing)."
    )
