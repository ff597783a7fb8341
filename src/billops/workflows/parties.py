"""Legal entities and customers: add, update, delete, and import from a file.

An import file is YAML or JSON holding a list of records (or a mapping with
an ``entities`` / ``customers`` key holding the list). It is all-or-nothing:
every record is validated first; then each is created, updated (when it
differs from what is stored) or left alone, in one transaction, each change
audited. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from billops.adapters.files import load_document
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Customers, LegalEntities
from billops.domain.parties import Customer, LegalEntity
from billops.errors import Conflict, InvalidInput

M = TypeVar("M", bound=BaseModel)


def validate_record(model: type[M], data: Any, *, source: str | None, where: str = "") -> M:
    """Validate one record; a failure names the source, the field path and the value."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = where + "".join(
            f"[{part}]" if isinstance(part, int) else (f".{part}" if i or where else str(part))
            for i, part in enumerate(first["loc"])
        )
        more = len(exc.errors()) - 1
        message = first["msg"] + (f" (and {more} more problem(s))" if more else "")
        value = first.get("input")
        shown = value if isinstance(value, str | int | float | bool) else None
        raise InvalidInput(message, source=source, field=path or None, value=shown) from exc


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


def _records(path: Path, key: str) -> list[Any]:
    document = load_document(path)
    if isinstance(document, dict) and key in document:
        document = document[key]
    if not isinstance(document, list):
        raise InvalidInput(
            f"expected a list of {key} (or a mapping with a {key!r} key)", source=str(path)
        )
    return document


def _validate_all(model: type[M], path: Path, key: str) -> list[M]:
    models = [
        validate_record(model, item, source=str(path), where=f"{key}[{index}]")
        for index, item in enumerate(_records(path, key))
    ]
    seen: set[str] = set()
    for index, item in enumerate(models):
        code = getattr(item, "code")  # noqa: B009 - both models have a code
        if code in seen:
            raise Conflict(
                f"duplicate code {code!r}", source=str(path), field=f"{key}[{index}].code"
            )
        seen.add(code)
    return models


def _upsert(
    repository: LegalEntities | Customers,
    models: Sequence[Any],
    reason: str | None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    created = updated = unchanged = 0
    for model in models:
        if repository.find(model.code) is None:
            repository.add(model, reason)
            created += 1
        elif repository.update(model, reason):
            updated += 1
        else:
            unchanged += 1
        if progress is not None:
            progress(1)
    return ImportSummary(created, updated, unchanged)


def import_entities(
    database: Database, path: Path, *, actor: str, reason: str | None = None
) -> ImportSummary:
    models = _validate_all(LegalEntity, path, "entities")
    with database.transaction() as session:
        return _upsert(LegalEntities(session, actor), models, reason)


def import_customers(
    database: Database,
    path: Path,
    *,
    actor: str,
    reason: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    models = _validate_all(Customer, path, "customers")
    with database.transaction() as session:
        return _upsert(Customers(session, actor), models, reason, progress)
