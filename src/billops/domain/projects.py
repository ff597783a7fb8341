"""The project: the services part of a contract as the PSA tool runs it.

A statement of work becomes a project in the professional-services tool
(Cloud Coach, Certinia): its phases, its milestones with the amount each
one bills, the rate card by role, the budget in hours and money, and the
not-to-exceed cap on time and materials. Only contracts with services lines
(``milestone``, ``time_and_materials`` or ``fixed_fee``) get a project.

    >>> from billops.domain.catalog import parse_catalogue
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.orders import build_order
    >>> terms = parse_contract({"contract_id": "SOW-7", "document_type": "sow",
    ...     "supplier": {"code": "NWUS", "name": "Northwind"},
    ...     "customer": {"code": "C1", "name": "Globex"}, "currency": "USD",
    ...     "start_date": "2026-01-01", "end_date": "2026-06-30",
    ...     "lines": [{"line_id": "L1", "description": "Implementation, fixed fee",
    ...                "billing_model": "fixed_fee", "amount": "1000.00"}],
    ...     "milestones": [
    ...         {"milestone_id": "M1", "name": "Design", "percent": "33.33", "line_id": "L1",
    ...          "due_date": "2026-02-28"},
    ...         {"milestone_id": "M2", "name": "Go-live", "percent": "66.67", "line_id": "L1",
    ...          "due_date": "2026-06-30"}]})
    >>> catalogue = parse_catalogue([])
    >>> order, _ = build_order(terms, catalogue, version=1)   # no catalogue: empty order
    >>> project = build_project(terms, order)
    >>> project.project_id, [(m.milestone_id, str(m.amount)) for m in project.milestones]
    ('PRJ-SOW-7', [('M1', '333.30 USD'), ('M2', '666.70 USD')])
    >>> [(p.phase_id, p.name, str(p.start), str(p.end)) for p in project.phases]
    [('P1', 'Design', '2026-01-01', '2026-02-28'), ('P2', 'Go-live', '2026-03-01', '2026-06-30')]

**Ready for invoicing** only when every billable element has a schedule
item with a fitting trigger. The billable elements are each milestone,
each time-and-materials line and each fixed-fee or milestone line not
billed through milestones. ``project_readiness`` takes a plain mapping
from schedule item key (or element id) to trigger name, so that it needs
nothing from the schedules package:

    >>> project_readiness(project, {"L1:M1": "milestone_accepted"})
    Readiness(ready=False, missing=('M2',), mismatched=())

Public API (stable):

- ``Project``, ``Phase``, ``ProjectMilestone``, ``RateCardEntry``, ``BillableElement``,
  ``ElementKind``, ``Readiness``;
- ``build_project(terms, order, *, hours_per_day=Decimal(8)) -> Project | None``;
- ``project_readiness(project, triggers: Mapping[str, str]) -> Readiness``;
- ``SERVICES_MODELS``; finding rule ids ``RULE_MILESTONE_BASE``
  (``SETUP-MILESTONE-BASE``: a percent milestone with nothing to be a
  percent of) and ``RULE_BUDGET_UNIT`` (``SETUP-BUDGET-UNIT``: a T&M line
  in a unit that is neither hours nor days), in ``Project.findings``.

Decisions worth knowing:

- Milestone amounts: a stated amount as is; a percent of its line's amount
  (the order line's, else the contract line's, else quantity x unit
  price), or of the total contract value when it names no line. When the
  percents of one base add up to 100 they are split with
  ``money.allocate``, so they sum to the base exactly (33.33 % + 66.67 % of
  1,000.00 above); otherwise each is rounded half-up on its own.
- Phases: one per milestone, in the contract's order, each ending on its
  milestone's due date and starting the day after the previous one ends
  (the project's start for the first; a milestone due before the work
  starts, such as an installment on signature, is a phase of one day);
  a single phase when there are no milestones.
- Budget hours: T&M lines in hours count as is, in days at
  ``hours_per_day`` (8); the money budget is the sum of the services
  lines' amounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from billops.domain.contract import BillingModel, ContractLine, ContractTerms, Milestone, RateUnit
from billops.domain.findings import Finding, Route, Severity
from billops.domain.money import Money, allocate, sum_money
from billops.domain.orders import Order

__all__ = [
    "RULE_BUDGET_UNIT",
    "RULE_MILESTONE_BASE",
    "SERVICES_MODELS",
    "BillableElement",
    "ElementKind",
    "Phase",
    "Project",
    "ProjectMilestone",
    "RateCardEntry",
    "Readiness",
    "build_project",
    "project_readiness",
]

SERVICES_MODELS: Final = frozenset(
    {BillingModel.MILESTONE, BillingModel.TIME_AND_MATERIALS, BillingModel.FIXED_FEE}
)
"""Billing models of the lines that make a contract need a project."""

RULE_MILESTONE_BASE: Final = "SETUP-MILESTONE-BASE"
RULE_BUDGET_UNIT: Final = "SETUP-BUDGET-UNIT"

_HOURS: Final = frozenset({"hour", "hours", "hr", "hrs", "h"})
_DAYS: Final = frozenset({"day", "days", "d", "person-day", "person-days", "man-day", "man-days"})


class ElementKind(StrEnum):
    """What a billable element of a project is."""

    MILESTONE = "milestone"
    TIME_AND_MATERIALS = "time_and_materials"
    FIXED_FEE = "fixed_fee"


_FITTING_TRIGGERS: Final[Mapping[ElementKind, frozenset[str]]] = {
    ElementKind.MILESTONE: frozenset({"milestone_accepted", "date", "signature"}),
    ElementKind.TIME_AND_MATERIALS: frozenset({"time_approved"}),
    ElementKind.FIXED_FEE: frozenset({"date", "signature", "go_live", "milestone_accepted"}),
}


@dataclass(frozen=True, slots=True)
class Phase:
    """A stretch of the project, ending with the milestone that closes it (if any)."""

    phase_id: str
    name: str
    start: date | None
    end: date | None
    milestone_id: str | None


@dataclass(frozen=True, slots=True)
class ProjectMilestone:
    """A milestone with its amount resolved to Money (None when it cannot be)."""

    milestone_id: str
    name: str
    amount: Money | None
    percent: Decimal | None
    acceptance_required: bool
    due_date: date | None
    line_id: str | None
    phase_id: str


@dataclass(frozen=True, slots=True)
class RateCardEntry:
    """The price of a role per hour or per day."""

    role: str
    rate: Money
    unit: RateUnit


@dataclass(frozen=True, slots=True)
class BillableElement:
    """Something the project bills: a milestone, a T&M line or a fixed-fee line.

    ``triggers`` are the trigger names that fit it: a milestone needing
    acceptance bills only on ``milestone_accepted``, T&M on ``time_approved``.
    """

    element_id: str
    kind: ElementKind
    line_id: str | None
    description: str
    triggers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Project:
    """The services project of one contract version."""

    project_id: str
    contract_id: str
    name: str
    currency: str
    start: date | None
    end: date | None
    phases: tuple[Phase, ...]
    milestones: tuple[ProjectMilestone, ...]
    rate_card: tuple[RateCardEntry, ...]
    budget_hours: Decimal
    budget_amount: Money
    not_to_exceed: Money | None
    elements: tuple[BillableElement, ...]
    findings: tuple[Finding, ...] = ()

    def rate_for(self, role: str, unit: RateUnit = RateUnit.HOUR) -> Money | None:
        """The rate of ``role`` (any case) per ``unit``, or None when the card has none."""
        wanted = role.casefold().strip()
        for entry in self.rate_card:
            if entry.role.casefold() == wanted and entry.unit is unit:
                return entry.rate
        return None


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether every billable element has a schedule item with a fitting trigger.

    ``missing``: element ids with no schedule item; ``mismatched``: element
    ids whose trigger does not fit (a milestone needing acceptance billed on
    a date, T&M billed on anything but approved time).
    """

    ready: bool
    missing: tuple[str, ...]
    mismatched: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Building the project


def build_project(
    terms: ContractTerms, order: Order, *, hours_per_day: Decimal = Decimal(8)
) -> Project | None:
    """The project of ``terms``, or None when the contract has no services lines."""
    services = [line for line in terms.lines if line.billing_model in SERVICES_MODELS]
    if not services:
        return None
    currency = terms.currency
    findings: list[Finding] = []
    starts = [line.service_start for line in services if line.service_start]
    ends = [line.service_end for line in services if line.service_end]
    start = min(starts) if starts else terms.start_date
    end = max(ends) if ends else terms.end_date
    amounts = {line.line_id: _line_amount(line, order, currency) for line in terms.lines}
    resolved = _milestone_amounts(terms, amounts, findings)
    phases = _phases(terms, start, end)
    phase_of = {phase.milestone_id: phase.phase_id for phase in phases}
    milestones = tuple(
        ProjectMilestone(
            milestone_id=milestone.milestone_id,
            name=milestone.name,
            amount=resolved.get(milestone.milestone_id),
            percent=milestone.percent,
            acceptance_required=milestone.acceptance_required,
            due_date=milestone.due_date,
            line_id=milestone.line_id,
            phase_id=phase_of.get(milestone.milestone_id, phases[0].phase_id),
        )
        for milestone in terms.milestones
    )
    rate_card = tuple(
        RateCardEntry(rate.role, Money(rate.rate, currency), rate.unit) for rate in terms.rate_card
    )
    return Project(
        project_id=f"PRJ-{terms.contract_id}",
        contract_id=terms.contract_id,
        name=terms.title or f"Project for {terms.contract_id}",
        currency=currency,
        start=start,
        end=end,
        phases=phases,
        milestones=milestones,
        rate_card=rate_card,
        budget_hours=_budget_hours(terms, services, hours_per_day, findings),
        budget_amount=sum_money(
            (amount for line in services if (amount := amounts[line.line_id]) is not None),
            currency,
        ),
        not_to_exceed=None if terms.not_to_exceed is None else Money(terms.not_to_exceed, currency),
        elements=_elements(terms, services),
        findings=tuple(findings),
    )


def _line_amount(line: ContractLine, order: Order, currency: str) -> Money | None:
    for order_line in order.lines_for(line.line_id):
        if order_line.order_line_id == line.line_id and order_line.amount is not None:
            return order_line.amount
    if line.amount is not None:
        return Money(line.amount, currency)
    if line.unit_price is not None:
        return Money(line.unit_price * (line.quantity or 1), currency).round()
    return None


def _milestone_amounts(
    terms: ContractTerms, amounts: Mapping[str, Money | None], findings: list[Finding]
) -> dict[str, Money]:
    resolved: dict[str, Money] = {}
    by_base: dict[str | None, list[tuple[int, Milestone]]] = {}
    for index, milestone in enumerate(terms.milestones):
        if milestone.amount is not None:
            resolved[milestone.milestone_id] = Money(milestone.amount, terms.currency)
        else:
            by_base.setdefault(milestone.line_id, []).append((index, milestone))
    for line_id, group in by_base.items():
        base = _percent_base(terms, line_id, amounts)
        if base is None:
            for index, milestone in group:
                findings.append(_no_base_finding(terms, index, milestone))
            continue
        percents = [milestone.percent or Decimal(0) for _, milestone in group]
        if sum(percents) == 100:
            parts = allocate(base.round(), percents)
        else:
            parts = [(base * percent / 100).round() for percent in percents]
        for (_, milestone), part in zip(group, parts, strict=True):
            resolved[milestone.milestone_id] = part
    return resolved


def _percent_base(
    terms: ContractTerms, line_id: str | None, amounts: Mapping[str, Money | None]
) -> Money | None:
    if line_id is not None:
        return amounts.get(line_id)
    if terms.total_contract_value is not None:
        return Money(terms.total_contract_value, terms.currency)
    return None


def _no_base_finding(terms: ContractTerms, index: int, milestone: Milestone) -> Finding:
    of = (
        f"line {milestone.line_id}, which states no amount"
        if milestone.line_id
        else "the total contract value, which the contract does not state"
    )
    path = f"milestones[{index}].percent"
    return Finding(
        rule_id=RULE_MILESTONE_BASE,
        severity=Severity.ERROR,
        message=f"milestone {milestone.milestone_id} {milestone.name!r} is "
        f"{milestone.percent} % of {of}, so its amount is unknown",
        fields=(path,),
        values={"milestone_id": milestone.milestone_id, "percent": str(milestone.percent)},
        sources=tuple(terms.provenance[p] for p in (path,) if p in terms.provenance),
        hint="state the milestone's amount, or the amount it is a percentage of",
        route=Route.BILLING.value,
    )


def _phases(terms: ContractTerms, start: date | None, end: date | None) -> tuple[Phase, ...]:
    if not terms.milestones:
        return (Phase("P1", terms.title or "Delivery", start, end, None),)
    phases: list[Phase] = []
    begins = start
    for number, milestone in enumerate(terms.milestones, start=1):
        ends = milestone.due_date
        # A milestone due before the work starts (an installment on signature)
        # makes a phase of its one day, and the next phase starts with the work.
        first = ends if ends is not None and begins is not None and ends < begins else begins
        phases.append(Phase(f"P{number}", milestone.name, first, ends, milestone.milestone_id))
        if ends is not None:
            begins = max(ends + timedelta(days=1), begins) if begins else ends + timedelta(days=1)
    return tuple(phases)


def _budget_hours(
    terms: ContractTerms,
    services: Sequence[ContractLine],
    hours_per_day: Decimal,
    findings: list[Finding],
) -> Decimal:
    hours = Decimal(0)
    for line in services:
        if line.billing_model is not BillingModel.TIME_AND_MATERIALS or line.quantity is None:
            continue
        unit = (line.unit or "").casefold().strip()
        if unit in _HOURS:
            hours += line.quantity
        elif unit in _DAYS:
            hours += line.quantity * hours_per_day
        else:
            index = terms.lines.index(line)
            findings.append(
                Finding(
                    rule_id=RULE_BUDGET_UNIT,
                    severity=Severity.WARNING,
                    message=f"T&M line {line.line_id} {line.description!r} is estimated in "
                    f"{line.unit!r}, neither hours nor days; it is left out of the budget hours",
                    fields=(f"lines[{index}].unit",),
                    values={"line_id": line.line_id, "unit": line.unit or ""},
                    hint="state the estimate in hours or days",
                    route=Route.BILLING.value,
                )
            )
    return hours


def _elements(
    terms: ContractTerms, services: Sequence[ContractLine]
) -> tuple[BillableElement, ...]:
    elements: list[BillableElement] = []
    billed_by_milestones = {m.line_id for m in terms.milestones if m.line_id is not None}
    for line in services:
        if line.billing_model is BillingModel.TIME_AND_MATERIALS:
            kind = ElementKind.TIME_AND_MATERIALS
        elif line.line_id in billed_by_milestones:
            continue  # its milestones are its billable elements
        elif line.billing_model is BillingModel.MILESTONE:
            kind = ElementKind.MILESTONE
        else:
            kind = ElementKind.FIXED_FEE
        triggers = (
            frozenset({"milestone_accepted"})
            if kind is ElementKind.MILESTONE
            else _FITTING_TRIGGERS[kind]
        )
        elements.append(
            BillableElement(line.line_id, kind, line.line_id, line.description, triggers)
        )
    for milestone in terms.milestones:
        triggers = (
            frozenset({"milestone_accepted"})
            if milestone.acceptance_required
            else _FITTING_TRIGGERS[ElementKind.MILESTONE]
        )
        elements.append(
            BillableElement(
                milestone.milestone_id,
                ElementKind.MILESTONE,
                milestone.line_id,
                milestone.name,
                triggers,
            )
        )
    return tuple(elements)


# --------------------------------------------------------------------------
# Readiness


def project_readiness(project: Project, triggers: Mapping[str, str]) -> Readiness:
    """Is every billable element of ``project`` scheduled, with a fitting trigger?

    ``triggers`` maps schedule item keys (``"L1:M2"``, ``"L3:2026-01-01"``)
    or element ids (``"M2"``, ``"L3"``) to the trigger name of the item
    (``"milestone_accepted"``, ``"time_approved"``, ``"date"``...; a
    ``Trigger`` enum member is a ``str`` and works as is). A line element is
    covered by its id or any key ``"<line_id>:..."``; a milestone by its id
    or ``"<line_id>:<milestone_id>"`` (``"...:<milestone_id>"`` when it
    names no line). An empty trigger name counts as no trigger.

    >>> project_readiness(Project("P", "C", "C", "USD", None, None, (), (), (), Decimal(0),
    ...     Money("0.00", "USD"), None, (BillableElement("L1", ElementKind.TIME_AND_MATERIALS,
    ...     "L1", "T&M", frozenset({"time_approved"})),)), {"L1:2026-01-31": "date"})
    Readiness(ready=False, missing=(), mismatched=('L1',))
    """
    missing: list[str] = []
    mismatched: list[str] = []
    for element in project.elements:
        found = [str(name) for key, name in triggers.items() if _covers(element, key)]
        found = [name for name in found if name.strip()]
        if not found:
            missing.append(element.element_id)
        elif any(name not in element.triggers for name in found):
            mismatched.append(element.element_id)
    return Readiness(not missing and not mismatched, tuple(missing), tuple(mismatched))


def _covers(element: BillableElement, key: str) -> bool:
    if key == element.element_id:
        return True
    head, colon, tail = key.partition(":")
    if not colon:
        return False
    if element.kind is ElementKind.MILESTONE and element.element_id != element.line_id:
        last = key.rsplit(":", 1)[1]
        return last == element.element_id and (element.line_id is None or head == element.line_id)
    return head == element.element_id and bool(tail)
