"""Tables of booking for revenue (migration 0007_revenue_booking).

An order is booked for revenue only when its contract meets the booking
criteria of ASC 606 / IFRS 15 step 1 (``billops.domain.revenue.readiness``),
or a criterion that is not met has a judgement a second person approved.

``bookings``
    At most one per contract (``unique (contract_id)``): which contract
    version was booked, by whom and when, and the checklist as it stood
    (JSON), so that the decision can be explained later. ``status`` is
    ``booked``; ``reversed`` is reserved for undoing a booking (not a
    command yet).
``readiness_judgements``
    At most one per (contract, contract version, criterion): the judgement
    text, who made it and when, and who approved it and when. The database
    itself refuses an approval by the judgement's maker (maker-checker) and
    an approver without an approval time, or the reverse.

Every change to these rows writes the audit trail in the same transaction
(``billops.adapters.storage.revenue_store``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from billops.adapters.storage.tables import Base, JSONDocument

__all__ = ["BOOKING_STATUSES", "BookingRow", "ReadinessJudgementRow"]

BOOKING_STATUSES = ("booked", "reversed")


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (CheckConstraint("status IN ('booked', 'reversed')", name="status_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), unique=True
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    booked_by: Mapped[str] = mapped_column(String(200))
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checklist: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class ReadinessJudgementRow(Base):
    __tablename__ = "readiness_judgements"
    __table_args__ = (
        UniqueConstraint(
            "contract_id",
            "contract_version",
            "criterion",
            name="uq_readiness_judgements_contract_version_criterion",
        ),
        CheckConstraint(
            "approved_by IS NULL OR lower(approved_by) <> lower(made_by)", name="maker_checker"
        ),
        CheckConstraint("(approved_by IS NULL) = (approved_at IS NULL)", name="approval_complete"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    criterion: Mapped[str] = mapped_column(String(64))
    judgement: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(200))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
