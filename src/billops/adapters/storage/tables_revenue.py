"""Tables of revenue: booking (migration 0007_revenue_booking) and the revenue run (0008).

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

``revenue_runs`` (0008)
    One row per (legal entity, month) whose revenue was run: who ran it
    first and last, how many times, and the last run's summary. Months are
    run in order per entity; only the last month run may be run again.
``revenue_postings`` (0008)
    What the revenue run recognised: per contract, obligation and posting
    month, the amount (exact decimal text) and the part of it that catches
    up earlier months (``catch_up``), the plan's fingerprint and the date
    the plan was computed as of. ``unique (contract_id, obligation_id,
    period, revision)``: a month is posted once; a re-run that finds the
    plan changed adds a revision with the difference, and never rewrites a
    posted row.
``revenue_journal_entries`` (0008)
    The balanced journal entries of a period per contract (``entry_key``
    ``contract:YYYY-MM:kind``, unique), with their lines as JSON and their
    debit and credit totals; the database refuses an entry whose totals
    differ (``check debit_total = credit_total``). A billing entry names the
    invoices and credit notes it journals (``documents``, 0010), so that a
    document issued into a month already run is journaled once, later.

``revenue_estimates`` (0011)
    Finance's estimates the revenue run needs and the contract does not
    state, each dated from when it holds: ``effort`` (an input-method
    obligation's estimated total hours or cost, and what was incurred by
    then) and ``variable`` (variable consideration: method, outcomes,
    constraint). ``unique (contract_id, kind, name, as_of)``; a later one
    is a change of estimate (caught up by the next run).

Period locks are billing's ``period_locks`` (one close per entity:
``billops invoice close-period``): a closed month is closed for revenue too.

Every change to these rows writes the audit trail in the same transaction
(``billops.adapters.storage.revenue_store``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from billops.adapters.storage.tables import Base, JSONDocument

__all__ = [
    "BOOKING_STATUSES",
    "BookingRow",
    "ReadinessJudgementRow",
    "RevenueEstimateRow",
    "RevenueJournalEntryRow",
    "RevenuePostingRow",
    "RevenueRunRow",
]

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


class RevenueRunRow(Base):
    __tablename__ = "revenue_runs"
    __table_args__ = (
        UniqueConstraint("entity_code", "period", name="uq_revenue_runs_entity_period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_code: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    runs: Mapped[int] = mapped_column(Integer)
    first_run_by: Mapped[str] = mapped_column(String(200))
    first_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_run_by: Mapped[str] = mapped_column(String(200))
    last_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class RevenuePostingRow(Base):
    __tablename__ = "revenue_postings"
    __table_args__ = (
        UniqueConstraint(
            "contract_id",
            "obligation_id",
            "period",
            "revision",
            name="uq_revenue_postings_contract_obligation_period_revision",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_code: Mapped[str] = mapped_column(String(64), index=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    obligation_id: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM, the month posted in
    revision: Mapped[int] = mapped_column(Integer)
    amount: Mapped[str] = mapped_column(String(40))
    catch_up: Mapped[str] = mapped_column(String(40))  # part of amount for earlier months
    currency: Mapped[str] = mapped_column(String(3))
    plan_fingerprint: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(Text)
    posted_by: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RevenueJournalEntryRow(Base):
    __tablename__ = "revenue_journal_entries"
    __table_args__ = (
        CheckConstraint("debit_total = credit_total", name="balanced"),
        # A run replaces one contract's entries of the month: without this index
        # SQLite reads the month's entries of every contract for each (0009).
        Index("ix_revenue_journal_entries_contract_period", "contract_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(120), unique=True)
    entity_code: Mapped[str] = mapped_column(String(64))
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    period: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    posting_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    debit_total: Mapped[str] = mapped_column(String(40))
    credit_total: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # a billing entry's invoices and credit notes (0010); NULL: written before 0010, when
    # an entry journaled the documents dated in its month
    documents: Mapped[list[str] | None] = mapped_column(JSONDocument, nullable=True)
    posted_by: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


ESTIMATE_KINDS = ("effort", "variable")


class RevenueEstimateRow(Base):
    __tablename__ = "revenue_estimates"
    __table_args__ = (
        UniqueConstraint(
            "contract_id", "kind", "name", "as_of", name="uq_revenue_estimates_contract_kind_name"
        ),
        CheckConstraint("kind IN ('effort', 'variable')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))  # the obligation, or the consideration's name
    as_of: Mapped[date] = mapped_column(Date)
    estimate: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
