"""Tables of contract intake (migration 0004_intake).

``documents`` holds each signed document once, addressed by the sha256 of
its bytes: uploading the same file twice (under any name) finds the row that
is already there and stores nothing. The bytes are kept, so an auditor can
always open the very file a contract version was read from.

``extractions`` holds what intake read from each document: the whole
``Extraction.as_dict()`` JSON, its status (``draft`` when a contract version
was saved from it, ``incomplete`` when the terms could not be assembled,
``not_a_contract``), and the contract version it produced.

``contract_corrections`` keeps each correction a person made with
``billops contract set``: the field, the value before and after, which
extractor had produced the value that was wrong, and why. Grouped by field
(``lines[].unit_price``) it says where extraction must improve.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from billops.adapters.storage.tables import Base, JSONDocument

EXTRACTION_STATUSES = ("draft", "incomplete", "not_a_contract")


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExtractionRow(Base):
    __tablename__ = "extractions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'incomplete', 'not_a_contract')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One extraction per document: intake of a stored document is recognised
    # and not repeated (a re-extraction would undo a person's corrections).
    document_sha256: Mapped[str] = mapped_column(
        String(64), ForeignKey("documents.sha256", ondelete="RESTRICT"), unique=True
    )
    status: Mapped[str] = mapped_column(String(32))
    extractor: Mapped[str] = mapped_column(String(200))
    result: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    contract_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    contract_version: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CorrectionRow(Base):
    __tablename__ = "contract_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(300))
    # The field with list positions blanked (lines[2].unit_price -> lines[].unit_price),
    # so that the report counts "unit prices", not "the third line's unit price".
    field_group: Mapped[str] = mapped_column(String(300), index=True)
    before: Mapped[Any] = mapped_column(JSONDocument, nullable=True)
    after: Mapped[Any] = mapped_column(JSONDocument, nullable=True)
    corrected_extractor: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


__all__ = ["EXTRACTION_STATUSES", "CorrectionRow", "DocumentRow", "ExtractionRow"]
