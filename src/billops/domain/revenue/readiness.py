"""Booking readiness: may this contract's order be booked for revenue yet?

Revenue is recognised only from a *contract* in the sense of ASC 606 /
IFRS 15, and step 1 of the standard (IFRS 15.9, ASC 606-10-25-1) says when
an agreement is one: the parties approved it and are committed, each
party's rights and the payment terms can be identified, it has commercial
substance, and collection of the consideration is probable. Contracts with
the same customer entered into at or near the same time may have to be
combined and accounted for as one (IFRS 15.17, ASC 606-10-25-9). Until all
of that holds, an order is not booked.

``booking_readiness`` checks a contract against that list and says, per
criterion, whether it is **met** (with the evidence: the signature date,
the payment-terms clause, the credit status...), **missing** (with what is
missing and what would settle it) or **judged** (missing on the face of the
documents, but a person recorded a judgement and a second person approved
it, maker-checker). It is pure: the workflow
(``billops.workflows.revenue_booking``) loads the contract, its approval,
the customer, the customer's other contracts, the stored judgements and the
policy's combination window, and stores the booking.

    >>> from datetime import date
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.parties import Customer
    >>> terms = parse_contract({
    ...     "contract_id": "OF-1", "document_type": "order_form",
    ...     "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
    ...     "customer": {"code": "globex", "name": "Globex Corporation"},
    ...     "signature_date": "2026-01-15", "start_date": "2026-02-01",
    ...     "end_date": "2027-01-31", "currency": "USD",
    ...     "payment_terms": {"net_days": 30, "description": "Net 30"},
    ...     "lines": [{"line_id": "L1", "description": "Platform", "billing_model":
    ...                "subscription", "quantity": 10, "unit_price": "1200.00",
    ...                "amount": "12000.00"}],
    ... })
    >>> readiness = booking_readiness(
    ...     terms, version=1,
    ...     approval=ContractApproval(version=1, approver="carl", approved_on=date(2026, 1, 20)),
    ...     customer=Customer(code="globex", name="Globex Corporation", credit_status="good"),
    ...     other_contracts=[RelatedContract("OF-0", signature_date=date(2026, 1, 5))],
    ...     combination_window_days=30, as_of=date(2026, 2, 1),
    ... )
    >>> for checked in readiness.criteria:
    ...     print(checked.criterion_id, checked.status.value)
    REV-READY-APPROVED met
    REV-READY-SIGNED met
    REV-READY-RIGHTS met
    REV-READY-PAYMENT-TERMS met
    REV-READY-SUBSTANCE met
    REV-READY-COLLECTABILITY met
    REV-READY-COMBINATION missing
    >>> print(readiness.criterion("REV-READY-COMBINATION").explanation)
    OF-0 was signed 2026-01-05, 10 days apart from this contract's 2026-01-15 (window: 30 days)
    >>> readiness.ready
    False

Decisions worth knowing:

- ``REV-READY-APPROVED`` is billops's own approval of the contract version
  (validation, maker-checker). It is met only when the *current* version is
  approved: a newer version awaiting approval means the terms on file are
  in question. It cannot be judged away: approve the contract instead.
- Judgements belong to a contract version, as waivers do: a changed
  contract needs a fresh look. A judgement counts only once a second
  person approved it; a judgement on a criterion that is met changes
  nothing (met wins).
- The combination window is inclusive: with 30 days, contracts signed 30
  days apart raise the question, 31 days apart do not. MSAs (they promise
  nothing on their own), amendments of this contract (modifications, IFRS
  15.18, not combinations) and contracts with no signature date (not yet
  entered into) are not candidates.
- Collectability reads the customer's ``credit_status``: ``good`` is met;
  ``watch``, ``doubtful`` and ``unassessed`` are missing, each saying what
  a judgement would have to establish.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from billops.domain.contract import BillingModel, ContractLine, ContractTerms, DocumentType
from billops.domain.parties import CreditStatus, Customer
from billops.errors import InvalidInput

__all__ = [
    "APPROVED",
    "COLLECTABILITY",
    "COMBINATION",
    "CRITERIA",
    "PAYMENT_TERMS",
    "RIGHTS",
    "SIGNED",
    "SUBSTANCE",
    "CheckedCriterion",
    "ContractApproval",
    "Criterion",
    "CriterionStatus",
    "Judgement",
    "Readiness",
    "RelatedContract",
    "booking_readiness",
    "criterion_id_of",
]

APPROVED: Final = "REV-READY-APPROVED"
SIGNED: Final = "REV-READY-SIGNED"
RIGHTS: Final = "REV-READY-RIGHTS"
PAYMENT_TERMS: Final = "REV-READY-PAYMENT-TERMS"
SUBSTANCE: Final = "REV-READY-SUBSTANCE"
COLLECTABILITY: Final = "REV-READY-COLLECTABILITY"
COMBINATION: Final = "REV-READY-COMBINATION"

_PREFIX: Final = "REV-READY-"
_LISTED: Final = 5  # evidence lists name this many items, then "and n more"


class CriterionStatus(StrEnum):
    MET = "met"  # the documents on file show it
    MISSING = "missing"  # they do not; booking waits
    JUDGED = "judged"  # they do not, but an approved judgement settles it


@dataclass(frozen=True)
class Criterion:
    """One item of the checklist: what must hold, where the standard says so."""

    criterion_id: str
    title: str
    reference: str
    judgeable: bool = True


CRITERIA: Final[Mapping[str, Criterion]] = {
    c.criterion_id: c
    for c in (
        Criterion(
            APPROVED,
            "The contract version is approved in billops (maker-checker)",
            "billops validation; IFRS 15.9(a), ASC 606-10-25-1(a)",
            judgeable=False,
        ),
        Criterion(
            SIGNED,
            "The parties signed the contract and are committed to perform",
            "IFRS 15.9(a), ASC 606-10-25-1(a)",
        ),
        Criterion(
            RIGHTS,
            "Each party's rights to the goods or services can be identified",
            "IFRS 15.9(b), ASC 606-10-25-1(b)",
        ),
        Criterion(
            PAYMENT_TERMS,
            "The payment terms for the goods or services can be identified",
            "IFRS 15.9(c), ASC 606-10-25-1(c)",
        ),
        Criterion(
            SUBSTANCE,
            "The contract has commercial substance",
            "IFRS 15.9(d), ASC 606-10-25-1(d)",
        ),
        Criterion(
            COLLECTABILITY,
            "Collection of the consideration is probable (customer credit assessed)",
            "IFRS 15.9(e), ASC 606-10-25-1(e)",
        ),
        Criterion(
            COMBINATION,
            "No other contract with the customer, signed at or near the same time, "
            "is left unassessed for combination",
            "IFRS 15.17, ASC 606-10-25-9",
        ),
    )
}
"""The checklist, in the order it is printed."""


def criterion_id_of(text: str) -> str:
    """The criterion a user named: the id in any case, with or without ``REV-READY-``.

    >>> criterion_id_of("collectability"), criterion_id_of("rev-ready-signed")
    ('REV-READY-COLLECTABILITY', 'REV-READY-SIGNED')
    """
    name = text.strip().upper().replace("_", "-")
    if name and not name.startswith(_PREFIX):
        name = _PREFIX + name
    if name not in CRITERIA:
        close = difflib.get_close_matches(name, list(CRITERIA), n=1)
        raise InvalidInput(
            "not a booking-readiness criterion" + (f" (did you mean {close[0]}?)" if close else ""),
            field="--criterion",
            value=text,
            hint="one of " + ", ".join(CRITERIA),
        )
    return name


# --------------------------------------------------------------------------
# What the check is given


@dataclass(frozen=True)
class ContractApproval:
    """The latest approval of the contract in billops: which version, by whom, when."""

    version: int
    approver: str
    approved_on: date


@dataclass(frozen=True)
class RelatedContract:
    """Another contract of the same customer, as far as combination needs it."""

    contract_id: str
    signature_date: date | None
    document_type: DocumentType = DocumentType.ORDER_FORM
    amends: str | None = None


@dataclass(frozen=True)
class Judgement:
    """A person's judgement on a missing criterion; it counts once a second person approved it."""

    criterion_id: str
    text: str
    made_by: str
    approved_by: str | None = None

    @property
    def approved(self) -> bool:
        return self.approved_by is not None


# --------------------------------------------------------------------------
# What the check says


@dataclass(frozen=True)
class CheckedCriterion:
    """One criterion checked: its status and the evidence, in words and as values."""

    criterion: Criterion
    status: CriterionStatus
    explanation: str
    evidence: Mapping[str, str] = field(default_factory=dict)
    hint: str = ""
    judgement: Judgement | None = None

    @property
    def criterion_id(self) -> str:
        return self.criterion.criterion_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion_id,
            "title": self.criterion.title,
            "reference": self.criterion.reference,
            "status": self.status.value,
            "explanation": self.explanation,
            "evidence": dict(self.evidence),
            "hint": self.hint,
            "judgeable": self.criterion.judgeable,
            "judgement": None
            if self.judgement is None
            else {
                "text": self.judgement.text,
                "made_by": self.judgement.made_by,
                "approved_by": self.judgement.approved_by,
            },
        }


@dataclass(frozen=True)
class Readiness:
    """The checklist of one contract version."""

    contract_id: str
    version: int
    criteria: tuple[CheckedCriterion, ...]

    @property
    def ready(self) -> bool:
        """True when every criterion is met or judged: the order may be booked."""
        return not self.missing

    @property
    def missing(self) -> tuple[CheckedCriterion, ...]:
        return tuple(c for c in self.criteria if c.status is CriterionStatus.MISSING)

    def criterion(self, criterion_id: str) -> CheckedCriterion:
        return next(c for c in self.criteria if c.criterion_id == criterion_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "version": self.version,
            "ready": self.ready,
            "missing": [c.criterion_id for c in self.missing],
            "criteria": [c.as_dict() for c in self.criteria],
        }


@dataclass(frozen=True)
class _Check:
    """A criterion's verdict before judgements are applied."""

    met: bool
    explanation: str
    evidence: Mapping[str, str] = field(default_factory=dict)
    hint: str = ""


# --------------------------------------------------------------------------
# The check


def booking_readiness(
    terms: ContractTerms,
    *,
    version: int,
    approval: ContractApproval | None,
    customer: Customer | None,
    other_contracts: Sequence[RelatedContract],
    combination_window_days: int,
    as_of: date,
    judgements: Sequence[Judgement] = (),
) -> Readiness:
    """Check ``terms`` (version ``version``) against every criterion of ``CRITERIA``.

    ``approval`` is the latest approval of the contract (of any version);
    ``customer`` the customer on file (None when the contract's customer
    code names none); ``other_contracts`` the customer's other contracts;
    ``judgements`` those recorded on this version.
    """
    if combination_window_days < 0:
        raise InvalidInput(
            "must not be negative",
            field="booking.combination_window_days",
            value=combination_window_days,
        )
    checks = {
        APPROVED: _approved(version, approval),
        SIGNED: _signed(terms, as_of),
        RIGHTS: _rights(terms),
        PAYMENT_TERMS: _payment_terms(terms),
        SUBSTANCE: _substance(terms),
        COLLECTABILITY: _collectability(terms, customer),
        COMBINATION: _combination(terms, other_contracts, combination_window_days),
    }
    by_criterion = {j.criterion_id: j for j in judgements}
    checked = tuple(
        _judged(CRITERIA[criterion_id], check, by_criterion.get(criterion_id))
        for criterion_id, check in checks.items()
    )
    return Readiness(terms.contract_id, version, checked)


def _judged(criterion: Criterion, check: _Check, judgement: Judgement | None) -> CheckedCriterion:
    if check.met:
        return CheckedCriterion(criterion, CriterionStatus.MET, check.explanation, check.evidence)
    if judgement is None or not criterion.judgeable:
        return CheckedCriterion(
            criterion, CriterionStatus.MISSING, check.explanation, check.evidence, check.hint
        )
    if judgement.approved_by is None:
        return CheckedCriterion(
            criterion,
            CriterionStatus.MISSING,
            f"{check.explanation}; a judgement by {judgement.made_by} awaits a second "
            "person's approval",
            check.evidence,
            "a second person approves the judgement (maker-checker)",
            judgement,
        )
    return CheckedCriterion(
        criterion,
        CriterionStatus.JUDGED,
        f"{check.explanation}; judged by {judgement.made_by}, approved by "
        f"{judgement.approved_by}: {judgement.text}",
        check.evidence,
        "",
        judgement,
    )


def _quoted(terms: ContractTerms, *paths: str) -> str:
    """' ("Net 30", of.pdf p. 2)' for the first path with a recorded source, else ''."""
    for path in paths:
        for key in sorted(terms.provenance):
            if key == path or key.startswith(f"{path}."):
                source = terms.provenance[key]
                where = source.document.name + (f" p. {source.page}" if source.page else "")
                quote = f"\u201c{source.quote}\u201d, " if source.quote else ""
                return f" ({quote}{where})"
    return ""


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_LISTED])
    more = len(items) - _LISTED
    return f"{shown} and {more} more" if more > 0 else shown


# -- (a) approved and signed ---------------------------------------------------


def _approved(version: int, approval: ContractApproval | None) -> _Check:
    hint = "validate the contract and have a second person approve it"
    if approval is None:
        return _Check(False, f"version {version} of the contract has not been approved", {}, hint)
    evidence = {
        "approved_version": str(approval.version),
        "approver": approval.approver,
        "approved_on": approval.approved_on.isoformat(),
    }
    if approval.version != version:
        return _Check(
            False,
            f"the current version {version} is not approved (version {approval.version} was, "
            f"by {approval.approver} on {approval.approved_on})",
            evidence,
            hint,
        )
    return _Check(
        True,
        f"version {version} approved by {approval.approver} on {approval.approved_on}",
        evidence,
    )


def _signed(terms: ContractTerms, as_of: date) -> _Check:
    parties = f"{terms.customer.name} (customer) and {terms.supplier.name} (supplier)"
    if terms.signature_date is None:
        return _Check(
            False,
            "the contract states no signature date: nothing on file shows that "
            f"{parties} signed it",
            {},
            "enter the date of the last signature from the signed document, or record a "
            "judgement (e.g. accepted by customary business practice: the customer's "
            "purchase order and written acceptance)",
        )
    evidence = {"signature_date": terms.signature_date.isoformat()}
    if terms.signature_date > as_of:
        return _Check(
            False,
            f"the signature date {terms.signature_date} is after {as_of}: the contract is "
            "not signed yet",
            evidence,
            "book once it is signed, or correct the signature date",
        )
    return _Check(
        True,
        f"signed {terms.signature_date} by {parties}{_quoted(terms, 'signature_date')}",
        evidence,
    )


# -- (b) rights -----------------------------------------------------------------


def _describe_line(line: ContractLine) -> str:
    what = line.sku or line.description
    quantity = f", {line.quantity} {line.unit or ''}".rstrip() if line.quantity else ""
    return f"{line.line_id} {what} ({line.billing_model.value}{quantity})"


def _rights(terms: ContractTerms) -> _Check:
    hint = "correct the contract's terms from the signed document, or record a judgement"
    if terms.document_type is DocumentType.MSA:
        return _Check(
            False,
            "a master agreement promises no goods or services of its own: its order forms "
            "and SOWs are booked",
            {"document_type": terms.document_type.value},
            "book the order forms and SOWs under it",
        )
    if not terms.lines:
        return _Check(False, "the contract lists no goods or services (no lines)", {}, hint)
    milestone_lines = [
        line.line_id for line in terms.lines if line.billing_model is BillingModel.MILESTONE
    ]
    if milestone_lines and not terms.milestones:
        return _Check(
            False,
            f"line{'s' if len(milestone_lines) > 1 else ''} {_listed(milestone_lines)} "
            "bill on milestones, but the contract names no milestone (no deliverable to accept)",
            {"lines": ",".join(milestone_lines)},
            hint,
        )
    if terms.start_date is None and any(line.service_start is None for line in terms.lines):
        return _Check(
            False,
            "the contract states no start date: when the goods or services are to be "
            "provided cannot be identified",
            {},
            hint,
        )
    count = len(terms.lines)
    term = (
        f"; term {terms.start_date} to {terms.end_date}"
        if terms.start_date and terms.end_date
        else (f"; from {terms.start_date}" if terms.start_date else "")
    )
    milestones = f"; {len(terms.milestones)} milestone(s)" if terms.milestones else ""
    return _Check(
        True,
        f"{count} line{'s' if count > 1 else ''}: "
        f"{_listed([_describe_line(line) for line in terms.lines])}{milestones}{term}",
        {"lines": str(count)},
    )


# -- (c) payment terms ------------------------------------------------------------


def _priced(line: ContractLine, terms: ContractTerms) -> bool:
    """True when the contract says what the line costs (a price, a rate card, at cost)."""
    if line.billing_model is BillingModel.EXPENSES:
        return True  # at cost, as incurred
    if line.amount is not None or line.unit_price is not None or line.percent is not None:
        return True
    if any(t.unit_price is not None or t.flat_fee is not None for t in line.tiers):
        return True
    if any(s.unit_price is not None or s.amount is not None for s in line.ramp):
        return True
    if line.billing_model is BillingModel.TIME_AND_MATERIALS:
        return bool(terms.rate_card)
    if line.billing_model is BillingModel.MILESTONE:
        return any(
            (m.line_id in (None, line.line_id)) and (m.amount is not None or m.percent is not None)
            for m in terms.milestones
        )
    return False


def _payment_terms(terms: ContractTerms) -> _Check:
    hint = "enter the payment terms and prices from the signed document, or record a judgement"
    if terms.payment_terms is None:
        msa = (
            f" (it refers to the master agreement {terms.msa_reference!r}, whose payment "
            "terms may apply: a judgement can record them)"
            if terms.msa_reference
            else ""
        )
        return _Check(False, f"the contract states no payment terms{msa}", {}, hint)
    unpriced = [line.line_id for line in terms.lines if not _priced(line, terms)]
    stated = terms.payment_terms.description or f"net {terms.payment_terms.net_days} days"
    evidence = {"net_days": str(terms.payment_terms.net_days)}
    if unpriced:
        return _Check(
            False,
            f"payment terms {stated!r}, but no price is stated for line"
            f"{'s' if len(unpriced) > 1 else ''} {_listed(unpriced)}",
            {**evidence, "unpriced_lines": ",".join(unpriced)},
            hint,
        )
    return _Check(
        True,
        f"payment terms {stated!r}, invoices due {terms.payment_terms.net_days} days after "
        f"issue{_quoted(terms, 'payment_terms')}; every line priced in {terms.currency}",
        evidence,
    )


# -- (d) commercial substance -------------------------------------------------------


def _consideration(terms: ContractTerms) -> tuple[Decimal | None, str]:
    """The fixed consideration the contract states, and where it was read."""
    if terms.total_contract_value is not None:
        return terms.total_contract_value, "total contract value"
    amounts = [line.amount for line in terms.lines if line.amount is not None]
    amounts += [m.amount for m in terms.milestones if m.amount is not None and m.line_id is None]
    if amounts:
        return sum(amounts, Decimal(0)), "sum of the line amounts"
    return None, ""


def _substance(terms: ContractTerms) -> _Check:
    hint = "record a judgement on why the contract changes our future cash flows"
    supplier, customer = terms.supplier, terms.customer
    same_code = supplier.code is not None and supplier.code == customer.code
    if same_code or supplier.name.casefold() == customer.name.casefold():
        return _Check(
            False,
            f"the customer {customer.name!r} is our own entity {supplier.name!r}: an "
            "arrangement within the group has no commercial substance for revenue",
            {"customer": customer.code or customer.name},
            hint,
        )
    amount, source = _consideration(terms)
    variable = [r.role for r in terms.rate_card if r.rate > 0]
    usage = [
        line.line_id
        for line in terms.lines
        if (line.unit_price or 0) > 0
        or any((t.unit_price or 0) > 0 or (t.flat_fee or 0) > 0 for t in line.tiers)
    ]
    if amount is not None and amount > 0:
        return _Check(
            True,
            f"{terms.currency} {amount} ({source}) from {customer.name}, a third party",
            {"consideration": str(amount), "currency": terms.currency},
        )
    if variable or (amount is None and usage):
        basis = f"rates for {_listed(variable)}" if variable else f"prices of {_listed(usage)}"
        return _Check(
            True,
            f"variable consideration ({basis}) in {terms.currency} from {customer.name}, "
            "a third party",
            {"currency": terms.currency},
        )
    stated = (
        f"the contract's consideration is {terms.currency} {amount} ({source})"
        if amount is not None
        else "the contract states no consideration"
    )
    return _Check(
        False,
        f"{stated}: nothing is exchanged for the goods or services",
        {} if amount is None else {"consideration": str(amount), "currency": terms.currency},
        hint,
    )


# -- (e) collectability -------------------------------------------------------------


def _collectability(terms: ContractTerms, customer: Customer | None) -> _Check:
    judge = "record a judgement on why collection is probable (a deposit, a guarantee, history)"
    if customer is None:
        named = (
            f"customer {terms.customer.code!r} is not on file"
            if terms.customer.code
            else "the contract names no customer code"
        )
        return _Check(
            False,
            f"{named}: no credit assessment to rely on",
            {},
            "add or match the customer and record its credit status",
        )
    evidence = {"customer": customer.code, "credit_status": customer.credit_status.value}
    status = customer.credit_status
    if status is CreditStatus.GOOD:
        return _Check(True, f"{customer.name} ({customer.code}): credit status good", evidence)
    if status is CreditStatus.WATCH:
        why = "is on credit watch: collection is not clearly probable"
    elif status is CreditStatus.DOUBTFUL:
        why = (
            "has credit status doubtful: collection is not probable, so revenue waits "
            "until the customer pays (IFRS 15.15)"
        )
    else:
        why = "has no credit assessment on file (credit status unassessed)"
    hint = (
        f"run the credit check and set the customer's credit_status, or {judge}"
        if status is CreditStatus.UNASSESSED
        else judge
    )
    return _Check(False, f"{customer.name} ({customer.code}) {why}", evidence, hint)


# -- combination ----------------------------------------------------------------------


def _combination(
    terms: ContractTerms, others: Sequence[RelatedContract], window_days: int
) -> _Check:
    hint = (
        "decide whether to combine them (negotiated as a package, price of one depends on "
        "the other, or one performance obligation: IFRS 15.17) and record the judgement"
    )
    if terms.customer.code is None:
        return _Check(
            False,
            "the contract names no customer code, so the customer's other contracts cannot "
            "be found",
            {},
            "match the customer, or record a judgement",
        )
    signed = terms.signature_date
    if signed is None:
        return _Check(
            False,
            "without a signature date, contracts signed at or near the same time cannot be "
            "identified",
            {},
            "enter the signature date, or record a judgement",
        )
    candidates = [
        other
        for other in others
        if other.contract_id != terms.contract_id
        and other.document_type is not DocumentType.MSA
        and other.amends != terms.contract_id
    ]
    dated = sorted(
        (
            (abs((other.signature_date - signed).days), other)
            for other in candidates
            if other.signature_date
        ),
        key=lambda pair: (pair[0], pair[1].contract_id),
    )
    undated = sorted(other.contract_id for other in candidates if other.signature_date is None)
    close = [(days, other) for days, other in dated if days <= window_days]
    window = f"window: {window_days} day{'s' if window_days != 1 else ''}"
    if close:
        described = [
            f"{other.contract_id} was signed {other.signature_date}, {days} day"
            f"{'s' if days != 1 else ''} apart from this contract's {signed}"
            for days, other in close
        ]
        return _Check(
            False,
            f"{_listed(described)} ({window})",
            {
                "contracts": ",".join(other.contract_id for _, other in close),
                "window_days": str(window_days),
            },
            hint,
        )
    nearest = (
        f"; nearest: {dated[0][1].contract_id}, signed {dated[0][1].signature_date}, "
        f"{dated[0][0]} days apart"
        if dated
        else ""
    )
    unsigned = f"; not yet signed, so not considered: {_listed(undated)}" if undated else ""
    return _Check(
        True,
        f"no other contract with customer {terms.customer.code} signed within {window_days} "
        f"day{'s' if window_days != 1 else ''} of {signed}{nearest}{unsigned}",
        {"window_days": str(window_days)},
    )
