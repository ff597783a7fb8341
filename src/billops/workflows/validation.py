"""Contract validation: check a signed contract before setup, and decide what to do about it.

Before a contract is set up for billing, an analyst checks it: is it
complete, does the arithmetic hold, are the commercial terms within policy,
does it match what Sales booked in the CRM? This step makes that check
explicit and repeatable:

1. ``validate_contract`` loads the contract's current version, the customer
   it names (by code), the legal entity that signs it (by supplier code) and
   the stored CRM opportunities; finds the opportunity behind the contract
   (``match_opportunity``); runs every rule under the entity's policy
   (``run_rules``); and stores the findings (``ValidationStore.sync_findings``).
   A contract naming a customer or entity that is not on file is not a
   crash but a finding: ``REF-UNKNOWN-CUSTOMER`` / ``REF-UNKNOWN-ENTITY``.
   Running it twice changes nothing; a finding no longer raised is
   resolved; each open error or warning waits as a task on its route's
   work queue, due after the route's SLA hours.
2. People decide. ``waive_finding`` accepts one finding, with a reason, by
   someone who did not make the contract version (maker-checker);
   ``approve_contract`` approves the current version, refused while an
   error finding is open and refused to the version's own maker.
3. ``explain_contract`` says, per finding, which rule raised it, with which
   values, from which clause (page and quoted text) and what to do.

``validate_terms`` runs the same checks on terms read from a file, storing
nothing. ``import_opportunities`` stores CRM opportunities (upsert, audited)
for the cross-check. ``demo_validation_step`` runs all of it on the demo
company and prints which rule found each planted defect.

The two reference checks this step adds to the registered rules:

    >>> from datetime import date
    >>> [(r.rule_id, r.severity.value, r.route) for r in REFERENCE_RULES.values()]
    [('REF-UNKNOWN-CUSTOMER', 'error', 'billing'), ('REF-UNKNOWN-ENTITY', 'error', 'finance')]

Decisions worth knowing:

- Findings belong to a contract *version*. When a new version is
  validated, the open findings of older versions are resolved as
  superseded; the new version's findings are its own, and waivers do not
  carry over (a changed contract needs a fresh look).
- The CRM cross-check (``CRM-*`` rules) runs once opportunities have been
  imported; with no CRM data at all, every contract would otherwise raise
  ``CRM-NO-MATCH`` and bury the real findings.
- ``REF-*`` findings come from this step, not from a rule function: they
  need the database to know what is on file. Their severity is ``error``
  and the policy's ``severities`` may lower it.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.adapters.storage.validation_store import (
    Approval,
    Opportunities,
    StoredFinding,
    StoredTask,
    SyncOutcome,
    ValidationStore,
)
from billops.domain.catalog import Catalogue
from billops.domain.contract import ContractTerms, Provenance
from billops.domain.crm import Opportunity
from billops.domain.crm_matching import OpportunityMatch, match_opportunity
from billops.domain.findings import Finding, Route, Severity
from billops.domain.parties import Customer, LegalEntity
from billops.domain.policy import Policy
from billops.domain.rules import RULES, RuleContext, describe_rules, run_rules
from billops.errors import Conflict, InvalidInput
from billops.workflows.setup import stored_catalogue

__all__ = [
    "DEMO_APPROVER",
    "DEMO_DEFECT_RULES",
    "REFERENCE_RULES",
    "ApprovalOutcome",
    "ApprovalRefused",
    "Clause",
    "ContractExplanation",
    "CrmImportSummary",
    "DefectCheck",
    "EffectiveRule",
    "ExplainedFinding",
    "PolicySource",
    "RuleInfo",
    "TermsValidation",
    "ValidationResult",
    "approve_contract",
    "demo_validation_step",
    "effective_rules",
    "explain_contract",
    "import_opportunities",
    "list_findings",
    "list_tasks",
    "reference_findings",
    "rule_info",
    "tasks_due",
    "validate_contract",
    "validate_contracts",
    "validate_terms",
    "waive_finding",
]

PolicySource = Policy | Callable[[str | None], Policy]
"""A policy, or a function giving the effective policy of a legal entity code."""


class ApprovalRefused(Conflict):
    """An approval or waiver that the rules of approval do not allow (exit code 2)."""


# --------------------------------------------------------------------------
# Rules: the registered ones and the reference checks of this step


@dataclass(frozen=True)
class RuleInfo:
    """What ``explain`` and ``policy show`` say about a rule."""

    rule_id: str
    title: str
    severity: Severity
    route: str
    doc: str


REFERENCE_RULES: Final[Mapping[str, RuleInfo]] = {
    "REF-UNKNOWN-CUSTOMER": RuleInfo(
        "REF-UNKNOWN-CUSTOMER",
        "The contract names a customer on file",
        Severity.ERROR,
        Route.BILLING.value,
        "The contract's customer code names no stored customer, so there is no one to "
        "invoice: no billing address, contact, tax id or payment terms.",
    ),
    "REF-UNKNOWN-ENTITY": RuleInfo(
        "REF-UNKNOWN-ENTITY",
        "The contract names a legal entity on file",
        Severity.ERROR,
        Route.FINANCE.value,
        "The contract's supplier code names no stored legal entity, so no entity can "
        "issue its invoices or book its revenue.",
    ),
}


def rule_info(rule_id: str) -> RuleInfo | None:
    """The registered rule or reference check named ``rule_id``, if any."""
    if rule_id in REFERENCE_RULES:
        return REFERENCE_RULES[rule_id]
    registered = RULES.get(rule_id)
    if registered is None:
        return None
    return RuleInfo(
        registered.rule_id,
        registered.title,
        registered.severity,
        registered.route,
        registered.doc,
    )


@dataclass(frozen=True)
class EffectiveRule:
    """A rule as a policy applies it: its severity (``off`` when switched off) and route."""

    rule_id: str
    title: str
    default_severity: str
    severity: str
    route: str


def effective_rules(policy: Policy) -> list[EffectiveRule]:
    """Every rule, with the severity and route ``policy`` gives it (``billops policy show``)."""
    infos = [rule_info(rule.rule_id) for rule in describe_rules()]
    infos += list(REFERENCE_RULES.values())
    effective = []
    for info in sorted((i for i in infos if i is not None), key=lambda i: i.rule_id):
        severity = policy.severity_for(info.rule_id, info.severity)
        effective.append(
            EffectiveRule(
                info.rule_id,
                info.title,
                info.severity.value,
                "off" if severity is None else severity.value,
                policy.route_for(info.rule_id, info.route),
            )
        )
    return effective


def _resolve_policy(policy: PolicySource, entity_code: str | None) -> Policy:
    return policy if isinstance(policy, Policy) else policy(entity_code)


def _policy_label(policy: Policy) -> str:
    return f"{policy.name} (version {policy.version})"


# --------------------------------------------------------------------------
# Running the checks (pure: nothing is stored here)


def reference_findings(
    terms: ContractTerms,
    *,
    customer: Customer | None,
    entity: LegalEntity | None,
    policy: Policy,
) -> list[Finding]:
    """``REF-UNKNOWN-*`` findings for codes that name nothing on file."""
    found = []
    checks = (
        ("REF-UNKNOWN-CUSTOMER", "customer.code", terms.customer.code, customer, "customer"),
        ("REF-UNKNOWN-ENTITY", "supplier.code", terms.supplier.code, entity, "legal entity"),
    )
    for rule_id, path, code, record, noun in checks:
        if code is None or record is not None:
            continue  # a missing code is COMPLETE-FIELDS' finding
        info = REFERENCE_RULES[rule_id]
        severity = policy.severity_for(rule_id, info.severity)
        if severity is None:
            continue
        command = "customer" if noun == "customer" else "entity"
        found.append(
            Finding(
                rule_id=rule_id,
                severity=severity,
                message=f"the contract names {noun} {code!r}, which is not on file",
                fields=(path,),
                values={"code": code},
                sources=_sources(terms, path),
                hint=f"add it with `billops {command} add --code {code} ...`, "
                f"or correct {path} in the contract",
                route=policy.route_for(rule_id, info.route),
            )
        )
    return found


def _sources(terms: ContractTerms, path: str) -> tuple[Provenance, ...]:
    return tuple(
        provenance
        for key, provenance in sorted(terms.provenance.items())
        if key == path or key.startswith(f"{path}.")
    )


def _check(
    terms: ContractTerms,
    *,
    policy: Policy,
    today: date,
    customer: Customer | None,
    entity: LegalEntity | None,
    opportunities: Sequence[Opportunity] | None,
    references: bool,
    catalogue: Catalogue | None = None,
) -> tuple[list[Finding], OpportunityMatch | None]:
    match = None if opportunities is None else match_opportunity(terms, opportunities)
    context = RuleContext(
        terms=terms,
        policy=policy,
        today=today,
        customer=customer,
        entity=entity,
        opportunity=None if match is None else match.opportunity,
        opportunity_candidates=match.candidates if match is not None and match.ambiguous else (),
        catalogue=catalogue,
    )
    rules = describe_rules()
    if match is None:
        rules = [rule for rule in rules if not rule.rule_id.startswith("CRM-")]
    if catalogue is None:
        rules = [rule for rule in rules if not rule.rule_id.startswith("CATALOG-")]
    findings = run_rules(context, rules)
    if references:
        findings += reference_findings(terms, customer=customer, entity=entity, policy=policy)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings.sort(key=lambda f: (order[f.severity], f.rule_id, f.fields))
    return findings, match


@dataclass(frozen=True)
class TermsValidation:
    """What the checks found on terms that are not stored (``billops contract validate FILE``)."""

    terms: ContractTerms
    findings: tuple[Finding, ...]
    references_checked: bool
    crm_checked: bool
    crm_match: str | None

    @property
    def open_errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


class _Unread:
    """Marks an argument the caller did not pass: read it from storage."""


_UNREAD: Final = _Unread()


def _loaded_catalogue(session: Any) -> Catalogue | None:
    """The stored catalogue, or None when none is loaded (the CATALOG-* rules skip)."""
    catalogue = stored_catalogue(session)
    return catalogue if len(catalogue) else None


def validate_terms(
    terms: ContractTerms,
    *,
    policy: PolicySource,
    today: date,
    database: Database | None = None,
) -> TermsValidation:
    """Run the checks on ``terms``; store nothing.

    With a ``database``, the customer, entity and CRM opportunities on file
    are looked up (read only), so the reference and CRM checks run too.
    """
    effective = _resolve_policy(policy, terms.supplier.code)
    if database is None:
        findings, match = _check(
            terms,
            policy=effective,
            today=today,
            customer=None,
            entity=None,
            opportunities=None,
            references=False,
        )
        return TermsValidation(terms, tuple(findings), False, False, None)
    with database.transaction() as session:
        customer, entity = _parties(session, terms)
        opportunities = Opportunities(session, "reader").list()
        catalogue = _loaded_catalogue(session)
    findings, match = _check(
        terms,
        policy=effective,
        today=today,
        customer=customer,
        entity=entity,
        opportunities=opportunities or None,
        references=True,
        catalogue=catalogue,
    )
    return TermsValidation(
        terms, tuple(findings), True, match is not None, None if match is None else match.reason
    )


def _parties(session: Any, terms: ContractTerms) -> tuple[Customer | None, LegalEntity | None]:
    customer = (
        Customers(session, "reader").find(terms.customer.code) if terms.customer.code else None
    )
    entity = (
        LegalEntities(session, "reader").find(terms.supplier.code) if terms.supplier.code else None
    )
    return customer, entity


# --------------------------------------------------------------------------
# Validating stored contracts


@dataclass(frozen=True)
class ValidationResult:
    """One contract version validated: its findings now, and what the run changed."""

    contract_id: str
    version: int
    policy: str
    findings: tuple[StoredFinding, ...]  # open and waived findings of this version
    changes: SyncOutcome
    crm_checked: bool
    crm_match: str | None

    @property
    def open_errors(self) -> list[StoredFinding]:
        return [f for f in self.findings if f.status == "open" and f.severity is Severity.ERROR]

    @property
    def open(self) -> list[StoredFinding]:
        return [f for f in self.findings if f.status == "open"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "version": self.version,
            "policy": self.policy,
            "open_errors": len(self.open_errors),
            "crm_checked": self.crm_checked,
            "crm_match": self.crm_match,
            "changes": {
                "raised": len(self.changes.raised),
                "reopened": len(self.changes.reopened),
                "updated": len(self.changes.updated),
                "resolved": len(self.changes.resolved) + len(self.changes.superseded),
                "unchanged": len(self.changes.unchanged),
            },
            "findings": [f.as_dict() for f in self.findings],
        }


def validate_contract(
    database: Database,
    contract_id: str,
    *,
    actor: str,
    policy: PolicySource,
    today: date,
    clock: Clock = utc_now,
    opportunities: Sequence[Opportunity] | None = None,
    catalogue: Catalogue | _Unread | None = _UNREAD,
) -> ValidationResult:
    """Validate the current version of ``contract_id`` and store its findings (one transaction).

    ``opportunities`` and ``catalogue`` let a batch read the CRM and the
    catalogue once; by default the stored ones are read.
    """
    with database.transaction() as session:
        stored = Contracts(session, actor, clock).get(contract_id)
        terms = stored.terms
        customer, entity = _parties(session, terms)
        if opportunities is None:
            opportunities = Opportunities(session, actor, clock).list()
        if isinstance(catalogue, _Unread):
            catalogue = _loaded_catalogue(session)
        effective = _resolve_policy(policy, terms.supplier.code)
        findings, match = _check(
            terms,
            policy=effective,
            today=today,
            customer=customer,
            entity=entity,
            opportunities=opportunities or None,
            references=True,
            catalogue=catalogue,
        )
        store = ValidationStore(session, actor, clock)
        label = _policy_label(effective)
        changes = store.sync_findings(
            contract_id, stored.version, findings, policy=label, sla_hours=effective.sla_hours
        )
        now_findings = [
            f
            for f in store.findings(contract_id=contract_id, version=stored.version)
            if f.status != "resolved"
        ]
    return ValidationResult(
        contract_id=contract_id,
        version=stored.version,
        policy=label,
        findings=tuple(sorted(now_findings, key=_display_order)),
        changes=changes,
        crm_checked=match is not None,
        crm_match=None if match is None else match.reason,
    )


def _display_order(finding: StoredFinding) -> tuple[int, int, str, str]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return (
        0 if finding.status == "open" else 1,
        order[finding.severity],
        finding.rule_id,
        finding.key,
    )


def validate_contracts(
    database: Database,
    contract_ids: Iterable[str] | None = None,
    *,
    actor: str,
    policy: PolicySource,
    today: date,
    clock: Clock = utc_now,
) -> list[ValidationResult]:
    """Validate several contracts (every stored one by default), each in its own transaction."""
    with database.transaction() as session:
        opportunities = Opportunities(session, actor).list()
        catalogue = _loaded_catalogue(session)
        ids = (
            list(contract_ids)
            if contract_ids is not None
            else [row.contract_id for row in Contracts(session, actor).list()]
        )
    return [
        validate_contract(
            database,
            contract_id,
            actor=actor,
            policy=policy,
            today=today,
            clock=clock,
            opportunities=opportunities,
            catalogue=catalogue,
        )
        for contract_id in ids
    ]


# --------------------------------------------------------------------------
# Decisions: waivers and approvals (maker-checker)


def _required_reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(
            f"{what} needs a reason for the audit trail",
            field="--reason",
            hint='say why, e.g. --reason "discount approved by the deal desk, ticket DD-142"',
        )
    return text


def _refuse_maker(maker: str, approver: str, contract_id: str, version: int, what: str) -> None:
    if maker.casefold() == approver.casefold():
        raise ApprovalRefused(
            f"{approver} made version {version} of contract {contract_id!r}, so cannot "
            f"{what}: maker-checker needs a second person",
            field="BILLOPS_ACTOR",
            value=approver,
            hint="ask a colleague to do it (set BILLOPS_ACTOR to who is acting)",
        )


def waive_finding(
    database: Database,
    finding_id: int,
    *,
    approver: str,
    reason: str | None,
    clock: Clock = utc_now,
) -> StoredFinding:
    """Accept an open finding of a contract's current version, with a reason (audited).

    Refused without a reason, for a finding that is not open, for a finding
    of an older version, and to the person who made the current version.
    """
    text = _required_reason(reason, "a waiver")
    with database.transaction() as session:
        store = ValidationStore(session, approver, clock)
        found = store.finding(finding_id)
        current = Contracts(session, approver, clock).get(found.contract_id)
        if found.contract_version != current.version:
            raise ApprovalRefused(
                f"finding {finding_id} belongs to version {found.contract_version} of "
                f"contract {found.contract_id!r}, which is now at version {current.version}",
                hint=f"run `billops contract validate {found.contract_id}` and waive the "
                "findings of the current version",
            )
        _refuse_maker(
            current.created_by, approver, found.contract_id, current.version, "waive its findings"
        )
        return store.waive(finding_id, approver=approver, reason=text)


@dataclass(frozen=True)
class ApprovalOutcome:
    approval: Approval
    created: bool  # False when this version was already approved


def approve_contract(
    database: Database,
    contract_id: str,
    *,
    approver: str,
    reason: str | None,
    clock: Clock = utc_now,
) -> ApprovalOutcome:
    """Approve the current version of ``contract_id`` for setup (audited).

    Refused when the version has not been validated, while any error
    finding of it is open (the message lists them), and to the person who
    made the version. Approving an approved version again changes nothing.
    """
    text = _required_reason(reason, "an approval")
    with database.transaction() as session:
        current = Contracts(session, approver, clock).get(contract_id)
        store = ValidationStore(session, approver, clock)
        existing = store.approval(contract_id, current.version)
        if existing is not None:
            return ApprovalOutcome(existing, False)
        if store.validation(contract_id, current.version) is None:
            raise ApprovalRefused(
                f"version {current.version} of contract {contract_id!r} has not been validated",
                hint=f"run `billops contract validate {contract_id}` first",
            )
        errors = [
            f
            for f in store.findings(contract_id=contract_id, version=current.version, status="open")
            if f.severity is Severity.ERROR
        ]
        if errors:
            listed = "; ".join(
                f"#{f.finding_id} {f.rule_id}: {f.finding.message}" for f in errors[:5]
            )
            more = f"; and {len(errors) - 5} more" if len(errors) > 5 else ""
            raise ApprovalRefused(
                f"contract {contract_id!r} version {current.version} has {len(errors)} open "
                f"error finding{'s' if len(errors) > 1 else ''}: {listed}{more}",
                hint="fix the contract and validate it again, or waive each finding with "
                "`billops finding waive FINDING_ID --reason ...`",
            )
        _refuse_maker(current.created_by, approver, contract_id, current.version, "approve it")
        return ApprovalOutcome(
            store.approve(contract_id, current.version, approver=approver, reason=text), True
        )


# --------------------------------------------------------------------------
# Reading: findings, the work queue, explanations


def list_findings(
    database: Database,
    *,
    contract_id: str | None = None,
    status: str | None = None,
    route: str | None = None,
) -> list[StoredFinding]:
    if status is not None and status not in ("open", "resolved", "waived"):
        raise InvalidInput(
            "not a finding status", field="--status", value=status, hint="open, resolved or waived"
        )
    with database.transaction() as session:
        if contract_id is not None:
            Contracts(session, "reader").get(contract_id)  # NotFound names the id
        return ValidationStore(session, "reader").findings(
            contract_id=contract_id, status=status, route=route
        )


def list_tasks(
    database: Database, *, route: str | None = None, include_done: bool = False
) -> list[StoredTask]:
    with database.transaction() as session:
        return ValidationStore(session, "reader").tasks(
            route=route, status=None if include_done else "open"
        )


@dataclass(frozen=True)
class Clause:
    """Where in the signed document a value was read: the analyst's place to look."""

    field: str
    document: str
    page: int | None
    quote: str | None

    def describe(self) -> str:
        where = self.document + (f", page {self.page}" if self.page else "")
        return f"{where}: \u201c{self.quote}\u201d" if self.quote else where


@dataclass(frozen=True)
class ExplainedFinding:
    finding: StoredFinding
    rule: RuleInfo | None
    clauses: tuple[Clause, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.finding.as_dict(),
            "rule": None
            if self.rule is None
            else {"rule_id": self.rule.rule_id, "title": self.rule.title, "doc": self.rule.doc},
            "clauses": [
                {"field": c.field, "document": c.document, "page": c.page, "quote": c.quote}
                for c in self.clauses
            ],
        }


@dataclass(frozen=True)
class ContractExplanation:
    contract_id: str
    version: int
    validated: bool
    approval: Approval | None
    findings: tuple[ExplainedFinding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "version": self.version,
            "validated": self.validated,
            "approval": None
            if self.approval is None
            else {
                "approver": self.approval.approver,
                "reason": self.approval.reason,
                "approved_at": self.approval.approved_at.isoformat(),
            },
            "findings": [f.as_dict() for f in self.findings],
        }


def _clauses(terms: ContractTerms, finding: Finding) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    for path in finding.fields:
        for key, provenance in sorted(terms.provenance.items()):
            if key == path or key.startswith((f"{path}.", f"{path}[")):
                clause = Clause(key, provenance.document.name, provenance.page, provenance.quote)
                if clause not in clauses:
                    clauses.append(clause)
    for provenance in finding.sources:  # sources a rule named beyond its fields
        if not any(
            c.document == provenance.document.name
            and c.page == provenance.page
            and c.quote == provenance.quote
            for c in clauses
        ):
            clauses.append(Clause("", provenance.document.name, provenance.page, provenance.quote))
    return tuple(clauses)


def explain_contract(database: Database, contract_id: str) -> ContractExplanation:
    """For each finding of the current version: the rule, the values, the clause, the fix."""
    with database.transaction() as session:
        current = Contracts(session, "reader").get(contract_id)
        store = ValidationStore(session, "reader")
        validated = store.validation(contract_id, current.version) is not None
        approval = store.approval(contract_id, current.version)
        stored = [
            f
            for f in store.findings(contract_id=contract_id, version=current.version)
            if f.status != "resolved"
        ]
    if not validated:
        raise InvalidInput(
            f"version {current.version} of contract {contract_id!r} has not been validated",
            hint=f"run `billops contract validate {contract_id}` first",
        )
    explained = tuple(
        ExplainedFinding(f, rule_info(f.rule_id), _clauses(current.terms, f.finding))
        for f in sorted(stored, key=_display_order)
    )
    return ContractExplanation(contract_id, current.version, validated, approval, explained)


# --------------------------------------------------------------------------
# CRM opportunities


@dataclass(frozen=True)
class CrmImportSummary:
    created: int
    updated: int
    unchanged: int


def import_opportunities(
    database: Database,
    opportunities: Sequence[Opportunity],
    *,
    actor: str,
    source: str,
    reason: str | None = None,
    clock: Clock = utc_now,
) -> CrmImportSummary:
    """Store opportunities (upsert by id) in one transaction; the same data again: no change."""
    seen: set[str] = set()
    for opportunity in opportunities:
        if opportunity.opportunity_id in seen:
            raise InvalidInput(
                "opportunity listed twice",
                source=source,
                field="Id",
                value=opportunity.opportunity_id,
            )
        seen.add(opportunity.opportunity_id)
    counts: Counter[str] = Counter()
    with database.transaction() as session:
        repository = Opportunities(session, actor, clock)
        for opportunity in opportunities:
            counts[repository.upsert(opportunity, source=source, reason=reason)] += 1
    return CrmImportSummary(counts["created"], counts["updated"], counts["unchanged"])


# --------------------------------------------------------------------------
# The demo


# planted defect (data_quality_notes.csv "problem") -> the rules that find it
DEMO_DEFECT_RULES: Final[Mapping[str, frozenset[str]]] = {
    "arithmetic_mismatch": frozenset({"ARITH-LINE-TOTAL", "ARITH-RAMP"}),
    "missing_purchase_order": frozenset({"COMPLETE-PO"}),
    "discount_above_policy": frozenset({"COMMERCIAL-DISCOUNT"}),
    "missing_billing_contact": frozenset({"COMPLETE-BILLING-CONTACT"}),
    "missing_tax_id": frozenset({"COMPLETE-TAX-ID"}),
    "invalid_vat_check_digit": frozenset({"TAX-ID-INVALID"}),
    "crm_amount_mismatch": frozenset({"CRM-AMOUNT"}),
    "crm_quantity_mismatch": frozenset({"CRM-QUANTITY"}),
    "crm_close_date_after_signature": frozenset({"CRM-CLOSE-DATE"}),
}

DEMO_APPROVER: Final = "demo-approver"


@dataclass(frozen=True)
class DefectCheck:
    """One planted defect and the rule(s) that found it (empty when missed)."""

    problem: str
    record: str
    contracts: tuple[str, ...]
    found_by: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.found_by)


def _planted_defects(
    notes_csv: Path,
    opportunities: Sequence[Opportunity],
    contracts_by_customer: Mapping[str, list[str]],
) -> list[tuple[dict[str, str], list[str]]]:
    owner = {o.opportunity_id: o for o in opportunities}
    owner.update({line.line_id: o for o in opportunities for line in o.lines})
    with notes_csv.open(encoding="utf-8", newline="") as handle:
        notes = list(csv.DictReader(handle))
    planted = []
    for note in notes:
        kind, record = note["record_type"], note["record_id"]
        if kind == "contract":
            contracts = [record]
        elif kind == "customer":
            contracts = contracts_by_customer.get(record, [])
        else:
            reference = owner[record].contract_reference if record in owner else None
            contracts = [reference] if reference else []
        planted.append((note, contracts))
    return planted


def demo_validation_step(
    database: Database,
    data_dir: Path,
    say: Callable[[str], None],
    *,
    actor: str = "demo",
    today: date = date(2026, 11, 30),
    clock: Clock = utc_now,
) -> dict[str, Any]:
    """Import the demo CRM, validate every contract, approve the clean ones, check the defects.

    Prints a table "defect -> rule that found it" from ``data_quality_notes.csv``
    and returns the counts (the lead's ``make demo`` summary uses them).
    """
    from billops.adapters.crm.csv_export import read_export

    crm = data_dir / "crm"
    export = read_export(
        crm / "opportunities.csv", crm / "opportunity_line_items.csv", crm / "accounts.csv"
    )
    imported = import_opportunities(
        database, export.opportunities, actor=actor, source=str(crm / "opportunities.csv")
    )
    say(
        f"   CRM: {imported.created} opportunities imported, {imported.updated} updated, "
        f"{imported.unchanged} unchanged"
    )
    from billops.adapters.policy_files import load_policy

    policies: dict[str | None, Policy] = {}

    def policy_of(code: str | None) -> Policy:
        if code not in policies:
            policies[code] = load_policy(None, code)
        return policies[code]

    results = validate_contracts(database, actor=actor, policy=policy_of, today=today, clock=clock)
    by_severity: Counter[str] = Counter(
        f.severity.value for r in results for f in r.findings if f.status == "open"
    )
    clean = [r for r in results if not r.open_errors]
    say(
        f"   {len(results)} contracts validated: {by_severity['error']} error, "
        f"{by_severity['warning']} warning, {by_severity['info']} info findings open; "
        f"{len(results) - len(clean)} contracts blocked by errors"
    )
    approved = already = 0
    for result in clean:
        outcome = approve_contract(
            database,
            result.contract_id,
            approver=DEMO_APPROVER,
            reason="demo: no open error findings",
            clock=clock,
        )
        approved += outcome.created
        already += not outcome.created
    say(
        f"   {approved} clean contracts approved by {DEMO_APPROVER} (maker-checker), "
        f"{already} already approved"
    )

    rules_by_contract: dict[str, set[str]] = defaultdict(set)
    for r in results:
        rules_by_contract[r.contract_id] |= {f.rule_id for f in r.findings}
    with database.transaction() as session:
        by_customer: dict[str, list[str]] = defaultdict(list)
        for row in Contracts(session, "reader").list():
            if row.customer_code:
                by_customer[row.customer_code].append(row.contract_id)
    checks: list[DefectCheck] = []
    notes_csv = data_dir / "data_quality_notes.csv"
    if notes_csv.exists():
        for note, contracts in _planted_defects(notes_csv, export.opportunities, by_customer):
            expected = DEMO_DEFECT_RULES.get(note["problem"], frozenset())
            found = sorted({rule for c in contracts for rule in rules_by_contract[c] & expected})
            checks.append(
                DefectCheck(note["problem"], note["record_id"], tuple(contracts), tuple(found))
            )
    width = max((len(c.problem) for c in checks), default=10)
    say("   planted defect → rule that found it")
    for check in checks:
        where = ", ".join(check.contracts) or check.record
        found_by = ", ".join(check.found_by) if check.found else "NOT FOUND"
        say(f"     {check.problem:<{width}}  → {found_by}  ({where})")
    missed = [c for c in checks if not c.found]
    say(f"   {len(checks) - len(missed)} of {len(checks)} planted defects found")
    return {
        "contracts_validated": len(results),
        "open_findings": dict(by_severity),
        "approved": approved,
        "already_approved": already,
        "blocked": len(results) - len(clean),
        "defects_planted": len(checks),
        "defects_found": len(checks) - len(missed),
        "defects_missed": [f"{c.problem} ({c.record})" for c in missed],
        "crm": {
            "created": imported.created,
            "updated": imported.updated,
            "unchanged": imported.unchanged,
        },
    }


def tasks_due(tasks: Iterable[StoredTask], now: datetime) -> list[StoredTask]:
    """The tasks of ``tasks`` that are overdue at ``now``."""
    return [task for task in tasks if task.overdue(now)]
