"""The product catalogue: what the company sells, how it is billed, and where its revenue goes.

A catalogue record (an ERP item, a CPQ product) is the SKU a contract line
names, how lines of it are billed (``billing_model``), the GL accounts its
revenue posts to (revenue, deferred, unbilled), its tax code, its list price
per currency and its standalone selling price (SSP): one price, or a
``low``/``high`` range where observed prices vary. Usage products carry
their tiers, included units and minimum commitment; role products their
hourly and day rate; maintenance a percentage of the hardware it covers; a
bundle the component SKUs it expands into.

    >>> catalogue = parse_catalogue([
    ...     {"sku": "HW-1", "name": "Edge appliance", "billing_model": "hardware",
    ...      "revenue_category": "hardware", "unit": "appliance", "gl_revenue": "4210",
    ...      "gl_deferred": "2440", "gl_unbilled": "1340", "tax_code": "GOODS",
    ...      "list_price": {"USD": "12000"}, "ssp": {"USD": "6000"}},
    ...     {"sku": "MNT-1", "name": "Appliance maintenance", "billing_model": "maintenance",
    ...      "revenue_category": "maintenance", "unit": "appliance", "gl_revenue": "4220",
    ...      "gl_deferred": "2450", "gl_unbilled": "1350", "tax_code": "SUPPORT",
    ...      "percent": "18", "percent_of": "hardware", "ssp_percent": "50"},
    ...     {"sku": "ONB-1", "name": "Onboarding", "billing_model": "one_time",
    ...      "revenue_category": "onboarding", "unit": "each", "gl_revenue": "4310",
    ...      "gl_deferred": "2460", "gl_unbilled": "1360", "tax_code": "SERVICE",
    ...      "ssp_range": {"USD": {"low": "1000", "high": "2000"}}},
    ...     {"sku": "KIT-1", "name": "Edge starter kit", "billing_model": "hardware",
    ...      "revenue_category": "hardware", "unit": "kit", "gl_revenue": "4210",
    ...      "gl_deferred": "2440", "gl_unbilled": "1340", "tax_code": "GOODS",
    ...      "list_price": {"USD": "10000"},
    ...      "components": [{"sku": "HW-1", "quantity": 1}, {"sku": "MNT-1", "quantity": 1},
    ...                     {"sku": "ONB-1", "quantity": 1}]},
    ... ])
    >>> catalogue["kit-1"].name           # SKUs are found whatever their case and spacing
    'Edge starter kit'

**Bundles** are sold at one price and expand into their components; the
price is split by relative SSP (the midpoint where the SSP is a range; a
maintenance component's SSP is its ``ssp_percent`` of the bundle's hardware),
largest remainder, so the parts add up to the bundle price to the cent.
Here the weights are 6,000 (appliance), 3,000 (50 % of it, maintenance) and
1,500 (midpoint of 1,000..2,000, onboarding):

    >>> [(c.sku, str(c.amount)) for c in expand_bundle(catalogue, "KIT-1", Decimal(2),
    ...                                                Money("10000.00", "USD"))]
    [('HW-1', '5714.29 USD'), ('MNT-1', '2857.14 USD'), ('ONB-1', '1428.57 USD')]

**Matching** a contract line to a product: the line's SKU first (ignoring
case and spaces); else its description against the product names
(rapidfuzz ``token_set_ratio``, 0-100). A description match is taken only
when it is clearly ahead (score >= ``MATCH_SCORE`` and ``MATCH_MARGIN``
points above the next product); otherwise the result says ``ambiguous``
or ``none`` and lists the ranked candidates. Nothing is guessed silently.

    >>> from billops.domain.contract import ContractLine
    >>> match = match_line(catalogue, ContractLine(
    ...     line_id="L1", description="Onboarding", billing_model="one_time"))
    >>> match.method.value, match.product.sku, match.score
    ('description', 'ONB-1', 100)

Public API (stable):

- ``Product``, ``SspRange``, ``ComponentSpec``, ``PricePeriod``: one catalogue record;
- ``Catalogue(products)``: validated on construction; ``catalogue[sku]``,
  ``catalogue.get(sku)``, ``sku in catalogue``, ``iter(catalogue)``, ``len``,
  ``catalogue.records()`` (plain data in the demo file's shape);
- ``parse_catalogue(records, source=None) -> Catalogue`` from plain data;
- ``expand_bundle(catalogue, sku, quantity, price) -> list[BundleComponent]``;
- ``match_line(catalogue, line) -> LineMatch`` (``MatchMethod``, ``Candidate``);
- ``standalone_price(catalogue, product, currency) -> Decimal | None``;
- errors: ``CatalogueInvalid`` (an ``InvalidInput``; ``problems`` lists
  ``CatalogueProblem`` s naming record, SKU, field and value),
  ``BundleError`` (an ``InvalidInput``: a bundle that cannot be priced),
  ``UnknownSku`` (an ``InvalidInput``, raised by ``catalogue[sku]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, Field, ValidationError, model_validator
from rapidfuzz import fuzz, process, utils

from billops.domain.contract import (
    Amount,
    BillingModel,
    ContractLine,
    Percent,
    Quantity,
    TierMode,
    UsageTier,
    validation_problems,
)
from billops.domain.money import Money, allocate, currency_minor_units
from billops.domain.parties import Code, CurrencyCode, FrozenModel, Text
from billops.errors import InvalidInput

__all__ = [
    "MATCH_MARGIN",
    "MATCH_SCORE",
    "BundleComponent",
    "BundleError",
    "Candidate",
    "Catalogue",
    "CatalogueInvalid",
    "CatalogueProblem",
    "ComponentSpec",
    "LineMatch",
    "MatchMethod",
    "PricePeriod",
    "Product",
    "SspRange",
    "UnknownSku",
    "expand_bundle",
    "match_line",
    "parse_catalogue",
    "sku_key",
    "standalone_price",
]

MATCH_SCORE: Final = 85
"""Lowest description score (0-100) accepted as a match."""

MATCH_MARGIN: Final = 8
"""Points the best description score must lead the next product's by."""

CANDIDATE_FLOOR: Final = 50
"""Products scoring below this are not worth listing as candidates."""

MAX_CANDIDATES: Final = 5


def sku_key(sku: str) -> str:
    """The form SKUs are compared in: no whitespace, case-folded.

    >>> sku_key(" nw-sub pro ") == sku_key("NW-SUBPRO")
    True
    """
    return "".join(sku.split()).casefold()


# --------------------------------------------------------------------------
# The record


def _none_as_empty(value: object) -> object:
    # The demo catalogue writes ``list_price: null`` for products priced per
    # contract; an absent price map and an empty one mean the same thing.
    return {} if value is None else value


def _none_as_empty_list(value: object) -> object:
    return () if value is None else value


PriceMap = Annotated[dict[CurrencyCode, Amount], BeforeValidator(_none_as_empty)]
"""Currency code -> non-negative amount, e.g. ``{"USD": Decimal("45")}``."""


class PricePeriod(StrEnum):
    """What a recurring list price is per, besides the unit: a month, a quarter, a year."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class SspRange(FrozenModel):
    """An SSP range in one currency; its midpoint stands in for a single SSP."""

    low: Amount
    high: Amount

    @model_validator(mode="after")
    def _ordered(self) -> SspRange:
        if self.high < self.low:
            raise ValueError(f"high {self.high} must not be below low {self.low}")
        return self

    @property
    def midpoint(self) -> Decimal:
        """``(low + high) / 2``, exact."""
        return (self.low + self.high) / 2


class ComponentSpec(FrozenModel):
    """One component of a bundle: a SKU and how many of it one bundle holds."""

    sku: Code
    quantity: Quantity = Decimal(1)

    @model_validator(mode="after")
    def _positive(self) -> ComponentSpec:
        if self.quantity <= 0:
            raise ValueError("a component quantity must be greater than 0")
        return self


class Product(FrozenModel):
    """One catalogue record. Money maps are keyed by ISO 4217 code; see the module doc."""

    sku: Code
    name: Text
    billing_model: BillingModel
    revenue_category: Code
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    gl_revenue: Code
    gl_deferred: Code
    gl_unbilled: Code
    tax_code: Code
    list_price: PriceMap = Field(default_factory=dict)
    ssp: PriceMap = Field(default_factory=dict)
    ssp_range: Annotated[dict[CurrencyCode, SspRange], BeforeValidator(_none_as_empty)] = Field(
        default_factory=dict
    )
    price_period: PricePeriod | None = None
    tier_mode: TierMode | None = None
    tiers: Annotated[dict[CurrencyCode, tuple[UsageTier, ...]], BeforeValidator(_none_as_empty)] = (
        Field(default_factory=dict)
    )
    included_units: Quantity | None = None
    minimum_commitment: PriceMap = Field(default_factory=dict)
    role: Code | None = None
    day_rate: PriceMap = Field(default_factory=dict)
    percent: Percent | None = None
    percent_of: BillingModel | None = None
    ssp_percent: Percent | None = None
    components: Annotated[tuple[ComponentSpec, ...], BeforeValidator(_none_as_empty_list)] = ()

    @property
    def is_bundle(self) -> bool:
        """True when the product expands into components."""
        return bool(self.components)

    def list_price_in(self, currency: str) -> Money | None:
        """The list price in ``currency`` as Money, or None when not sold in it."""
        amount = self.list_price.get(currency)
        return None if amount is None else Money(amount, currency)

    def ssp_in(self, currency: str) -> Decimal | None:
        """The product's own SSP per unit: the single SSP, else the range's midpoint."""
        if currency in self.ssp:
            return self.ssp[currency]
        if currency in self.ssp_range:
            return self.ssp_range[currency].midpoint
        return None

    def record(self) -> dict[str, Any]:
        """Plain data in the catalogue file's shape (``Decimal`` kept, absent parts omitted)."""
        full = self.model_dump(mode="python")
        data: dict[str, Any] = {}
        for key, value in full.items():
            if value is None or value in ({}, ()):
                continue  # not given: left out, as a file writer would
            data[key] = str(value) if isinstance(value, StrEnum) else value
        if "tiers" in data:
            data["tiers"] = {
                currency: [{k: v for k, v in tier.items() if v is not None} for tier in tiers]
                for currency, tiers in data["tiers"].items()
            }
        if "components" in data:
            data["components"] = [dict(component) for component in data["components"]]
        return data

    @model_validator(mode="after")
    def _coherent(self) -> Product:
        problems: list[tuple[tuple[str | int, ...], str, object]] = []
        for currency in sorted(set(self.ssp) & set(self.ssp_range)):
            problems.append(
                (("ssp_range", currency), "give ssp or ssp_range for a currency, not both", None)
            )
        if self.tiers and self.tier_mode is None:
            problems.append((("tier_mode",), "is required when the product has tiers", None))
        if self.tier_mode is not None and not self.tiers:
            problems.append((("tiers",), "must list the tiers when tier_mode is given", None))
        for currency, tiers in self.tiers.items():
            problems.extend(_tier_problems(currency, tiers, self.tier_mode))
        if (self.percent is None) != (self.percent_of is None):
            given, missing = (
                ("percent", "percent_of") if self.percent_of is None else ("percent_of", "percent")
            )
            problems.append(((missing,), f"is required when {given} is given", None))
        if self.ssp_percent is not None and self.percent_of is None:
            problems.append((("percent_of",), "is required when ssp_percent is given", None))
        seen: set[str] = set()
        for index, component in enumerate(self.components):
            key = sku_key(component.sku)
            if key == sku_key(self.sku):
                problems.append(
                    (("components", index, "sku"), "a bundle cannot contain itself", component.sku)
                )
            if key in seen:
                problems.append(
                    (("components", index, "sku"), "is listed twice in the bundle", component.sku)
                )
            seen.add(key)
        if problems:
            # A ValueError carrying each path; parse_catalogue reports them one by one.
            raise _RecordRuleError(problems)
        return self


def _tier_problems(
    currency: str, tiers: Sequence[UsageTier], mode: TierMode | None
) -> list[tuple[tuple[str | int, ...], str, object]]:
    problems: list[tuple[tuple[str | int, ...], str, object]] = []
    previous: Decimal | None = None
    for index, tier in enumerate(tiers):
        where: tuple[str | int, ...] = ("tiers", currency, index)
        if tier.up_to is None and index != len(tiers) - 1:
            problems.append(((*where, "up_to"), "may be open-ended only on the last tier", None))
        if tier.up_to is not None:
            if previous is not None and tier.up_to <= previous:
                problems.append(
                    (
                        (*where, "up_to"),
                        f"must be greater than the previous tier's up_to {previous}",
                        tier.up_to,
                    )
                )
            previous = tier.up_to
        if mode is TierMode.PACKAGE and not tier.package_size:
            problems.append(
                ((*where, "package_size"), "must be greater than 0 in package mode", None)
            )
    return problems


class _RecordRuleError(ValueError):
    """Cross-field problems of one record, each with its own path (internal)."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str, object]]) -> None:
        super().__init__("; ".join(message for _, message, _ in problems))
        self.problems = problems


# --------------------------------------------------------------------------
# Errors


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    """One problem with the catalogue: which record, which field, what is wrong, the value.

    ``record`` is the record's position (from 0) in the input; ``path`` the
    key path inside it (``("list_price", "USD")``); ``location`` is filled in
    by a file reader ("line 12", "row 4") and is None for plain data.
    """

    record: int | None
    sku: str | None
    path: tuple[str | int, ...]
    message: str
    value: str | None = None
    hint: str | None = None
    location: str | None = None

    @property
    def field(self) -> str:
        """The path written out: ``tiers.USD[1].up_to``."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def describe(self) -> str:
        """``line 12: NW-SUB-PRO: list_price.USD: must be ... (got '-5'); hint``."""
        parts = [self.location] if self.location else []
        if self.sku:
            parts.append(self.sku)
        elif self.record is not None:
            parts.append(f"record {self.record + 1}")
        if self.path:
            parts.append(self.field)
        text = ": ".join([*parts, self.message])
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class CatalogueInvalid(InvalidInput):
    """A catalogue that cannot be accepted; ``problems`` lists every problem found.

    The message is the first problem (record, SKU, field, value) and how many
    more there are; ``errors`` holds each problem as one line.
    """

    def __init__(self, problems: Sequence[CatalogueProblem], *, source: str | None = None) -> None:
        if not problems:
            raise ValueError("CatalogueInvalid needs at least one problem")
        self.problems = tuple(problems)
        self.errors: list[str] = [problem.describe() for problem in self.problems]
        first, more = self.problems[0], len(self.problems) - 1
        hints = [first.hint] if first.hint else []
        if more:
            hints.append(f"and {more} more problem{'s' if more > 1 else ''}")
        where = [part for part in (first.location, first.sku) if part]
        if not first.sku and first.record is not None:
            where.append(f"record {first.record + 1}")
        if first.path:
            where.append(first.field)
        super().__init__(
            ": ".join([*where, first.message]),
            source=source,
            value=first.value,
            hint="; ".join(hints) or None,
        )
        # After the message is made: the field also appears in it, after the SKU.
        self.field = first.field or None


class UnknownSku(InvalidInput):
    """A SKU the catalogue does not hold."""


class BundleError(InvalidInput):
    """A bundle whose price cannot be split: a component without an SSP in the currency."""


def _shown(value: object) -> str | None:
    if value is None or isinstance(value, Mapping | list | tuple | set):
        return None
    text = str(value.value) if isinstance(value, StrEnum) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _record_problems(index: int, sku: str | None, error: ValidationError) -> list[CatalogueProblem]:
    problems: list[CatalogueProblem] = []
    details = error.errors(include_url=False)
    described = validation_problems(error, Product)
    for detail, described_problem in zip(details, described, strict=True):
        context = detail.get("ctx") or {}
        cause = context.get("error")
        path = tuple(part for part in detail["loc"] if part != "[key]")
        if isinstance(cause, _RecordRuleError):
            for rule_path, message, value in cause.problems:
                problems.append(
                    CatalogueProblem(index, sku, (*path, *rule_path), message, _shown(value))
                )
            continue
        problems.append(
            CatalogueProblem(
                index,
                sku,
                path,
                described_problem.message,
                described_problem.value,
                described_problem.hint,
            )
        )
    return problems


# --------------------------------------------------------------------------
# The catalogue


@dataclass(frozen=True)
class Catalogue:
    """Every product, validated as a whole: unique SKUs, bundles that resolve, no cycles.

    Built from ``Product`` s (``Catalogue(products)``) or plain records
    (``parse_catalogue``). Raises ``CatalogueInvalid`` listing every problem.
    Looking up is by SKU, ignoring case and spaces.
    """

    products: tuple[Product, ...]
    _index: dict[str, Product] = field(init=False, repr=False, compare=False)

    def __init__(self, products: Iterable[Product]) -> None:
        object.__setattr__(self, "products", tuple(products))
        index: dict[str, Product] = {}
        for product in self.products:
            index.setdefault(sku_key(product.sku), product)
        object.__setattr__(self, "_index", index)
        problems = _catalogue_problems(self)
        if problems:
            raise CatalogueInvalid(problems)

    def get(self, sku: str) -> Product | None:
        """The product with ``sku`` (any case, any spacing), or None."""
        return self._index.get(sku_key(sku))

    def __getitem__(self, sku: str) -> Product:
        product = self.get(sku)
        if product is None:
            raise UnknownSku("no product with this SKU in the catalogue", field="sku", value=sku)
        return product

    def __contains__(self, sku: object) -> bool:
        return isinstance(sku, str) and sku_key(sku) in self._index

    def __iter__(self) -> Iterator[Product]:
        return iter(self.products)

    def __len__(self) -> int:
        return len(self.products)

    def currencies(self) -> tuple[str, ...]:
        """Every currency any price of the catalogue is given in, sorted."""
        found: set[str] = set()
        for product in self.products:
            for prices in (
                product.list_price,
                product.ssp,
                product.ssp_range,
                product.tiers,
                product.minimum_commitment,
                product.day_rate,
            ):
                found.update(prices)
        return tuple(sorted(found))

    def records(self) -> list[dict[str, Any]]:
        """Every product as plain data, in catalogue order (what a file writer writes)."""
        return [product.record() for product in self.products]


def parse_catalogue(records: Iterable[Mapping[str, Any]], source: str | None = None) -> Catalogue:
    """Validate plain records (from a YAML or CSV file) into a Catalogue.

    Every problem of every record is collected before raising
    ``CatalogueInvalid``; each names the record (position and SKU), the
    field and the value.

    >>> parse_catalogue([{"sku": "X", "name": "X", "billing_model": "one_time",
    ...     "revenue_category": "other", "unit": "each", "gl_revenue": "4000",
    ...     "gl_deferred": "2000", "gl_unbilled": "1000", "tax_code": "STD",
    ...     "list_price": {"USD": "-5"}}])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    billops.domain.catalog.CatalogueInvalid: X: list_price.USD: must be greater than or equal...
    """
    products: list[Product] = []
    problems: list[CatalogueProblem] = []
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            problems.append(
                CatalogueProblem(
                    index, None, (), "a product must be a mapping of fields", type(record).__name__
                )
            )
            continue
        raw_sku = record.get("sku")
        sku = raw_sku.strip() if isinstance(raw_sku, str) and raw_sku.strip() else None
        try:
            products.append(Product.model_validate(dict(record)))
        except ValidationError as error:
            problems.extend(_record_problems(index, sku, error))
    if problems:
        raise CatalogueInvalid(problems, source=source)
    try:
        return Catalogue(products)
    except CatalogueInvalid as error:
        raise CatalogueInvalid(error.problems, source=source) from None


def _catalogue_problems(catalogue: Catalogue) -> list[CatalogueProblem]:
    problems: list[CatalogueProblem] = []
    first: dict[str, int] = {}
    for index, product in enumerate(catalogue.products):
        key = sku_key(product.sku)
        if key in first:
            problems.append(
                CatalogueProblem(
                    index,
                    product.sku,
                    ("sku",),
                    f"is already used by record {first[key] + 1}",
                    product.sku,
                    "SKUs are compared ignoring case and spaces; give each product its own",
                )
            )
        else:
            first[key] = index
    for index, product in enumerate(catalogue.products):
        for position, component in enumerate(product.components):
            if component.sku not in catalogue:
                problems.append(
                    CatalogueProblem(
                        index,
                        product.sku,
                        ("components", position, "sku"),
                        "names no product of the catalogue",
                        component.sku,
                    )
                )
    if problems:
        return problems  # cycles and SSPs need every component to exist
    for index, product in enumerate(catalogue.products):
        cycle = _cycle_through(catalogue, product)
        if cycle:
            problems.append(
                CatalogueProblem(
                    index,
                    product.sku,
                    ("components",),
                    "bundles contain each other in a cycle: " + " -> ".join(cycle),
                )
            )
    if problems:
        return problems
    for index, product in enumerate(catalogue.products):
        for currency in sorted(product.list_price) if product.is_bundle else ():
            try:
                _component_weights(catalogue, product, currency)
            except BundleError as error:
                problems.append(
                    CatalogueProblem(
                        index,
                        product.sku,
                        ("components",),
                        f"cannot split the {currency} list price by SSP: {error.message}",
                        error.value if isinstance(error.value, str) else None,
                        error.hint,
                    )
                )
    return problems


def _cycle_through(catalogue: Catalogue, start: Product) -> list[str] | None:
    """The SKUs of a cycle of bundles that leads back to ``start``, if any."""
    path: list[str] = [start.sku]

    def visit(product: Product) -> bool:
        for component in product.components:
            child = catalogue[component.sku]
            if sku_key(child.sku) == sku_key(start.sku):
                path.append(child.sku)
                return True
            if child.sku in path:
                continue  # another cycle, reported from its own start
            path.append(child.sku)
            if visit(child):
                return True
            path.pop()
        return False

    return path if visit(start) else None


# --------------------------------------------------------------------------
# Standalone selling prices and bundles


def standalone_price(catalogue: Catalogue, product: Product, currency: str) -> Decimal | None:
    """The SSP per unit of ``product`` in ``currency``, or None when it has none.

    The single SSP; else the midpoint of the SSP range; else, for a bundle,
    the SSPs of its components times their quantities. (A maintenance
    product priced as a percentage has an SSP only inside a bundle, next to
    the hardware it covers: see ``expand_bundle``.)

    >>> catalogue = parse_catalogue([{"sku": "A", "name": "A", "billing_model": "one_time",
    ...     "revenue_category": "x", "unit": "each", "gl_revenue": "4", "gl_deferred": "2",
    ...     "gl_unbilled": "1", "tax_code": "T",
    ...     "ssp_range": {"EUR": {"low": "100", "high": "151"}}}])
    >>> standalone_price(catalogue, catalogue["A"], "EUR")
    Decimal('125.5')
    """
    own = product.ssp_in(currency)
    if own is not None or not product.is_bundle:
        return own
    try:
        return sum((w for _, w in _component_weights(catalogue, product, currency)), Decimal(0))
    except BundleError:
        return None


def _component_weights(
    catalogue: Catalogue, bundle: Product, currency: str
) -> list[tuple[ComponentSpec, Decimal]]:
    """Each component of ``bundle`` with its SSP weight (unit SSP x quantity per bundle)."""
    weights: list[tuple[ComponentSpec, Decimal | None]] = []
    for component in bundle.components:
        product = catalogue[component.sku]
        unit_ssp = standalone_price(catalogue, product, currency)
        weights.append((component, None if unit_ssp is None else unit_ssp * component.quantity))
    resolved: list[tuple[ComponentSpec, Decimal]] = []
    for component, own in weights:
        weight = own
        if weight is None:
            weight = _percent_weight(catalogue, bundle, component, weights, currency)
        resolved.append((component, weight))
    if not any(weight for _, weight in resolved):
        raise BundleError(
            f"every component of bundle {bundle.sku} has an SSP of zero in {currency}",
            field="components",
            value=bundle.sku,
            hint="give at least one component a positive SSP",
        )
    return resolved


def _percent_weight(
    catalogue: Catalogue,
    bundle: Product,
    component: ComponentSpec,
    weights: Sequence[tuple[ComponentSpec, Decimal | None]],
    currency: str,
) -> Decimal:
    # Maintenance covers the kit's hardware: its SSP weight is ssp_percent of
    # the SSP of the bundle's components of the percent_of billing model.
    product = catalogue[component.sku]
    if product.ssp_percent is None or product.percent_of is None:
        raise BundleError(
            f"component {product.sku} of bundle {bundle.sku} has no SSP in {currency}",
            field="components",
            value=product.sku,
            hint=f"give {product.sku} an ssp or ssp_range in {currency}",
        )
    base = [
        weight
        for other, weight in weights
        if catalogue[other.sku].billing_model is product.percent_of and weight is not None
    ]
    if not base:
        raise BundleError(
            f"component {product.sku} of bundle {bundle.sku} is priced as "
            f"{product.ssp_percent} % of {product.percent_of.value}, but the bundle has no "
            f"{product.percent_of.value} component with an SSP in {currency}",
            field="components",
            value=product.sku,
            hint=f"give {product.sku} an ssp or ssp_range in {currency}",
        )
    return sum(base, Decimal(0)) * product.ssp_percent / 100


@dataclass(frozen=True, slots=True)
class BundleComponent:
    """One component of an expanded bundle and its share of the bundle's price.

    ``quantity`` is the component's quantity per bundle times the bundles
    sold; ``ssp_weight`` is the relative weight that decided ``amount``
    (unit SSP x quantity per bundle); ``parent_sku`` is the bundle that
    holds it directly (a nested bundle's components name the inner bundle).
    """

    sku: str
    product: Product
    quantity: Decimal
    amount: Money
    ssp_weight: Decimal
    parent_sku: str


def expand_bundle(
    catalogue: Catalogue, sku: str, quantity: Decimal, price: Money
) -> list[BundleComponent]:
    """The bundle ``sku`` sold ``quantity`` times for ``price`` (the line total), in components.

    ``price`` is split by relative SSP in ``price.currency`` with
    ``money.allocate`` (largest remainder), so the components' amounts sum to
    ``price`` exactly; a nested bundle's share is split again among its own
    components, and only leaf components are returned, in catalogue order.
    ``price`` is rounded to the currency's minor unit first.

    Raises ``UnknownSku`` for an unknown SKU, ``BundleError`` when the SKU is
    no bundle, the quantity is not positive, or a component has no SSP in
    the currency.

    >>> catalogue = parse_catalogue([
    ...     {"sku": s, "name": s, "billing_model": "one_time", "revenue_category": "x",
    ...      "unit": "each", "gl_revenue": "4", "gl_deferred": "2", "gl_unbilled": "1",
    ...      "tax_code": "T", "ssp": {"JPY": ssp}} for s, ssp in (("A", 1), ("B", 2))
    ... ] + [{"sku": "AB", "name": "A and B", "billing_model": "one_time",
    ...      "revenue_category": "x", "unit": "each", "gl_revenue": "4", "gl_deferred": "2",
    ...      "gl_unbilled": "1", "tax_code": "T",
    ...      "components": [{"sku": "A"}, {"sku": "B"}]}])
    >>> [str(c.amount) for c in expand_bundle(catalogue, "AB", Decimal(1), Money(100, "JPY"))]
    ['33 JPY', '67 JPY']
    """
    bundle = catalogue[sku]
    if not bundle.is_bundle:
        raise BundleError("is not a bundle: it has no components", field="sku", value=bundle.sku)
    if isinstance(quantity, bool) or not isinstance(quantity, Decimal | int) or quantity <= 0:
        raise BundleError(
            "the number of bundles sold must be greater than 0", field="quantity", value=quantity
        )
    currency_minor_units(price.currency)
    return _expand(catalogue, bundle, Decimal(quantity), price.round())


def _expand(
    catalogue: Catalogue, bundle: Product, quantity: Decimal, price: Money
) -> list[BundleComponent]:
    weights = _component_weights(catalogue, bundle, price.currency)
    shares = allocate(price, [weight for _, weight in weights])
    expanded: list[BundleComponent] = []
    for (component, weight), share in zip(weights, shares, strict=True):
        product = catalogue[component.sku]
        count = component.quantity * quantity
        if product.is_bundle:
            expanded.extend(_expand(catalogue, product, count, share))
        else:
            expanded.append(BundleComponent(product.sku, product, count, share, weight, bundle.sku))
    return expanded


# --------------------------------------------------------------------------
# Matching contract lines to products


class MatchMethod(StrEnum):
    """How a contract line was matched to a product (or why it was not)."""

    SKU = "sku"  # the line's SKU is in the catalogue
    DESCRIPTION = "description"  # the description clearly matches one product's name
    AMBIGUOUS = "ambiguous"  # several products match the description about equally
    NONE = "none"  # nothing matches well enough


@dataclass(frozen=True, slots=True)
class Candidate:
    """A product a description might mean, with its score (0-100)."""

    sku: str
    name: str
    score: int

    def __str__(self) -> str:
        return f"{self.sku} {self.name!r} (score {self.score})"


@dataclass(frozen=True, slots=True)
class LineMatch:
    """The outcome of matching one contract line; ``product`` is set only when matched.

    ``score`` is 100 for a SKU match, the description score otherwise (the
    best candidate's for ambiguous and unmatched lines); ``candidates`` are
    the best-scoring products, best first, for a person to choose from.
    ``stated_sku`` is the line's SKU when the catalogue does not hold it.
    """

    line_id: str
    method: MatchMethod
    product: Product | None
    score: int
    candidates: tuple[Candidate, ...] = ()
    stated_sku: str | None = None

    @property
    def matched(self) -> bool:
        """True when the line has a product (by SKU or a clear description match)."""
        return self.product is not None


def match_line(catalogue: Catalogue, line: ContractLine) -> LineMatch:
    """Find the product a contract line sells; never guess silently (see the module doc).

    The SKU first, ignoring case and spaces; else the description against
    product names. An unknown SKU falls back to the description, and the
    result keeps the SKU in ``stated_sku`` so that the caller can say so.
    """
    stated = line.sku
    if stated is not None:
        product = catalogue.get(stated)
        if product is not None:
            return LineMatch(line.line_id, MatchMethod.SKU, product, 100)
    candidates = _ranked(catalogue, line.description)
    unknown = stated  # not in the catalogue (or not given): kept for the caller to report
    best = candidates[0] if candidates else None
    exact = [p for p in catalogue if _normal(p.name) == _normal(line.description)]
    if len(exact) == 1:
        return LineMatch(line.line_id, MatchMethod.DESCRIPTION, exact[0], 100, candidates, unknown)
    if best is None or best.score < MATCH_SCORE:
        return LineMatch(
            line.line_id,
            MatchMethod.NONE,
            None,
            best.score if best else 0,
            tuple(c for c in candidates if c.score >= CANDIDATE_FLOOR),
            unknown,
        )
    runner_up = candidates[1].score if len(candidates) > 1 else 0
    if best.score - runner_up < MATCH_MARGIN:
        close = tuple(c for c in candidates if best.score - c.score < MATCH_MARGIN * 2)
        return LineMatch(line.line_id, MatchMethod.AMBIGUOUS, None, best.score, close, unknown)
    return LineMatch(
        line.line_id,
        MatchMethod.DESCRIPTION,
        catalogue[best.sku],
        best.score,
        candidates,
        unknown,
    )


def _normal(text: str) -> str:
    return " ".join(utils.default_process(text).split())


def _ranked(catalogue: Catalogue, description: str) -> tuple[Candidate, ...]:
    names = {product.sku: product.name for product in catalogue}
    if not names:
        return ()
    found = process.extract(
        description,
        names,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        limit=None,
    )
    ranked = [Candidate(sku, name, round(score)) for name, score, sku in found]
    # Ties in catalogue order, so the same inputs always list the same way.
    order = {product.sku: index for index, product in enumerate(catalogue)}
    ranked.sort(key=lambda c: (-c.score, order[c.sku]))
    return tuple(ranked[:MAX_CANDIDATES])
