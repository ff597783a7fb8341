"""Tax determination: which VAT category and rate each invoice line carries, and why.

An invoice line's tax follows from three facts: what is sold (the product's
**tax code**: a digital service, professional services, goods...), where
the seller is established and where the buyer is (the **jurisdiction**),
and whether the buyer is a business with a valid VAT id. The rates are
data, not code (``billops/policies/tax.yaml``; ``TaxRules.from_mapping``
validates it), because rates change and every company has codes of its
own. The decisions, in the order they are taken:

1. the tax code is **exempt** (education, ...): category E, the configured
   reason and VATEX code;
2. the seller's country is **outside VAT** (a US entity): category O, no
   tax (US sales tax is a placeholder billops does not compute);
3. the buyer is in the **seller's country**: the standard rate (or the
   code's own rate there), category S;
4. the buyer is in **another EU member state** and both parties have a
   valid VAT id of their own country (python-stdnum: format and check
   digit, offline): **reverse charge**, category AE, ``VATEX-EU-AE`` for
   services; an intra-community supply, category K, ``VATEX-EU-IC`` for
   goods. Without a valid buyer VAT id the sale is taxed as B2C: at the
   seller's rate, or the buyer country's rate for digital services (the
   place of supply of electronically supplied services to consumers);
5. the buyer is **outside the EU**: services are outside the scope of EU
   VAT (category O, ``VATEX-EU-O``), goods are an export (category G,
   ``VATEX-EU-G``).

A country or tax code the rules do not know is an error that names it
(``UnknownTaxCode``, ``UnknownJurisdiction``), never a silent 0 %.

    >>> rules = TaxRules.from_mapping({
    ...     "codes": {"DIGITAL_SERVICE": {"supply": "services", "digital": True},
    ...               "GOODS": {"supply": "goods"}},
    ...     "countries": {"DE": {"regime": "vat", "standard_rate": "19"},
    ...                   "FR": {"regime": "vat", "standard_rate": "20"},
    ...                   "US": {"regime": "outside_scope"}}})
    >>> seller = Jurisdiction("DE", "DE136695976")
    >>> domestic = determine_tax(rules, "DIGITAL_SERVICE", seller, Jurisdiction("DE", None))
    >>> domestic.treatment.category.value, domestic.treatment.rate
    ('S', Decimal('19'))
    >>> reverse = determine_tax(rules, "DIGITAL_SERVICE", seller,
    ...                         Jurisdiction("FR", "FR40303265045"))
    >>> reverse.treatment.category.value, reverse.treatment.exemption_code
    ('AE', 'VATEX-EU-AE')
    >>> reverse.explanation  # doctest: +NORMALIZE_WHITESPACE
    'DIGITAL_SERVICE from DE to FR: both parties have valid VAT ids (DE136695976,
    FR40303265045) in different member states: reverse charge, the buyer accounts for VAT'
    >>> determine_tax(rules, "SAAS", seller, Jurisdiction("DE", None))
    Traceback (most recent call last):
    ...
    billops.domain.tax.UnknownTaxCode: tax_code: no tax rule for tax code 'SAAS' (got 'SAAS'); \
known codes: DIGITAL_SERVICE, GOODS
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from stdnum.eu import vat as eu_vat

from billops.domain.contract import BillingModel
from billops.domain.invoices import TaxCategory, TaxTreatment
from billops.domain.parties import Customer, LegalEntity
from billops.errors import InvalidInput

__all__ = [
    "EU_MEMBER_STATES",
    "CodeRule",
    "CountryRule",
    "Jurisdiction",
    "Regime",
    "Supply",
    "TaxDecision",
    "TaxError",
    "TaxRules",
    "TaxRulesInvalid",
    "UnknownJurisdiction",
    "UnknownTaxCode",
    "customer_jurisdiction",
    "determine_tax",
    "entity_jurisdiction",
    "valid_vat_id",
]

EU_MEMBER_STATES: Final = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
"""The 27 member states (ISO 3166 codes; Greece's VAT ids begin with EL)."""

_VAT_PREFIX_COUNTRY: Final = {"EL": "GR"}

REVERSE_CHARGE_REASON: Final = "Reverse charge"
INTRA_COMMUNITY_REASON: Final = "Intra-Community supply"
EXPORT_REASON: Final = "Export outside the EU"
OUTSIDE_EU_REASON: Final = "Not subject to VAT: place of supply outside the EU"


class TaxError(InvalidInput):
    """Tax cannot be determined for a line: the rules lack what the line needs."""


class UnknownTaxCode(TaxError):
    """A tax code the tax rules do not define."""


class UnknownJurisdiction(TaxError):
    """A seller or buyer country the tax rules do not define."""


class TaxRulesInvalid(InvalidInput):
    """A tax rules document that cannot be used (unknown key, bad rate, unknown code)."""


class Supply(StrEnum):
    """What a tax code sells: services or goods (the EU rules differ for each)."""

    SERVICES = "services"
    GOODS = "goods"


class Regime(StrEnum):
    """How a country taxes sales (see ``tax.yaml``)."""

    VAT = "vat"  # an EU member state
    OUTSIDE_SCOPE = "outside_scope"  # a seller country without VAT (US): nothing charged
    NON_EU = "non_eu"  # a buyer country outside the EU


@dataclass(frozen=True, slots=True)
class CodeRule:
    """One tax code: services or goods, digital or not, exempt (with its reason) or not."""

    code: str
    supply: Supply
    digital: bool = False
    exempt: bool = False
    exemption_reason: str | None = None
    exemption_code: str | None = None


@dataclass(frozen=True, slots=True)
class CountryRule:
    """One country: its regime, standard rate, rates of particular codes, exempt codes."""

    country: str
    regime: Regime
    standard_rate: Decimal | None = None
    rates: Mapping[str, Decimal] = field(default_factory=dict)
    exempt: frozenset[str] = frozenset()
    reason: str | None = None

    def rate_for(self, code: str) -> Decimal:
        """The rate of ``code`` in this country: its own rate, else the standard rate."""
        if code in self.rates:
            return self.rates[code]
        if self.standard_rate is None:
            raise UnknownJurisdiction(
                f"country {self.country} has no VAT rates configured",
                field=f"countries.{self.country}.standard_rate",
                value=self.country,
                hint="add the country's standard_rate to the tax rules",
            )
        return self.standard_rate


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """Where a party is established (ISO country) and its VAT id, if it has one."""

    country: str | None
    vat_id: str | None = None


@dataclass(frozen=True, slots=True)
class TaxDecision:
    """The tax of one line and the reasoning, in words, that led to it."""

    treatment: TaxTreatment
    explanation: str
    tax_code: str


@dataclass(frozen=True, slots=True)
class TaxRules:
    """Tax codes, countries and default codes per billing model (see the module docstring)."""

    codes: Mapping[str, CodeRule]
    countries: Mapping[str, CountryRule]
    default_codes: Mapping[BillingModel, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str | None = None) -> TaxRules:
        """Rules from plain data in ``tax.yaml``'s shape; every problem is named."""
        _only_keys(data, {"version", "codes", "default_codes", "countries"}, "", source)
        codes = {
            str(code): _code_rule(str(code), spec, source)
            for code, spec in _mapping(data.get("codes", {}), "codes", source).items()
        }
        countries = {
            str(country): _country_rule(str(country), spec, codes, source)
            for country, spec in _mapping(data.get("countries", {}), "countries", source).items()
        }
        defaults: dict[BillingModel, str] = {}
        for model, code in _mapping(data.get("default_codes", {}), "default_codes", source).items():
            try:
                billing_model = BillingModel(model)
            except ValueError:
                raise TaxRulesInvalid(
                    "unknown billing model",
                    source=source,
                    field=f"default_codes.{model}",
                    value=model,
                ) from None
            _known_code(str(code), codes, f"default_codes.{model}", source)
            defaults[billing_model] = str(code)
        return cls(codes=codes, countries=countries, default_codes=defaults)

    def code(self, tax_code: str) -> CodeRule:
        """The rule of ``tax_code``; ``UnknownTaxCode`` when there is none."""
        rule = self.codes.get(tax_code)
        if rule is None:
            raise UnknownTaxCode(
                f"no tax rule for tax code {tax_code!r}",
                field="tax_code",
                value=tax_code,
                hint=f"known codes: {', '.join(sorted(self.codes))}",
            )
        return rule

    def country(self, country: str | None, role: str) -> CountryRule:
        """The rule of ``country``; ``UnknownJurisdiction`` when there is none."""
        rule = self.countries.get(country or "")
        if rule is None:
            what = f"country {country!r}" if country else "no country"
            raise UnknownJurisdiction(
                f"the {role} has {what} the tax rules know",
                field=f"{role}.country",
                value=country,
                hint="add the country to the tax rules, or complete the party's address",
            )
        return rule

    def code_for(self, billing_model: BillingModel, product_code: str | None = None) -> str:
        """The product's tax code when it has one, else the billing model's default code."""
        if product_code:
            return product_code
        code = self.default_codes.get(billing_model)
        if code is None:
            raise UnknownTaxCode(
                f"no tax code for a {billing_model.value} line without a product tax code",
                field="default_codes",
                value=billing_model.value,
                hint="map the line to a catalogue product, or add a default code to the rules",
            )
        return code


def valid_vat_id(vat_id: str | None, country: str | None) -> bool:
    """True when ``vat_id`` is a valid EU VAT id (format, check digit) of ``country``.

    >>> valid_vat_id("DE136695976", "DE"), valid_vat_id("DE136695978", "DE")
    (True, False)
    >>> valid_vat_id("DE136695976", "FR")   # a German number for a French buyer
    False
    """
    if not vat_id or not country:
        return False
    number = eu_vat.compact(vat_id)
    prefix = number[:2].upper()
    if _VAT_PREFIX_COUNTRY.get(prefix, prefix) != country:
        return False
    return bool(eu_vat.is_valid(number))


def entity_jurisdiction(entity: LegalEntity) -> Jurisdiction:
    """The legal entity's country and VAT id (its tax id when the scheme is ``vat``)."""
    vat = entity.tax_id.value if entity.tax_id and entity.tax_id.scheme == "vat" else None
    return Jurisdiction(entity.country, vat)


def customer_jurisdiction(customer: Customer, fallback_country: str | None = None) -> Jurisdiction:
    """The customer's billing country (else ``fallback_country``) and its VAT id, if any."""
    address = customer.billing_address or next(iter(customer.addresses), None)
    country = address.country if address is not None else fallback_country
    vat = next((t.value for t in customer.tax_ids if t.scheme == "vat"), None)
    return Jurisdiction(country, vat)


def determine_tax(
    rules: TaxRules, tax_code: str, seller: Jurisdiction, buyer: Jurisdiction
) -> TaxDecision:
    """The tax treatment of a line of ``tax_code`` sold by ``seller`` to ``buyer``.

    Raises ``UnknownTaxCode`` or ``UnknownJurisdiction`` when the rules do
    not cover the sale: billops never charges 0 % because a rate is missing.
    """
    code = rules.code(tax_code)
    seller_rule = rules.country(seller.country, "seller")
    route = f"{tax_code} from {seller.country} to {buyer.country}"
    if seller_rule.regime is Regime.OUTSIDE_SCOPE:
        reason = seller_rule.reason or "Not subject to VAT"
        return TaxDecision(
            TaxTreatment(TaxCategory.OUTSIDE_SCOPE, Decimal(0), reason, "VATEX-EU-O"),
            f"{route}: the seller's country {seller.country} charges no VAT: {reason}",
            tax_code,
        )
    if seller_rule.regime is not Regime.VAT:
        raise UnknownJurisdiction(
            f"the seller's country {seller.country} is not configured to invoice VAT from",
            field="seller.country",
            value=seller.country,
            hint="give the country regime 'vat' (with rates) or 'outside_scope'",
        )
    if code.exempt or tax_code in seller_rule.exempt:
        reason = code.exemption_reason or f"Exempt from VAT in {seller.country}"
        return TaxDecision(
            TaxTreatment(TaxCategory.EXEMPT, Decimal(0), reason, code.exemption_code),
            f"{route}: {tax_code} is exempt: {reason}",
            tax_code,
        )
    buyer_rule = rules.country(buyer.country, "buyer")
    if buyer.country == seller.country:
        rate = seller_rule.rate_for(tax_code)
        return TaxDecision(
            TaxTreatment(TaxCategory.STANDARD, rate),
            f"{route}: a domestic sale in {seller.country}: {_pct(rate)} VAT",
            tax_code,
        )
    if buyer.country in EU_MEMBER_STATES:
        return _within_eu(code, seller, buyer, seller_rule, buyer_rule, route)
    if code.supply is Supply.GOODS:
        return TaxDecision(
            TaxTreatment(TaxCategory.EXPORT, Decimal(0), EXPORT_REASON, "VATEX-EU-G"),
            f"{route}: goods exported outside the EU: no VAT",
            tax_code,
        )
    return TaxDecision(
        TaxTreatment(TaxCategory.OUTSIDE_SCOPE, Decimal(0), OUTSIDE_EU_REASON, "VATEX-EU-O"),
        f"{route}: services to a buyer outside the EU are taxed where the buyer is: no EU VAT",
        tax_code,
    )


def _within_eu(
    code: CodeRule,
    seller: Jurisdiction,
    buyer: Jurisdiction,
    seller_rule: CountryRule,
    buyer_rule: CountryRule,
    route: str,
) -> TaxDecision:
    seller_ok = valid_vat_id(seller.vat_id, seller.country)
    buyer_ok = valid_vat_id(buyer.vat_id, buyer.country)
    if seller_ok and buyer_ok:
        ids = f"({seller.vat_id}, {buyer.vat_id})"
        why = f"{route}: both parties have valid VAT ids {ids} in different member states"
        if code.supply is Supply.GOODS:
            return TaxDecision(
                TaxTreatment(
                    TaxCategory.INTRA_COMMUNITY, Decimal(0), INTRA_COMMUNITY_REASON, "VATEX-EU-IC"
                ),
                f"{why}: an intra-community supply of goods, exempt in {seller.country}",
                code.code,
            )
        return TaxDecision(
            TaxTreatment(
                TaxCategory.REVERSE_CHARGE, Decimal(0), REVERSE_CHARGE_REASON, "VATEX-EU-AE"
            ),
            f"{why}: reverse charge, the buyer accounts for VAT",
            code.code,
        )
    missing = (
        "the seller has no valid VAT id"
        if not seller_ok
        else f"the buyer has no valid VAT id of {buyer.country}"
        + (f" ({buyer.vat_id!r} fails its check)" if buyer.vat_id else "")
    )
    if code.digital:
        rate = buyer_rule.rate_for(code.code)
        where = f"the buyer's country {buyer.country}"
    else:
        rate = seller_rule.rate_for(code.code)
        where = f"the seller's country {seller.country}"
    return TaxDecision(
        TaxTreatment(TaxCategory.STANDARD, rate),
        f"{route}: {missing}, so no reverse charge: taxed as a sale to a consumer at "
        f"{where}'s {_pct(rate)}",
        code.code,
    )


def _pct(rate: Decimal) -> str:
    return f"{rate.normalize():f} %"


# --------------------------------------------------------------------------
# Reading the rules document


def _only_keys(data: Mapping[str, Any], allowed: set[str], where: str, source: str | None) -> None:
    for key in data:
        if key not in allowed:
            raise TaxRulesInvalid(
                f"unknown key (known: {', '.join(sorted(allowed))})",
                source=source,
                field=f"{where}{key}",
                value=key,
            )


def _mapping(value: object, where: str, source: str | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TaxRulesInvalid("must be a mapping", source=source, field=where, value=str(value))
    return value


def _rate(value: object, where: str, source: str | None) -> Decimal:
    if isinstance(value, float | bool):
        raise TaxRulesInvalid(
            "write rates as strings or integers ('5.5'), not floating-point numbers",
            source=source,
            field=where,
            value=str(value),
        )
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise TaxRulesInvalid("is not a number", source=source, field=where, value=value) from None
    if not rate.is_finite() or not (0 <= rate <= 100):
        raise TaxRulesInvalid(
            "a rate is a percentage from 0 to 100", source=source, field=where, value=str(value)
        )
    return rate


def _known_code(code: str, codes: Mapping[str, CodeRule], where: str, source: str | None) -> None:
    if code not in codes:
        raise TaxRulesInvalid(
            f"names tax code {code!r}, which 'codes' does not define",
            source=source,
            field=where,
            value=code,
        )


def _code_rule(code: str, spec: object, source: str | None) -> CodeRule:
    where = f"codes.{code}"
    data = _mapping(spec, where, source)
    _only_keys(
        data,
        {"supply", "digital", "exempt", "exemption_reason", "exemption_code"},
        f"{where}.",
        source,
    )
    try:
        supply = Supply(data.get("supply", "services"))
    except ValueError:
        raise TaxRulesInvalid(
            "supply must be 'services' or 'goods'",
            source=source,
            field=f"{where}.supply",
            value=data.get("supply"),
        ) from None
    exempt = bool(data.get("exempt", False))
    reason = data.get("exemption_reason")
    if exempt and not reason:
        raise TaxRulesInvalid(
            "an exempt code needs the exemption_reason printed on invoices (EN 16931 BR-E-10)",
            source=source,
            field=f"{where}.exemption_reason",
        )
    return CodeRule(
        code=code,
        supply=supply,
        digital=bool(data.get("digital", False)),
        exempt=exempt,
        exemption_reason=str(reason) if reason else None,
        exemption_code=str(data["exemption_code"]) if data.get("exemption_code") else None,
    )


def _country_rule(
    country: str, spec: object, codes: Mapping[str, CodeRule], source: str | None
) -> CountryRule:
    where = f"countries.{country}"
    data = _mapping(spec, where, source)
    _only_keys(data, {"regime", "standard_rate", "rates", "exempt", "reason"}, f"{where}.", source)
    try:
        regime = Regime(data.get("regime", "vat"))
    except ValueError:
        raise TaxRulesInvalid(
            f"regime must be one of {', '.join(r.value for r in Regime)}",
            source=source,
            field=f"{where}.regime",
            value=data.get("regime"),
        ) from None
    standard = data.get("standard_rate")
    if regime is Regime.VAT and standard is None:
        raise TaxRulesInvalid(
            "a VAT country needs its standard_rate", source=source, field=f"{where}.standard_rate"
        )
    rates: dict[str, Decimal] = {}
    for code, value in _mapping(data.get("rates", {}), f"{where}.rates", source).items():
        _known_code(str(code), codes, f"{where}.rates.{code}", source)
        rates[str(code)] = _rate(value, f"{where}.rates.{code}", source)
    exempt = data.get("exempt", [])
    for code in exempt:
        _known_code(str(code), codes, f"{where}.exempt", source)
    return CountryRule(
        country=country,
        regime=regime,
        standard_rate=None
        if standard is None
        else _rate(standard, f"{where}.standard_rate", source),
        rates=rates,
        exempt=frozenset(str(code) for code in exempt),
        reason=str(data["reason"]) if data.get("reason") else None,
    )
