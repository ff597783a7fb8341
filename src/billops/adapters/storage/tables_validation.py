"""Tables of contract validation (migration 0003_validation).

Validation turns a stored contract version into *findings*, and each finding
that needs a person into a *task* on a role's work queue. People then act on
them: a finding is fixed (a corrected version no longer raises it), or an
approver who did not make the contract waives it with a reason; the contract
version is then approved. The tables, in the billing team's words:

``crm_opportunities``
    Closed Won (and other) deals imported from the CRM, one row per
    opportunity id: the whole ``Opportunity`` as JSON beside the columns
    matching searches on. Importing the same export again changes nothing.
``contract_validations``
    One row per validated contract version: when it was first validated,
    by whom, under which policy, and how many findings of each severity
    were open after the last run that changed anything.
``findings``
    One row per (contract id, contract version, finding key). The key is
    the rule id plus the fields it names, so the same problem found again
    is the same row (never a duplicate). ``status`` is ``open``,
    ``resolved`` (no longer raised, or superseded by a newer version) or
    ``waived`` (accepted by an approver, see ``finding_waivers``).
``finding_waivers``
    At most one per finding: who accepted it, when, and why.
``contract_approvals``
    At most one per contract version: who approved it for setup, and why.
``work_queue_tasks``
    At most one per finding: the route (role) whose queue holds it, when it
    was opened, its SLA due time and whether it is ``open`` or ``done``.

Every change to these rows writes the audit trail in the same transaction
(``billops.adapters.storage.validation_store``).
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
    "FINDING_STATUSES",
    "SEVERITIES",
    "TASK_STATUSES",
    "ContractApprovalRow",
    "ContractValidationRow",
    "FindingRow",
    "FindingWaiverRow",
    "OpportunityRow",
    "WorkQueueTaskRow",
]

FINDING_STATUSES = ("open", "resolved", "waived")
SEVERITIES = ("error", "warning", "info")
TASK_STATUSES = ("open", "done")


class OpportunityRow(Base):
    __tablename__ = "crm_opportunities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    account_name: Mapped[str] = mapped_column(String(300), index=True)
    customer_code: Mapped[str | None] = mapped_column(String(64), index=True)
    contract_reference: Mapped[str | None] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    close_date: Mapped[date | None] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContractValidationRow(Base):
    __tablename__ = "contract_validations"
    __table_args__ = (
        UniqueConstraint(
            "contract_id", "contract_version", name="uq_contract_validations_contract_version"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT")
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    policy: Mapped[str] = mapped_column(String(300))
    open_errors: Mapped[int] = mapped_column(Integer)
    open_warnings: Mapped[int] = mapped_column(Integer)
    open_infos: Mapped[int] = mapped_column(Integer)
    validated_by: Mapped[str] = mapped_column(String(200))
    first_validated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint(
            "contract_id",
            "contract_version",
            "finding_key",
            name="uq_findings_contract_version_key",
        ),
        CheckConstraint("status IN ('open', 'resolved', 'waived')", name="status_known"),
        CheckConstraint("severity IN ('error', 'warning', 'info')", name="severity_known"),
        Index("ix_findings_contract_status", "contract_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT")
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    finding_key: Mapped[str] = mapped_column(String(500))
    rule_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[str]] = mapped_column(JSONDocument)
    values: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    hint: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_reason: Mapped[str | None] = mapped_column(Text)


class FindingWaiverRow(Base):
    __tablename__ = "finding_waivers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("findings.id", ondelete="RESTRICT"), unique=True
    )
    approver: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    waived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContractApprovalRow(Base):
    __tablename__ = "contract_approvals"
    __table_args__ = (
        UniqueConstraint(
            "contract_id", "contract_version", name="uq_contract_approvals_contract_version"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT")
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    approver: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorkQueueTaskRow(Base):
    __tablename__ = "work_queue_tasks"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done')", name="status_known"),
        Index("ix_work_queue_tasks_route_status", "route", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route: Mapped[str] = mapped_column(String(64))
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT")
    )
    finding_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("findings.id", ondelete="RESTRICT"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
