"""The order: a contract's lines as the ERP books them, each tied to a catalogue product.

Setup turns an approved contract version into an order (a sales order in
NetSuite or SAP): one order line per contract line, carrying the catalogue
SKU and product name, the quantity, unit and prices, the service period and
the GL accounts its revenue posts to, copied from the product. A bundle is
kept as its own line (the price the customer sees) and expanded into
component lines that point to it (``bundle_parent``) and carry the bundle
price split by SSP, which is what revenue recognition needs.

Nothing is guessed: a line whose product cannot be found, or could be
several products, stays out of the order and becomes a finding for the
billing team, quoting the line and the candidates.

    >>> from billops.domain.catalog import parse_catalogue
    >>> from billops.domain.contract import parse_contract
    >>> catalogue = parse_catalogue([{"sku": "SUB-PRO", "name": "Workspace Pro",
    ...     "billing_model": "subscription", "revenue_category": "subscription",
    ...     "unit": "seat", "gl_revenue": "4010", "gl_deferred": "2410",
    ...     "gl_unbilled": "1310", "tax_code": "DIGITAL", "list_price": {"USD": "45"}}])
    >>> terms = parse_contract({"contract_id": "OF-1", "document_type": "order_form",
    ...     "supplier": {"code": "NWUS", "name": "Northwind"},
    ...     "customer": {"code": "C000101", "name": "Globex"}, "currency": "USD",
    ...     "lines": [{"line_id": "L1", "sku": "sub-pro", "description": "Workspace Pro seats",
    ...                "billing_model": "subscription", "quantity": 10, "unit_price": "45",
    ...                "amount": "5400.00"},
    ...               {"line_id": "L2", "description": "Premium support",
    ...                "billing_model": "subscription", "amount": "1000.00"}]})
    >>> order, findings = build_order(terms, catalogue, version=1)
    >>> [(line.order_line_id, line.sku, str(line.amount), line.gl_revenue) for line in order.lines]
    [('L1', 'SUB-PRO', '5400.00 USD', '4010')]
    >>> [(finding.rule_id, finding.severity.value) for finding in findings]
    [('SETUP-SKU-UNMATCHED', 'error')]

Public API (stable):

- ``OrderLine``, ``OrderLineKind`` (standard, bundle, component), ``Order``;
- ``build_order(terms, catalogue, *, version, opportunity_id=None) -> (Order, findings)``;
- the rule ids of its findings: ``RULE_SKU_UNMATCHED`` ``SETUP-SKU-UNMATCHED``,
  ``RULE_SKU_AMBIGUOUS`` ``SETUP-SKU-AMBIGUOUS``, ``RULE_SKU_UNKNOWN``
  ``SETUP-SKU-UNKNOWN`` (warning: stated SKU unknown, matched by description),
  ``RULE_MODEL_MISMATCH`` ``SETUP-MODEL-MISMATCH``, ``RULE_NO_LIST_PRICE``
  ``SETUP-CURRENCY-NO-LIST-PRICE`` (warning), ``RULE_BUNDLE_PRICE``
  ``SETUP-BUNDLE-PRICE``, ``RULE_BUNDLE_COMPONENT`` ``SETUP-BUNDLE-COMPONENT``,
  ``RULE_BUNDLE_QUANTITY`` ``SETUP-BUNDLE-QUANTITY`` (warning),
  ``RULE_CUSTOMER_CODE`` ``SETUP-CUSTOMER-CODE``, ``RULE_ENTITY_CODE``
  ``SETUP-ENTITY-CODE``.

Decisions worth knowing:

- A line whose billing model differs from its product's is kept in the
  order with the contract's billing model (the signed terms say how it is
  charged) and raises an error finding, which blocks until resolved.
- The missing-list-price warning is raised only for products that have list
  prices in other currencies; products priced per contract (T&M, expenses)
  have none anywhere and raise nothing.
- When the contract already lists a bundle's components (lines whose
  ``bundle_parent`` is the bundle line), those lines become the component
  order lines (their ids, quantities and service periods) and receive the
  SSP share of the bundle price; components the contract does not list are
  added with ids ``<bundle line id>.<n>``.
- ``amount`` is the amount the contract states (a bundle's components: the
  SSP share); None when the contract states none (usage, expenses).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Final

from billops.domain.calendar import Period
from billops.domain.catalog import (
    BundleComponent,
    BundleError,
    Catalogue,
    LineMatch,
    MatchMethod,
    Product,
    expand_bundle,
    match_line,
    sku_key,
)
from billops.domain.contract import BillingModel, ContractLine, ContractTerms, Provenance
from billops.domain.findings import Finding, Route, Severity
from billops.domain.money import Money

__all__ = [
    "RULE_BUNDLE_COMPONENT",
    "RULE_BUNDLE_PRICE",
    "RULE_BUNDLE_QUANTITY",
    "RULE_CUSTOMER_CODE",
    "RULE_ENTITY_CODE",
    "RULE_MODEL_MISMATCH",
    "RULE_NO_LIST_PRICE",
    "RULE_SKU_AMBIGUOUS",
    "RULE_SKU_UNKNOWN",
    "RULE_SKU_UNMATCHED",
    "Order",
    "OrderLine",
    "OrderLineKind",
    "build_order",
]

RULE_SKU_UNMATCHED: Final = "SETUP-SKU-UNMATCHED"
RULE_SKU_AMBIGUOUS: Final = "SETUP-SKU-AMBIGUOUS"
RULE_SKU_UNKNOWN: Final = "SETUP-SKU-UNKNOWN"
RULE_MODEL_MISMATCH: Final = "SETUP-MODEL-MISMATCH"
RULE_NO_LIST_PRICE: Final = "SETUP-CURRENCY-NO-LIST-PRICE"
RULE_BUNDLE_PRICE: Final = "SETUP-BUNDLE-PRICE"
RULE_BUNDLE_COMPONENT: Final = "SETUP-BUNDLE-COMPONENT"
RULE_BUNDLE_QUANTITY: Final = "SETUP-BUNDLE-QUANTITY"
RULE_CUSTOMER_CODE: Final = "SETUP-CUSTOMER-CODE"
RULE_ENTITY_CODE: Final = "SETUP-ENTITY-CODE"


class OrderLineKind(StrEnum):
    """What an order line is: an ordinary line, a bundle, or a component of a bundle."""

    STANDARD = "standard"
    BUNDLE = "bundle"  # the price the customer sees; its components carry the revenue split
    COMPONENT = "component"  # part of a bundle: bundle_parent names the bundle's order line


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of the order. Prices are Decimals in the order's currency; amount is Money.

    ``unit_price`` of a component line is its amount divided by its quantity,
    rounded to the currency's minor unit (the amount is what counts).
    """

    order_line_id: str
    contract_line_id: str
    kind: OrderLineKind
    sku: str
    product_name: str
    description: str
    billing_model: BillingModel
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    list_price: Decimal | None
    discount_percent: Decimal | None
    amount: Money | None
    service_period: Period | None
    bundle_parent: str | None
    gl_revenue: str
    gl_deferred: str
    gl_unbilled: str
    tax_code: str
    match_method: MatchMethod

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data: decimals as strings, the period as start and end."""
        return {
            "order_line_id": self.order_line_id,
            "contract_line_id": self.contract_line_id,
            "kind": self.kind.value,
            "sku": self.sku,
            "product_name": self.product_name,
            "description": self.description,
            "billing_model": self.billing_model.value,
            "quantity": _text(self.quantity),
            "unit": self.unit,
            "unit_price": _text(self.unit_price),
            "list_price": _text(self.list_price),
            "discount_percent": _text(self.discount_percent),
            "amount": None if self.amount is None else self.amount.to_dict(),
            "service_start": None
            if self.service_period is None
            else str(self.service_period.start),
            "service_end": None if self.service_period is None else str(self.service_period.end),
            "bundle_parent": self.bundle_parent,
            "gl_revenue": self.gl_revenue,
            "gl_deferred": self.gl_deferred,
            "gl_unbilled": self.gl_unbilled,
            "tax_code": self.tax_code,
            "match_method": self.match_method.value,
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class Order:
    """The order made from one version of a contract."""

    contract_id: str
    version: int
    customer_code: str | None
    entity_code: str | None
    currency: str
    opportunity_id: str | None
    lines: tuple[OrderLine, ...]

    def line(self, order_line_id: str) -> OrderLine | None:
        """The order line with this id, or None."""
        return next((line for line in self.lines if line.order_line_id == order_line_id), None)

    def lines_for(self, contract_line_id: str) -> tuple[OrderLine, ...]:
        """The order lines made from one contract line (a bundle's added components too)."""
        return tuple(line for line in self.lines if line.contract_line_id == contract_line_id)

    def components_of(self, order_line_id: str) -> tuple[OrderLine, ...]:
        """The component lines of a bundle line."""
        return tuple(line for line in self.lines if line.bundle_parent == order_line_id)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return {
            "contract_id": self.contract_id,
            "version": self.version,
            "customer_code": self.customer_code,
            "entity_code": self.entity_code,
            "currency": self.currency,
            "opportunity_id": self.opportunity_id,
            "lines": [line.as_dict() for line in self.lines],
        }


# --------------------------------------------------------------------------
# Building the order


def build_order(
    terms: ContractTerms,
    catalogue: Catalogue,
    *,
    version: int,
    opportunity_id: str | None = None,
) -> tuple[Order, tuple[Finding, ...]]:
    """The order for ``terms`` (version ``version``) and the findings that block or warn.

    Pure: the same terms and catalogue always give the same order and findings.
    """
    builder = _OrderBuilder(terms, catalogue)
    builder.check_parties()
    lines = builder.build()
    order = Order(
        contract_id=terms.contract_id,
        version=version,
        customer_code=terms.customer.code,
        entity_code=terms.supplier.code,
        currency=terms.currency,
        opportunity_id=opportunity_id,
        lines=tuple(lines),
    )
    return order, tuple(builder.findings)


class _OrderBuilder:
    def __init__(self, terms: ContractTerms, catalogue: Catalogue) -> None:
        self.terms = terms
        self.catalogue = catalogue
        self.currency = terms.currency
        self.findings: list[Finding] = []
        self.index = {line.line_id: index for index, line in enumerate(terms.lines)}
        self.matches: dict[str, LineMatch] = {
            line.line_id: match_line(catalogue, line) for line in terms.lines
        }

    # findings

    def finding(
        self,
        rule_id: str,
        severity: Severity,
        message: str,
        fields: Sequence[str],
        values: Mapping[str, str],
        hint: str,
    ) -> None:
        sources: list[Provenance] = [
            self.terms.provenance[path] for path in fields if path in self.terms.provenance
        ]
        self.findings.append(
            Finding(
                rule_id=rule_id,
                severity=severity,
                message=message,
                fields=tuple(fields),
                values=dict(values),
                sources=tuple(sources),
                hint=hint,
                route=Route.BILLING.value,
            )
        )

    def check_parties(self) -> None:
        if self.terms.customer.code is None:
            self.finding(
                RULE_CUSTOMER_CODE,
                Severity.ERROR,
                f"customer {self.terms.customer.name!r} is not matched to a customer code, "
                "so the order has no customer to bill",
                ("customer.code",),
                {"customer": self.terms.customer.name},
                "match the customer to its customer record before setup",
            )
        if self.terms.supplier.code is None:
            self.finding(
                RULE_ENTITY_CODE,
                Severity.ERROR,
                f"supplier {self.terms.supplier.name!r} is not matched to a legal entity code",
                ("supplier.code",),
                {"supplier": self.terms.supplier.name},
                "match the supplier to one of our legal entities before setup",
            )

    # lines

    def build(self) -> list[OrderLine]:
        lines: list[OrderLine] = []
        for line in self.terms.lines:
            match = self.matches[line.line_id]
            if self._expanded_by_parent(line):
                self._matched_product(line, match)  # findings only: made with its bundle
                continue
            product = self._matched_product(line, match)
            if product is None:
                continue
            self._check_product(line, product)
            if product.is_bundle:
                lines.extend(self._bundle_lines(line, product, match))
            else:
                lines.append(self._standard_line(line, product, match))
        return lines

    def _expanded_by_parent(self, line: ContractLine) -> bool:
        if line.bundle_parent is None:
            return False
        parent = self.matches.get(line.bundle_parent)
        return parent is not None and parent.product is not None and parent.product.is_bundle

    def _parent_order_line(self, line: ContractLine) -> str | None:
        if line.bundle_parent is None:
            return None
        parent = self.matches.get(line.bundle_parent)
        return line.bundle_parent if parent is not None and parent.matched else None

    def _path(self, line: ContractLine, name: str) -> str:
        return f"lines[{self.index[line.line_id]}].{name}"

    def _matched_product(self, line: ContractLine, match: LineMatch) -> Product | None:
        candidates = "; ".join(str(candidate) for candidate in match.candidates)
        values = {
            "line_id": line.line_id,
            "description": line.description,
            "sku": line.sku or "",
            "candidates": candidates,
        }
        fields = (self._path(line, "sku"),)
        said = f" (SKU {line.sku!r} is not in the catalogue)" if line.sku else ""
        if match.method is MatchMethod.AMBIGUOUS:
            self.finding(
                RULE_SKU_AMBIGUOUS,
                Severity.ERROR,
                f"line {line.line_id} {line.description!r}{said} could be any of several "
                f"products, none clearly ahead: {candidates}; not chosen automatically",
                fields,
                values,
                "set the line's SKU to the product meant",
            )
            return None
        if match.method is MatchMethod.NONE:
            closest = f"closest: {candidates}" if candidates else "no product comes close"
            self.finding(
                RULE_SKU_UNMATCHED,
                Severity.ERROR,
                f"line {line.line_id} {line.description!r}{said} matches no catalogue "
                f"product; {closest}",
                fields,
                values,
                "set the line's SKU to a catalogue SKU, or add the product to the catalogue",
            )
            return None
        product = match.product
        if product is not None and match.stated_sku is not None:
            self.finding(
                RULE_SKU_UNKNOWN,
                Severity.WARNING,
                f"line {line.line_id}: SKU {match.stated_sku!r} is not in the catalogue; "
                f"matched by its description {line.description!r} to {product.sku} "
                f"{product.name!r} (score {match.score})",
                fields,
                {**values, "matched_sku": product.sku, "score": str(match.score)},
                f"correct the line's SKU to {product.sku} if that is the product meant",
            )
        return product

    def _check_product(self, line: ContractLine, product: Product) -> None:
        if line.billing_model is not product.billing_model:
            self.finding(
                RULE_MODEL_MISMATCH,
                Severity.ERROR,
                f"line {line.line_id} {line.description!r} is billed as "
                f"{line.billing_model.value}, but its product {product.sku} is "
                f"{product.billing_model.value}",
                (self._path(line, "billing_model"),),
                {
                    "line_id": line.line_id,
                    "sku": product.sku,
                    "line_billing_model": line.billing_model.value,
                    "product_billing_model": product.billing_model.value,
                },
                "correct the line's billing model or its SKU",
            )
        if product.list_price and self.currency not in product.list_price:
            sold_in = ", ".join(sorted(product.list_price))
            self.finding(
                RULE_NO_LIST_PRICE,
                Severity.WARNING,
                f"line {line.line_id}: product {product.sku} has no list price in "
                f"{self.currency} (only in {sold_in}), so its discount cannot be checked",
                (self._path(line, "sku"),),
                {"line_id": line.line_id, "sku": product.sku, "currency": self.currency},
                f"add a {self.currency} list price to {product.sku} in the catalogue",
            )

    def _period(self, line: ContractLine, fallback: ContractLine | None = None) -> Period | None:
        """The line's service period: each end from the line, else its parent, else the term.

        An amended line often states one end only (a replacement runs from the
        effective date to the term's end; the line it replaces ends the day before).
        """
        sources = [s for s in (line, fallback) if s is not None]
        start = next((s.service_start for s in sources if s.service_start), self.terms.start_date)
        end = next((s.service_end for s in sources if s.service_end), self.terms.end_date)
        if start is None or end is None or end < start:
            return None
        return Period(start, end)

    def _list_price(self, line: ContractLine | None, product: Product) -> Decimal | None:
        if line is not None and line.list_price is not None:
            return line.list_price
        return product.list_price.get(self.currency)

    def _standard_line(self, line: ContractLine, product: Product, match: LineMatch) -> OrderLine:
        return OrderLine(
            order_line_id=line.line_id,
            contract_line_id=line.line_id,
            kind=OrderLineKind.STANDARD,
            sku=product.sku,
            product_name=product.name,
            description=line.description,
            billing_model=line.billing_model,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            list_price=self._list_price(line, product),
            discount_percent=line.discount_percent,
            amount=None if line.amount is None else Money(line.amount, self.currency),
            service_period=self._period(line),
            bundle_parent=self._parent_order_line(line),
            gl_revenue=product.gl_revenue,
            gl_deferred=product.gl_deferred,
            gl_unbilled=product.gl_unbilled,
            tax_code=product.tax_code,
            match_method=match.method,
        )

    def _bundle_price(self, line: ContractLine) -> Money | None:
        if line.amount is not None:
            return Money(line.amount, self.currency).round()
        if line.unit_price is not None:
            return Money(line.unit_price * (line.quantity or 1), self.currency).round()
        return None

    def _bundle_lines(
        self, line: ContractLine, bundle: Product, match: LineMatch
    ) -> list[OrderLine]:
        parent = self._standard_line(line, bundle, match)
        price = self._bundle_price(line)
        quantity = line.quantity if line.quantity else Decimal(1)
        parent = _replace_kind(parent, OrderLineKind.BUNDLE, price)
        children = [child for child in self.terms.lines if child.bundle_parent == line.line_id]
        components: list[BundleComponent] = []
        if price is None:
            self.finding(
                RULE_BUNDLE_PRICE,
                Severity.ERROR,
                f"bundle line {line.line_id} {line.description!r} has no amount or unit "
                "price, so its components cannot be priced",
                (self._path(line, "amount"),),
                {"line_id": line.line_id, "sku": bundle.sku},
                "state the bundle's amount on the line",
            )
        else:
            try:
                components = expand_bundle(self.catalogue, bundle.sku, quantity, price)
            except BundleError as error:
                self.finding(
                    RULE_BUNDLE_PRICE,
                    Severity.ERROR,
                    f"bundle line {line.line_id} {line.description!r} cannot be split "
                    f"into its components: {error.message}",
                    (self._path(line, "sku"),),
                    {"line_id": line.line_id, "sku": bundle.sku},
                    error.hint or "give every component an SSP in the contract's currency",
                )
        lines = [parent]
        unused = list(children)
        for number, component in enumerate(components, start=1):
            child = self._take_child(unused, component)
            lines.append(self._component_line(line, number, component, child))
        for child in unused:
            self._stray_component(line, bundle, child)
        return lines

    def _take_child(
        self, unused: list[ContractLine], component: BundleComponent
    ) -> ContractLine | None:
        for child in unused:
            product = self.matches[child.line_id].product
            if product is not None and sku_key(product.sku) == sku_key(component.sku):
                unused.remove(child)
                return child
        return None

    def _stray_component(self, line: ContractLine, bundle: Product, child: ContractLine) -> None:
        product = self.matches[child.line_id].product
        if product is None:
            return  # its finding says why already
        contents = ", ".join(component.sku for component in bundle.components)
        self.finding(
            RULE_BUNDLE_COMPONENT,
            Severity.ERROR,
            f"line {child.line_id} {child.description!r} ({product.sku}) is listed as part of "
            f"bundle line {line.line_id} ({bundle.sku}), but that bundle holds {contents}",
            (self._path(child, "bundle_parent"),),
            {"line_id": child.line_id, "sku": product.sku, "bundle_sku": bundle.sku},
            "correct the line's bundle_parent or SKU, or the bundle in the catalogue",
        )

    def _component_line(
        self,
        parent: ContractLine,
        number: int,
        component: BundleComponent,
        child: ContractLine | None,
    ) -> OrderLine:
        product = component.product
        quantity = component.quantity
        if child is not None:
            self._check_product(child, product)
            if child.quantity is not None and child.quantity != component.quantity:
                self.finding(
                    RULE_BUNDLE_QUANTITY,
                    Severity.WARNING,
                    f"line {child.line_id} lists {child.quantity} of bundle component "
                    f"{product.sku}, but {parent.quantity or 1} x bundle {parent.line_id} "
                    f"holds {component.quantity}; the contract's quantity is used",
                    (self._path(child, "quantity"),),
                    {
                        "line_id": child.line_id,
                        "sku": product.sku,
                        "expected": format(component.quantity, "f"),
                    },
                    "correct the component line's quantity",
                )
                quantity = child.quantity
        unit_price = (
            (component.amount / quantity).round().amount if quantity else component.amount.amount
        )
        return OrderLine(
            order_line_id=child.line_id if child else f"{parent.line_id}.{number}",
            contract_line_id=child.line_id if child else parent.line_id,
            kind=OrderLineKind.COMPONENT,
            sku=product.sku,
            product_name=product.name,
            description=child.description if child else f"{product.name} ({parent.description})",
            billing_model=child.billing_model if child else product.billing_model,
            quantity=quantity,
            unit=child.unit if child and child.unit else product.unit,
            unit_price=unit_price,
            list_price=self._list_price(child, product),
            discount_percent=None,
            amount=component.amount,
            service_period=self._period(child, parent) if child else self._period(parent),
            bundle_parent=parent.line_id,
            gl_revenue=product.gl_revenue,
            gl_deferred=product.gl_deferred,
            gl_unbilled=product.gl_unbilled,
            tax_code=product.tax_code,
            match_method=self.matches[(child or parent).line_id].method,
        )


def _replace_kind(line: OrderLine, kind: OrderLineKind, amount: Money | None) -> OrderLine:
    return replace(line, kind=kind, amount=amount)
