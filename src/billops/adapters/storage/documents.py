"""Stored documents, their extractions and the corrections people made to them.

A document is addressed by the sha256 of its bytes. ``Documents.add`` on
bytes already stored returns the stored record and writes nothing, so the
same file uploaded twice, under the same name or another, is one document:

    with database.transaction() as session:
        stored, created = Documents(session, "ana").add("of.pdf", "application/pdf", data)

Each repository works inside the caller's session (one transaction per unit
of work) and appends one audit record per change in that same transaction,
as every repository of billops does (see ``repositories.py``). The audit
image of a document is its description (name, sha256, size, media type),
never its bytes: the sha256 already pins them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.tables_intake import CorrectionRow, DocumentRow, ExtractionRow
from billops.errors import NotFound


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    name: str
    media_type: str
    size: int
    created_by: str
    created_at: datetime

    def describe(self) -> dict[str, Any]:
        """The JSON image written to the audit trail and printed by ``--json``."""
        return {
            "sha256": self.sha256,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
        }


@dataclass(frozen=True)
class StoredExtraction:
    document_sha256: str
    document_name: str
    status: str  # draft | incomplete | not_a_contract
    extractor: str
    result: dict[str, Any]  # Extraction.as_dict()
    contract_id: str | None
    contract_version: int | None
    created_at: datetime


@dataclass(frozen=True)
class Correction:
    contract_id: str
    version: int
    field: str
    before: Any
    after: Any
    corrected_extractor: str | None
    reason: str


@dataclass(frozen=True)
class CorrectionCount:
    """One line of the corrections report: a field and how often people corrected it."""

    field_group: str
    corrections: int
    contracts: int
    extractors: dict[str, int]  # which extractor had produced the corrected value
    last_reason: str


_POSITION = re.compile(r"\[[0-9]+\]")


def field_group(path: str) -> str:
    """``lines[2].tiers[0].unit_price`` -> ``lines[].tiers[].unit_price``."""
    return _POSITION.sub("[]", path)


class Documents:
    """Signed documents, content-addressed: one row per sha256, bytes kept."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    def _row(self, sha256: str) -> DocumentRow | None:
        return self.session.execute(
            select(DocumentRow).where(DocumentRow.sha256 == sha256)
        ).scalar_one_or_none()

    def find(self, sha256: str) -> StoredDocument | None:
        row = self._row(sha256)
        return None if row is None else _stored_document(row)

    def get(self, sha256: str) -> StoredDocument:
        stored = self.find(sha256)
        if stored is None:
            raise NotFound(f"no stored document with sha256 {sha256!r}")
        return stored

    def content(self, sha256: str) -> bytes:
        row = self._row(sha256)
        if row is None:
            raise NotFound(f"no stored document with sha256 {sha256!r}")
        return bytes(row.content)

    def add(self, name: str, media_type: str, content: bytes) -> tuple[StoredDocument, bool]:
        """Store the bytes unless stored already; returns (document, created)."""
        sha256 = hashlib.sha256(content).hexdigest()
        existing = self._row(sha256)
        if existing is not None:
            return _stored_document(existing), False
        row = DocumentRow(
            sha256=sha256,
            name=name,
            media_type=media_type,
            size=len(content),
            content=content,
            created_by=self.actor,
            created_at=self.clock(),
        )
        self.session.add(row)
        self.session.flush()
        stored = _stored_document(row)
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="document",
            entity_id=sha256,
            action="store",
            before=None,
            after=stored.describe(),
            clock=self.clock,
        )
        return stored, True

    def count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(DocumentRow)).scalar_one())


def _stored_document(row: DocumentRow) -> StoredDocument:
    return StoredDocument(
        sha256=row.sha256,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        created_by=row.created_by,
        created_at=row.created_at,
    )


class Extractions:
    """What intake read from each stored document (one extraction per document)."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    def add(
        self,
        document: StoredDocument,
        *,
        status: str,
        extractor: str,
        result: dict[str, Any],
        contract_id: str | None,
        contract_version: int | None,
    ) -> StoredExtraction:
        now = self.clock()
        self.session.add(
            ExtractionRow(
                document_sha256=document.sha256,
                status=status,
                extractor=extractor,
                result=result,
                contract_id=contract_id,
                contract_version=contract_version,
                created_by=self.actor,
                created_at=now,
            )
        )
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="extraction",
            entity_id=document.sha256,
            action="create",
            before=None,
            after={
                "document": document.describe(),
                "status": status,
                "extractor": extractor,
                "contract_id": contract_id,
                "contract_version": contract_version,
                "missing": result.get("missing", []),
                "findings": [f.get("rule_id") for f in result.get("findings", [])],
                "problems": result.get("problems", []),
            },
            clock=self.clock,
        )
        return StoredExtraction(
            document.sha256,
            document.name,
            status,
            extractor,
            result,
            contract_id,
            contract_version,
            now,
        )

    def _query(self) -> Any:
        return select(ExtractionRow, DocumentRow.name).join(
            DocumentRow, DocumentRow.sha256 == ExtractionRow.document_sha256
        )

    def find(self, sha256: str) -> StoredExtraction | None:
        found = self.session.execute(
            self._query().where(ExtractionRow.document_sha256 == sha256)
        ).one_or_none()
        return None if found is None else _stored_extraction(found[0], found[1])

    def for_contract(self, contract_id: str) -> list[StoredExtraction]:
        rows = self.session.execute(
            self._query().where(ExtractionRow.contract_id == contract_id).order_by(ExtractionRow.id)
        ).all()
        return [_stored_extraction(row, name) for row, name in rows]

    def list(self) -> list[StoredExtraction]:
        rows = self.session.execute(self._query().order_by(ExtractionRow.id)).all()
        return [_stored_extraction(row, name) for row, name in rows]

    def count(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(ExtractionRow)).scalar_one()
        )


def _stored_extraction(row: ExtractionRow, name: str) -> StoredExtraction:
    return StoredExtraction(
        document_sha256=row.document_sha256,
        document_name=name,
        status=row.status,
        extractor=row.extractor,
        result=row.result,
        contract_id=row.contract_id,
        contract_version=row.contract_version,
        created_at=row.created_at,
    )


class Corrections:
    """Corrections people made to contract terms, kept for the feedback report."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    def add(self, correction: Correction) -> None:
        image = {
            "contract_id": correction.contract_id,
            "version": correction.version,
            "field": correction.field,
            "before": correction.before,
            "after": correction.after,
            "corrected_extractor": correction.corrected_extractor,
        }
        self.session.add(
            CorrectionRow(
                **image,
                field_group=field_group(correction.field),
                reason=correction.reason,
                created_by=self.actor,
                created_at=self.clock(),
            )
        )
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="contract_correction",
            entity_id=correction.contract_id,
            action="create",
            before=None,
            after=image,
            reason=correction.reason,
            clock=self.clock,
        )

    def count(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(CorrectionRow)).scalar_one()
        )

    def report(self) -> list[CorrectionCount]:
        """Fields by how often they were corrected, most corrected first."""
        rows = self.session.execute(select(CorrectionRow).order_by(CorrectionRow.id)).scalars()
        groups: dict[str, list[CorrectionRow]] = {}
        for row in rows:
            groups.setdefault(row.field_group, []).append(row)
        counts = [
            CorrectionCount(
                field_group=group,
                corrections=len(items),
                contracts=len({item.contract_id for item in items}),
                extractors=dict(
                    sorted(Counter(item.corrected_extractor or "unknown" for item in items).items())
                ),
                last_reason=items[-1].reason,
            )
            for group, items in groups.items()
        ]
        return sorted(counts, key=lambda c: (-c.corrections, -c.contracts, c.field_group))
