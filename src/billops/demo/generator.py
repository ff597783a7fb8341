"""A deterministic fictional company, sized by one number: Northwind Cloud.

Northwind Cloud sells SaaS seats, metered API calls, edge appliances with
maintenance, and professional services, from a US and a German legal
entity. ``generate_company`` builds it as of a date: the entities, the
product catalogue, ``customers`` customers with their contracts (every
billing model billops knows), the matching Salesforce opportunities, and
everything delivered under those contracts up to the as-of date (time
entries, milestone acceptances, shipments, tenant go-lives, usage).

    >>> company = generate_company(customers=10)
    >>> [entity["code"] for entity in company.entities]
    ['NWUS', 'NWDE']
    >>> company.contracts[0]["contract_id"], company.contracts[0]["lines"][0]["billing_model"]
    ('NWUS-OF-000101', 'subscription')

**Deterministic.** The same ``customers``, ``seed`` and ``as_of`` give the
same records, byte for byte once written: nothing reads the clock or the
global ``random``. Each customer draws from its own ``random.Random``
seeded with ``(seed, customer index)``, so customer 7 is the same customer
in a demo of 10 and in a benchmark of 100,000 (only ids numbered across
customers, like contract numbers, depend on the customers before it).

**Streamable.** ``iter_accounts`` yields one customer with everything that
belongs to it at a time; a benchmark can generate (and write, with
``write_accounts``) 100,000 customers without holding them.
``generate_company`` simply gathers the stream into lists.

**Deliberately imperfect.** A fixed, small set of customers, contracts and
opportunities is wrong on purpose (see ``billops.demo.portfolio``); each is
listed in ``data_quality_notes`` with the field and what is wrong, so a
validation run can be scored against it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

from billops.demo import crm, defects, events, fiction, parties
from billops.demo.amounts import add_months
from billops.demo.catalog import catalog
from billops.demo.company import DemoAccount, DemoCompany, Record
from billops.demo.contracts import DealContext, Sequences
from billops.demo.files import write_accounts, write_company
from billops.demo.hardware import build_hardware
from billops.demo.portfolio import AccountPlan, Deal, plan_for
from billops.demo.services import build_fixed_fee, build_milestone, build_time_and_materials
from billops.demo.subscriptions import build_amendment, build_subscription, build_usage
from billops.errors import InvalidInput

__all__ = [
    "DEFAULT_AS_OF",
    "DEFAULT_SEED",
    "build_account",
    "crm_account",
    "generate_company",
    "iter_accounts",
    "write_accounts",
    "write_company",
]

DEFAULT_SEED = 2026
DEFAULT_AS_OF = date(2026, 11, 30)
MAX_CUSTOMERS = 999_999  # customer codes have six digits

_BUILDERS = {
    "subscription": build_subscription,
    "usage": build_usage,
    "fixed_fee": build_fixed_fee,
    "milestone": build_milestone,
    "time_and_materials": build_time_and_materials,
    "hardware": build_hardware,
}


def generate_company(
    customers: int = 50, seed: int = DEFAULT_SEED, as_of: date = DEFAULT_AS_OF
) -> DemoCompany:
    """The whole company with ``customers`` customers, as of ``as_of``."""
    lists: dict[str, list[Any]] = {name: [] for name in _ACCOUNT_LISTS}
    customer_records: list[Record] = []
    crm_accounts: list[Record] = []
    for account in iter_accounts(customers, seed, as_of):
        customer_records.append(account.customer)
        crm_accounts.append(crm_account(account))
        for name in _ACCOUNT_LISTS:
            lists[name].extend(getattr(account, name))
    return DemoCompany(
        seed=seed,
        as_of=as_of,
        entities=parties.legal_entities(),
        catalog=catalog(),
        customers=customer_records,
        crm_accounts=crm_accounts,
        **lists,
    )


_ACCOUNT_LISTS: tuple[str, ...] = tuple(
    f.name
    for f in fields(DemoAccount)
    if f.name not in {"index", "entity_code", "crm_account_id", "customer"}
)


def iter_accounts(
    customers: int = 50, seed: int = DEFAULT_SEED, as_of: date = DEFAULT_AS_OF
) -> Iterator[DemoAccount]:
    """Customer after customer, each with its contracts, CRM records, events and notes.

    The size is checked at once (not at the first ``next``), so a bad
    argument fails where it is given.
    """
    if (
        isinstance(customers, bool)
        or not isinstance(customers, int)
        or not 0 <= customers <= MAX_CUSTOMERS
    ):
        raise InvalidInput(
            "the number of customers must be a whole number from 0 to 999,999",
            field="customers",
            value=customers,
        )
    return _accounts(customers, seed, as_of)


def _accounts(customers: int, seed: int, as_of: date) -> Iterator[DemoAccount]:
    sequences = Sequences()
    for index in range(customers):
        yield build_account(index, seed=seed, as_of=as_of, sequences=sequences)


def crm_account(account: DemoAccount) -> Record:
    """The Salesforce account of a generated customer."""
    return crm.account_record(account.crm_account_id, account.customer)


def build_account(index: int, *, seed: int, as_of: date, sequences: Sequences) -> DemoAccount:
    """Customer number ``index`` and everything that belongs to it."""
    rng = random.Random(f"billops-demo:{seed}:{index}")
    plan = plan_for(index, rng)
    profile = _profile(index, rng, plan)
    customer = parties.customer_record(rng, profile)
    account = DemoAccount(
        index=index,
        entity_code=profile.entity,
        crm_account_id=crm.salesforce_id("001", index + 1),
        customer=customer,
    )
    account.data_quality_notes.extend(defects.customer_notes(profile, customer))
    _sign_contracts(account, rng, plan, profile, as_of, sequences)
    crm.book_opportunities(account, sequences)
    if plan.crm_defect is not None and account.opportunities:
        account.data_quality_notes.append(defects.break_crm(account, plan.crm_defect))
    _deliver(account, rng, as_of)
    return account


def _profile(index: int, rng: random.Random, plan: AccountPlan) -> parties.CustomerProfile:
    country = plan.country or parties.choose_country(rng, plan.entity)
    return parties.CustomerProfile(
        code=f"CUST-{index + 1:06d}",
        entity=plan.entity,
        country=country,
        segment=plan.segment,
        name=fiction.company_name(index, rng, country),
        needs_shipping_address=any(deal.kind == "hardware" for deal in plan.deals),
        flaws=plan.flaws,
        po_required=plan.po_required,
    )


def _sign_contracts(
    account: DemoAccount,
    rng: random.Random,
    plan: AccountPlan,
    profile: parties.CustomerProfile,
    as_of: date,
    sequences: Sequences,
) -> None:
    for deal in plan.deals:
        contract = _sign(deal, account, rng, profile, as_of, sequences)
        if contract is not None:
            account.contracts.append(contract)
    if account.contracts and plan.contract_defect is not None:
        account.data_quality_notes.append(
            defects.break_contract(account.contracts[0], plan.contract_defect)
        )


_DOCUMENT_TYPES: dict[str, str] = {
    "fixed_fee": "sow",
    "milestone": "sow",
    "time_and_materials": "sow",
    "amendment": "amendment",
}


def _sign(
    deal: Deal,
    account: DemoAccount,
    rng: random.Random,
    profile: parties.CustomerProfile,
    as_of: date,
    sequences: Sequences,
) -> Record | None:
    """The contract for ``deal``; None for an add-on with nothing (yet) to amend."""
    base = next((c for c in account.contracts if _has_subscription(c)), None)
    if deal.kind == "amendment" and (base is None or _amendment_window_closed(base, as_of)):
        return None
    document_type = _DOCUMENT_TYPES.get(deal.kind, "order_form")
    contract_id = sequences.contract_id(profile.entity, document_type)
    ctx = DealContext(rng, profile, account.customer, as_of, contract_id, dict(deal.options))
    if deal.kind == "amendment" and base is not None:
        return build_amendment(ctx, base)
    return _BUILDERS[deal.kind](ctx)


def _has_subscription(contract: Record) -> bool:
    return contract["document_type"] == "order_form" and any(
        line["billing_model"] == "subscription" for line in contract["lines"]
    )


def _amendment_window_closed(base: Record, as_of: date) -> bool:
    """True when no co-termed add-on could start in the base term by ``as_of``."""
    return add_months(base["start_date"], 2) > as_of + timedelta(days=20) or (
        add_months(base["start_date"], 2) > base["end_date"]
    )


def _deliver(account: DemoAccount, rng: random.Random, as_of: date) -> None:
    for contract in account.contracts:
        if contract["rate_card"]:
            account.time_entries.extend(
                events.time_entries(rng, contract, account.entity_code, as_of)
            )
        if contract["milestones"]:
            account.milestone_acceptances.extend(events.milestone_acceptances(rng, contract, as_of))
        account.shipments.extend(events.shipments(rng, contract, as_of))
        account.provisioning.extend(events.provisioning(rng, contract, as_of))
        account.usage.extend(events.usage(rng, contract, as_of))
