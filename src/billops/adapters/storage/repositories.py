"""Loading and saving domain records; every save writes the audit trail.

A repository works inside a session opened by the caller (one transaction
per unit of work). Each method that changes state appends one audit record
with the before and after images in that same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.tables import (
    ContractRow,
    ContractVersionRow,
    CustomerRow,
    LegalEntityRow,
)
from billops.domain.contract import ContractTerms, terms_fingerprint
from billops.domain.parties import Customer, LegalEntity
from billops.errors import Conflict, NotFound

Model = TypeVar("Model", LegalEntity, Customer)


def _image(model: BaseModel) -> dict[str, Any]:
    """A JSON-native image of a model (Decimals as strings), for storage and audit."""
    return json.loads(model.model_dump_json())  # type: ignore[no-any-return]


class _CodedRecords(Generic[Model]):
    """Records named by a unique ``code``: legal entities and customers."""

    row_type: type[LegalEntityRow] | type[CustomerRow]
    model_type: type[Model]
    entity_type: str
    noun: str

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    def _row(self, code: str) -> Any:
        return self.session.execute(
            select(self.row_type).where(self.row_type.code == code)
        ).scalar_one_or_none()

    def get(self, code: str) -> Model:
        row = self._row(code)
        if row is None:
            raise NotFound(f"no {self.noun} with code {code!r}", hint=self._list_hint())
        return self.model_type.model_validate(row.data)

    def find(self, code: str) -> Model | None:
        row = self._row(code)
        return None if row is None else self.model_type.model_validate(row.data)

    def find_many(self, codes: Iterable[str]) -> dict[str, Model]:
        """The records of these codes that exist, in one query (a billing run's chunk)."""
        wanted = sorted(set(codes))
        if not wanted:
            return {}
        rows: Any = self.session.execute(
            select(self.row_type).where(self.row_type.code.in_(wanted))
        )
        return {row.code: self.model_type.model_validate(row.data) for row in rows.scalars()}

    def list(self) -> list[Model]:
        rows: Any = self.session.execute(select(self.row_type).order_by(self.row_type.code))
        return [self.model_type.model_validate(row.data) for row in rows.scalars()]

    def count(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(self.row_type)).scalar_one()
        )

    def _list_hint(self) -> str:
        return f"`billops {self.entity_type.replace('_', '-')} list` shows the codes"

    def add(self, model: Model, reason: str | None = None) -> Model:
        if self._row(model.code) is not None:
            raise Conflict(
                f"a {self.noun} with code {model.code!r} already exists",
                hint=f"use `billops {self.entity_type.replace('_', '-')} update`",
            )
        now = self.clock()
        image = _image(model)
        self.session.add(self._new_row(model, image, now))
        self._audit(model.code, "create", None, image, reason)
        return model

    def update(self, model: Model, reason: str | None = None) -> bool:
        """Replace the record; returns False (and writes nothing) when nothing changed."""
        row = self._row(model.code)
        if row is None:
            raise NotFound(f"no {self.noun} with code {model.code!r}", hint=self._list_hint())
        before, after = row.data, _image(model)
        if before == after:
            return False
        self._apply(row, model, after)
        row.row_version += 1
        row.updated_at = self.clock()
        self._audit(model.code, "update", before, after, reason)
        return True

    def delete(self, code: str, reason: str | None = None) -> None:
        row = self._row(code)
        if row is None:
            raise NotFound(f"no {self.noun} with code {code!r}", hint=self._list_hint())
        self._refuse_delete_if_used(code)
        before = row.data
        self.session.delete(row)
        self._audit(code, "delete", before, None, reason)

    def _refuse_delete_if_used(self, code: str) -> None:
        column = (
            ContractRow.customer_code
            if self.entity_type == "customer"
            else ContractRow.supplier_code
        )
        used = self.session.execute(
            select(func.count()).select_from(ContractRow).where(column == code)
        ).scalar_one()
        if used:
            raise Conflict(
                f"{self.noun} {code!r} is named by {used} contract(s) and cannot be deleted"
            )

    def _audit(self, code: str, action: str, before: Any, after: Any, reason: str | None) -> None:
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type=self.entity_type,
            entity_id=code,
            action=action,
            before=before,
            after=after,
            reason=reason,
            clock=self.clock,
        )
        self.session.flush()

    def _new_row(self, model: Model, image: dict[str, Any], now: datetime) -> Any:
        raise NotImplementedError

    def _apply(self, row: Any, model: Model, image: dict[str, Any]) -> None:
        raise NotImplementedError


class LegalEntities(_CodedRecords[LegalEntity]):
    row_type = LegalEntityRow
    model_type = LegalEntity
    entity_type = "entity"
    noun = "legal entity"

    def _new_row(self, model: LegalEntity, image: dict[str, Any], now: datetime) -> LegalEntityRow:
        row = LegalEntityRow(row_version=1, created_at=now, updated_at=now)
        self._apply(row, model, image)
        return row

    def _apply(self, row: Any, model: LegalEntity, image: dict[str, Any]) -> None:
        row.code, row.name, row.data = model.code, model.name, image
        row.country, row.currency = model.country, model.currency


class Customers(_CodedRecords[Customer]):
    row_type = CustomerRow
    model_type = Customer
    entity_type = "customer"
    noun = "customer"

    def _new_row(self, model: Customer, image: dict[str, Any], now: datetime) -> CustomerRow:
        row = CustomerRow(row_version=1, created_at=now, updated_at=now)
        self._apply(row, model, image)
        return row

    def _apply(self, row: Any, model: Customer, image: dict[str, Any]) -> None:
        row.code, row.name, row.data = model.code, model.name, image


@dataclass(frozen=True)
class StoredVersion:
    contract_id: str
    version: int
    fingerprint: str
    terms: ContractTerms
    source_name: str | None
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class SaveOutcome:
    contract_id: str
    version: int
    created: bool  # False when the same terms were already the current version
    previous_version: int | None


class Contracts:
    """Contracts as versions: an edit makes version n+1; old versions stay readable."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    def _row(self, contract_id: str) -> ContractRow | None:
        return self.session.execute(
            select(ContractRow).where(ContractRow.contract_id == contract_id)
        ).scalar_one_or_none()

    def save(
        self,
        terms: ContractTerms,
        *,
        source_name: str | None = None,
        source_sha256: str | None = None,
        reason: str | None = None,
    ) -> SaveOutcome:
        fingerprint = terms_fingerprint(terms)
        # The image keeps every value as written (349800.00 stays 349800.00);
        # the fingerprint is over the canonical form (349800.00 == 349800.0).
        image = _image(terms)
        row = self._row(terms.contract_id)
        now = self.clock()
        if row is None:
            row = ContractRow(contract_id=terms.contract_id, current_version=0, created_at=now)
            self.session.add(row)
            previous, before = None, None
        else:
            current = self._version_row(terms.contract_id, row.current_version)
            if current.fingerprint == fingerprint:
                return SaveOutcome(
                    terms.contract_id, row.current_version, False, row.current_version
                )
            previous, before = row.current_version, current.terms
        version = (previous or 0) + 1
        self._describe(row, terms, version, now)
        self.session.flush()
        self.session.add(
            ContractVersionRow(
                contract_id=terms.contract_id,
                version=version,
                fingerprint=fingerprint,
                terms=image,
                source_name=source_name,
                source_sha256=source_sha256,
                created_by=self.actor,
                created_at=now,
            )
        )
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="contract",
            entity_id=terms.contract_id,
            action="create" if previous is None else "new_version",
            before=before,
            after={
                "version": version,
                "fingerprint": fingerprint,
                "source": source_name,
                "terms": image,
            },
            reason=reason,
            clock=self.clock,
        )
        self.session.flush()
        return SaveOutcome(terms.contract_id, version, True, previous)

    @staticmethod
    def _describe(row: ContractRow, terms: ContractTerms, version: int, now: datetime) -> None:
        row.document_type = terms.document_type.value
        row.customer_name = terms.customer.name
        row.customer_code = terms.customer.code
        row.supplier_code = terms.supplier.code
        row.currency = terms.currency
        row.current_version = version
        row.updated_at = now

    def _version_row(self, contract_id: str, version: int) -> ContractVersionRow:
        row = self.session.execute(
            select(ContractVersionRow).where(
                ContractVersionRow.contract_id == contract_id,
                ContractVersionRow.version == version,
            )
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"contract {contract_id!r} has no version {version}")
        return row

    def find(self, contract_id: str) -> StoredVersion | None:
        row = self._row(contract_id)
        return (
            None
            if row is None
            else self._stored(self._version_row(contract_id, row.current_version))
        )

    def get(self, contract_id: str, version: int | None = None) -> StoredVersion:
        row = self._row(contract_id)
        if row is None:
            raise NotFound(
                f"no contract with id {contract_id!r}", hint="`billops contract list` shows the ids"
            )
        return self._stored(self._version_row(contract_id, version or row.current_version))

    def versions(self, contract_id: str) -> list[StoredVersion]:
        if self._row(contract_id) is None:
            raise NotFound(
                f"no contract with id {contract_id!r}", hint="`billops contract list` shows the ids"
            )
        rows = self.session.execute(
            select(ContractVersionRow)
            .where(ContractVersionRow.contract_id == contract_id)
            .order_by(ContractVersionRow.version)
        ).scalars()
        return [self._stored(row) for row in rows]

    def list(self, customer: str | None = None) -> list[ContractRow]:
        query = select(ContractRow).order_by(ContractRow.contract_id)
        if customer is not None:
            query = query.where(
                (ContractRow.customer_code == customer) | (ContractRow.customer_name == customer)
            )
        return list(self.session.execute(query).scalars())

    def count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(ContractRow)).scalar_one())

    def current_versions(self, batch: int = 500) -> Iterator[StoredVersion]:
        """The current version of every contract, streamed in contract-id order."""
        query = (
            select(ContractVersionRow)
            .join(
                ContractRow,
                (ContractRow.contract_id == ContractVersionRow.contract_id)
                & (ContractRow.current_version == ContractVersionRow.version),
            )
            .order_by(ContractVersionRow.contract_id)
            .execution_options(yield_per=batch)
        )
        for row in self.session.execute(query).scalars():
            yield self._stored(row)

    @staticmethod
    def _stored(row: ContractVersionRow) -> StoredVersion:
        return StoredVersion(
            contract_id=row.contract_id,
            version=row.version,
            fingerprint=row.fingerprint,
            terms=ContractTerms.model_validate(row.terms),
            source_name=row.source_name,
            created_by=row.created_by,
            created_at=row.created_at,
        )
