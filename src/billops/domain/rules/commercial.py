"""Commercial policy: are the signed terms within what the company allows without approval?

Sales can sign terms the company did not mean to give: a 45 % discount, net
90 payment, a subscription billed in arrears, an auto-renewal with no cap on
the price increase, services with no limit on hours. Each is legal once
signed, but someone (deal desk, finance, legal) must have approved it, and
billing must know before it sets the contract up. The thresholds are the
policy's (``billops.domain.policy``).

An approval is recorded as the waiver of the finding (``billops finding
waive ... --reason "DD-2026-014: approved by ..."``): the contract model has
no field for approval references, and the waiver is already the
maker-checker record an auditor asks for.

=============================  ========  ============================================
rule                           severity  raised when
=============================  ========  ============================================
COMMERCIAL-DISCOUNT            error     a line's discount (stated, or implied by list
                                         and unit price) is above
                                         ``discount.approval_threshold_percent``
COMMERCIAL-PAYMENT-TERMS       error     net days beyond ``payment_terms.max_net_days``
COMMERCIAL-BILLING-FREQUENCY   warning   a subscription bills on a frequency outside
                                         ``subscriptions.allowed_frequencies``
COMMERCIAL-ARREARS             warning   a subscription bills in arrears and
                                         ``subscriptions.arrears_allowed`` is false
COMMERCIAL-UPLIFT-CAP          warning   an auto-renewing contract has no uplift cap
                                         (``renewal.uplift_cap_required``)
COMMERCIAL-CURRENCY            error     the currency is not one the billing entity may
                                         contract in (``currencies.allowed``, else the
                                         entity's functional currency)
COMMERCIAL-NTE                 error     T&M work without a not-to-exceed cap
                                         (``services.nte_required_for_time_and_
                                         materials``)
COMMERCIAL-RATE-CARD           warning   a rate-card rate below the standard rate for
                                         the role, less ``rate_card.allowed_discount_
                                         percent``
COMMERCIAL-EXPENSES            warning   services (fixed fee, milestone, T&M, expenses)
                                         without an expenses policy
                                         (``services.expenses_policy_required``)
=============================  ========  ============================================
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from billops.domain.contract import BillingModel, Timing
from billops.domain.findings import Finding, Route, Severity
from billops.domain.rules.arithmetic import line_frequency
from billops.domain.rules.engine import finding, line_label, money, number
from billops.domain.rules.registry import RuleContext, rule

__all__ = [
    "currency_allowed",
    "discount_within_threshold",
    "expenses_policy_stated",
    "nte_stated",
    "payment_terms_within_policy",
    "rates_not_below_standard",
    "standard_frequency",
    "subscriptions_in_advance",
    "uplift_capped",
]

HUNDRED: Final = Decimal(100)
_SERVICES: Final = frozenset(
    {
        BillingModel.FIXED_FEE,
        BillingModel.MILESTONE,
        BillingModel.TIME_AND_MATERIALS,
        BillingModel.EXPENSES,
    }
)


@rule(
    "COMMERCIAL-DISCOUNT",
    title="Discounts above the approval threshold need deal-desk approval",
    severity=Severity.ERROR,
    route=Route.DEAL_DESK,
)
def discount_within_threshold(ctx: RuleContext) -> Iterator[Finding]:
    """A line discounted more than the threshold needs an approval reference (as a waiver)."""
    threshold = ctx.policy.discount.approval_threshold_percent
    currency = ctx.terms.currency
    for index, line in enumerate(ctx.terms.lines):
        if line.bundle_parent is not None:
            continue  # components carry no price of their own; the bundle is discounted
        field = f"lines[{index}].discount_percent"
        discount = line.discount_percent
        if discount is None and line.list_price and line.unit_price is not None:
            discount = (line.list_price - line.unit_price) * HUNDRED / line.list_price
            field = f"lines[{index}].unit_price"
        if discount is None or discount <= threshold:
            continue
        listed = f" off list {money(line.list_price, currency)}" if line.list_price else ""
        yield finding(
            ctx,
            "COMMERCIAL-DISCOUNT",
            f"{line_label(line)} is discounted {number(discount.quantize(Decimal('0.01')))} %"
            f"{listed}, above the {number(threshold)} % approval threshold",
            fields=(field,),
            values={"line_id": line.line_id, "discount_percent": discount, "threshold": threshold},
            hint="get the deal desk's approval and waive this finding with its reference, "
            "or correct the discount",
        )


@rule(
    "COMMERCIAL-PAYMENT-TERMS",
    title="Payment terms within policy",
    severity=Severity.ERROR,
    route=Route.FINANCE,
)
def payment_terms_within_policy(ctx: RuleContext) -> Iterator[Finding]:
    """payment_terms.net_days <= payment_terms.max_net_days."""
    terms = ctx.terms
    limit = ctx.policy.payment_terms.max_net_days
    if terms.payment_terms is None or terms.payment_terms.net_days <= limit:
        return
    days = terms.payment_terms.net_days
    yield finding(
        ctx,
        "COMMERCIAL-PAYMENT-TERMS",
        f"{terms.contract_id} gives the customer net {days} days to pay; the policy allows at "
        f"most net {limit}",
        fields=("payment_terms.net_days",),
        values={"net_days": days, "max_net_days": limit},
        hint="get finance's approval of the longer terms (waive with its reference)",
    )


@rule(
    "COMMERCIAL-BILLING-FREQUENCY",
    title="Subscriptions bill on a standard frequency",
    severity=Severity.WARNING,
    route=Route.DEAL_DESK,
)
def standard_frequency(ctx: RuleContext) -> Iterator[Finding]:
    """Subscription lines bill on one of ``subscriptions.allowed_frequencies``."""
    allowed = ctx.policy.subscriptions.allowed_frequencies
    for index, line in enumerate(ctx.terms.lines):
        if line.billing_model is not BillingModel.SUBSCRIPTION:
            continue
        frequency = line_frequency(line, ctx.terms)
        if frequency is None or frequency in allowed:
            continue
        field = f"lines[{index}].frequency" if line.frequency else "billing.frequency"
        yield finding(
            ctx,
            "COMMERCIAL-BILLING-FREQUENCY",
            f"{line_label(line)} bills {frequency.value}, not a standard subscription frequency "
            f"({', '.join(f.value for f in allowed)})",
            fields=(field,),
            values={"line_id": line.line_id, "frequency": frequency.value},
            hint="confirm the deal desk approved the billing frequency",
        )


@rule(
    "COMMERCIAL-ARREARS",
    title="Subscriptions bill in advance",
    severity=Severity.WARNING,
    route=Route.DEAL_DESK,
)
def subscriptions_in_advance(ctx: RuleContext) -> Iterator[Finding]:
    """Subscription lines bill in advance unless the policy allows arrears."""
    if ctx.policy.subscriptions.arrears_allowed:
        return
    terms = ctx.terms
    default = terms.billing.timing if terms.billing is not None else Timing.ADVANCE
    for index, line in enumerate(terms.lines):
        if line.billing_model is not BillingModel.SUBSCRIPTION:
            continue
        timing = line.timing or default
        if timing is not Timing.ARREARS:
            continue
        field = f"lines[{index}].timing" if line.timing else "billing.timing"
        yield finding(
            ctx,
            "COMMERCIAL-ARREARS",
            f"{line_label(line)} is a subscription billed in arrears: each period is invoiced "
            "after it has been served",
            fields=(field,),
            values={"line_id": line.line_id, "timing": timing.value},
            hint="confirm the deal desk approved billing in arrears (cash comes a period later)",
        )


@rule(
    "COMMERCIAL-UPLIFT-CAP",
    title="Auto-renewals cap the price uplift",
    severity=Severity.WARNING,
    route=Route.LEGAL,
)
def uplift_capped(ctx: RuleContext) -> Iterator[Finding]:
    """An auto-renewing contract states an uplift cap, when the policy wants one."""
    renewal = ctx.terms.renewal
    if not ctx.policy.renewal.uplift_cap_required or renewal is None or not renewal.auto_renew:
        return
    if renewal.uplift_cap_percent is not None:
        return
    yield finding(
        ctx,
        "COMMERCIAL-UPLIFT-CAP",
        f"{ctx.terms.contract_id} renews automatically but states no cap on the renewal uplift",
        fields=("renewal.uplift_cap_percent",),
        values={"auto_renew": "true"},
        hint="check the document for the uplift clause; without a cap, legal must confirm "
        "what price the renewal bills",
    )


@rule(
    "COMMERCIAL-CURRENCY",
    title="A currency the billing entity may contract in",
    severity=Severity.ERROR,
    route=Route.FINANCE,
)
def currency_allowed(ctx: RuleContext) -> Iterator[Finding]:
    """The currency is in ``currencies.allowed`` (else is the entity's functional currency)."""
    terms = ctx.terms
    allowed = tuple(ctx.policy.currencies.allowed)
    if not allowed and ctx.entity is not None:
        allowed = (ctx.entity.currency,)
    if not allowed or terms.currency in allowed:
        return
    entity = ctx.entity.code if ctx.entity is not None else (terms.supplier.code or "the entity")
    yield finding(
        ctx,
        "COMMERCIAL-CURRENCY",
        f"{terms.contract_id} is in {terms.currency}, but {entity} may contract only in "
        f"{', '.join(allowed)}",
        fields=("currency",),
        values={"currency": terms.currency, "allowed": ", ".join(allowed), "entity": entity},
        hint="have finance approve the currency (and add it to the entity's policy), or "
        "contract through an entity that bills in it",
    )


@rule(
    "COMMERCIAL-NTE",
    title="T&M work has a not-to-exceed cap",
    severity=Severity.ERROR,
    route=Route.DEAL_DESK,
)
def nte_stated(ctx: RuleContext) -> Iterator[Finding]:
    """A contract with T&M lines states a not-to-exceed, when the policy wants one."""
    terms = ctx.terms
    if not ctx.policy.services.nte_required_for_time_and_materials:
        return
    if terms.not_to_exceed is not None:
        return
    tm = ", ".join(
        line.line_id
        for line in terms.lines
        if line.billing_model is BillingModel.TIME_AND_MATERIALS
    )
    if not tm:
        return
    yield finding(
        ctx,
        "COMMERCIAL-NTE",
        f"{terms.contract_id} sells time and materials ({tm}) without a not-to-exceed cap",
        fields=("not_to_exceed",),
        values={"lines": tm},
        hint="add the NTE from the SOW, or have the deal desk approve uncapped T&M",
    )


@rule(
    "COMMERCIAL-RATE-CARD",
    title="Rates not below the standard rate card",
    severity=Severity.WARNING,
    route=Route.DEAL_DESK,
)
def rates_not_below_standard(ctx: RuleContext) -> Iterator[Finding]:
    """Each rate-card rate is at least the standard rate for its role, currency and unit."""
    card = ctx.policy.rate_card
    currency = ctx.terms.currency
    standard = {
        (rate.role.casefold(), rate.unit): rate.rate
        for rate in card.standard
        if rate.currency == currency
    }
    floor_share = (HUNDRED - card.allowed_discount_percent) / HUNDRED
    for index, entry in enumerate(ctx.terms.rate_card):
        listed = standard.get((entry.role.casefold(), entry.unit))
        if listed is None:
            continue
        floor = listed * floor_share
        if entry.rate >= floor:
            continue
        below = (listed - entry.rate) * HUNDRED / listed if listed else Decimal(0)
        yield finding(
            ctx,
            "COMMERCIAL-RATE-CARD",
            f"{entry.role} at {money(entry.rate, currency)} per {entry.unit.value} is "
            f"{number(below.quantize(Decimal('0.01')))} % below the standard "
            f"{money(listed, currency)}",
            fields=(f"rate_card[{index}].rate",),
            values={"role": entry.role, "rate": entry.rate, "standard_rate": listed},
            hint="confirm the deal desk approved the discounted rate",
        )


@rule(
    "COMMERCIAL-EXPENSES",
    title="Services say how expenses are billed",
    severity=Severity.WARNING,
    route=Route.BILLING,
)
def expenses_policy_stated(ctx: RuleContext) -> Iterator[Finding]:
    """A contract with services lines states an expenses policy (billable or not, cap)."""
    terms = ctx.terms
    if not ctx.policy.services.expenses_policy_required or terms.expenses_policy is not None:
        return
    services = [line.line_id for line in terms.lines if line.billing_model in _SERVICES]
    if not services:
        return
    yield finding(
        ctx,
        "COMMERCIAL-EXPENSES",
        f"{terms.contract_id} sells services ({', '.join(services)}) but says nothing about "
        "expenses: travel cannot be re-billed, or will be billed without an agreed basis",
        fields=("expenses_policy",),
        values={"lines": ", ".join(services)},
        hint="read the SOW's expenses clause into expenses_policy (billable: false if none)",
    )
