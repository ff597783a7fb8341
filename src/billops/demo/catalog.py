"""The demo company's product catalogue: what Northwind Cloud sells, and at what price.

A catalogue record is what an ERP item or a CPQ product holds: the SKU a
contract line names, how the line is billed (``billing_model``), where its
revenue goes (revenue, deferred and unbilled GL accounts), how it is taxed,
the list price in each currency the company sells in, and the standalone
selling price (SSP) that revenue allocation uses - a single value where the
company sells the item at one price, a range where observed prices vary.

    >>> product = product_by_sku()["NW-SUB-PRO"]
    >>> product["billing_model"], product["unit"], product["list_price"]["USD"]
    ('subscription', 'seat', Decimal('45'))

Families sold (the SKU prefix says which):

- ``NW-SUB-*``: SaaS plans Starter, Pro, Enterprise, per seat per month.
- ``NW-API-CALLS``: API calls: the first million a month included, graduated
  per-call tiers on the calls above it, a monthly minimum commitment.
- ``NW-PS-*``: professional services: the role rate card (per hour and per
  day), a fixed-fee implementation, milestone deliverables, T&M.
- ``NW-HW-*`` and ``NW-MNT-*``: edge appliances, billed on shipment, and
  their annual maintenance, a percentage of the appliance price.
- ``NW-ONB-STD``, ``NW-TRN-DAY``: one-time onboarding and training.
- ``NW-EXP``: travel and expenses, re-billed at cost.
- ``NW-BND-*``: bundles, sold at one price and expanding into component SKUs
  whose SSPs split that price for revenue.

A record's keys (money is a mapping currency -> ``Decimal``):

- every record: ``sku``, ``name``, ``billing_model``, ``revenue_category``,
  ``unit``, ``gl_revenue``, ``gl_deferred``, ``gl_unbilled``, ``tax_code``,
  ``list_price``, ``ssp`` (one price) or ``ssp_range`` (``low``/``high``);
- recurring products: ``price_period`` (``month`` or ``year``: what the list
  price is per, besides the unit);
- usage: ``tier_mode``, ``tiers`` per currency (``up_to``, ``unit_price``),
  ``included_units`` a month, ``minimum_commitment`` a month;
- roles: ``role`` and ``day_rate`` beside the hourly ``list_price``;
- maintenance: ``percent`` of the ``percent_of`` (hardware) price a year,
  and ``ssp_percent``, its SSP as a percentage of the hardware's;
- bundles: ``components`` (``sku``, ``quantity``).

Prices are whole currency units so that quantity x price x (1 - discount %)
is always exact in cents; only usage tiers carry fractions of a cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

CURRENCIES: tuple[str, ...] = ("USD", "EUR")

D = Decimal

# (revenue, deferred revenue, unbilled revenue) accounts per revenue category.
GL_ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "subscription": ("4010", "2410", "1310"),
    "usage": ("4020", "2420", "1320"),
    "professional_services": ("4110", "2430", "1330"),
    "hardware": ("4210", "2440", "1340"),
    "maintenance": ("4220", "2450", "1350"),
    "onboarding_training": ("4310", "2460", "1360"),
    "reimbursed_expenses": ("4410", "2470", "1370"),
}

PLANS: tuple[str, ...] = ("NW-SUB-STARTER", "NW-SUB-PRO", "NW-SUB-ENT")

ROLES: dict[str, str] = {
    "consultant": "NW-PS-ROLE-CONS",
    "senior_consultant": "NW-PS-ROLE-SENIOR",
    "architect": "NW-PS-ROLE-ARCH",
    "project_manager": "NW-PS-ROLE-PM",
}

APPLIANCES: tuple[str, ...] = ("NW-HW-E100", "NW-HW-E400")


def _prices(usd: int | str, eur: int | str) -> dict[str, Decimal]:
    return {"USD": D(usd), "EUR": D(eur)}


def _ssp_range(usd: tuple[int, int], eur: tuple[int, int]) -> dict[str, dict[str, Decimal]]:
    return {
        "USD": {"low": D(usd[0]), "high": D(usd[1])},
        "EUR": {"low": D(eur[0]), "high": D(eur[1])},
    }


def _product(
    sku: str,
    name: str,
    billing_model: str,
    revenue_category: str,
    unit: str,
    tax_code: str,
    **extra: Any,
) -> dict[str, Any]:
    revenue, deferred, unbilled = GL_ACCOUNTS[revenue_category]
    record: dict[str, Any] = {
        "sku": sku,
        "name": name,
        "billing_model": billing_model,
        "revenue_category": revenue_category,
        "unit": unit,
        "gl_revenue": revenue,
        "gl_deferred": deferred,
        "gl_unbilled": unbilled,
        "tax_code": tax_code,
        "list_price": None,
        "ssp": None,
        "ssp_range": None,
    }
    record.update(extra)
    return record


def _subscriptions() -> list[dict[str, Any]]:
    plans = (
        ("NW-SUB-STARTER", "Northwind Workspace Starter", (25, 23), (20, 25), (18, 23)),
        ("NW-SUB-PRO", "Northwind Workspace Pro", (45, 42), (36, 45), (33, 42)),
        ("NW-SUB-ENT", "Northwind Workspace Enterprise", (80, 75), (60, 80), (56, 75)),
    )
    return [
        _product(
            sku, name, "subscription", "subscription", "seat", "DIGITAL_SERVICE",
            price_period="month",
            list_price=_prices(*price),
            ssp_range=_ssp_range(usd_ssp, eur_ssp),
        )
        for sku, name, price, usd_ssp, eur_ssp in plans
    ]  # fmt: skip


def _usage() -> list[dict[str, Any]]:
    # Tiers price the calls above the included million: the next 9 million,
    # the 40 million after those, and everything beyond.
    def tiers(*prices: str) -> list[dict[str, Any]]:
        bounds = (D(9_000_000), D(49_000_000), None)
        return [
            {"up_to": bound, "unit_price": D(price)}
            for bound, price in zip(bounds, prices, strict=True)
        ]

    return [
        _product(
            "NW-API-CALLS", "Northwind API calls", "usage", "usage", "api_call", "DIGITAL_SERVICE",
            price_period="month",
            tier_mode="graduated",
            included_units=D(1_000_000),
            tiers={"USD": tiers("0.0020", "0.0015", "0.0010"),
                   "EUR": tiers("0.0019", "0.0014", "0.0009")},
            minimum_commitment=_prices(500, 460),
            ssp={"USD": D("0.0018"), "EUR": D("0.0017")},
        )
    ]  # fmt: skip


def _services() -> list[dict[str, Any]]:
    roles = (
        ("consultant", "Consultant", (175, 160), (1300, 1200)),
        ("senior_consultant", "Senior Consultant", (225, 205), (1700, 1550)),
        ("architect", "Solution Architect", (275, 250), (2100, 1900)),
        ("project_manager", "Project Manager", (195, 180), (1450, 1350)),
    )
    rate_card = [
        _product(
            ROLES[role],
            f"{title}, per hour",
            "time_and_materials",
            "professional_services",
            "hour",
            "PROFESSIONAL_SERVICE",
            role=role,
            list_price=_prices(*hourly),
            day_rate=_prices(*daily),
            ssp=_prices(*hourly),
        )
        for role, title, hourly, daily in roles
    ]
    engagements = [
        _product(
            "NW-PS-TM",
            "Professional services, time and materials",
            "time_and_materials",
            "professional_services",
            "hour",
            "PROFESSIONAL_SERVICE",
        ),
        _product(
            "NW-PS-IMPL",
            "Implementation package, fixed fee",
            "fixed_fee",
            "professional_services",
            "engagement",
            "PROFESSIONAL_SERVICE",
            list_price=_prices(30000, 27500),
            ssp_range=_ssp_range((25000, 32000), (23000, 29500)),
        ),
        _product(
            "NW-PS-DELIV",
            "Project deliverables, billed on acceptance",
            "milestone",
            "professional_services",
            "deliverable",
            "PROFESSIONAL_SERVICE",
            ssp_range=_ssp_range((10000, 90000), (9000, 85000)),
        ),
    ]
    return rate_card + engagements  # fmt: skip


def _hardware() -> list[dict[str, Any]]:
    return [
        _product("NW-HW-E100", "Northwind Edge Appliance E100", "hardware", "hardware",
                 "appliance", "GOODS", list_price=_prices(12000, 11000),
                 ssp=_prices(10800, 9900)),
        _product("NW-HW-E400", "Northwind Edge Appliance E400", "hardware", "hardware",
                 "appliance", "GOODS", list_price=_prices(28000, 26000),
                 ssp=_prices(25200, 23400)),
        _product("NW-MNT-STD", "Appliance maintenance, standard (annual)", "maintenance",
                 "maintenance", "appliance", "SUPPORT", price_period="year", percent=D(18),
                 percent_of="hardware", ssp_percent=D(18)),
        _product("NW-MNT-PREM", "Appliance maintenance, premium 24x7 (annual)", "maintenance",
                 "maintenance", "appliance", "SUPPORT", price_period="year", percent=D(22),
                 percent_of="hardware", ssp_percent=D(22)),
    ]  # fmt: skip


def _one_time_and_expenses() -> list[dict[str, Any]]:
    return [
        _product("NW-ONB-STD", "Onboarding, standard", "one_time", "onboarding_training",
                 "each", "PROFESSIONAL_SERVICE", list_price=_prices(2500, 2300),
                 ssp=_prices(2500, 2300)),
        _product("NW-TRN-DAY", "Instructor-led training day", "one_time", "onboarding_training",
                 "day", "PROFESSIONAL_SERVICE", list_price=_prices(2000, 1850),
                 ssp=_prices(1900, 1750)),
        _product("NW-EXP", "Travel and expenses, at cost", "expenses", "reimbursed_expenses",
                 "each", "REIMBURSEMENT"),
    ]  # fmt: skip


def _bundles() -> list[dict[str, Any]]:
    return [
        _product(
            "NW-BND-EDGE-KIT", "Edge Starter Kit (E100, first-year maintenance, onboarding)",
            "hardware", "hardware", "kit", "GOODS",
            list_price=_prices(14500, 13300),
            components=[
                {"sku": "NW-HW-E100", "quantity": D(1)},
                {"sku": "NW-MNT-STD", "quantity": D(1)},
                {"sku": "NW-ONB-STD", "quantity": D(1)},
            ],
        ),
    ]  # fmt: skip


def catalog() -> list[dict[str, Any]]:
    """Every catalogue record, a fresh list of fresh dicts (callers may change them)."""
    return [
        *_subscriptions(),
        *_usage(),
        *_services(),
        *_hardware(),
        *_one_time_and_expenses(),
        *_bundles(),
    ]


def product_by_sku() -> dict[str, dict[str, Any]]:
    return {product["sku"]: product for product in catalog()}
