"""Statements of work: fixed-fee, milestone and time-and-materials services.

Three ways to charge for the same consultants, and each billed differently:

- **fixed fee**: one price for the implementation package, invoiced in
  installments on dates (40 % on signature, 30 %, 30 %), whatever the
  hours spent. The installments are milestones without acceptance, each a
  ``percent`` of the fixed-fee line.
- **milestone**: a price per deliverable, invoiced when the customer
  accepts it in writing (design sign-off, UAT sign-off, go-live). Each
  milestone states its ``amount``; together they make the line's amount.
- **time and materials**: approved hours (or days) x the role's rate on
  the contract's rate card, invoiced monthly in arrears, never above the
  not-to-exceed (NTE). The T&M line's amount is the NTE; actual hours may
  run past it, which is exactly what billing must catch.

Any SOW may re-bill travel expenses at cost (or with a mark-up) up to a cap:
an ``expenses`` line without an amount, and the contract's
``expenses_policy``.

    SOW NWDE-SOW-000102, 2026-03-01 to 2026-06-30, T&M, rates per hour
    rate card  Consultant 152.00, Senior Consultant 194.75, ...
    L1  Professional services, T&M, estimate 320 hours      NTE 60,000.00
    L2  Travel and expenses at cost, cap 6,000.00
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from billops.demo.amounts import cents, split_by_percent, term_end
from billops.demo.catalog import ROLES, product_by_sku
from billops.demo.company import Record
from billops.demo.contracts import (
    DealContext,
    choose_discount,
    commercial_terms,
    finish,
    header,
    net_price,
    priced_line,
    signature_and_start,
)

PRODUCTS = product_by_sku()

PROJECTS: tuple[str, ...] = (
    "ERP integration",
    "CRM data migration",
    "Single sign-on and provisioning",
    "Finance workspace rollout",
    "Analytics dashboards",
    "Global rollout, wave 2",
    "Edge deployment at three sites",
    "Workflow automation",
    "Data warehouse connector",
)

_INSTALLMENT_PLANS: tuple[tuple[int, ...], ...] = (
    (50, 50),
    (40, 30, 30),
    (25, 25, 25, 25),
    (30, 40, 30),
)

_MILESTONE_PLANS: tuple[tuple[tuple[str, int], ...], ...] = (
    (
        ("Design sign-off", 20),
        ("Build complete", 30),
        ("User acceptance sign-off", 30),
        ("Go-live", 20),
    ),
    (("Blueprint approved", 25), ("Configuration complete", 35), ("Go-live", 40)),
    (
        ("Discovery report accepted", 10),
        ("Integration delivered", 30),
        ("Data migration accepted", 30),
        ("Go-live", 20),
        ("Hypercare exit", 10),
    ),
)

_ROLE_TITLES: dict[str, str] = {
    "consultant": "Consultant",
    "senior_consultant": "Senior Consultant",
    "architect": "Solution Architect",
    "project_manager": "Project Manager",
}


def _sow_dates(ctx: DealContext, months: int) -> tuple[date, date, date]:
    signed, start = signature_and_start(ctx, earliest_days=420)
    return signed, start, term_end(start, months)


def _sow_header(ctx: DealContext, kind: str, months: int) -> tuple[Record, str]:
    project = ctx.rng.choice(PROJECTS)
    signed, start, end = _sow_dates(ctx, ctx.option("months", months))
    contract = header(
        ctx,
        document_type="sow",
        title=f"Statement of Work: {project} ({kind})",
        signed=signed,
        start=start,
        end=end,
        term_months=None,
    )
    return contract, project


def build_fixed_fee(ctx: DealContext) -> Record:
    """A fixed-fee implementation SOW billed in dated installments."""
    rng = ctx.rng
    contract, project = _sow_header(ctx, "fixed fee", rng.choice((2, 3, 4, 6)))
    commercial_terms(ctx, contract, None)
    start, end = contract["start_date"], contract["end_date"]
    discount = min(choose_discount(rng, ctx.profile.segment), Decimal(15))
    line = priced_line(
        line_id="L1",
        product=PRODUCTS["NW-PS-IMPL"],
        currency=ctx.currency,
        quantity=Decimal(1),
        discount_percent=discount,
        description=f"Implementation package, fixed fee: {project}",
        service_start=start,
        service_end=end,
    )
    plan = rng.choice(_INSTALLMENT_PLANS)
    milestones = [
        {
            "milestone_id": f"M{number}",
            "name": f"Installment {number} of {len(plan)}"
            + (" (on signature)" if number == 1 else ""),
            "percent": Decimal(percent),
            "due_date": contract["signature_date"]
            if number == 1
            else _spread(start, end, number - 1, len(plan) - 1),
            "acceptance_required": False,
            "line_id": "L1",
        }
        for number, percent in enumerate(plan, start=1)
    ]
    lines = [line, *_expenses(ctx, line["amount"], start, end, "L2")]
    return finish(contract, lines, milestones=milestones, expenses_policy=_policy(lines))


def _spread(start: date, end: date, step: int, steps: int) -> date:
    """The ``step``-th of ``steps`` dates spread evenly from ``start`` to ``end``."""
    return start + timedelta(days=(end - start).days * step // steps)


def build_milestone(ctx: DealContext) -> Record:
    """A deliverables SOW: each milestone's amount billed on the customer's acceptance."""
    rng = ctx.rng
    contract, project = _sow_header(ctx, "milestones", rng.choice((3, 4, 6, 8)))
    commercial_terms(ctx, contract, None)
    start, end = contract["start_date"], contract["end_date"]
    total = cents(Decimal(rng.randint(4, 24) * 5000))
    plan = rng.choice(_MILESTONE_PLANS)
    amounts = split_by_percent(total, [weight for _, weight in plan])
    line = {
        "line_id": "L1",
        "sku": "NW-PS-DELIV",
        "description": f"Project deliverables: {project}",
        "billing_model": "milestone",
        "quantity": Decimal(1),
        "unit": "project",
        "unit_price": total,
        "amount": total,
        "service_start": start,
        "service_end": end,
    }
    milestones = [
        {
            "milestone_id": f"M{number}",
            "name": name,
            "amount": amount,
            "due_date": _spread(start, end, number, len(plan)),
            "acceptance_required": True,
            "line_id": "L1",
        }
        for number, ((name, _), amount) in enumerate(zip(plan, amounts, strict=True), start=1)
    ]
    lines = [line, *_expenses(ctx, total, start, end, "L2")]
    return finish(contract, lines, milestones=milestones, expenses_policy=_policy(lines))


def build_time_and_materials(ctx: DealContext) -> Record:
    """A T&M SOW: a rate card per hour or per day, an NTE, expenses at cost."""
    rng = ctx.rng
    contract, project = _sow_header(ctx, "time and materials", rng.choice((3, 4, 6, 9)))
    billing = {
        "frequency": "monthly",
        "timing": "arrears",
        "alignment": "calendar",
        "bill_cycle_day": 1,
    }
    commercial_terms(ctx, contract, billing)
    start, end = contract["start_date"], contract["end_date"]
    unit = ctx.option("rate_unit", "day" if rng.random() < 0.25 else "hour")
    rate_card = _rate_card(ctx, unit)
    effort = Decimal(rng.choice((120, 200, 320, 480, 800)))
    if unit == "day":
        effort /= 8
    blended = sum((rate["rate"] for rate in rate_card), Decimal(0)) / len(rate_card)
    not_to_exceed = cents(
        (effort * blended / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
    )
    line = {
        "line_id": "L1",
        "sku": "NW-PS-TM",
        "description": f"Professional services, time and materials: {project} "
        f"(estimate {effort} {unit}s)",
        "billing_model": "time_and_materials",
        "quantity": effort,
        "unit": unit,
        "amount": not_to_exceed,
        "service_start": start,
        "service_end": end,
    }
    lines = [line, *_expenses(ctx, not_to_exceed, start, end, "L2", likely=0.7)]
    return finish(
        contract,
        lines,
        rate_card=rate_card,
        not_to_exceed=not_to_exceed,
        expenses_policy=_policy(lines),
    )


def _rate_card(ctx: DealContext, unit: str) -> list[Record]:
    discount = Decimal(ctx.rng.choice((0, 5, 10)))
    card = []
    for role, sku in ROLES.items():
        product = PRODUCTS[sku]
        listed = product["day_rate" if unit == "day" else "list_price"][ctx.currency]
        card.append({"role": _ROLE_TITLES[role], "rate": net_price(listed, discount), "unit": unit})
    return card


def _expenses(
    ctx: DealContext, fees: Decimal, start: date, end: date, line_id: str, *, likely: float = 0.3
) -> list[Record]:
    """An expenses line (no amount: billed at cost), capped at about 10 % of the fees."""
    if not ctx.option("expenses", ctx.rng.random() < likely):
        return []
    cap = cents(max(Decimal(500), (fees / 10 / 100).to_integral_value() * 100))
    markup = Decimal(ctx.rng.choice((0, 0, 0, 5, 10)))
    return [
        {
            "line_id": line_id,
            "sku": "NW-EXP",
            "description": "Travel and expenses, at cost"
            + (f" plus {markup} %" if markup else "")
            + f", capped at {cap}",
            "billing_model": "expenses",
            "service_start": start,
            "service_end": end,
            "expense_cap": cap,
            "markup_percent": markup,
        }
    ]


def _policy(lines: list[Record]) -> Record | None:
    expenses = next((line for line in lines if line["billing_model"] == "expenses"), None)
    if expenses is None:
        return None
    return {
        "billable": True,
        "cap": expenses["expense_cap"],
        "markup_percent": expenses["markup_percent"],
        "receipts_required": True,
    }
