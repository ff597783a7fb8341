"""Performance obligations: the distinct promises of a contract, and how each is satisfied.

Step 2 of the five steps of IFRS 15 / ASC 606. Each distinct good or
service promised is one *obligation* (GLOSSARY: "obligation", not "PO",
which is a purchase order). We find them in the order setup made from the
approved contract: one obligation per order line, with these rules:

- a **bundle** line is the price the customer sees; its components (order
  lines of kind ``component``) are the promises, each its own obligation
  when distinct (IFRS 15.27). A component whose SKU the policy names as not
  distinct joins the obligation of the bundle's other components;
- a **subscription** (or maintenance) over a term is a series of distinct
  periods that are substantially the same and transfer the same way
  (IFRS 15.22(b)): one obligation, satisfied over time;
- two lines of the same product, billing model and service period are one
  promise written twice (10 seats and 5 more seats): one obligation.

Each obligation gets a **recognition pattern** from its billing model and
product, the rule a billing team would state:

    ==================  ===============  ====================================
    subscription        ratable          by day over the service period
    maintenance         ratable          by day over the service period
    hardware            point in time    on shipment (per shipped quantity)
    one_time            point in time    on delivery: the line's go-live
    licence category    point in time    on delivery: the licence term start
    fixed_fee           input            hours incurred / estimated hours
    milestone           output           milestones accepted
    time_and_materials  as incurred      as performed (right to invoice)
    usage               as incurred      as used (right to invoice)
    expenses            as incurred      as incurred
    ==================  ===============  ====================================

A product whose ``revenue_category`` names a licence ("licence",
"license", "software_licence") is a licence whatever its billing model: a
right to use intellectual property, recognised when the customer can first
use it (IFRS 15.B58, B61).

    >>> from billops.domain.catalog import parse_catalogue
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.orders import build_order
    >>> catalogue = parse_catalogue([{"sku": "SUB", "name": "Workspace",
    ...     "billing_model": "subscription", "revenue_category": "subscription",
    ...     "unit": "seat", "gl_revenue": "4010", "gl_deferred": "2410",
    ...     "gl_unbilled": "1310", "tax_code": "DIGITAL"}])
    >>> terms = parse_contract({"contract_id": "OF-1", "document_type": "order_form",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"}, "currency": "USD",
    ...     "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...     "lines": [{"line_id": "L1", "sku": "SUB", "description": "Seats",
    ...                "billing_model": "subscription", "amount": "1200.00"}]})
    >>> order, _ = build_order(terms, catalogue, version=1)
    >>> [(o.obligation_id, o.pattern.value, str(o.service_period), str(o.stated_price))
    ...  for o in identify_obligations(order, catalogue)]
    [('L1', 'ratable', '2026-01-01..2026-12-31', '1200.00 USD')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from billops.domain.calendar import Period
from billops.domain.catalog import Catalogue, Product, sku_key
from billops.domain.contract import BillingModel, Milestone
from billops.domain.money import Money
from billops.domain.orders import Order, OrderLine, OrderLineKind
from billops.domain.revenue.policy import RevenuePolicy
from billops.errors import InvalidInput

__all__ = [
    "MilestoneWeight",
    "Obligation",
    "PointInTimeEvent",
    "RecognitionPattern",
    "identify_obligations",
    "is_licence",
    "manual_obligation",
]


class RecognitionPattern(StrEnum):
    """How an obligation transfers control, and so how its revenue is recognised."""

    RATABLE = "ratable"  # over time, straight-line by day over the service period
    POINT_IN_TIME = "point_in_time"  # all at once, when an event transfers control
    INPUT = "input"  # over time, effort incurred / estimated total effort (IFRS 15.B18)
    OUTPUT = "output"  # over time, milestones accepted (IFRS 15.B15)
    AS_INCURRED = "as_incurred"  # over time, the amount we have a right to invoice (B16)

    @property
    def over_time(self) -> bool:
        """True for every pattern but point in time (IFRS 15.35)."""
        return self is not RecognitionPattern.POINT_IN_TIME


class PointInTimeEvent(StrEnum):
    """The event that transfers control of a point-in-time obligation."""

    SHIPMENT = "shipment"  # a Shipment event of the line: per shipped quantity
    GO_LIVE = "go_live"  # a Provisioning tenant_live event of the line
    SERVICE_START = "service_start"  # a licence: the first day the customer may use it


@dataclass(frozen=True, slots=True)
class MilestoneWeight:
    """A milestone of an output-method obligation and its weight (its contract amount)."""

    milestone_id: str
    name: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class Obligation:
    """One performance obligation of a contract (see the module docstring).

    ``order_line_ids`` are the order lines it is made of; ``line_ids`` every
    line id an event or an invoice line may name for it: the order lines,
    their contract lines and, for a bundle component, the bundle's line.
    ``delivery_quantities`` says how many units each of those lines must
    ship for the obligation to be fully delivered (shipments of a bundle
    line deliver its components in proportion). ``stated_price`` is the
    fixed consideration the contract states for it (None for usage, time
    and materials and expenses, whose consideration is variable).
    """

    obligation_id: str
    contract_id: str
    currency: str
    order_line_ids: tuple[str, ...]
    line_ids: tuple[str, ...]
    sku: str
    product_name: str
    description: str
    billing_model: BillingModel
    revenue_category: str
    pattern: RecognitionPattern
    point_event: PointInTimeEvent | None
    service_period: Period | None
    quantity: Decimal
    stated_price: Money | None
    bundle_parent: str | None
    gl_revenue: str
    gl_deferred: str
    gl_unbilled: str
    reason: str
    delivery_quantities: tuple[tuple[str, Decimal], ...] = ()
    milestones: tuple[MilestoneWeight, ...] = ()

    @property
    def variable_only(self) -> bool:
        """True when all its consideration is variable and recognised as incurred."""
        return self.pattern is RecognitionPattern.AS_INCURRED

    def names(self, line_id: str | None) -> bool:
        """True when ``line_id`` (of an event or invoice line) is one of this obligation's."""
        return line_id is not None and line_id in self.line_ids

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return {
            "obligation_id": self.obligation_id,
            "order_line_ids": list(self.order_line_ids),
            "sku": self.sku,
            "product_name": self.product_name,
            "description": self.description,
            "billing_model": self.billing_model.value,
            "revenue_category": self.revenue_category,
            "pattern": self.pattern.value,
            "over_time": self.pattern.over_time,
            "point_event": None if self.point_event is None else self.point_event.value,
            "service_start": None
            if self.service_period is None
            else str(self.service_period.start),
            "service_end": None if self.service_period is None else str(self.service_period.end),
            "quantity": format(self.quantity, "f"),
            "stated_price": None if self.stated_price is None else self.stated_price.to_dict(),
            "bundle_parent": self.bundle_parent,
            "gl_revenue": self.gl_revenue,
            "gl_deferred": self.gl_deferred,
            "gl_unbilled": self.gl_unbilled,
            "milestones": [m.milestone_id for m in self.milestones],
            "reason": self.reason,
        }


_PATTERNS: dict[BillingModel, tuple[RecognitionPattern, PointInTimeEvent | None, str]] = {
    BillingModel.SUBSCRIPTION: (
        RecognitionPattern.RATABLE,
        None,
        "a subscription is a series of distinct periods transferred alike (IFRS 15.22(b)): "
        "one obligation satisfied over time, ratably by day over its service period",
    ),
    BillingModel.MAINTENANCE: (
        RecognitionPattern.RATABLE,
        None,
        "maintenance and support is a stand-ready service (IFRS 15.B44): satisfied over time, "
        "ratably by day over its service period",
    ),
    BillingModel.HARDWARE: (
        RecognitionPattern.POINT_IN_TIME,
        PointInTimeEvent.SHIPMENT,
        "hardware transfers control on shipment (IFRS 15.38): at a point in time, per "
        "shipped quantity",
    ),
    BillingModel.ONE_TIME: (
        RecognitionPattern.POINT_IN_TIME,
        PointInTimeEvent.GO_LIVE,
        "a one-time service is delivered at go-live (IFRS 15.38): at a point in time",
    ),
    BillingModel.FIXED_FEE: (
        RecognitionPattern.INPUT,
        None,
        "fixed-fee services are satisfied over time (IFRS 15.35(b)); progress by the input "
        "method: hours incurred over estimated total hours (IFRS 15.B18)",
    ),
    BillingModel.MILESTONE: (
        RecognitionPattern.OUTPUT,
        None,
        "milestone deliverables are satisfied over time; progress by the output method: "
        "milestones accepted by the customer (IFRS 15.B15)",
    ),
    BillingModel.TIME_AND_MATERIALS: (
        RecognitionPattern.AS_INCURRED,
        None,
        "time and materials: recognised as performed, the amount we have a right to invoice "
        "(IFRS 15.B16); its variable consideration belongs to it alone (IFRS 15.85)",
    ),
    BillingModel.USAGE: (
        RecognitionPattern.AS_INCURRED,
        None,
        "usage: recognised as used, the amount we have a right to invoice (IFRS 15.B16); its "
        "variable consideration belongs to it alone (IFRS 15.85)",
    ),
    BillingModel.EXPENSES: (
        RecognitionPattern.AS_INCURRED,
        None,
        "re-billed expenses: recognised as incurred with the services they support; their "
        "variable consideration belongs to them alone (IFRS 15.85)",
    ),
}

_LICENCE = (
    "a licence is a right to use intellectual property, recognised at the point in time the "
    "customer can first use it: the start of its term (IFRS 15.B58, B61)"
)


def is_licence(product: Product) -> bool:
    """True when the product's revenue category names a licence ("licence", "license")."""
    category = product.revenue_category.casefold()
    return "licence" in category or "license" in category


def identify_obligations(
    order: Order,
    catalogue: Catalogue,
    *,
    milestones: Sequence[Milestone] = (),
    fixed_prices: Mapping[str, Money] | None = None,
    policy: RevenuePolicy | None = None,
) -> tuple[Obligation, ...]:
    """The performance obligations of ``order`` (see the module docstring). Pure.

    ``milestones`` are the contract's milestones; an output-method obligation
    takes those naming one of its lines (or, when exactly one milestone
    obligation exists, those naming no line), weighted by their amounts (a
    percent milestone: that percent of the obligation's price).
    ``fixed_prices`` gives the fixed consideration of order lines whose
    contract line states no amount (the billing schedule's total for the
    line), keyed by order line id.

    Raises ``InvalidInput`` for a ratable obligation without a service
    period and for an order line whose SKU is not in the catalogue.
    """
    policy = policy or RevenuePolicy()
    prices = dict(fixed_prices or {})
    bundles = {
        line.order_line_id: line for line in order.lines if line.kind is OrderLineKind.BUNDLE
    }
    mains = _main_components(order, catalogue, policy)
    groups: dict[tuple[str, ...], list[OrderLine]] = {}
    for line in order.lines:
        if line.kind is OrderLineKind.BUNDLE:
            continue  # the bundle's price is carried by its components
        product = _product(catalogue, line)
        parent = line.bundle_parent or ""
        joins_main = line.kind is OrderLineKind.COMPONENT and (
            not policy.is_distinct(product.sku) or mains.get(parent) == line.order_line_id
        )
        if joins_main and parent in mains:
            key: tuple[str, ...] = ("bundle", parent)
        else:
            key = (
                "line",
                sku_key(line.sku),
                line.billing_model.value,
                str(line.service_period),
                parent,
            )
        groups.setdefault(key, []).append(line)
    obligations = [
        _obligation(order, lines, catalogue, bundles, prices) for lines in groups.values()
    ]
    return tuple(_with_milestones(obligations, milestones))


def _main_components(order: Order, catalogue: Catalogue, policy: RevenuePolicy) -> dict[str, str]:
    """Bundle line id -> the component that components not distinct are combined with.

    Only bundles with a component that is not distinct have one: the first
    distinct component (the first component when none is distinct).
    """
    mains: dict[str, str] = {}
    for bundle in order.lines:
        if bundle.kind is not OrderLineKind.BUNDLE:
            continue
        components = order.components_of(bundle.order_line_id)
        distinct = [c for c in components if policy.is_distinct(_product(catalogue, c).sku)]
        if components and len(distinct) < len(components):
            mains[bundle.order_line_id] = (distinct or list(components))[0].order_line_id
    return mains


def _product(catalogue: Catalogue, line: OrderLine) -> Product:
    product = catalogue.get(line.sku)
    if product is None:
        raise InvalidInput(
            "the order line's product is not in the catalogue",
            field=f"order.lines[{line.order_line_id}].sku",
            value=line.sku,
            hint="load the catalogue the order was made with",
        )
    return product


def _obligation(
    order: Order,
    lines: list[OrderLine],
    catalogue: Catalogue,
    bundles: Mapping[str, OrderLine],
    prices: Mapping[str, Money],
) -> Obligation:
    # The main line decides the pattern: the first distinct-looking line, i.e.
    # the first of the group (hardware before maintenance in a kit, say).
    main = lines[0]
    product = _product(catalogue, main)
    event: PointInTimeEvent | None
    if is_licence(product):
        pattern, event, why = (
            RecognitionPattern.POINT_IN_TIME,
            PointInTimeEvent.SERVICE_START,
            _LICENCE,
        )
    else:
        pattern, event, why = _PATTERNS[main.billing_model]
    if len(lines) > 1 and all(line.bundle_parent == main.bundle_parent for line in lines):
        if main.kind is OrderLineKind.COMPONENT and len({sku_key(x.sku) for x in lines}) > 1:
            why = (
                f"components {', '.join(x.order_line_id for x in lines)} of bundle "
                f"{main.bundle_parent} are not distinct from each other (IFRS 15.29): one "
                f"obligation; " + why
            )
        else:
            why = (
                f"lines {', '.join(x.order_line_id for x in lines)} sell the same product for "
                f"the same period: one promise; " + why
            )
    elif main.kind is OrderLineKind.COMPONENT:
        why = f"component of bundle {main.bundle_parent}, distinct (IFRS 15.27): " + why
    period = _period(lines)
    if pattern is RecognitionPattern.RATABLE and period is None:
        raise InvalidInput(
            "a ratable obligation needs a service period, and neither the line nor the "
            "contract gives one",
            field=f"lines[{main.contract_line_id}].service_start",
            value=main.sku,
            hint="give the line service_start and service_end, or the contract start and end",
        )
    if event is PointInTimeEvent.SERVICE_START and period is None:
        raise InvalidInput(
            "a licence needs the date its term starts",
            field=f"lines[{main.contract_line_id}].service_start",
            value=main.sku,
            hint="give the line a service_start",
        )
    quantity = sum((line.quantity or Decimal(1) for line in lines), Decimal(0))
    stated = _stated_price(lines, prices, order.currency, pattern)
    line_ids: list[str] = []
    deliveries: list[tuple[str, Decimal]] = []
    for line in lines:
        for line_id in (line.order_line_id, line.contract_line_id):
            if line_id not in line_ids:
                line_ids.append(line_id)
                deliveries.append((line_id, line.quantity or Decimal(1)))
        parent = bundles.get(line.bundle_parent or "")
        if parent is not None and parent.order_line_id not in line_ids:
            line_ids.append(parent.order_line_id)
            deliveries.append((parent.order_line_id, parent.quantity or Decimal(1)))
    return Obligation(
        obligation_id="+".join(line.order_line_id for line in lines),
        contract_id=order.contract_id,
        currency=order.currency,
        order_line_ids=tuple(line.order_line_id for line in lines),
        line_ids=tuple(line_ids),
        sku=product.sku,
        product_name=product.name,
        description=main.description,
        billing_model=main.billing_model,
        revenue_category=product.revenue_category,
        pattern=pattern,
        point_event=event,
        service_period=period,
        quantity=quantity,
        stated_price=stated,
        bundle_parent=main.bundle_parent,
        gl_revenue=main.gl_revenue,
        gl_deferred=main.gl_deferred,
        gl_unbilled=main.gl_unbilled,
        reason=why,
        delivery_quantities=tuple(deliveries),
    )


def _period(lines: Sequence[OrderLine]) -> Period | None:
    periods = [line.service_period for line in lines if line.service_period is not None]
    if not periods:
        return None
    return Period(min(p.start for p in periods), max(p.end for p in periods))


def _stated_price(
    lines: Sequence[OrderLine],
    prices: Mapping[str, Money],
    currency: str,
    pattern: RecognitionPattern,
) -> Money | None:
    if pattern is RecognitionPattern.AS_INCURRED:
        return None  # variable consideration, recognised as incurred
    total = Money.zero(currency)
    for line in lines:
        amount = line.amount if line.amount is not None else prices.get(line.order_line_id)
        if amount is None:
            raise InvalidInput(
                "the line states no amount, so its fixed consideration is unknown",
                field=f"lines[{line.contract_line_id}].amount",
                value=line.sku,
                hint="state the line's amount (or quantity and unit price) on the contract",
            )
        total = total + amount
    return total.round()


def _with_milestones(
    obligations: Sequence[Obligation], milestones: Sequence[Milestone]
) -> list[Obligation]:
    output = [o for o in obligations if o.pattern is RecognitionPattern.OUTPUT]
    result: list[Obligation] = []
    for obligation in obligations:
        if obligation.pattern is not RecognitionPattern.OUTPUT:
            result.append(obligation)
            continue
        mine = [
            m
            for m in milestones
            if obligation.names(m.line_id) or (m.line_id is None and len(output) == 1)
        ]
        weights = tuple(
            MilestoneWeight(m.milestone_id, m.name, _milestone_weight(m, obligation)) for m in mine
        )
        result.append(_replace_milestones(obligation, weights))
    return result


def _milestone_weight(milestone: Milestone, obligation: Obligation) -> Decimal:
    if milestone.amount is not None:
        return milestone.amount
    price = obligation.stated_price.amount if obligation.stated_price is not None else Decimal(0)
    return price * (milestone.percent or Decimal(0)) / 100


def _replace_milestones(obligation: Obligation, weights: tuple[MilestoneWeight, ...]) -> Obligation:
    return replace(obligation, milestones=weights)


_MODEL_OF_PATTERN: dict[RecognitionPattern, BillingModel] = {
    RecognitionPattern.RATABLE: BillingModel.SUBSCRIPTION,
    RecognitionPattern.POINT_IN_TIME: BillingModel.HARDWARE,
    RecognitionPattern.INPUT: BillingModel.FIXED_FEE,
    RecognitionPattern.OUTPUT: BillingModel.MILESTONE,
    RecognitionPattern.AS_INCURRED: BillingModel.USAGE,
}


def manual_obligation(
    obligation_id: str,
    contract_id: str,
    currency: str,
    *,
    stated_price: Money | None = None,
    pattern: RecognitionPattern = RecognitionPattern.POINT_IN_TIME,
    point_event: PointInTimeEvent | None = None,
    service_period: Period | None = None,
    quantity: Decimal = Decimal(1),
    sku: str | None = None,
    billing_model: BillingModel | None = None,
    milestones: Sequence[MilestoneWeight] = (),
    gl_revenue: str = "4000",
    gl_deferred: str = "2400",
    gl_unbilled: str = "1300",
    description: str = "",
) -> Obligation:
    """An obligation written by hand: for a worked example, or one set up outside an order.

    The line it is delivered under is its own id; the SKU is the id unless
    given. A point-in-time obligation is satisfied on shipment unless told.

    >>> manual_obligation("A", "C-1", "USD").pattern.value
    'point_in_time'
    """
    if pattern is RecognitionPattern.POINT_IN_TIME and point_event is None:
        point_event = PointInTimeEvent.SHIPMENT
    if pattern is RecognitionPattern.RATABLE and service_period is None:
        raise InvalidInput(
            "a ratable obligation needs a service period",
            field=f"obligations[{obligation_id}].service_period",
        )
    return Obligation(
        obligation_id=obligation_id,
        contract_id=contract_id,
        currency=currency,
        order_line_ids=(obligation_id,),
        line_ids=(obligation_id,),
        sku=sku or obligation_id,
        product_name=description or obligation_id,
        description=description or obligation_id,
        billing_model=billing_model or _MODEL_OF_PATTERN[pattern],
        revenue_category="manual",
        pattern=pattern,
        point_event=point_event if pattern is RecognitionPattern.POINT_IN_TIME else None,
        service_period=service_period,
        quantity=quantity,
        stated_price=None if pattern is RecognitionPattern.AS_INCURRED else stated_price,
        bundle_parent=None,
        gl_revenue=gl_revenue,
        gl_deferred=gl_deferred,
        gl_unbilled=gl_unbilled,
        reason="set up by hand",
        delivery_quantities=((obligation_id, quantity),),
        milestones=tuple(milestones),
    )
