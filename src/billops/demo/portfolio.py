"""Who buys what: the deals each demo customer signs, and what is wrong on purpose.

The first seven customers are a fixed **showcase**: together they sign
every billing model and every billing rhythm at least once (a ramped
three-year subscription and its co-termed amendment, monthly in arrears on
the calendar, quarterly from a mid-month start, usage with a minimum
commitment, fixed-fee installments, milestones with acceptance, T&M by the
hour and by the day, appliances with maintenance, the kit bundle), so even
a seven-customer demo shows all of them. Every later customer gets a
random portfolio that fits its size: small businesses buy seats, large
enterprises buy seats, services, usage and hardware.

Deliberate defects come on a fixed cycle of 50 customers, so every demo of
50 or more customers has each kind exactly once per 50, at the same
customers whatever the seed:

====  ================================  ==========================================
slot  defect                            where
====  ================================  ==========================================
 7    arithmetic_mismatch               first contract, first line's amount
11    missing_billing_contact           customer
19    missing_purchase_order            first contract (customer requires a PO)
23    missing_tax_id                    customer (an EU customer of the GmbH)
29    crm_quantity_mismatch             first opportunity's first product
31    discount_above_policy             first contract, first line (35-45 %)
37    invalid_vat_check_digit           customer (an EU customer of the GmbH)
43    crm_amount_mismatch               first opportunity
47    crm_close_date_after_signature    first opportunity
====  ================================  ==========================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

from billops.demo.parties import NWDE, NWUS, CustomerFlaws

DEFECT_CYCLE = 50

CUSTOMER_FLAW_SLOTS: dict[int, CustomerFlaws] = {
    11: CustomerFlaws(no_billing_contact=True),
    23: CustomerFlaws(no_tax_id=True),
    37: CustomerFlaws(bad_vat_check_digit=True),
}
CONTRACT_DEFECT_SLOTS: dict[int, str] = {
    7: "arithmetic_mismatch",
    19: "missing_purchase_order",
    31: "discount_above_policy",
}
CRM_DEFECT_SLOTS: dict[int, str] = {
    29: "crm_quantity_mismatch",
    43: "crm_amount_mismatch",
    47: "crm_close_date_after_signature",
}

DEAL_KINDS: tuple[str, ...] = (
    "subscription",
    "usage",
    "fixed_fee",
    "milestone",
    "time_and_materials",
    "hardware",
    "amendment",
)


@dataclass(frozen=True, slots=True)
class Deal:
    """One contract to sign: its kind (``DEAL_KINDS``) and any options fixed in advance."""

    kind: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """What the generator decides for a customer before writing any record."""

    entity: str
    country: str | None  # None: chosen at random among the entity's countries
    segment: str
    deals: tuple[Deal, ...]
    flaws: CustomerFlaws = field(default_factory=CustomerFlaws)
    po_required: bool | None = None  # None: chosen at random
    contract_defect: str | None = None
    crm_defect: str | None = None


def _showcase() -> tuple[AccountPlan, ...]:
    def subscription(**options: Any) -> Deal:
        return Deal("subscription", options)

    return (
        AccountPlan(
            NWUS,
            "US",
            "enterprise",
            (
                subscription(
                    plan="NW-SUB-ENT",
                    term_months=36,
                    ramp=True,
                    frequency="annual",
                    timing="advance",
                    alignment="anniversary",
                    mid_month=False,
                    onboarding=True,
                    signed_days_ago=420,
                ),
                Deal("amendment"),
                Deal(
                    "time_and_materials",
                    {"rate_unit": "hour", "expenses": True, "signed_days_ago": 150},
                ),
            ),
        ),
        AccountPlan(
            NWDE,
            "DE",
            "mid_market",
            (
                subscription(
                    plan="NW-SUB-PRO",
                    term_months=12,
                    frequency="monthly",
                    timing="arrears",
                    alignment="calendar",
                    mid_month=True,
                    signed_days_ago=200,
                ),
                Deal("usage", {"term_months": 12, "signed_days_ago": 300}),
            ),
        ),
        AccountPlan(
            NWUS,
            "US",
            "mid_market",
            (
                subscription(
                    plan="NW-SUB-PRO",
                    term_months=24,
                    ramp=False,
                    frequency="quarterly",
                    timing="advance",
                    alignment="calendar",
                    mid_month=True,
                    onboarding=True,
                ),
                Deal("fixed_fee", {"expenses": True, "signed_days_ago": 120}),
            ),
        ),
        AccountPlan(
            NWDE,
            "FR",
            "enterprise",
            (
                Deal("milestone", {"months": 6, "signed_days_ago": 240}),
                subscription(
                    plan="NW-SUB-ENT",
                    term_months=12,
                    frequency="annual",
                    timing="advance",
                    alignment="anniversary",
                    mid_month=True,
                ),
            ),
        ),
        AccountPlan(
            NWUS,
            "US",
            "mid_market",
            (
                Deal("hardware", {"bundle": False, "maintenance_years": 3, "signed_days_ago": 180}),
                subscription(
                    term_months=12,
                    frequency="monthly",
                    timing="advance",
                    alignment="anniversary",
                    usage=True,
                ),
            ),
        ),
        AccountPlan(
            NWDE,
            "NL",
            "mid_market",
            (
                Deal(
                    "time_and_materials",
                    {"rate_unit": "day", "expenses": True, "signed_days_ago": 100},
                ),
                Deal("hardware", {"bundle": True, "signed_days_ago": 90}),
            ),
        ),
        AccountPlan(
            NWDE,
            "BE",
            "smb",
            (
                subscription(
                    plan="NW-SUB-STARTER",
                    term_months=12,
                    frequency="annual",
                    timing="advance",
                    alignment="anniversary",
                    mid_month=False,
                    signed_days_ago=250,
                ),
                Deal("amendment"),
            ),
        ),
    )


SHOWCASE: tuple[AccountPlan, ...] = _showcase()

_SEGMENTS: tuple[tuple[str, int], ...] = (("smb", 45), ("mid_market", 35), ("enterprise", 20))

# Probability that a customer of each segment signs each kind of deal.
_DEAL_ODDS: dict[str, dict[str, float]] = {
    "smb": {
        "subscription": 0.92,
        "usage": 0.06,
        "fixed_fee": 0.03,
        "milestone": 0.0,
        "time_and_materials": 0.02,
        "hardware": 0.04,
    },
    "mid_market": {
        "subscription": 0.88,
        "usage": 0.18,
        "fixed_fee": 0.15,
        "milestone": 0.08,
        "time_and_materials": 0.12,
        "hardware": 0.10,
    },
    "enterprise": {
        "subscription": 0.95,
        "usage": 0.30,
        "fixed_fee": 0.20,
        "milestone": 0.30,
        "time_and_materials": 0.30,
        "hardware": 0.18,
    },
}


def plan_for(index: int, rng: random.Random) -> AccountPlan:
    """The showcase plan for the first customers, else a random one; then the slot's defects."""
    plan = SHOWCASE[index] if index < len(SHOWCASE) else random_plan(rng)
    cycle, slot = divmod(index, DEFECT_CYCLE)
    return with_defects(plan, slot, cycle)


def random_plan(rng: random.Random) -> AccountPlan:
    segments, weights = zip(*_SEGMENTS, strict=True)
    segment = rng.choices(segments, weights=weights)[0]
    entity = NWUS if rng.random() < 0.6 else NWDE
    odds = _DEAL_ODDS[segment]
    deals = [Deal(kind) for kind, chance in odds.items() if rng.random() < chance]
    if not deals:
        deals.append(Deal("subscription"))
    if any(deal.kind == "subscription" for deal in deals) and rng.random() < 0.15:
        deals.append(Deal("amendment"))
    return AccountPlan(entity, None, segment, tuple(deals))


# Where customers without a VAT id live: in another member state than the
# GmbH's, so that the missing id really blocks a reverse-charge invoice.
_CROSS_BORDER: tuple[str, ...] = ("FR", "NL", "BE", "AT", "IT")


def with_defects(plan: AccountPlan, slot: int, cycle: int = 0) -> AccountPlan:
    """``plan`` changed so that the slot's defect (if any) can happen to it."""
    flaws = CUSTOMER_FLAW_SLOTS.get(slot)
    if flaws is not None:
        country = _CROSS_BORDER[cycle % len(_CROSS_BORDER)]
        if flaws.bad_vat_check_digit and plan.entity == NWDE:
            country = plan.country or country
        return replace(plan, entity=NWDE, country=country, flaws=flaws)
    defect = CONTRACT_DEFECT_SLOTS.get(slot)
    crm_defect = CRM_DEFECT_SLOTS.get(slot)
    if defect is None and crm_defect is None:
        return plan
    options: dict[str, Any] = {}
    if defect == "discount_above_policy":
        options["excess_discount"] = True
    if defect == "missing_purchase_order":
        options["omit_po"] = True
    # The defect goes on the first contract, a subscription order form; no
    # amendment copies it onto a second contract.
    rest = tuple(deal for deal in plan.deals if deal.kind != "amendment")
    return replace(
        plan,
        deals=(Deal("subscription", options), *rest),
        po_required=True if defect == "missing_purchase_order" else plan.po_required,
        contract_defect=defect,
        crm_defect=crm_defect,
    )
