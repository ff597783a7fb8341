"""Storing what validation found, and what people decided about it; every change audited.

Two repositories, each working inside a session the caller opened (one
transaction per unit of work), each writing one audit record per state
change in that same transaction:

``Opportunities``
    CRM opportunities, upserted by opportunity id. The same export imported
    again changes nothing and writes nothing; a changed opportunity is
    updated with its before and after images in the audit trail.

``ValidationStore``
    Findings, their work-queue tasks, waivers, approvals and the per-version
    validation record. Its centre is ``sync_findings``: given what the rules
    raised on a contract version now, it makes the stored state agree:

    ============================  ==============================================
    stored \\ raised now           what happens
    ============================  ==============================================
    nothing / raised              new finding (``raise``), open, with a task
    open / raised, same content   nothing at all (no write, no audit record)
    open / raised, other content  content updated (``update``), task re-routed
    resolved / raised             reopened (``reopen``), task reopened
    waived / raised               stays waived (content updated if it changed)
    open / not raised             resolved (``resolve``), task done
    open, older version           resolved as superseded by the new version
    ============================  ==============================================

    A finding's identity is (contract id, contract version, finding key), a
    unique constraint in the database, so a second run cannot duplicate a
    finding even when two runs race. Error and warning findings become
    tasks; info findings are worth knowing but wait in no queue.

Timestamps come from the ``clock`` passed in (UTC), so tests can fix time;
SQLite hands back naive datetimes, which are read as UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.tables_validation import (
    ContractApprovalRow,
    ContractValidationRow,
    FindingRow,
    FindingWaiverRow,
    OpportunityRow,
    WorkQueueTaskRow,
)
from billops.domain.contract import Provenance
from billops.domain.crm import Opportunity
from billops.domain.findings import Finding, Severity
from billops.errors import Conflict, NotFound

__all__ = [
    "TASK_SEVERITIES",
    "Approval",
    "Opportunities",
    "StoredFinding",
    "StoredTask",
    "SyncOutcome",
    "ValidationRecord",
    "ValidationStore",
    "Waiver",
]

TASK_SEVERITIES: Final = frozenset({Severity.ERROR.value, Severity.WARNING.value})
"""Severities whose open findings wait on a work queue (info findings do not)."""

OPEN, RESOLVED, WAIVED = "open", "resolved", "waived"
TASK_OPEN, TASK_DONE = "open", "done"


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite returns them naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


# --------------------------------------------------------------------------
# CRM opportunities


class Opportunities:
    """CRM opportunities, one row per opportunity id, upserted."""

    entity_type: Final = "crm_opportunity"

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    def upsert(self, opportunity: Opportunity, *, source: str, reason: str | None = None) -> str:
        """Store ``opportunity``: ``created``, ``updated`` or ``unchanged`` (nothing written)."""
        image = json.loads(opportunity.model_dump_json())
        row = self.session.execute(
            select(OpportunityRow).where(
                OpportunityRow.opportunity_id == opportunity.opportunity_id
            )
        ).scalar_one_or_none()
        now = self.clock()
        if row is not None and row.data == image:
            return "unchanged"
        before = None if row is None else row.data
        if row is None:
            row = OpportunityRow(opportunity_id=opportunity.opportunity_id, created_at=now)
            self.session.add(row)
        row.name = opportunity.name
        row.account_name = opportunity.account_name
        row.customer_code = opportunity.customer_code
        row.contract_reference = opportunity.contract_reference
        row.stage = opportunity.stage
        row.currency = opportunity.currency
        row.close_date = opportunity.close_date
        row.data = image
        row.source = source
        row.updated_at = now
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type=self.entity_type,
            entity_id=opportunity.opportunity_id,
            action="create" if before is None else "update",
            before=before,
            after=image,
            reason=reason,
            clock=self.clock,
        )
        return "created" if before is None else "updated"

    def list(self) -> list[Opportunity]:
        rows = self.session.execute(
            select(OpportunityRow).order_by(OpportunityRow.opportunity_id)
        ).scalars()
        return [Opportunity.model_validate(row.data) for row in rows]

    def count(self) -> int:
        return int(
            self.session.execute(select(func.count()).select_from(OpportunityRow)).scalar_one()
        )


# --------------------------------------------------------------------------
# Read models


@dataclass(frozen=True)
class Waiver:
    approver: str
    reason: str
    waived_at: datetime


@dataclass(frozen=True)
class StoredFinding:
    """A finding as stored: the domain ``Finding`` plus its id, version, status and history."""

    finding_id: int
    contract_id: str
    contract_version: int
    key: str
    finding: Finding
    status: str
    first_seen_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    waiver: Waiver | None = None

    @property
    def rule_id(self) -> str:
        return self.finding.rule_id

    @property
    def severity(self) -> Severity:
        return self.finding.severity

    def as_dict(self) -> dict[str, Any]:
        return {
            "finding_id": self.finding_id,
            "contract_id": self.contract_id,
            "contract_version": self.contract_version,
            "key": self.key,
            "status": self.status,
            **self.finding.as_dict(),
            "first_seen_at": _stamp(self.first_seen_at),
            "last_seen_at": _stamp(self.last_seen_at),
            "closed_at": _stamp(self.closed_at),
            "closed_reason": self.closed_reason,
            "waiver": None
            if self.waiver is None
            else {
                "approver": self.waiver.approver,
                "reason": self.waiver.reason,
                "waived_at": _stamp(self.waiver.waived_at),
            },
        }


@dataclass(frozen=True)
class StoredTask:
    """A work-queue task: one finding waiting for a role, due by its SLA."""

    task_id: int
    route: str
    contract_id: str
    finding_id: int
    rule_id: str
    severity: str
    message: str
    created_at: datetime
    due_at: datetime
    status: str
    closed_at: datetime | None

    def overdue(self, now: datetime) -> bool:
        """True when the task is still open after its due time."""
        return self.status == TASK_OPEN and as_utc(now) > self.due_at

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "route": self.route,
            "contract_id": self.contract_id,
            "finding_id": self.finding_id,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "created_at": _stamp(self.created_at),
            "due_at": _stamp(self.due_at),
            "status": self.status,
            "closed_at": _stamp(self.closed_at),
            "overdue": self.overdue(now),
        }


@dataclass(frozen=True)
class ValidationRecord:
    contract_id: str
    contract_version: int
    policy: str
    open_errors: int
    open_warnings: int
    open_infos: int
    validated_by: str
    first_validated_at: datetime
    changed_at: datetime


@dataclass(frozen=True)
class Approval:
    contract_id: str
    contract_version: int
    approver: str
    reason: str
    approved_at: datetime


@dataclass
class SyncOutcome:
    """What ``sync_findings`` changed (finding ids per kind of change)."""

    raised: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    validation_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.raised
            or self.reopened
            or self.updated
            or self.resolved
            or self.superseded
            or self.validation_changed
        )


# --------------------------------------------------------------------------
# The store


def _content(finding: Finding) -> dict[str, Any]:
    """The stored, comparable content of a finding (JSON-native)."""
    data = finding.as_dict()
    return {
        "rule_id": data["rule_id"],
        "severity": data["severity"],
        "message": data["message"],
        "fields": data["fields"],
        "values": data["values"],
        "sources": data["sources"],
        "hint": data["hint"],
        "route": data["route"],
    }


def _row_content(row: FindingRow) -> dict[str, Any]:
    return {
        "rule_id": row.rule_id,
        "severity": row.severity,
        "message": row.message,
        "fields": list(row.fields),
        "values": dict(row.values),
        "sources": list(row.sources),
        "hint": row.hint,
        "route": row.route,
    }


def _finding_of(row: FindingRow) -> Finding:
    return Finding(
        rule_id=row.rule_id,
        severity=Severity(row.severity),
        message=row.message,
        fields=tuple(row.fields),
        values=dict(row.values),
        sources=tuple(Provenance.model_validate(source) for source in row.sources),
        hint=row.hint,
        route=row.route,
    )


class ValidationStore:
    """Findings, tasks, waivers, approvals and validation records of contracts."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    # -- reading ------------------------------------------------------------

    def findings(
        self,
        *,
        contract_id: str | None = None,
        version: int | None = None,
        status: str | None = None,
        route: str | None = None,
    ) -> list[StoredFinding]:
        query = select(FindingRow)
        if contract_id is not None:
            query = query.where(FindingRow.contract_id == contract_id)
        if version is not None:
            query = query.where(FindingRow.contract_version == version)
        if status is not None:
            query = query.where(FindingRow.status == status)
        if route is not None:
            query = query.where(FindingRow.route == route)
        rows = list(
            self.session.execute(
                query.order_by(FindingRow.contract_id, FindingRow.contract_version, FindingRow.id)
            ).scalars()
        )
        waivers = self._waivers([row.id for row in rows])
        return [self._stored(row, waivers.get(row.id)) for row in rows]

    def finding(self, finding_id: int) -> StoredFinding:
        row = self.session.get(FindingRow, finding_id)
        if row is None:
            raise NotFound(
                f"no finding with id {finding_id}",
                hint="`billops finding list` shows the findings and their ids",
            )
        return self._stored(row, self._waivers([row.id]).get(row.id))

    def tasks(
        self, *, route: str | None = None, status: str | None = TASK_OPEN
    ) -> list[StoredTask]:
        query = select(WorkQueueTaskRow, FindingRow).join(
            FindingRow, FindingRow.id == WorkQueueTaskRow.finding_id
        )
        if route is not None:
            query = query.where(WorkQueueTaskRow.route == route)
        if status is not None:
            query = query.where(WorkQueueTaskRow.status == status)
        query = query.order_by(WorkQueueTaskRow.due_at, WorkQueueTaskRow.id)
        return [
            StoredTask(
                task_id=task.id,
                route=task.route,
                contract_id=task.contract_id,
                finding_id=task.finding_id,
                rule_id=finding.rule_id,
                severity=finding.severity,
                message=finding.message,
                created_at=as_utc(task.created_at),
                due_at=as_utc(task.due_at),
                status=task.status,
                closed_at=None if task.closed_at is None else as_utc(task.closed_at),
            )
            for task, finding in self.session.execute(query).all()
        ]

    def validation(self, contract_id: str, version: int) -> ValidationRecord | None:
        row = self._validation_row(contract_id, version)
        if row is None:
            return None
        return ValidationRecord(
            contract_id=row.contract_id,
            contract_version=row.contract_version,
            policy=row.policy,
            open_errors=row.open_errors,
            open_warnings=row.open_warnings,
            open_infos=row.open_infos,
            validated_by=row.validated_by,
            first_validated_at=as_utc(row.first_validated_at),
            changed_at=as_utc(row.changed_at),
        )

    def approval(self, contract_id: str, version: int) -> Approval | None:
        row = self.session.execute(
            select(ContractApprovalRow).where(
                ContractApprovalRow.contract_id == contract_id,
                ContractApprovalRow.contract_version == version,
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        return Approval(
            row.contract_id, row.contract_version, row.approver, row.reason, as_utc(row.approved_at)
        )

    # -- validation ---------------------------------------------------------

    def sync_findings(
        self,
        contract_id: str,
        version: int,
        raised: Sequence[Finding],
        *,
        policy: str,
        sla_hours: Callable[[str], int],
    ) -> SyncOutcome:
        """Make the stored findings of ``contract_id`` version ``version`` be ``raised``.

        See the module docstring for what happens to each finding. Writes
        nothing at all when the stored state already agrees.
        """
        now = self.clock()
        outcome = SyncOutcome()
        for row in self._open_rows_before(contract_id, version):
            self._close(row, RESOLVED, f"superseded by version {version}", now, "resolve")
            outcome.superseded.append(row.id)
        stored = {row.finding_key: row for row in self._rows(contract_id, version)}
        seen: set[str] = set()
        for finding in raised:
            if finding.key in seen:  # run_rules already drops these; be sure
                continue
            seen.add(finding.key)
            existing = stored.get(finding.key)
            if existing is None:
                outcome.raised.append(self._raise(contract_id, version, finding, now, sla_hours).id)
            elif existing.status == RESOLVED:
                self._reopen(existing, finding, now, sla_hours)
                outcome.reopened.append(existing.id)
            elif _row_content(existing) != _content(finding):
                self._update(existing, finding, now, sla_hours)
                outcome.updated.append(existing.id)
            else:
                outcome.unchanged.append(existing.id)
        for key, row in stored.items():
            if key not in seen and row.status == OPEN:
                self._close(row, RESOLVED, "no longer raised", now, "resolve")
                outcome.resolved.append(row.id)
        outcome.validation_changed = self._record_validation(
            contract_id, version, policy, now, outcome
        )
        self.session.flush()
        return outcome

    # -- decisions ----------------------------------------------------------

    def waive(self, finding_id: int, *, approver: str, reason: str) -> StoredFinding:
        """Accept an open finding: status ``waived``, task done, a waiver row, one audit record."""
        row = self.session.get(FindingRow, finding_id)
        if row is None:
            raise NotFound(f"no finding with id {finding_id}")
        if row.status != OPEN:
            raise Conflict(
                f"finding {finding_id} is {row.status}, not open: there is nothing to waive",
                field="FINDING_ID",
                value=finding_id,
            )
        now = self.clock()
        before = self._image(row)
        self.session.add(
            FindingWaiverRow(finding_id=row.id, approver=approver, reason=reason, waived_at=now)
        )
        row.status = WAIVED
        row.closed_at = now
        row.closed_reason = f"waived by {approver}"
        self._task_done(row, now)
        self.session.flush()
        self._audit(row, "waive", before, reason)
        return self.finding(finding_id)

    def approve(self, contract_id: str, version: int, *, approver: str, reason: str) -> Approval:
        """Record the approval of a contract version (callers check that it may be approved)."""
        if self.approval(contract_id, version) is not None:
            raise Conflict(f"contract {contract_id!r} version {version} is already approved")
        now = self.clock()
        self.session.add(
            ContractApprovalRow(
                contract_id=contract_id,
                contract_version=version,
                approver=approver,
                reason=reason,
                approved_at=now,
            )
        )
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="contract",
            entity_id=contract_id,
            action="approve",
            before=None,
            after={"version": version, "approver": approver},
            reason=reason,
            clock=self.clock,
        )
        approval = self.approval(contract_id, version)
        assert approval is not None
        return approval

    # -- internals ----------------------------------------------------------

    def _rows(self, contract_id: str, version: int) -> list[FindingRow]:
        return list(
            self.session.execute(
                select(FindingRow)
                .where(FindingRow.contract_id == contract_id)
                .where(FindingRow.contract_version == version)
                .order_by(FindingRow.id)
            ).scalars()
        )

    def _open_rows_before(self, contract_id: str, version: int) -> list[FindingRow]:
        return list(
            self.session.execute(
                select(FindingRow)
                .where(FindingRow.contract_id == contract_id)
                .where(FindingRow.contract_version < version)
                .where(FindingRow.status == OPEN)
                .order_by(FindingRow.id)
            ).scalars()
        )

    def _validation_row(self, contract_id: str, version: int) -> ContractValidationRow | None:
        return self.session.execute(
            select(ContractValidationRow).where(
                ContractValidationRow.contract_id == contract_id,
                ContractValidationRow.contract_version == version,
            )
        ).scalar_one_or_none()

    def _waivers(self, finding_ids: Iterable[int]) -> dict[int, Waiver]:
        ids = list(finding_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(FindingWaiverRow).where(FindingWaiverRow.finding_id.in_(ids))
        ).scalars()
        return {
            row.finding_id: Waiver(row.approver, row.reason, as_utc(row.waived_at)) for row in rows
        }

    @staticmethod
    def _stored(row: FindingRow, waiver: Waiver | None) -> StoredFinding:
        return StoredFinding(
            finding_id=row.id,
            contract_id=row.contract_id,
            contract_version=row.contract_version,
            key=row.finding_key,
            finding=_finding_of(row),
            status=row.status,
            first_seen_at=as_utc(row.first_seen_at),
            last_seen_at=as_utc(row.last_seen_at),
            closed_at=None if row.closed_at is None else as_utc(row.closed_at),
            closed_reason=row.closed_reason,
            waiver=waiver,
        )

    def _task(self, row: FindingRow) -> WorkQueueTaskRow | None:
        return self.session.execute(
            select(WorkQueueTaskRow).where(WorkQueueTaskRow.finding_id == row.id)
        ).scalar_one_or_none()

    def _image(self, row: FindingRow) -> dict[str, Any]:
        task = self._task(row)
        return {
            "contract_id": row.contract_id,
            "contract_version": row.contract_version,
            "key": row.finding_key,
            "status": row.status,
            **_row_content(row),
            "closed_reason": row.closed_reason,
            "task": None
            if task is None
            else {
                "task_id": task.id,
                "route": task.route,
                "status": task.status,
                "due_at": _stamp(task.due_at),
            },
        }

    def _audit(
        self, row: FindingRow, action: str, before: dict[str, Any] | None, reason: str | None
    ) -> None:
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="finding",
            entity_id=str(row.id),
            action=action,
            before=before,
            after=self._image(row),
            reason=reason,
            clock=self.clock,
        )

    def _apply(self, row: FindingRow, finding: Finding) -> None:
        content = _content(finding)
        row.rule_id = content["rule_id"]
        row.severity = content["severity"]
        row.message = content["message"]
        row.fields = content["fields"]
        row.values = content["values"]
        row.sources = content["sources"]
        row.hint = content["hint"]
        row.route = content["route"]

    def _raise(
        self,
        contract_id: str,
        version: int,
        finding: Finding,
        now: datetime,
        sla_hours: Callable[[str], int],
    ) -> FindingRow:
        row = FindingRow(
            contract_id=contract_id,
            contract_version=version,
            finding_key=finding.key,
            status=OPEN,
            first_seen_at=now,
            last_seen_at=now,
        )
        self._apply(row, finding)
        self.session.add(row)
        self.session.flush()
        self._sync_task(row, now, sla_hours)
        self._audit(row, "raise", None, None)
        return row

    def _reopen(
        self, row: FindingRow, finding: Finding, now: datetime, sla_hours: Callable[[str], int]
    ) -> None:
        before = self._image(row)
        self._apply(row, finding)
        row.status, row.closed_at, row.closed_reason = OPEN, None, None
        row.last_seen_at = now
        self._sync_task(row, now, sla_hours)
        self._audit(row, "reopen", before, None)

    def _update(
        self, row: FindingRow, finding: Finding, now: datetime, sla_hours: Callable[[str], int]
    ) -> None:
        before = self._image(row)
        self._apply(row, finding)
        row.last_seen_at = now
        self._sync_task(row, now, sla_hours)
        self._audit(row, "update", before, None)

    def _close(self, row: FindingRow, status: str, why: str, now: datetime, action: str) -> None:
        before = self._image(row)
        row.status, row.closed_at, row.closed_reason = status, now, why
        self._task_done(row, now)
        self.session.flush()
        self._audit(row, action, before, why)

    def _sync_task(self, row: FindingRow, now: datetime, sla_hours: Callable[[str], int]) -> None:
        """Make the finding's task agree with it: open on its route while it needs a person."""
        task = self._task(row)
        needed = row.status == OPEN and row.severity in TASK_SEVERITIES
        if not needed:
            self._task_done(row, now)
            return
        if task is None:
            task = WorkQueueTaskRow(
                route=row.route,
                contract_id=row.contract_id,
                finding_id=row.id,
                created_at=now,
                due_at=now + timedelta(hours=sla_hours(row.route)),
                status=TASK_OPEN,
            )
            self.session.add(task)
        elif task.status != TASK_OPEN:
            task.route, task.status, task.closed_at = row.route, TASK_OPEN, None
            task.created_at = now
            task.due_at = now + timedelta(hours=sla_hours(row.route))
        elif task.route != row.route:
            task.route = row.route
            task.due_at = as_utc(task.created_at) + timedelta(hours=sla_hours(row.route))
        self.session.flush()

    def _task_done(self, row: FindingRow, now: datetime) -> None:
        task = self._task(row)
        if task is not None and task.status == TASK_OPEN:
            task.status, task.closed_at = TASK_DONE, now
            self.session.flush()

    def _record_validation(
        self, contract_id: str, version: int, policy: str, now: datetime, outcome: SyncOutcome
    ) -> bool:
        self.session.flush()
        counts = {severity: 0 for severity in ("error", "warning", "info")}
        for finding_row in self._rows(contract_id, version):
            if finding_row.status == OPEN:
                counts[finding_row.severity] += 1
        summary = {
            "version": version,
            "policy": policy,
            "open_errors": counts["error"],
            "open_warnings": counts["warning"],
            "open_infos": counts["info"],
        }
        row = self._validation_row(contract_id, version)
        if row is None:
            row = ContractValidationRow(
                contract_id=contract_id,
                contract_version=version,
                validated_by=self.actor,
                first_validated_at=now,
            )
            self.session.add(row)
            before = None
        else:
            before = {
                "version": version,
                "policy": row.policy,
                "open_errors": row.open_errors,
                "open_warnings": row.open_warnings,
                "open_infos": row.open_infos,
            }
            if before == summary and not outcome.changed:
                return False
        row.policy = policy
        row.open_errors = counts["error"]
        row.open_warnings = counts["warning"]
        row.open_infos = counts["info"]
        row.changed_at = now
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="contract",
            entity_id=contract_id,
            action="validate",
            before=before,
            after=summary,
            reason=None,
            clock=self.clock,
        )
        return True
