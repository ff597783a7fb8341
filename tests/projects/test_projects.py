"""Projects: the services part of a contract as the PSA runs it, and when it is ready to bill."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest

from billops.demo.catalog import catalog
from billops.demo.generator import generate_company
from billops.domain.catalog import Catalogue, parse_catalogue
from billops.domain.contract import ContractTerms, RateUnit, parse_contract
from billops.domain.findings import Severity
from billops.domain.money import Money
from billops.domain.orders import build_order
from billops.domain.projects import (
    RULE_BUDGET_UNIT,
    RULE_MILESTONE_BASE,
    ElementKind,
    Phase,
    Project,
    Readiness,
    build_project,
    project_readiness,
)

D = Decimal


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    return parse_catalogue(catalog())


def sow(lines: list[dict[str, Any]], **extra: Any) -> ContractTerms:
    data: dict[str, Any] = {
        "contract_id": "NWDE-SOW-000900",
        "document_type": "sow",
        "title": "Statement of Work: CRM data migration",
        "supplier": {"code": "NWDE", "name": "Northwind Cloud GmbH"},
        "customer": {"code": "C000900", "name": "Initech GmbH"},
        "currency": "EUR",
        "start_date": "2026-05-01",
        "end_date": "2026-10-31",
        "lines": lines,
    }
    data.update(extra)
    return parse_contract(data)


def project_of(terms: ContractTerms, catalogue: Catalogue) -> Project:
    order, _ = build_order(terms, catalogue, version=1)
    project = build_project(terms, order)
    assert project is not None
    return project


MIGRATION = [
    {"line_id": "L1", "sku": "NW-PS-DELIV", "description": "Project deliverables: CRM migration",
     "billing_model": "milestone", "quantity": 1, "unit": "project",
     "unit_price": "100000.00", "amount": "100000.00",
     "service_start": "2026-05-01", "service_end": "2026-10-31"},
]  # fmt: skip
MIGRATION_MILESTONES = [
    {"milestone_id": "M1", "name": "Blueprint approved", "amount": "25000.00",
     "due_date": "2026-07-01", "line_id": "L1"},
    {"milestone_id": "M2", "name": "Configuration complete", "amount": "35000.00",
     "due_date": "2026-08-31", "line_id": "L1"},
    {"milestone_id": "M3", "name": "Go-live", "amount": "40000.00",
     "due_date": "2026-10-31", "line_id": "L1"},
]  # fmt: skip


# --- a milestone SOW ----------------------------------------------------------


def test_a_milestone_sow_has_a_phase_per_milestone(demo: Catalogue) -> None:
    project = project_of(sow(MIGRATION, milestones=MIGRATION_MILESTONES), demo)
    assert (project.project_id, project.contract_id, project.currency) == (
        "PRJ-NWDE-SOW-000900",
        "NWDE-SOW-000900",
        "EUR",
    )
    assert (project.start, project.end) == (date(2026, 5, 1), date(2026, 10, 31))
    assert project.phases == (
        Phase("P1", "Blueprint approved", date(2026, 5, 1), date(2026, 7, 1), "M1"),
        Phase("P2", "Configuration complete", date(2026, 7, 2), date(2026, 8, 31), "M2"),
        Phase("P3", "Go-live", date(2026, 9, 1), date(2026, 10, 31), "M3"),
    )
    assert [
        (m.milestone_id, m.amount, m.phase_id, m.acceptance_required) for m in project.milestones
    ] == [
        ("M1", Money("25000.00", "EUR"), "P1", True),
        ("M2", Money("35000.00", "EUR"), "P2", True),
        ("M3", Money("40000.00", "EUR"), "P3", True),
    ]
    assert project.budget_amount == Money("100000.00", "EUR")
    assert project.budget_hours == D(0)
    assert project.not_to_exceed is None
    assert project.findings == ()
    assert [(e.element_id, e.kind, e.line_id) for e in project.elements] == [
        ("M1", ElementKind.MILESTONE, "L1"),
        ("M2", ElementKind.MILESTONE, "L1"),
        ("M3", ElementKind.MILESTONE, "L1"),
    ]


def test_a_milestone_project_is_ready_once_every_milestone_is_scheduled_on_acceptance(
    demo: Catalogue,
) -> None:
    project = project_of(sow(MIGRATION, milestones=MIGRATION_MILESTONES), demo)
    accepted = "milestone_accepted"
    assert project_readiness(project, {}) == Readiness(False, ("M1", "M2", "M3"))
    assert project_readiness(project, {"L1:M1": accepted, "L1:M3": accepted}) == Readiness(
        False, ("M2",)
    )
    # Scheduled, but on a date: a milestone needing acceptance must wait for it.
    assert project_readiness(
        project, {"L1:M1": accepted, "L1:M2": "date", "L1:M3": accepted}
    ) == Readiness(False, (), ("M2",))
    assert project_readiness(
        project, {"L1:M1": accepted, "M2": accepted, "L1:M3": accepted}
    ) == Readiness(True, ())


def test_readiness_takes_trigger_enums_and_refuses_blank_triggers(demo: Catalogue) -> None:
    class Trigger(StrEnum):  # the shape of billops.domain.schedules.model.Trigger
        MILESTONE_ACCEPTED = "milestone_accepted"

    project = project_of(sow(MIGRATION, milestones=MIGRATION_MILESTONES), demo)
    triggers = {f"L1:M{n}": Trigger.MILESTONE_ACCEPTED for n in (1, 2, 3)}
    assert project_readiness(project, triggers).ready
    assert project_readiness(project, {**triggers, "L1:M2": " "}).missing == ("M2",)
    # Another line's milestone of the same id does not count.
    assert project_readiness(project, {**triggers, "L1:M2": "", "L9:M2": "x"}).missing == ("M2",)


# --- a fixed fee in installments ----------------------------------------------------


def fixed_fee(amount: str, percents: list[str], **milestone: Any) -> ContractTerms:
    return sow(
        [{"line_id": "L1", "sku": "NW-PS-IMPL", "description": "Implementation, fixed fee",
          "billing_model": "fixed_fee", "quantity": 1, "amount": amount,
          "service_start": "2026-10-01", "service_end": "2026-11-30"}],
        signature_date="2026-09-22",
        milestones=[
            {"milestone_id": f"M{n}", "name": f"Installment {n}", "percent": percent,
             "line_id": "L1", "acceptance_required": False, **milestone}
            for n, percent in enumerate(percents, start=1)
        ],
    )  # fmt: skip


def test_percent_installments_resolve_against_the_fee(demo: Catalogue) -> None:
    # 40 % / 30 % / 30 % of 24,750.00 = 9,900.00 / 7,425.00 / 7,425.00
    project = project_of(fixed_fee("24750.00", ["40", "30", "30"]), demo)
    assert [m.amount for m in project.milestones] == [
        Money("9900.00", "EUR"),
        Money("7425.00", "EUR"),
        Money("7425.00", "EUR"),
    ]
    assert [m.percent for m in project.milestones] == [D(40), D(30), D(30)]


def test_percents_of_a_whole_sum_to_the_fee_to_the_cent(demo: Catalogue) -> None:
    # 33.33 % of 1,000.01 = 333.303333 each, 33.34 % = 333.403334: floors
    # 333.30 + 333.30 + 333.40 = 1,000.00; the cent left goes to the largest
    # remainder, 0.3334 of a cent (33.34 %) against 0.3333 (33.33 %):
    # 333.30 + 333.30 + 333.41 = 1,000.01.
    project = project_of(fixed_fee("1000.01", ["33.33", "33.33", "33.34"]), demo)
    assert [str(m.amount) for m in project.milestones] == [
        "333.30 EUR",
        "333.30 EUR",
        "333.41 EUR",
    ]


def test_percents_that_are_not_the_whole_fee_are_rounded_one_by_one(demo: Catalogue) -> None:
    # 30 % of 1,000.05 = 300.015 -> 300.02 (half-up), twice: 600.04, not a split of 600.03
    project = project_of(fixed_fee("1000.05", ["30", "30"]), demo)
    assert [str(m.amount) for m in project.milestones] == ["300.02 EUR", "300.02 EUR"]


def test_an_installment_due_on_signature_is_a_one_day_phase(demo: Catalogue) -> None:
    terms = fixed_fee("24750.00", ["40", "60"])
    terms = terms.model_copy(
        update={
            "milestones": (
                terms.milestones[0].model_copy(update={"due_date": date(2026, 9, 22)}),
                terms.milestones[1].model_copy(update={"due_date": date(2026, 11, 30)}),
            )
        }
    )
    project = project_of(terms, demo)
    assert [(p.start, p.end) for p in project.phases] == [
        (date(2026, 9, 22), date(2026, 9, 22)),
        (date(2026, 10, 1), date(2026, 11, 30)),
    ]


def test_installments_without_acceptance_may_bill_on_a_date(demo: Catalogue) -> None:
    project = project_of(fixed_fee("24750.00", ["40", "60"]), demo)
    # The fixed-fee line is billed through its milestones: they are the elements.
    assert [e.element_id for e in project.elements] == ["M1", "M2"]
    assert project_readiness(project, {"L1:M1": "signature", "L1:M2": "date"}).ready
    assert project_readiness(project, {"L1:M1": "time_approved", "L1:M2": "date"}) == (
        Readiness(False, (), ("M1",))
    )


def test_a_fixed_fee_without_milestones_is_its_own_element(demo: Catalogue) -> None:
    terms = sow(
        [{"line_id": "L1", "sku": "NW-PS-IMPL", "description": "Implementation",
          "billing_model": "fixed_fee", "amount": "30000.00"}]
    )  # fmt: skip
    project = project_of(terms, demo)
    (element,) = project.elements
    assert (element.element_id, element.kind) == ("L1", ElementKind.FIXED_FEE)
    assert project.phases == (
        Phase(
            "P1",
            "Statement of Work: CRM data migration",
            date(2026, 5, 1),
            date(2026, 10, 31),
            None,
        ),
    )
    # Equal installments by period: item keys "<line>:<period start>".
    assert project_readiness(project, {"L1:2026-05-01": "date", "L1:2026-06-01": "date"}).ready


def test_a_percent_milestone_with_nothing_to_be_a_percent_of_is_an_error(
    demo: Catalogue,
) -> None:
    terms = sow(
        [{"line_id": "L1", "sku": "NW-PS-DELIV", "description": "Deliverables",
          "billing_model": "milestone"}],
        milestones=[
            {"milestone_id": "M1", "name": "Design", "percent": "50", "line_id": "L1"},
            {"milestone_id": "M2", "name": "Build", "amount": "5000.00", "line_id": "L1"},
            {"milestone_id": "M3", "name": "Handover", "percent": "10"},
        ],
    )  # fmt: skip
    project = project_of(terms, demo)
    assert [m.amount for m in project.milestones] == [None, Money("5000.00", "EUR"), None]
    assert [(f.rule_id, f.severity, f.fields) for f in project.findings] == [
        (RULE_MILESTONE_BASE, Severity.ERROR, ("milestones[0].percent",)),
        (RULE_MILESTONE_BASE, Severity.ERROR, ("milestones[2].percent",)),
    ]
    assert project.findings[0].message == (
        "milestone M1 'Design' is 50 % of line L1, which states no amount, so its amount is unknown"
    )
    assert "the total contract value, which the contract does not state" in (
        project.findings[1].message
    )


def test_a_milestone_naming_no_line_is_a_percent_of_the_contract_value(demo: Catalogue) -> None:
    terms = sow(
        MIGRATION,
        total_contract_value="100000.00",
        milestones=[{"milestone_id": "M1", "name": "Kick-off", "percent": "12.5"}],
    )
    project = project_of(terms, demo)
    # 12.5 % of 100,000.00 = 12,500.00
    assert project.milestones[0].amount == Money("12500.00", "EUR")
    assert project_readiness(project, {"X:M1": "milestone_accepted"}).missing == ("L1",)


def test_a_milestone_line_without_milestones_waits_for_acceptance(demo: Catalogue) -> None:
    project = project_of(sow(MIGRATION), demo)
    (element,) = project.elements
    assert (element.element_id, element.kind, element.triggers) == (
        "L1",
        ElementKind.MILESTONE,
        frozenset({"milestone_accepted"}),
    )


# --- time and materials ----------------------------------------------------------


def time_and_materials(*units: tuple[str, str]) -> ContractTerms:
    return sow(
        [
            {"line_id": f"L{n}", "sku": "NW-PS-TM", "billing_model": "time_and_materials",
             "description": f"Professional services, time and materials ({unit})",
             "quantity": quantity, "unit": unit, "amount": "1000.00",
             "service_start": "2026-08-01", "service_end": "2027-04-30"}
            for n, (quantity, unit) in enumerate(units, start=1)
        ],
        end_date="2027-04-30",
        not_to_exceed="174000.00",
        rate_card=[
            {"role": "Consultant", "rate": "175.00", "unit": "hour"},
            {"role": "Senior Consultant", "rate": "225.00", "unit": "hour"},
            {"role": "Senior Consultant", "rate": "1700.00", "unit": "day"},
        ],
    )  # fmt: skip


def test_a_time_and_materials_sow_has_a_budget_rate_card_and_cap(demo: Catalogue) -> None:
    project = project_of(time_and_materials(("800", "hour"), ("20", "days")), demo)
    # 800 hours + 20 days x 8 hours = 960 hours
    assert project.budget_hours == D(960)
    assert project.budget_amount == Money("2000.00", "EUR")
    assert project.not_to_exceed == Money("174000.00", "EUR")
    assert [(r.role, r.rate, r.unit) for r in project.rate_card] == [
        ("Consultant", Money("175.00", "EUR"), RateUnit.HOUR),
        ("Senior Consultant", Money("225.00", "EUR"), RateUnit.HOUR),
        ("Senior Consultant", Money("1700.00", "EUR"), RateUnit.DAY),
    ]
    assert project.rate_for("senior consultant", RateUnit.DAY) == Money("1700.00", "EUR")
    assert project.rate_for("Architect") is None
    assert (project.start, project.end) == (date(2026, 8, 1), date(2027, 4, 30))
    assert [(e.element_id, e.kind) for e in project.elements] == [
        ("L1", ElementKind.TIME_AND_MATERIALS),
        ("L2", ElementKind.TIME_AND_MATERIALS),
    ]


def test_time_and_materials_is_ready_when_billed_on_approved_time(demo: Catalogue) -> None:
    project = project_of(time_and_materials(("800", "hour"), ("20", "day")), demo)
    assert project_readiness(
        project, {"L1:2026-08-31": "time_approved", "L2:2026-08-31": "time_approved"}
    ) == Readiness(True, ())
    assert project_readiness(
        project, {"L1:2026-08-31": "time_approved", "L2:2026-08-31": "date"}
    ) == Readiness(False, (), ("L2",))
    assert project_readiness(project, {"L1:2026-08-31": "time_approved", "L2": ""}) == (
        Readiness(False, ("L2",))
    )


def test_days_count_at_the_hours_per_day_given(demo: Catalogue) -> None:
    terms = time_and_materials(("10", "day"))
    order, _ = build_order(terms, demo, version=1)
    project = build_project(terms, order, hours_per_day=D("7.5"))
    assert project is not None and project.budget_hours == D(75)


def test_an_estimate_in_neither_hours_nor_days_is_left_out_of_the_budget_hours(
    demo: Catalogue,
) -> None:
    project = project_of(time_and_materials(("100", "hour"), ("4", "weeks")), demo)
    assert project.budget_hours == D(100)
    (finding,) = project.findings
    assert (finding.rule_id, finding.severity, finding.fields) == (
        RULE_BUDGET_UNIT,
        Severity.WARNING,
        ("lines[1].unit",),
    )
    assert "estimated in 'weeks', neither hours nor days" in finding.message


# --- no services, no project ---------------------------------------------------------


def test_a_contract_without_services_has_no_project(demo: Catalogue) -> None:
    terms = sow(
        [{"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Seats",
          "billing_model": "subscription", "amount": "100.00"}],
        document_type="order_form",
    )  # fmt: skip
    order, _ = build_order(terms, demo, version=1)
    assert build_project(terms, order) is None


def test_every_demo_sow_makes_a_project_without_findings() -> None:
    company = generate_company(customers=50)
    catalogue = parse_catalogue(company.catalog)
    projects = 0
    for record in company.contracts:
        terms = parse_contract(record)
        order, _ = build_order(terms, catalogue, version=1)
        project = build_project(terms, order)
        if project is None:
            continue
        projects += 1
        assert project.findings == (), terms.contract_id
        assert project.elements, terms.contract_id
        for milestone in project.milestones:
            assert milestone.amount is not None
        for phase in project.phases:
            assert phase.start is None or phase.end is None or phase.start <= phase.end
    assert projects > 0
