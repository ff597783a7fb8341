"""Tax determination stories: which category and rate, and why, for each kind of sale.

The rules are the ones billops ships (``billops/policies/tax.yaml``). VAT
ids are real-format numbers with valid check digits.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from billops.domain.contract import BillingModel
from billops.domain.invoices import TaxCategory
from billops.domain.parties import Address, Customer, LegalEntity, TaxId
from billops.domain.tax import (
    Jurisdiction,
    TaxRules,
    TaxRulesInvalid,
    UnknownJurisdiction,
    UnknownTaxCode,
    customer_jurisdiction,
    determine_tax,
    entity_jurisdiction,
    valid_vat_id,
)
from tests.billing.stories import TAX_YAML, tax_rules

DE_SELLER = Jurisdiction("DE", "DE136695976")
FR_BUSINESS = Jurisdiction("FR", "FR40303265045")


def decide(code: str, seller: Jurisdiction, buyer: Jurisdiction) -> tuple[str, Decimal, str | None]:
    decision = determine_tax(tax_rules(), code, seller, buyer)
    treatment = decision.treatment
    return treatment.category.value, treatment.rate, treatment.exemption_code


def test_shipped_rates() -> None:
    rules = tax_rules()
    assert {c: rules.countries[c].standard_rate for c in ("DE", "FR", "NL", "BE", "IE")} == {
        "DE": Decimal(19),
        "FR": Decimal(20),
        "NL": Decimal(21),
        "BE": Decimal(21),
        "IE": Decimal(23),
    }
    assert set(rules.codes) >= {
        "DIGITAL_SERVICE",
        "PROFESSIONAL_SERVICE",
        "SUPPORT",
        "GOODS",
        "REIMBURSEMENT",
    }
    assert rules.code_for(BillingModel.HARDWARE) == "GOODS"
    assert rules.code_for(BillingModel.HARDWARE, "SUPPORT") == "SUPPORT"


def test_domestic_de_sale_is_standard_rated() -> None:
    assert decide("DIGITAL_SERVICE", DE_SELLER, Jurisdiction("DE", None)) == (
        "S",
        Decimal(19),
        None,
    )


def test_de_seller_to_fr_business_is_reverse_charged() -> None:
    decision = determine_tax(tax_rules(), "PROFESSIONAL_SERVICE", DE_SELLER, FR_BUSINESS)
    assert decision.treatment.category is TaxCategory.REVERSE_CHARGE
    assert decision.treatment.exemption_reason == "Reverse charge"
    assert decision.treatment.exemption_code == "VATEX-EU-AE"
    assert "DE136695976" in decision.explanation and "FR40303265045" in decision.explanation


def test_goods_to_an_eu_business_are_an_intra_community_supply() -> None:
    assert decide("GOODS", DE_SELLER, FR_BUSINESS) == ("K", Decimal(0), "VATEX-EU-IC")


def test_no_reverse_charge_without_a_valid_buyer_vat_id() -> None:
    # a wrong check digit: taxed as a consumer sale, at the seller's rate...
    assert decide("PROFESSIONAL_SERVICE", DE_SELLER, Jurisdiction("FR", "FR40303265046")) == (
        "S",
        Decimal(19),
        None,
    )
    # ...or, for a digital service, at the buyer's country's rate
    decision = determine_tax(tax_rules(), "DIGITAL_SERVICE", DE_SELLER, Jurisdiction("FR", None))
    assert (decision.treatment.rate, "FR's 20 %" in decision.explanation) == (Decimal(20), True)


def test_no_reverse_charge_when_the_seller_has_no_vat_id() -> None:
    assert decide("PROFESSIONAL_SERVICE", Jurisdiction("DE", None), FR_BUSINESS)[0] == "S"


def test_us_buyer_services_outside_scope_goods_exported() -> None:
    us = Jurisdiction("US", None)
    assert decide("DIGITAL_SERVICE", DE_SELLER, us) == ("O", Decimal(0), "VATEX-EU-O")
    assert decide("GOODS", DE_SELLER, us) == ("G", Decimal(0), "VATEX-EU-G")


def test_us_seller_charges_no_vat() -> None:
    decision = determine_tax(
        tax_rules(), "DIGITAL_SERVICE", Jurisdiction("US", None), Jurisdiction("US", None)
    )
    assert decision.treatment.category is TaxCategory.OUTSIDE_SCOPE
    assert "sales tax" in (decision.treatment.exemption_reason or "")


def test_exempt_code() -> None:
    assert decide("EXEMPT_EDUCATION", DE_SELLER, Jurisdiction("DE", None)) == (
        "E",
        Decimal(0),
        "VATEX-EU-132-1I",
    )


def test_unknown_code_or_country_is_an_error_never_zero() -> None:
    with pytest.raises(UnknownTaxCode, match="'SAAS'"):
        determine_tax(tax_rules(), "SAAS", DE_SELLER, FR_BUSINESS)
    with pytest.raises(UnknownJurisdiction, match="'JP'"):
        determine_tax(tax_rules(), "DIGITAL_SERVICE", DE_SELLER, Jurisdiction("JP", None))
    with pytest.raises(UnknownJurisdiction, match="no country"):
        determine_tax(tax_rules(), "DIGITAL_SERVICE", DE_SELLER, Jurisdiction(None, None))
    with pytest.raises(UnknownJurisdiction, match="seller"):
        determine_tax(tax_rules(), "DIGITAL_SERVICE", Jurisdiction("CA", None), FR_BUSINESS)


def test_vat_ids_are_checked_for_their_own_country() -> None:
    assert valid_vat_id("FR40303265045", "FR")
    assert not valid_vat_id("FR40303265045", "DE")
    assert not valid_vat_id("DE136695978", "DE")
    assert not valid_vat_id(None, "DE")


def test_jurisdictions_of_the_parties() -> None:
    entity = LegalEntity(
        code="NW-DE", name="N", country="DE", currency="EUR", invoice_prefix="D",
        tax_id=TaxId(scheme="vat", value="DE136695976"),
    )  # fmt: skip
    buyer = Customer(
        code="c", name="C", addresses=[Address(country="FR")],
        tax_ids=[TaxId(scheme="siren", value="303265045"),
                 TaxId(scheme="vat", value="FR40303265045")],
    )  # fmt: skip
    assert entity_jurisdiction(entity) == DE_SELLER
    assert customer_jurisdiction(buyer) == FR_BUSINESS
    assert customer_jurisdiction(Customer(code="x", name="X"), "DE") == Jurisdiction("DE", None)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"codez": {}}, "codez"),
        ({"countries": {"DE": {"regime": "vat"}}}, "countries.DE.standard_rate"),
        ({"countries": {"DE": {"standard_rate": 19.0}}}, "countries.DE.standard_rate"),
        ({"countries": {"DE": {"standard_rate": "119"}}}, "countries.DE.standard_rate"),
        (
            {"countries": {"DE": {"standard_rate": "19", "rates": {"X": "7"}}}},
            "countries.DE.rates.X",
        ),
        ({"default_codes": {"subscription": "X"}}, "default_codes.subscription"),
        ({"default_codes": {"leasing": "X"}}, "default_codes.leasing"),
        ({"codes": {"E": {"exempt": True}}}, "codes.E.exemption_reason"),
        ({"codes": {"G": {"supply": "food"}}}, "codes.G.supply"),
    ],
)
def test_a_bad_rules_document_names_the_field(document: dict[str, object], field: str) -> None:
    with pytest.raises(TaxRulesInvalid) as raised:
        TaxRules.from_mapping(document, "tax.yaml")
    assert raised.value.field == field
    assert "tax.yaml" in str(raised.value)


def test_the_shipped_file_is_valid_yaml_with_a_version() -> None:
    assert yaml.safe_load(TAX_YAML.read_text())["version"] == 1
