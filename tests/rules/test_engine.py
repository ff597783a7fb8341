"""The engine: policy switches and severities, provenance as sources, a stable order."""

from __future__ import annotations

import billops.domain.rules as rules_package
from billops.domain.findings import Severity
from billops.domain.policy import Policy
from billops.domain.rules import RULES, describe_rules, run_rules
from tests.rules.builders import context, data, line, terms

NON_CRM = [rule for rule in describe_rules() if not rule.rule_id.startswith("CRM-")]

SHIPPED = {
    "ARITH-LINE-TOTAL", "ARITH-MILESTONES", "ARITH-NET-PRICE", "ARITH-PO-AMOUNT",
    "ARITH-RAMP", "ARITH-TCV", "ARITH-TIERS",
    "COMMERCIAL-ARREARS", "COMMERCIAL-BILLING-FREQUENCY", "COMMERCIAL-CURRENCY",
    "COMMERCIAL-DISCOUNT", "COMMERCIAL-EXPENSES", "COMMERCIAL-NTE",
    "COMMERCIAL-PAYMENT-TERMS", "COMMERCIAL-RATE-CARD", "COMMERCIAL-UPLIFT-CAP",
    "COMPLETE-BILLING-CONTACT", "COMPLETE-BILLING-FREQUENCY", "COMPLETE-FIELDS",
    "COMPLETE-LINE-FIELDS", "COMPLETE-PO", "COMPLETE-TAX-ID",
    "DATES-EFFECTIVE", "DATES-ORDER", "DATES-SERVICE-PERIOD", "DATES-SIGNATURE-LATE",
    "DATES-TERM-MONTHS",
    "TAX-ID-INVALID",
}  # fmt: skip


def test_importing_the_package_registers_every_family() -> None:
    assert set(RULES) >= SHIPPED
    ids = [rule.rule_id for rule in describe_rules()]
    assert ids == sorted(ids)
    if rules_package.crm is not None:
        assert any(rule_id.startswith("CRM-") for rule_id in ids)


def test_every_rule_has_a_docstring_and_title() -> None:
    for rule in describe_rules():
        assert rule.title and rule.doc, rule.rule_id


def _broken() -> dict[str, object]:
    """Three problems: a wrong line amount (so the TCV disagrees too), arrears billing."""
    return data(
        lines=line(0, amount="12600.00"),
        billing={"frequency": "annual", "timing": "arrears"},
        provenance={
            "lines[0].amount": {
                "document": {"name": "globex-of.pdf"},
                "page": 2,
                "quote": "EUR 12,600.00",
            },
            "total_contract_value": {"document": {"name": "globex-of.pdf"}, "page": 3},
        },
    )


def test_findings_are_ordered_and_carry_provenance() -> None:
    from billops.domain.contract import parse_contract

    findings = run_rules(context(parse_contract(_broken())), NON_CRM)
    assert [(f.severity.value, f.rule_id, f.fields) for f in findings] == [
        ("error", "ARITH-LINE-TOTAL", ("lines[0].amount",)),
        ("error", "ARITH-TCV", ("total_contract_value",)),
        ("warning", "COMMERCIAL-ARREARS", ("billing.timing",)),
    ]
    assert findings[0].sources[0].quote == "EUR 12,600.00"
    assert findings[1].sources[0].page == 3
    assert all(f.hint and f.route == "billing" for f in findings[:2])
    assert findings[2].route == "deal_desk"
    assert findings[2].sources == ()


def test_policy_switches_a_rule_off_and_changes_a_severity() -> None:
    from billops.domain.contract import parse_contract

    policy = Policy.from_mapping(
        {
            "severities": {
                "ARITH-LINE-TOTAL": "off",
                "COMMERCIAL-ARREARS": "error",
                "ARITH-TCV": "info",
            }
        }
    )
    findings = run_rules(context(parse_contract(_broken()), policy=policy), NON_CRM)
    assert [(f.severity, f.rule_id) for f in findings] == [
        (Severity.ERROR, "COMMERCIAL-ARREARS"),
        (Severity.INFO, "ARITH-TCV"),
    ]


def test_policy_reroutes_a_rule() -> None:
    policy = Policy.from_mapping({"routes": {"COMMERCIAL-ARREARS": "finance"}})
    contract = terms(billing={"frequency": "annual", "timing": "arrears"})
    [found] = run_rules(context(contract, policy=policy), [RULES["COMMERCIAL-ARREARS"]])
    assert found.route == "finance"


def test_section_without_provenance_borrows_from_fields_below() -> None:
    contract = terms(
        payment_terms={"net_days": 90},
        provenance={
            "payment_terms.net_days": {"document": {"name": "of.pdf"}, "quote": "Net 90"},
        },
    )
    [found] = run_rules(context(contract), [RULES["COMMERCIAL-PAYMENT-TERMS"]])
    assert [s.quote for s in found.sources] == ["Net 90"]


def test_same_run_twice_gives_the_same_findings() -> None:
    from billops.domain.contract import parse_contract

    first = run_rules(context(parse_contract(_broken())))
    second = run_rules(context(parse_contract(_broken())))
    assert first == second
    assert len({f.key for f in first}) == len(first)
