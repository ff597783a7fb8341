"""Dates: do the contract's dates make one coherent term?

Billing schedules are cut from the term's dates, so a term that ends before
it starts, a "12 months" that the dates make 13, or a line served outside the
term gives a wrong schedule. A signature long after the service started means
work was delivered without a contract, which legal wants to know.

    start 2025-01-01, end 2025-12-31, term_months 12     consistent
    start 2025-01-01, end 2026-01-31, term_months 12     DATES-TERM-MONTHS

=====================  ========  =================================================
rule                   severity  raised when
=====================  ========  =================================================
DATES-ORDER            error     the start date is after the end date
DATES-EFFECTIVE        warning   the contract takes effect after its term starts
DATES-TERM-MONTHS      warning   start + term_months - 1 day is not the end date
                                 (within ``dates.term_tolerance_days``)
DATES-SIGNATURE-LATE   warning   the last signature is more than
                                 ``dates.max_signature_after_start_days`` after
                                 the start
DATES-SERVICE-PERIOD   error     a line's service period reaches outside the term
=====================  ========  =================================================

Parsing already refuses an end before the start (``parse_contract``);
DATES-ORDER still guards terms built in code without validation
(``model_copy(update=...)``), since a schedule cut from them would be empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from billops.domain.calendar import add_months
from billops.domain.findings import Finding, Route, Severity
from billops.domain.rules.engine import finding, line_label
from billops.domain.rules.registry import RuleContext, rule

__all__ = [
    "effective_before_start",
    "service_inside_term",
    "signature_not_late",
    "start_before_end",
    "term_matches_dates",
]


@rule(
    "DATES-ORDER",
    title="The term starts before it ends",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def start_before_end(ctx: RuleContext) -> Iterator[Finding]:
    """start_date <= end_date."""
    terms = ctx.terms
    if terms.start_date is None or terms.end_date is None or terms.start_date <= terms.end_date:
        return
    yield finding(
        ctx,
        "DATES-ORDER",
        f"{terms.contract_id}: the term starts on {terms.start_date} but ends earlier, on "
        f"{terms.end_date}",
        fields=("start_date", "end_date"),
        values={"start_date": terms.start_date, "end_date": terms.end_date},
        hint="check the two dates against the document; one of them is mistyped",
    )


@rule(
    "DATES-EFFECTIVE",
    title="The contract is in effect when its term starts",
    severity=Severity.WARNING,
    route=Route.LEGAL,
)
def effective_before_start(ctx: RuleContext) -> Iterator[Finding]:
    """effective_date <= start_date: no service is billed before the contract binds."""
    terms = ctx.terms
    if terms.effective_date is None or terms.start_date is None:
        return
    if terms.effective_date <= terms.start_date:
        return
    yield finding(
        ctx,
        "DATES-EFFECTIVE",
        f"{terms.contract_id} takes effect on {terms.effective_date}, after its term starts on "
        f"{terms.start_date}: the days before are served without a binding contract",
        fields=("effective_date",),
        values={"effective_date": terms.effective_date, "start_date": terms.start_date},
        hint="confirm the start date with the customer, or bill from the effective date",
    )


@rule(
    "DATES-TERM-MONTHS",
    title="term_months matches the start and end dates",
    severity=Severity.WARNING,
    route=Route.BILLING,
)
def term_matches_dates(ctx: RuleContext) -> Iterator[Finding]:
    """start_date + term_months - 1 day = end_date, within the policy's tolerance."""
    terms = ctx.terms
    if terms.term_months is None or terms.start_date is None or terms.end_date is None:
        return
    expected_end = add_months(terms.start_date, terms.term_months) - timedelta(days=1)
    off = abs((terms.end_date - expected_end).days)
    if off <= ctx.policy.dates.term_tolerance_days:
        return
    yield finding(
        ctx,
        "DATES-TERM-MONTHS",
        f"{terms.contract_id}: {terms.term_months} months from {terms.start_date} end on "
        f"{expected_end}, but the end date is {terms.end_date} ({off} days apart)",
        fields=("term_months", "end_date"),
        values={
            "term_months": terms.term_months,
            "start_date": terms.start_date,
            "end_date": terms.end_date,
            "expected_end": expected_end,
        },
        hint="correct term_months or the end date; the billing schedule follows the dates",
    )


@rule(
    "DATES-SIGNATURE-LATE",
    title="Signed before (or soon after) the term starts",
    severity=Severity.WARNING,
    route=Route.LEGAL,
)
def signature_not_late(ctx: RuleContext) -> Iterator[Finding]:
    """The last signature follows the start by no more than the policy allows."""
    terms = ctx.terms
    if terms.signature_date is None or terms.start_date is None:
        return
    late = (terms.signature_date - terms.start_date).days
    allowed = ctx.policy.dates.max_signature_after_start_days
    if late <= allowed:
        return
    yield finding(
        ctx,
        "DATES-SIGNATURE-LATE",
        f"{terms.contract_id} was signed on {terms.signature_date}, {late} days after its "
        f"term started on {terms.start_date} (the policy allows {allowed})",
        fields=("signature_date",),
        values={
            "signature_date": terms.signature_date,
            "start_date": terms.start_date,
            "days_late": late,
            "allowed_days": allowed,
        },
        hint="have legal confirm the backdated start; billing from the start date needs it",
    )


@rule(
    "DATES-SERVICE-PERIOD",
    title="Lines are served inside the term",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def service_inside_term(ctx: RuleContext) -> Iterator[Finding]:
    """Each line's service_start and service_end lie within start_date..end_date."""
    terms = ctx.terms
    for index, line in enumerate(terms.lines):
        if (
            line.service_start is not None
            and terms.start_date is not None
            and line.service_start < terms.start_date
        ):
            yield finding(
                ctx,
                "DATES-SERVICE-PERIOD",
                f"{line_label(line)} starts on {line.service_start}, before the term starts "
                f"on {terms.start_date}",
                fields=(f"lines[{index}].service_start",),
                values={"service_start": line.service_start, "start_date": terms.start_date},
                hint="move the line's service start into the term, or correct the term",
            )
        if (
            line.service_end is not None
            and terms.end_date is not None
            and line.service_end > terms.end_date
        ):
            yield finding(
                ctx,
                "DATES-SERVICE-PERIOD",
                f"{line_label(line)} runs until {line.service_end}, after the term ends on "
                f"{terms.end_date}",
                fields=(f"lines[{index}].service_end",),
                values={"service_end": line.service_end, "end_date": terms.end_date},
                hint="end the line's service with the term, or correct the term",
            )
