"""The policy model: defaults, overrides, severities, SLA hours, refused documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billops.domain.findings import Severity
from billops.domain.policy import Policy, PolicyInvalid, default_policy
from billops.errors import InvalidInput


def test_defaults() -> None:
    policy = default_policy()
    assert policy.version == "1"
    assert policy.discount.approval_threshold_percent == Decimal(30)
    assert policy.payment_terms.max_net_days == 60
    assert policy.dates.max_signature_after_start_days == 30
    assert "FR" in policy.tax.customer_tax_id_countries
    assert "US" not in policy.tax.customer_tax_id_countries
    assert len(policy.tax.customer_tax_id_countries) == 27


def test_severity_for() -> None:
    policy = Policy.from_mapping(
        {"severities": {"COMMERCIAL-ARREARS": "off", "DATES-TERM-MONTHS": "error"}}
    )
    assert policy.severity_for("COMMERCIAL-ARREARS", Severity.WARNING) is None
    assert policy.severity_for("DATES-TERM-MONTHS", Severity.WARNING) is Severity.ERROR
    assert policy.severity_for("ARITH-TCV", Severity.ERROR) is Severity.ERROR


def test_sla_hours_per_route() -> None:
    policy = Policy.from_mapping({"sla": {"legal": 120}})
    assert policy.sla_hours("legal") == 120
    assert policy.sla_hours("billing") == 24
    assert policy.sla_hours("deal_desk") == 24
    assert policy.sla_hours("some_new_queue") == 48


def test_integer_version_is_text() -> None:
    assert Policy.from_mapping({"version": 2}).version == "2"


def test_unknown_key_named_with_suggestion() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        Policy.from_mapping({"discount": {"aproval_threshold_percent": 20}}, "company.yaml")
    assert str(caught.value) == (
        "company.yaml: discount.aproval_threshold_percent: unknown key "
        "(did you mean approval_threshold_percent?)"
    )
    assert isinstance(caught.value, InvalidInput)


def test_unknown_section() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        Policy.from_mapping({"discounts": {}})
    assert caught.value.problems[0].message == "unknown key (did you mean discount?)"


def test_wrong_type_and_out_of_range() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        Policy.from_mapping(
            {
                "payment_terms": {"max_net_days": "sixty"},
                "discount": {"approval_threshold_percent": 120},
            }
        )
    assert [problem.key for problem in caught.value.problems] == [
        "discount.approval_threshold_percent",
        "payment_terms.max_net_days",
    ]
    assert caught.value.errors == [
        "discount.approval_threshold_percent: must be less than or equal to 100 (got '120')",
        "payment_terms.max_net_days: must be a valid integer, unable to parse string as an "
        "integer (got 'sixty')",
    ]


def test_bad_severity_and_route() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        Policy.from_mapping({"severities": {"ARITH-TCV": "fatal"}})
    assert caught.value.problems[0].key == "severities.ARITH-TCV"
    with pytest.raises(PolicyInvalid):
        Policy.from_mapping({"routes": {"ARITH-TCV": "accounting"}})


def test_required_field_paths_are_checked() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        Policy.from_mapping({"completeness": {"document_fields": {"order_form": ["payment_term"]}}})
    assert caught.value.problems[0].message == (
        "'payment_term' names no field: ContractTerms has no field 'payment_term' "
        "(did you mean payment_terms?)"
    )


def test_unknown_rule_ids() -> None:
    policy = Policy.from_mapping({"severities": {"COMERCIAL-DISCOUNT": "off"}})
    [problem] = policy.unknown_rule_ids(["COMMERCIAL-DISCOUNT", "ARITH-TCV"])
    assert problem.key == "severities.COMERCIAL-DISCOUNT"
    assert problem.message == "unknown rule id (did you mean COMMERCIAL-DISCOUNT?)"


def test_loader_sets_sources_not_files() -> None:
    with pytest.raises(PolicyInvalid):
        Policy.from_mapping({"sources": ["x.yaml"]})
