"""Contract validation: findings, approvals, waivers, work-queue tasks, CRM opportunities.

``crm_opportunities`` (one row per CRM opportunity id), ``contract_validations``
(one per validated contract version), ``findings`` (one per contract version
and finding key), ``finding_waivers``, ``contract_approvals`` and
``work_queue_tasks``. See ``billops.adapters.storage.tables_validation``.

Revision ID: 0003_validation
Revises: 0002_contracts
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_validation"
down_revision = "0002_contracts"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)


def _contract_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["contract_id"],
        ["contracts.contract_id"],
        name=f"fk_{table}_contract_id_contracts",
        ondelete="RESTRICT",
    )


def _finding_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["finding_id"],
        ["findings.id"],
        name=f"fk_{table}_finding_id_findings",
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    op.create_table(
        "crm_opportunities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("opportunity_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("account_name", sa.String(300), nullable=False),
        sa.Column("customer_code", sa.String(64), nullable=True),
        sa.Column("contract_reference", sa.String(64), nullable=True),
        sa.Column("stage", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("data", JSONDocument, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crm_opportunities"),
        sa.UniqueConstraint("opportunity_id", name="uq_crm_opportunities_opportunity_id"),
    )
    op.create_index("ix_crm_opportunities_account_name", "crm_opportunities", ["account_name"])
    op.create_index("ix_crm_opportunities_customer_code", "crm_opportunities", ["customer_code"])
    op.create_index(
        "ix_crm_opportunities_contract_reference", "crm_opportunities", ["contract_reference"]
    )
    op.create_table(
        "contract_validations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(300), nullable=False),
        sa.Column("open_errors", sa.Integer(), nullable=False),
        sa.Column("open_warnings", sa.Integer(), nullable=False),
        sa.Column("open_infos", sa.Integer(), nullable=False),
        sa.Column("validated_by", sa.String(200), nullable=False),
        sa.Column("first_validated_at", TZ, nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contract_validations"),
        _contract_fk("contract_validations"),
        sa.UniqueConstraint(
            "contract_id", "contract_version", name="uq_contract_validations_contract_version"
        ),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("finding_key", sa.String(500), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fields", JSONDocument, nullable=False),
        sa.Column("values", JSONDocument, nullable=False),
        sa.Column("sources", JSONDocument, nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("first_seen_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        _contract_fk("findings"),
        sa.UniqueConstraint(
            "contract_id",
            "contract_version",
            "finding_key",
            name="uq_findings_contract_version_key",
        ),
        sa.CheckConstraint(
            "status IN ('open', 'resolved', 'waived')", name="ck_findings_status_known"
        ),
        sa.CheckConstraint(
            "severity IN ('error', 'warning', 'info')", name="ck_findings_severity_known"
        ),
    )
    op.create_index("ix_findings_contract_status", "findings", ["contract_id", "status"])
    op.create_table(
        "finding_waivers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("approver", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("waived_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_finding_waivers"),
        _finding_fk("finding_waivers"),
        sa.UniqueConstraint("finding_id", name="uq_finding_waivers_finding_id"),
    )
    op.create_table(
        "contract_approvals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("approver", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contract_approvals"),
        _contract_fk("contract_approvals"),
        sa.UniqueConstraint(
            "contract_id", "contract_version", name="uq_contract_approvals_contract_version"
        ),
    )
    op.create_table(
        "work_queue_tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_work_queue_tasks"),
        _contract_fk("work_queue_tasks"),
        _finding_fk("work_queue_tasks"),
        sa.UniqueConstraint("finding_id", name="uq_work_queue_tasks_finding_id"),
        sa.CheckConstraint("status IN ('open', 'done')", name="ck_work_queue_tasks_status_known"),
    )
    op.create_index("ix_work_queue_tasks_route_status", "work_queue_tasks", ["route", "status"])


def downgrade() -> None:
    op.drop_table("work_queue_tasks")
    op.drop_table("contract_approvals")
    op.drop_table("finding_waivers")
    op.drop_table("findings")
    op.drop_table("contract_validations")
    op.drop_table("crm_opportunities")
