"""Date rules: the base term is 2026-01-01..2027-12-31, 24 months, signed 2025-12-20."""

from __future__ import annotations

from datetime import date

from billops.domain.policy import Policy
from tests.rules.builders import check, context, line, terms


def test_base_dates_are_coherent() -> None:
    for rule_id in (
        "DATES-ORDER",
        "DATES-EFFECTIVE",
        "DATES-TERM-MONTHS",
        "DATES-SIGNATURE-LATE",
        "DATES-SERVICE-PERIOD",
    ):
        assert check(rule_id, context()) == [], rule_id


def test_start_after_end_in_terms_built_without_validation() -> None:
    broken = terms().model_copy(update={"start_date": date(2028, 1, 1)})
    [found] = check("DATES-ORDER", context(broken))
    assert found.fields == ("start_date", "end_date")
    assert found.message == (
        "OF-2026-001: the term starts on 2028-01-01 but ends earlier, on 2027-12-31"
    )


def test_effective_after_start() -> None:
    [found] = check("DATES-EFFECTIVE", context(terms(effective_date="2026-01-10")))
    assert found.severity.value == "warning"
    assert found.route == "legal"
    assert found.message == (
        "OF-2026-001 takes effect on 2026-01-10, after its term starts on 2026-01-01: "
        "the days before are served without a binding contract"
    )


def test_term_months_disagree_with_dates() -> None:
    [found] = check("DATES-TERM-MONTHS", context(terms(term_months=12)))
    assert found.fields == ("term_months", "end_date")
    assert found.message == (
        "OF-2026-001: 12 months from 2026-01-01 end on 2026-12-31, but the end date is "
        "2027-12-31 (365 days apart)"
    )


def test_term_months_month_end_start() -> None:
    # 2026-01-31 + 1 month = 2026-02-28, so one month ends 2026-02-27
    contract = terms(
        start_date="2026-01-31",
        end_date="2026-02-27",
        term_months=1,
        lines=line(0, amount="900.00", unit_price="1080.00"),
        billing={"frequency": "annual"},
        total_contract_value=None,
    )
    assert check("DATES-TERM-MONTHS", context(contract)) == []


def test_term_tolerance_days_from_policy() -> None:
    contract = terms(end_date="2028-01-02")  # two days past 2027-12-31
    assert len(check("DATES-TERM-MONTHS", context(contract))) == 1
    policy = Policy.from_mapping({"dates": {"term_tolerance_days": 2}})
    assert check("DATES-TERM-MONTHS", context(contract, policy=policy)) == []


def test_signature_long_after_start() -> None:
    contract = terms(signature_date="2026-02-15", effective_date="2026-01-01")
    [found] = check("DATES-SIGNATURE-LATE", context(contract))
    assert found.message == (
        "OF-2026-001 was signed on 2026-02-15, 45 days after its term started on 2026-01-01 "
        "(the policy allows 30)"
    )
    assert found.values["days_late"] == "45"
    lenient = Policy.from_mapping({"dates": {"max_signature_after_start_days": 45}})
    assert check("DATES-SIGNATURE-LATE", context(contract, policy=lenient)) == []


def test_line_served_outside_the_term() -> None:
    contract = terms(lines=line(1, service_start="2025-12-15", service_end="2025-12-15"))
    [found] = check("DATES-SERVICE-PERIOD", context(contract))
    assert found.fields == ("lines[1].service_start",)
    assert (
        found.message == "line L2 (ONB) starts on 2025-12-15, before the term starts on 2026-01-01"
    )
