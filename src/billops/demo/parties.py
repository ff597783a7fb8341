"""The demo company's legal entities and its customers.

Northwind Cloud sells from two legal entities, so that every rule that
depends on the seller (currency, invoice numbering, fiscal year, VAT and
reverse charge, locale) is exercised:

- ``NWUS`` Northwind Cloud Inc., Austin, Texas: USD, fiscal year from January.
- ``NWDE`` Northwind Cloud GmbH, Berlin: EUR, fiscal year from April, sells
  to customers in Germany and in five other member states (reverse charge).

A customer is the record an ERP holds for whom we bill: addresses, tax
ids, billing contacts, whether a purchase order is required on every
invoice, payment terms, invoice currency and, for some, a Peppol
e-invoice endpoint. Which entity sells to a customer is decided by the
customer's country and recorded on the generator's account, not on the
customer record (the same customer may later buy from both).

Some customers are deliberately incomplete (no billing contact, no VAT id,
a VAT id with a wrong check digit); the generator lists each one in its
data-quality notes so that validation has something true to find.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from billops.demo import fiction, tax_ids

NWUS = "NWUS"
NWDE = "NWDE"

CUSTOMER_COUNTRIES: dict[str, tuple[tuple[str, int], ...]] = {
    NWUS: (("US", 9), ("CA", 1)),
    NWDE: (("DE", 8), ("FR", 3), ("NL", 3), ("BE", 2), ("AT", 2), ("IT", 2)),
}

ENTITY_ADDRESSES: dict[str, dict[str, Any]] = {
    NWUS: {
        "kind": "billing",
        "line1": "500 Congress Crossing",
        "line2": "Floor 12",
        "city": "Austin",
        "postal_code": "78701",
        "region": "TX",
        "country": "US",
    },
    NWDE: {
        "kind": "billing",
        "line1": "Spreeuferweg 21",
        "line2": None,
        "city": "Berlin",
        "postal_code": "10179",
        "region": None,
        "country": "DE",
    },
}

# Fixed, hand-checked identifiers of the two sellers: the EIN prefix 84 is an
# IRS-issued one; DE 8 digits 31846592 + ISO 7064 MOD 11,10 check digit 2.
_ENTITY_TAX_IDS: dict[str, str] = {NWUS: "84-2719365", NWDE: "DE318465922"}


def legal_entities() -> list[dict[str, Any]]:
    """The two selling entities, in the ``LegalEntity`` shape."""
    return [
        {
            "code": NWUS,
            "name": "Northwind Cloud Inc.",
            "country": "US",
            "currency": "USD",
            "tax_id": entity_tax_ids(NWUS)[0],
            "address": dict(ENTITY_ADDRESSES[NWUS]),
            "invoice_prefix": "NWUS",
            "fiscal_year_start_month": 1,
            "rounding_mode": "half_up",
            "locale": "en_US",
        },
        {
            "code": NWDE,
            "name": "Northwind Cloud GmbH",
            "country": "DE",
            "currency": "EUR",
            "tax_id": entity_tax_ids(NWDE)[0],
            "address": dict(ENTITY_ADDRESSES[NWDE]),
            "invoice_prefix": "NWDE",
            # The IBAN of ECBS's published example (check digits valid, no real account).
            "bank_iban": "DE89370400440532013000",
            "bank_bic": "COBADEFFXXX",
            "fiscal_year_start_month": 4,
            "rounding_mode": "half_up",
            "locale": "de_DE",
        },
    ]


ENTITY_CURRENCY: dict[str, str] = {NWUS: "USD", NWDE: "EUR"}
ENTITY_NAMES: dict[str, str] = {NWUS: "Northwind Cloud Inc.", NWDE: "Northwind Cloud GmbH"}


def entity_tax_ids(entity: str) -> list[dict[str, str]]:
    value = _ENTITY_TAX_IDS[entity]
    return [{"scheme": "ein" if entity == NWUS else "vat", "value": value}]


@dataclass(frozen=True, slots=True)
class CustomerFlaws:
    """Which deliberate gaps a customer record carries (all False for a clean one)."""

    no_billing_contact: bool = False
    no_tax_id: bool = False
    bad_vat_check_digit: bool = False


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """What the generator decides about a customer before writing its record."""

    code: str
    entity: str
    country: str
    segment: str  # smb | mid_market | enterprise
    name: str
    needs_shipping_address: bool
    flaws: CustomerFlaws
    po_required: bool | None = None  # None: decided at random by segment


def choose_country(rng: random.Random, entity: str) -> str:
    countries, weights = zip(*CUSTOMER_COUNTRIES[entity], strict=True)
    country: str = rng.choices(countries, weights=weights)[0]
    return country


def customer_record(rng: random.Random, profile: CustomerProfile) -> dict[str, Any]:
    """The customer in the ``Customer`` shape, with the profile's deliberate flaws."""
    domain = fiction.email_domain(profile.name)
    vat_or_ein = _tax_id(rng, profile)
    return {
        "code": profile.code,
        "name": profile.name,
        "addresses": _addresses(rng, profile),
        "tax_ids": [] if vat_or_ein is None else [vat_or_ein],
        "billing_contacts": _billing_contacts(rng, profile, domain),
        "po_required": _po_required(rng, profile),
        "payment_terms_days": _payment_terms(rng, profile.segment),
        "default_currency": ENTITY_CURRENCY[profile.entity],
        "einvoice_endpoint": _einvoice_endpoint(rng, profile, vat_or_ein),
        "credit_status": credit_status(profile.code),
    }


DOUBTFUL_EVERY = 50  # one customer in 50 has a doubtful credit assessment


def credit_status(code: str) -> str:
    """The demo's credit assessment: ``good``, except every 50th customer from the 7th.

    Deterministic, and drawn from no random number, so the rest of the demo
    company is the same with or without it: CUST-000007, CUST-000057, ...
    are ``doubtful`` (their contracts are not booked for revenue).
    """
    digits = "".join(ch for ch in code if ch.isdigit())
    number = int(digits) if digits else 0
    return "doubtful" if number % DOUBTFUL_EVERY == 7 else "good"


def _addresses(rng: random.Random, profile: CustomerProfile) -> list[dict[str, Any]]:
    kinds = ("billing", "shipping") if profile.needs_shipping_address else ("billing",)
    addresses = []
    for kind in kinds:
        city, region, postal_code = rng.choice(fiction.CITIES[profile.country])
        line1, line2 = fiction.street_address(rng, profile.country)
        addresses.append(
            {
                "kind": kind,
                "line1": line1,
                "line2": line2,
                "city": city,
                "postal_code": postal_code,
                "region": region,
                "country": profile.country,
            }
        )
    return addresses


def _tax_id(rng: random.Random, profile: CustomerProfile) -> dict[str, str] | None:
    if profile.flaws.no_tax_id:
        return None
    if profile.country == "US":
        # US buyers often give no tax id at all; an EIN appears on some vendor forms.
        return {"scheme": "ein", "value": tax_ids.make_ein(rng)} if rng.random() < 0.5 else None
    if profile.country == "CA":
        return {"scheme": "gst", "value": tax_ids.make_ca_business_number(rng)}
    vat = tax_ids.make_vat(profile.country, rng)
    if profile.flaws.bad_vat_check_digit:
        vat = tax_ids.corrupt_check_digit(vat)
    return {"scheme": "vat", "value": vat}


def _billing_contacts(
    rng: random.Random, profile: CustomerProfile, domain: str
) -> list[dict[str, Any]]:
    if profile.flaws.no_billing_contact:
        return []
    contacts = [fiction.person(rng, profile.country, domain)]
    if profile.segment != "smb" and rng.random() < 0.5:
        contacts.append(fiction.person(rng, profile.country, domain, role_mailbox=True))
    return [{"name": c.name, "email": c.email, "phone": c.phone} for c in contacts]


def _po_required(rng: random.Random, profile: CustomerProfile) -> bool:
    chance = 0.45 if profile.segment == "enterprise" else 0.2
    drawn = rng.random() < chance
    return drawn if profile.po_required is None else profile.po_required


def _payment_terms(rng: random.Random, segment: str) -> int:
    weights = {"smb": (8, 1, 1), "mid_market": (6, 2, 2), "enterprise": (3, 3, 4)}[segment]
    return rng.choices((30, 45, 60), weights=weights)[0]


def _einvoice_endpoint(
    rng: random.Random, profile: CustomerProfile, tax_id: dict[str, str] | None
) -> str | None:
    share = 0.06 if profile.entity == NWUS else 0.35
    if rng.random() >= share:
        return None
    vat = tax_id["value"] if tax_id and tax_id["scheme"] == "vat" else None
    return tax_ids.peppol_endpoint(profile.country, vat, rng)
