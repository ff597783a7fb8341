"""Commercial policy rules against the default policy and against overrides."""

from __future__ import annotations

from billops.domain.policy import Policy
from tests.rules.builders import ENTITY, check, context, line, terms

COMMERCIAL = (
    "COMMERCIAL-DISCOUNT",
    "COMMERCIAL-PAYMENT-TERMS",
    "COMMERCIAL-BILLING-FREQUENCY",
    "COMMERCIAL-ARREARS",
    "COMMERCIAL-UPLIFT-CAP",
    "COMMERCIAL-CURRENCY",
    "COMMERCIAL-NTE",
    "COMMERCIAL-RATE-CARD",
    "COMMERCIAL-EXPENSES",
)


def test_base_contract_is_within_policy() -> None:
    for rule_id in COMMERCIAL:
        assert check(rule_id, context()) == [], rule_id


def test_discount_above_threshold() -> None:
    contract = terms(
        lines=line(0, discount_percent="40", unit_price="720.00", amount="14400.00"),
        total_contract_value="16900.00",
    )
    [found] = check("COMMERCIAL-DISCOUNT", context(contract))
    assert found.fields == ("lines[0].discount_percent",)
    assert found.route == "deal_desk"
    assert found.message == (
        "line L1 (PLAT-PRO) is discounted 40 % off list 1,200.00 EUR, above the 30 % "
        "approval threshold"
    )


def test_discount_exactly_at_threshold_is_allowed() -> None:
    contract = terms(
        lines=line(0, discount_percent="30", unit_price="840.00", amount="16800.00"),
        total_contract_value="19300.00",
    )
    assert check("COMMERCIAL-DISCOUNT", context(contract)) == []


def test_implied_discount_from_list_and_unit_price() -> None:
    contract = terms(
        lines=line(0, discount_percent=None, unit_price="600.00", amount="12000.00"),
        total_contract_value="14500.00",
    )
    [found] = check("COMMERCIAL-DISCOUNT", context(contract))
    assert found.fields == ("lines[0].unit_price",)
    assert "is discounted 50 % off list 1,200.00 EUR" in found.message


def test_company_threshold_overrides_default() -> None:
    policy = Policy.from_mapping({"discount": {"approval_threshold_percent": 5}})
    [found] = check("COMMERCIAL-DISCOUNT", context(policy=policy))
    assert found.message.endswith("above the 5 % approval threshold")


def test_payment_terms_beyond_policy() -> None:
    [found] = check("COMMERCIAL-PAYMENT-TERMS", context(terms(payment_terms={"net_days": 90})))
    assert found.route == "finance"
    assert found.message == (
        "OF-2026-001 gives the customer net 90 days to pay; the policy allows at most net 60"
    )


def test_semi_annual_subscription_is_non_standard() -> None:
    contract = terms(billing={"frequency": "semi_annual"})
    [found] = check("COMMERCIAL-BILLING-FREQUENCY", context(contract))
    assert found.fields == ("billing.frequency",)
    assert found.message == (
        "line L1 (PLAT-PRO) bills semi_annual, not a standard subscription frequency "
        "(monthly, quarterly, annual)"
    )


def test_subscription_in_arrears() -> None:
    contract = terms(billing={"frequency": "annual", "timing": "arrears"})
    [found] = check("COMMERCIAL-ARREARS", context(contract))
    assert found.fields == ("billing.timing",)
    assert found.severity.value == "warning"
    allowed = Policy.from_mapping({"subscriptions": {"arrears_allowed": True}})
    assert check("COMMERCIAL-ARREARS", context(contract, policy=allowed)) == []


def test_auto_renewal_without_cap() -> None:
    contract = terms(renewal={"auto_renew": True, "renewal_term_months": 12})
    [found] = check("COMMERCIAL-UPLIFT-CAP", context(contract))
    assert found.fields == ("renewal.uplift_cap_percent",)
    assert found.message == (
        "OF-2026-001 renews automatically but states no cap on the renewal uplift"
    )
    not_renewing = terms(renewal={"auto_renew": False})
    assert check("COMMERCIAL-UPLIFT-CAP", context(not_renewing)) == []


def test_currency_not_the_entity_s() -> None:
    [found] = check("COMMERCIAL-CURRENCY", context(terms(currency="USD")))
    assert found.message == "OF-2026-001 is in USD, but ACME-DE may contract only in EUR"
    assert found.values["allowed"] == "EUR"


def test_entity_policy_allows_more_currencies() -> None:
    policy = Policy.from_mapping({"currencies": {"allowed": ["EUR", "USD"]}})
    assert check("COMMERCIAL-CURRENCY", context(terms(currency="USD"), policy=policy)) == []
    [found] = check("COMMERCIAL-CURRENCY", context(terms(currency="GBP"), policy=policy))
    assert found.message == "OF-2026-001 is in GBP, but ACME-DE may contract only in EUR, USD"
    assert ENTITY.currency == "EUR"


TM_LINE = {
    "line_id": "L3",
    "description": "Consulting, T&M",
    "billing_model": "time_and_materials",
    "quantity": "100",
    "unit": "hour",
    "amount": "20000.00",
}
RATE_CARD = [
    {"role": "Consultant", "rate": "180.00", "unit": "hour"},
    {"role": "Senior Consultant", "rate": "220.00", "unit": "hour"},
]


def _services(**changes: object) -> dict[str, object]:
    return {
        "lines": [*line(0), TM_LINE],
        "rate_card": RATE_CARD,
        "not_to_exceed": "20000.00",
        "expenses_policy": {"billable": True, "cap": "2000.00"},
        "total_contract_value": "41600.00",
        **changes,
    }


def test_time_and_materials_with_nte_passes() -> None:
    assert check("COMMERCIAL-NTE", context(terms(**_services()))) == []


def test_time_and_materials_without_nte() -> None:
    [found] = check("COMMERCIAL-NTE", context(terms(**_services(not_to_exceed=None))))
    assert found.fields == ("not_to_exceed",)
    assert found.message == "OF-2026-001 sells time and materials (L3) without a not-to-exceed cap"
    relaxed = Policy.from_mapping({"services": {"nte_required_for_time_and_materials": False}})
    assert (
        check("COMMERCIAL-NTE", context(terms(**_services(not_to_exceed=None)), policy=relaxed))
        == []
    )


STANDARD = {
    "rate_card": {
        "standard": [
            {"currency": "EUR", "role": "consultant", "rate": "200.00", "unit": "hour"},
            {"currency": "EUR", "role": "Senior Consultant", "rate": "220.00", "unit": "hour"},
            {"currency": "USD", "role": "Consultant", "rate": "100.00", "unit": "hour"},
        ],
    }
}


def test_rate_below_standard_rate_card() -> None:
    policy = Policy.from_mapping(STANDARD)
    [found] = check("COMMERCIAL-RATE-CARD", context(terms(**_services()), policy=policy))
    assert found.fields == ("rate_card[0].rate",)
    assert found.message == (
        "Consultant at 180.00 EUR per hour is 10 % below the standard 200.00 EUR"
    )


def test_rate_within_allowed_discount() -> None:
    policy = Policy.from_mapping(
        {"rate_card": {**STANDARD["rate_card"], "allowed_discount_percent": 10}}
    )
    assert check("COMMERCIAL-RATE-CARD", context(terms(**_services()), policy=policy)) == []


def test_services_without_expenses_policy() -> None:
    [found] = check("COMMERCIAL-EXPENSES", context(terms(**_services(expenses_policy=None))))
    assert found.fields == ("expenses_policy",)
    assert found.message == (
        "OF-2026-001 sells services (L3) but says nothing about expenses: travel cannot be "
        "re-billed, or will be billed without an agreed basis"
    )
    assert check("COMMERCIAL-EXPENSES", context(terms(**_services()))) == []
