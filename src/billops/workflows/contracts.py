"""Importing contract terms from files and storing them as versions.

A batch of files is all-or-nothing: every file is read and validated first,
and only when all are good are they saved, in one transaction. Importing the
same terms again stores nothing (the terms' fingerprint is compared with the
current version); changed terms become the next version. A contract id that
is already taken by another customer's contract is refused: that is a
duplicate id, not a new version.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from billops.adapters.files import load_contract
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, SaveOutcome
from billops.domain.contract import ContractTerms, DocumentType
from billops.domain.money import Money
from billops.errors import Conflict
from billops.workflows.progress import SILENT, Progress


@dataclass(frozen=True)
class LoadedContract:
    path: Path
    terms: ContractTerms
    sha256: str


def read_contract_files(paths: Sequence[Path], progress: Progress = SILENT) -> list[LoadedContract]:
    """Read and validate every file; refuse two files that claim the same contract id."""
    loaded: list[LoadedContract] = []
    seen: dict[str, Path] = {}
    progress.start("reading contracts", len(paths))
    for path in paths:
        progress.advance()
        terms = load_contract(path)
        first = seen.get(terms.contract_id)
        if first is not None:
            raise Conflict(
                f"duplicate contract id {terms.contract_id!r}: also in {first}",
                source=str(path),
                field="contract_id",
            )
        seen[terms.contract_id] = path
        loaded.append(LoadedContract(path, terms, hashlib.sha256(path.read_bytes()).hexdigest()))
    return loaded


def import_contracts(
    database: Database,
    paths: Sequence[Path],
    *,
    actor: str,
    reason: str | None = None,
    progress: Progress = SILENT,
) -> list[SaveOutcome]:
    loaded = read_contract_files(paths, progress)
    progress.start("saving contracts", len(loaded))
    with database.transaction() as session:
        contracts = Contracts(session, actor)
        outcomes = []
        for item in loaded:
            progress.advance()
            _refuse_reused_id(contracts, item)
            outcomes.append(
                contracts.save(
                    item.terms, source_name=item.path.name, source_sha256=item.sha256, reason=reason
                )
            )
    return outcomes


def _refuse_reused_id(contracts: Contracts, item: LoadedContract) -> None:
    existing = contracts.find(item.terms.contract_id)
    if existing is None:
        return
    stored, new = existing.terms.customer, item.terms.customer
    if (stored.code or stored.name) != (new.code or new.name):
        raise Conflict(
            f"contract id {item.terms.contract_id!r} already belongs to customer "
            f"{stored.name!r}; this file names {new.name!r}",
            source=str(item.path),
            field="contract_id",
            hint="give the new contract its own id, or correct the customer",
        )


@dataclass(frozen=True)
class PortfolioRow:
    """Contracts of one supplier entity in one currency, as an analyst first looks at them."""

    supplier: str
    currency: str
    contracts: int
    amendments: int
    total_contract_value: Money
    lines_by_model: dict[str, int]


def portfolio(database: Database) -> list[PortfolioRow]:
    """Current versions of every stored contract, summed per supplier entity and currency.

    Amendments are counted but their value is not added again: an amendment's
    total contract value restates what changes, and adding it to the base
    order would double count (setup, a later step, nets them properly).
    """
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    with database.transaction() as session:
        for stored in Contracts(session, "reader").current_versions():
            terms = stored.terms
            key = (terms.supplier.code or terms.supplier.name, terms.currency)
            group = groups.setdefault(
                key,
                {
                    "contracts": 0,
                    "amendments": 0,
                    "tcv": Money.zero(terms.currency),
                    "models": Counter(),
                },
            )
            group["contracts"] += 1
            if terms.document_type is DocumentType.AMENDMENT:
                group["amendments"] += 1
            elif terms.total_contract_value is not None:
                group["tcv"] += Money(terms.total_contract_value, terms.currency)
            group["models"].update(line.billing_model.value for line in terms.lines)
    return [
        PortfolioRow(
            supplier,
            currency,
            g["contracts"],
            g["amendments"],
            g["tcv"],
            dict(sorted(g["models"].items())),
        )
        for (supplier, currency), g in sorted(groups.items())
    ]
