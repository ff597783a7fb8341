"""The revenue plan of one contract: obligations, price, allocation and schedule in one call.

What a revenue run (or ``billops revenue preview``) does for one approved
contract, as one pure function of its terms, the catalogue and its events:

1. the order (``build_order``), the same setup makes; lines it cannot place
   (an unknown SKU, a bundle without a price) stop the plan with an error,
   because revenue of a contract missing a line would be wrong;
2. the billing schedule (``build_schedule``), for two things only: the fixed
   price of lines that state no amount, and the usage, time and expenses
   incurred so far (its event-driven items that are not waiting or held);
3. obligations, transaction price, SSPs, allocation, recognition schedule.

    >>> from datetime import date
    >>> from billops.domain.catalog import parse_catalogue
    >>> from billops.domain.contract import parse_contract
    >>> catalogue = parse_catalogue([{"sku": "SUB", "name": "Workspace",
    ...     "billing_model": "subscription", "revenue_category": "subscription",
    ...     "unit": "seat", "gl_revenue": "4010", "gl_deferred": "2410",
    ...     "gl_unbilled": "1310", "tax_code": "DIGITAL"}])
    >>> terms = parse_contract({"contract_id": "OF-1", "document_type": "order_form",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"}, "currency": "USD",
    ...     "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...     "lines": [{"line_id": "L1", "sku": "SUB", "description": "Seats",
    ...                "billing_model": "subscription", "amount": "12000.00"}]})
    >>> plan = plan_revenue(terms, catalogue, as_of=date(2026, 1, 31))
    >>> str(plan.transaction_price.total), str(plan.schedule.by_month()[0][1])
    ('12000.00 USD', '1019.18 USD')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billops.domain.catalog import Catalogue
from billops.domain.contract import ContractTerms
from billops.domain.events import Events
from billops.domain.findings import Finding, Severity
from billops.domain.money import Money, sum_money
from billops.domain.orders import (
    RULE_BUNDLE_PRICE,
    RULE_SKU_AMBIGUOUS,
    RULE_SKU_UNMATCHED,
    Order,
    build_order,
)
from billops.domain.revenue.allocation import (
    Allocation,
    DiscountEvidence,
    StandalonePrice,
    allocate_transaction_price,
    standalone_selling_prices,
)
from billops.domain.revenue.modifications import ModificationAssessment
from billops.domain.revenue.obligations import Obligation, identify_obligations
from billops.domain.revenue.policy import RevenuePolicy
from billops.domain.revenue.price import (
    Discount,
    IncurredAmount,
    TransactionPrice,
    VariableConsideration,
    determine_transaction_price,
)
from billops.domain.revenue.recognition import (
    InputProgress,
    RecognitionSchedule,
    recognition_schedule,
)
from billops.domain.schedules import ItemKind, ItemStatus, Schedule, build_schedule
from billops.errors import InvalidInput

__all__ = ["RevenuePlan", "plan_revenue", "schedule_inputs"]

_BLOCKING = (RULE_SKU_UNMATCHED, RULE_SKU_AMBIGUOUS, RULE_BUNDLE_PRICE)


@dataclass(frozen=True, slots=True)
class RevenuePlan:
    """Everything revenue knows about one contract on ``as_of``."""

    contract_id: str
    currency: str
    as_of: date
    order: Order
    obligations: tuple[Obligation, ...]
    transaction_price: TransactionPrice
    ssps: tuple[StandalonePrice, ...]
    allocation: Allocation
    schedule: RecognitionSchedule
    findings: tuple[Finding, ...] = ()
    modifications: tuple[ModificationAssessment, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data: what ``billops revenue preview --json`` prints."""
        allocated = {line.obligation_id: line for line in self.allocation.lines}
        return {
            "contract_id": self.contract_id,
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "obligations": [
                {
                    **o.as_dict(),
                    "allocated": allocated[o.obligation_id].allocated.to_dict(),
                    "recognised": sum_money(
                        (e.amount for e in self.schedule.for_obligation(o.obligation_id)),
                        self.currency,
                    ).to_dict(),
                }
                for o in self.obligations
            ],
            "transaction_price": self.transaction_price.as_dict(),
            "allocation": self.allocation.as_dict(),
            "recognition": self.schedule.as_dict(),
            "findings": [f.as_dict() for f in self.findings],
            "modifications": [m.as_dict() for m in self.modifications],
        }


def schedule_inputs(
    order: Order, schedule: Schedule, obligations: Sequence[Obligation] | None = None
) -> tuple[dict[str, Money], tuple[IncurredAmount, ...]]:
    """From a billing schedule: fixed prices of lines stating none, and amounts incurred.

    Fixed price: the total of a line's schedule items (held excess left
    out). Incurred: the items of usage, time-and-materials and expenses
    lines whose event has arrived (not waiting, not held), dated by the end
    of their service period (else their bill date).
    """
    variable_lines = {
        line.order_line_id
        for line in order.lines
        if line.billing_model.value in ("usage", "time_and_materials", "expenses")
    }
    if obligations is not None:
        variable_lines = {
            line_id for o in obligations if o.variable_only for line_id in o.order_line_ids
        }
    fixed: dict[str, Money] = {}
    incurred: list[IncurredAmount] = []
    for line in order.lines:
        items = [
            i for i in schedule.for_line(line.order_line_id) if i.kind is not ItemKind.HELD_EXCESS
        ]
        if line.order_line_id in variable_lines:
            for item in items:
                if item.status in (ItemStatus.WAITING, ItemStatus.HELD):
                    continue
                on = item.service_period.end if item.service_period else item.bill_date
                if on is None:
                    continue
                incurred.append(IncurredAmount(line.order_line_id, on, item.amount, item.item_key))
        elif line.amount is None and items:
            fixed[line.order_line_id] = sum_money((i.amount for i in items), order.currency)
    return fixed, tuple(incurred)


def plan_revenue(
    terms: ContractTerms,
    catalogue: Catalogue,
    events: Events = Events(),  # noqa: B008 - Events is immutable
    *,
    as_of: date,
    policy: RevenuePolicy | None = None,
    variable: Sequence[VariableConsideration] = (),
    discounts: Sequence[Discount] = (),
    discount_evidence: Sequence[DiscountEvidence] = (),
    estimated_hours: Mapping[str, Decimal] | None = None,
    progress: Sequence[InputProgress] = (),
) -> RevenuePlan:
    """The revenue plan of ``terms`` on ``as_of`` (see the module docstring). Pure.

    Raises ``InvalidInput`` when setup could not place a line in the order,
    and whatever the steps raise for bad input (no SSP, a negative price).
    """
    policy = policy or RevenuePolicy()
    events = Events.of(e for e in events.all() if e.occurred_on <= as_of)
    order, findings = build_order(terms, catalogue, version=1)
    blocking = [f for f in findings if f.rule_id in _BLOCKING and f.severity is Severity.ERROR]
    if blocking:
        first = blocking[0]
        raise InvalidInput(
            first.message,
            field=first.fields[0] if first.fields else None,
            hint=first.hint or None,
        )
    billing = build_schedule(terms, events, as_of=as_of, rounding=policy.rounding)
    fixed, _ = schedule_inputs(order, billing)
    obligations = identify_obligations(
        order, catalogue, milestones=terms.milestones, fixed_prices=fixed, policy=policy
    )
    _, incurred = schedule_inputs(order, billing, obligations)
    price = determine_transaction_price(
        obligations, variable=variable, discounts=discounts, incurred=incurred, policy=policy
    )
    ssps = standalone_selling_prices(obligations, catalogue, policy=policy)
    allocation = allocate_transaction_price(
        obligations, price, ssps, discount_evidence=discount_evidence, policy=policy
    )
    schedule = recognition_schedule(
        obligations,
        allocation,
        events=events,
        incurred=incurred,
        progress=progress,
        estimated_hours=estimated_hours,
        rounding=policy.rounding,
    )
    return RevenuePlan(
        contract_id=terms.contract_id,
        currency=terms.currency,
        as_of=as_of,
        order=order,
        obligations=obligations,
        transaction_price=price,
        ssps=ssps,
        allocation=allocation,
        schedule=schedule,
        findings=tuple(findings) + tuple(billing.findings),
    )
