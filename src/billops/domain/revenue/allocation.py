"""Allocation: sharing the transaction price among the obligations, by standalone selling price.

Step 4 of IFRS 15 / ASC 606. Each obligation gets the share of the
transaction price that reflects what we would sell it for on its own (its
standalone selling price, SSP), in this order:

1. **As incurred** (usage, time and materials, expenses): their variable
   consideration relates to them alone (IFRS 15.85): they get exactly what
   has been incurred.
2. **Variable consideration tied to obligations** (a bonus for finishing
   the implementation early) goes entirely to them (IFRS 15.85).
3. The rest (the *pool*) is shared among the other obligations:

   - one obligation takes all of it (no allocation is needed);
   - a **discount** goes entirely to some obligations when the IFRS 15.82
     criteria hold (``DiscountEvidence``): each good is regularly sold on
     its own, some of them are regularly sold together at a discount, and
     that discount is the contract's discount. The others take their SSP;
   - the **residual approach** (IFRS 15.79(c)): obligations whose SSP is
     highly variable or uncertain (the policy names their SKUs and the
     catalogue gives no single SSP) take what is left after the others
     take their SSP; the residual must be positive and, where the catalogue
     gives observed prices (an ``ssp_range``), lie within them;
   - otherwise **relative SSP**: in proportion to the SSPs (IFRS 15.76).

**The SSP** of an obligation comes from the catalogue, per unit and per
price period (a month, a year), times the quantity and the number of
periods in the service period: the product's ``ssp``; else the midpoint of
its ``ssp_range`` (or the contract's own price when it lies inside the
range, a policy); a maintenance product priced as ``ssp_percent`` of
hardware takes that percentage of the SSP of the hardware it covers (in its
bundle, else in the contract), per year. The SSP of an obligation is
rounded to the minor unit: it is shown, and the residual approach
subtracts it.

**Exact to the cent.** Every split is ``money.allocate`` (largest
remainder), so the allocations always sum to the transaction price.

IFRS 15 Illustrative Example 34, case A: products A, B and C with SSPs
40, 55 and 45 are sold together for 100; B and C are regularly sold together
for 60, A alone for 40, so the whole discount of 40 belongs to B and C:

    >>> from billops.domain.revenue.obligations import manual_obligation
    >>> a, b, c = (manual_obligation(x, "C-34", "USD") for x in "ABC")
    >>> ssps = [standalone(x, amount) for x, amount in (("A", "40"), ("B", "55"), ("C", "45"))]
    >>> evidence = DiscountEvidence(("B", "C"), Money("60.00", "USD"))
    >>> result = allocate_transaction_price(
    ...     [a, b, c], Money("100.00", "USD"), ssps, discount_evidence=[evidence])
    >>> [(line.obligation_id, str(line.allocated)) for line in result.lines]
    [('A', '40.00 USD'), ('B', '33.00 USD'), ('C', '27.00 USD')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from billops.domain.calendar import Period, add_months
from billops.domain.catalog import Catalogue, PricePeriod, Product
from billops.domain.contract import BillingModel
from billops.domain.money import Money, allocate, sum_money
from billops.domain.revenue._format import (
    amount_text,
    fraction_text,
    money_text,
    number_text,
    percent_text,
)
from billops.domain.revenue.obligations import Obligation
from billops.domain.revenue.policy import RevenuePolicy
from billops.domain.revenue.price import TransactionPrice, VariableEstimate
from billops.errors import IntegrityProblem, InvalidInput

__all__ = [
    "Allocation",
    "AllocationLine",
    "AllocationMethod",
    "DiscountEvidence",
    "StandalonePrice",
    "allocate_transaction_price",
    "periods_in",
    "standalone",
    "standalone_selling_prices",
]

_ONE_DAY = timedelta(days=1)


class AllocationMethod(StrEnum):
    """How an obligation's share of the pool was decided."""

    SOLE = "sole"  # the only obligation of the pool
    RELATIVE_SSP = "relative_ssp"  # IFRS 15.76
    STANDALONE = "standalone"  # takes its SSP: the discount belongs elsewhere, or a residual
    DISCOUNT = "discount"  # carries the discount (IFRS 15.82)
    RESIDUAL = "residual"  # IFRS 15.79(c)
    AS_INCURRED = "as_incurred"  # IFRS 15.85 and B16
    VARIABLE_ONLY = "variable_only"  # only variable consideration tied to it (IFRS 15.85)
    MODIFIED = "modified"  # set by a contract modification (IFRS 15.20-21): see its explanation


@dataclass(frozen=True, slots=True)
class StandalonePrice:
    """The SSP of one obligation, how it was found, and whether it takes the residual.

    ``amount`` is None when there is none: a residual candidate, an
    as-incurred obligation (it needs none) or a product the catalogue gives
    no SSP (an error only if the allocation needs it). ``observed_low`` and
    ``observed_high`` bound a residual candidate's result where known.
    """

    obligation_id: str
    amount: Money | None
    basis: str
    residual: bool = False
    observed_low: Money | None = None
    observed_high: Money | None = None


def standalone(obligation_id: str, amount: str | Decimal, currency: str = "USD") -> StandalonePrice:
    """A plain SSP given directly (tests, examples, an analyst's override)."""
    money = Money(amount, currency).round()
    return StandalonePrice(obligation_id, money, f"SSP {money_text(money)} as given")


@dataclass(frozen=True, slots=True)
class DiscountEvidence:
    """Observable evidence that a contract's whole discount belongs to some obligations.

    IFRS 15.82: (a) every distinct good or service of the contract is
    regularly sold on its own (``sold_separately``); (b) the goods named in
    ``obligation_ids`` are regularly sold together at a discount
    (``sold_as_bundle``) for ``bundle_price``; and (c) that discount (their
    SSPs minus ``bundle_price``) is substantially the contract's discount:
    equal within ``tolerance`` (zero by default).
    """

    obligation_ids: tuple[str, ...]
    bundle_price: Money
    sold_separately: bool = True
    sold_as_bundle: bool = True
    tolerance: Money | None = None


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """One obligation's allocated price, with the SSP, ratio and arithmetic that decided it.

    ``ratio`` is the obligation's share of what it was split from (the pool,
    the discount group, the residual), None when it took a fixed amount.
    ``variable_share`` is the part that came from variable consideration
    tied to it (IFRS 15.85), included in ``allocated``.
    """

    obligation_id: str
    ssp: Money | None
    ssp_basis: str
    method: AllocationMethod
    ratio: Fraction | None
    allocated: Money
    variable_share: Money
    explanation: str

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data; the ratio as an exact fraction and a percentage."""
        return {
            "obligation_id": self.obligation_id,
            "ssp": None if self.ssp is None else self.ssp.to_dict(),
            "ssp_basis": self.ssp_basis,
            "method": self.method.value,
            "ratio": None if self.ratio is None else fraction_text(self.ratio),
            "ratio_percent": None if self.ratio is None else percent_text(self.ratio),
            "allocated": self.allocated.to_dict(),
            "variable_share": self.variable_share.to_dict(),
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class Allocation:
    """The transaction price of one contract allocated to its obligations.

    Construction checks the invariant: the allocations sum exactly to the
    transaction price (``IntegrityProblem`` otherwise).
    """

    contract_id: str
    currency: str
    transaction_price: Money
    lines: tuple[AllocationLine, ...]
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        total = sum_money((line.allocated for line in self.lines), self.currency)
        if total != self.transaction_price:
            raise IntegrityProblem(
                f"allocations sum to {total}, not the transaction price {self.transaction_price}",
                field="allocation",
                value=self.contract_id,
            )

    def allocated_to(self, obligation_id: str) -> Money:
        """The price allocated to one obligation (zero for one it does not know)."""
        for line in self.lines:
            if line.obligation_id == obligation_id:
                return line.allocated
        return Money.zero(self.currency)

    def line(self, obligation_id: str) -> AllocationLine | None:
        return next((line for line in self.lines if line.obligation_id == obligation_id), None)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return {
            "transaction_price": self.transaction_price.to_dict(),
            "lines": [line.as_dict() for line in self.lines],
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------
# Standalone selling prices


def periods_in(period: Period | None, price_period: PricePeriod | None) -> Fraction:
    """How many price periods (months, quarters, years) ``period`` spans, exactly.

    Whole months are counted from the start date (Jan 15 - Feb 14 is one
    month); a remaining part counts its days over the days of the month it
    starts. No price period (a price per unit) or no service period is 1.

    >>> from datetime import date
    >>> year = Period(date(2026, 1, 1), date(2026, 12, 31))
    >>> periods_in(year, PricePeriod.MONTH), periods_in(year, PricePeriod.YEAR)
    (Fraction(12, 1), Fraction(1, 1))
    >>> periods_in(Period(date(2026, 1, 1), date(2026, 2, 14)), PricePeriod.MONTH)
    Fraction(3, 2)
    """
    if price_period is None or period is None:
        return Fraction(1)
    day_after = period.end + _ONE_DAY
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    while months > 0 and add_months(period.start, months) > day_after:
        months -= 1
    anchor = add_months(period.start, months)
    count = Fraction(months)
    if anchor < day_after:
        month_length = (add_months(period.start, months + 1) - anchor).days
        count += Fraction((day_after - anchor).days, month_length)
    per = {PricePeriod.MONTH: 1, PricePeriod.QUARTER: 3, PricePeriod.YEAR: 12}[price_period]
    return count / per


def standalone_selling_prices(
    obligations: Sequence[Obligation],
    catalogue: Catalogue,
    *,
    policy: RevenuePolicy | None = None,
) -> tuple[StandalonePrice, ...]:
    """The SSP of each obligation from the catalogue (see the module docstring). Pure."""
    policy = policy or RevenuePolicy()
    first: dict[str, StandalonePrice] = {}
    for obligation in obligations:
        first[obligation.obligation_id] = _own_ssp(obligation, catalogue, policy)
    result: list[StandalonePrice] = []
    for obligation in obligations:
        ssp = first[obligation.obligation_id]
        product = catalogue[obligation.sku]
        if (
            ssp.amount is None
            and not ssp.residual
            and not obligation.variable_only
            and product.ssp_percent is not None
            and product.percent_of is not None
        ):
            ssp = _percent_ssp(obligation, product, obligations, first, policy)
        result.append(ssp)
    return tuple(result)


def _own_ssp(
    obligation: Obligation, catalogue: Catalogue, policy: RevenuePolicy
) -> StandalonePrice:
    oid, currency = obligation.obligation_id, obligation.currency
    if obligation.variable_only:
        return StandalonePrice(
            oid, None, "not needed: its variable consideration is allocated to it (IFRS 15.85)"
        )
    product = catalogue[obligation.sku]
    periods = periods_in(obligation.service_period, product.price_period)
    per = _per_text(obligation, product, periods)
    if policy.is_residual(product.sku) and currency not in product.ssp:
        low = high = None
        observed = ""
        if currency in product.ssp_range:
            span = product.ssp_range[currency]
            low = _total(span.low, obligation.quantity, periods, currency, policy)
            high = _total(span.high, obligation.quantity, periods, currency, policy)
            observed = f"; observed prices {amount_text(low)}..{amount_text(high)}"
        return StandalonePrice(
            oid,
            None,
            f"highly variable or uncertain: residual candidate (IFRS 15.79(c)){observed}",
            residual=True,
            observed_low=low,
            observed_high=high,
        )
    if currency in product.ssp:
        unit = product.ssp[currency]
        amount = _total(unit, obligation.quantity, periods, currency, policy)
        return StandalonePrice(oid, amount, f"catalogue SSP {number_text(unit)}{per}")
    if currency in product.ssp_range:
        span = product.ssp_range[currency]
        low = _total(span.low, obligation.quantity, periods, currency, policy)
        high = _total(span.high, obligation.quantity, periods, currency, policy)
        stated = obligation.stated_price
        if policy.contract_price_in_range and stated is not None and low <= stated <= high:
            return StandalonePrice(
                oid,
                stated,
                f"contract price {amount_text(stated)} lies inside the SSP range "
                f"{amount_text(low)}..{amount_text(high)} "
                f"({number_text(span.low)}..{number_text(span.high)}{per}): used as is",
            )
        amount = _total(span.midpoint, obligation.quantity, periods, currency, policy)
        return StandalonePrice(
            oid,
            amount,
            f"midpoint {number_text(span.midpoint)} of the SSP range "
            f"{number_text(span.low)}..{number_text(span.high)}{per}",
        )
    return StandalonePrice(oid, None, f"the catalogue gives {product.sku} no SSP in {currency}")


def _per_text(obligation: Obligation, product: Product, periods: Fraction) -> str:
    text = f" per {product.unit}"
    if product.price_period is not None:
        text += f" per {product.price_period.value}"
    text += f" x {number_text(obligation.quantity)} {product.unit}"
    if product.price_period is not None:
        text += f" x {fraction_text(periods)} {product.price_period.value}s"
    return text


def _total(
    unit: Decimal, quantity: Decimal, periods: Fraction, currency: str, policy: RevenuePolicy
) -> Money:
    exact = unit * quantity * periods.numerator / periods.denominator
    return Money(exact, currency).round(policy.rounding)


def _percent_ssp(
    obligation: Obligation,
    product: Product,
    obligations: Sequence[Obligation],
    first: Mapping[str, StandalonePrice],
    policy: RevenuePolicy,
) -> StandalonePrice:
    assert product.ssp_percent is not None and product.percent_of is not None
    model: BillingModel = product.percent_of
    covered = [
        o
        for o in obligations
        if o.billing_model is model
        and (obligation.bundle_parent is None or o.bundle_parent == obligation.bundle_parent)
    ]
    bases = [first[o.obligation_id].amount for o in covered]
    known = [b for b in bases if b is not None]
    if not known:
        return StandalonePrice(
            obligation.obligation_id,
            None,
            f"priced as {number_text(product.ssp_percent)} % of {model.value}, but no "
            f"{model.value} obligation with an SSP is there to cover",
        )
    base = sum_money(known, obligation.currency)
    years = (
        periods_in(obligation.service_period, PricePeriod.YEAR)
        if product.price_period is PricePeriod.YEAR
        else Fraction(1)
    )
    exact = base.amount * product.ssp_percent / 100 * years.numerator / years.denominator
    amount = Money(exact, obligation.currency).round(policy.rounding)
    names = ", ".join(o.obligation_id for o in covered)
    return StandalonePrice(
        obligation.obligation_id,
        amount,
        f"{number_text(product.ssp_percent)} % of the SSP {amount_text(base)} of the "
        f"{model.value} it covers ({names}) x {fraction_text(years)} years",
    )


# --------------------------------------------------------------------------
# Allocation


def allocate_transaction_price(
    obligations: Sequence[Obligation],
    price: TransactionPrice | Money,
    ssps: Sequence[StandalonePrice],
    *,
    discount_evidence: Sequence[DiscountEvidence] = (),
    policy: RevenuePolicy | None = None,
) -> Allocation:
    """Allocate ``price`` to ``obligations`` (see the module docstring). Pure.

    ``price`` is a ``TransactionPrice`` (its incurred amounts and variable
    estimates are allocated as the standard says) or, for a contract with
    nothing variable, a plain ``Money``. Raises ``InvalidInput`` for a
    negative price, an obligation that needs an SSP and has none, a
    residual that is not positive or falls outside the observed prices.
    """
    del policy  # the SSPs carry the policy's effect; kept for a uniform signature
    if not obligations:
        raise InvalidInput("the contract has no performance obligations", field="obligations")
    currency = obligations[0].currency
    variable: tuple[VariableEstimate, ...] = ()
    if isinstance(price, Money):
        total, incurred = price.round(), _no_incurred(obligations, currency)
    else:
        total, variable = price.total, price.variable
        incurred = {o.obligation_id: price.incurred_for(o.obligation_id) for o in obligations}
    if total.currency != currency:
        raise InvalidInput(
            f"the transaction price is in {total.currency}, the contract in {currency}",
            field="transaction_price",
            value=str(total),
        )
    if total.amount < 0:
        raise InvalidInput(
            "the transaction price must not be negative",
            field="transaction_price",
            value=str(total),
            hint="check the discounts and variable consideration",
        )
    by_id = {s.obligation_id: s for s in ssps}
    missing_ssp = [o.obligation_id for o in obligations if o.obligation_id not in by_id]
    if missing_ssp:
        raise InvalidInput(
            "no standalone selling price was determined for the obligation",
            field=f"obligations[{missing_ssp[0]}].ssp",
            value=missing_ssp[0],
        )
    builder = _Allocator(obligations, by_id, currency)
    for obligation in obligations:
        if obligation.variable_only:
            builder.as_incurred(obligation, incurred[obligation.obligation_id])
    pool = total - sum_money(incurred.values(), currency)
    for estimate in variable:
        if estimate.obligation_ids:
            builder.tied_variable(estimate)
            pool = pool - estimate.included
    builder.share_pool(pool, discount_evidence)
    return builder.result(total)


def _no_incurred(obligations: Sequence[Obligation], currency: str) -> dict[str, Money]:
    return {o.obligation_id: Money.zero(currency) for o in obligations}


def _split(money: Money, weights: Sequence[Money]) -> list[Money]:
    """``money`` by ``weights`` (largest remainder); equally when every weight is zero."""
    units = [w.to_minor_units() for w in weights]
    if not any(units):
        units = [1] * len(weights)
    return allocate(money, units)


class _Allocator:
    """Collects each obligation's parts and explanations while the steps run."""

    def __init__(
        self,
        obligations: Sequence[Obligation],
        ssps: Mapping[str, StandalonePrice],
        currency: str,
    ) -> None:
        self.obligations = list(obligations)
        self.ssps = ssps
        self.currency = currency
        self.zero = Money.zero(currency)
        self.pool_share: dict[str, Money] = {}
        self.variable: dict[str, Money] = {}
        self.methods: dict[str, AllocationMethod] = {}
        self.ratios: dict[str, Fraction | None] = {}
        self.texts: dict[str, list[str]] = {o.obligation_id: [] for o in obligations}
        self.notes: list[str] = []

    # steps

    def as_incurred(self, obligation: Obligation, amount: Money) -> None:
        oid = obligation.obligation_id
        self.pool_share[oid] = amount
        self.methods[oid] = AllocationMethod.AS_INCURRED
        self.ratios[oid] = None
        self.texts[oid].append(
            f"variable consideration allocated entirely to it (IFRS 15.85): "
            f"{money_text(amount)} incurred to date"
        )

    def tied_variable(self, estimate: VariableEstimate) -> None:
        ids = list(estimate.obligation_ids)
        weights = [self.ssps[i].amount or self.zero for i in ids]
        shares = _split(estimate.included, weights)
        for oid, share in zip(ids, shares, strict=True):
            self.variable[oid] = self.variable.get(oid, self.zero) + share
            split = f" (its SSP share of {amount_text(estimate.included)})" if len(ids) > 1 else ""
            self.texts[oid].append(
                f"plus {money_text(share)}{split} of {estimate.consideration.description!r}, "
                "variable consideration that relates to it alone (IFRS 15.85)"
            )

    def share_pool(self, pool: Money, evidence: Sequence[DiscountEvidence]) -> None:
        # An obligation with no fixed price whose consideration is all variable
        # and tied to it (a royalty on a licence) keeps out of the fixed pool.
        members = [
            o
            for o in self.obligations
            if not o.variable_only
            and not (o.stated_price is None and o.obligation_id in self.variable)
        ]
        if pool.amount < 0:
            raise InvalidInput(
                "the price left for the fixed obligations is negative once usage and variable "
                "consideration tied to obligations are taken out",
                field="transaction_price",
                value=str(pool),
            )
        if not members:
            if not pool.is_zero():
                raise InvalidInput(
                    "the contract has consideration to allocate but no obligation with a fixed "
                    "price to take it",
                    field="transaction_price",
                    value=str(pool),
                )
            return
        if len(members) == 1:
            only = members[0].obligation_id
            self._give(only, pool, AllocationMethod.SOLE, None)
            self.texts[only].insert(
                0,
                f"the only obligation with a fixed price: takes {money_text(pool)} "
                "(no allocation needed)",
            )
            return
        residuals = [o for o in members if self.ssps[o.obligation_id].residual]
        priced = [o for o in members if not self.ssps[o.obligation_id].residual]
        for o in priced:
            if self.ssps[o.obligation_id].amount is None:
                raise InvalidInput(
                    f"obligation {o.obligation_id} ({o.sku}) has no standalone selling price, "
                    "and is not a residual candidate, so the price cannot be allocated",
                    field=f"obligations[{o.obligation_id}].ssp",
                    value=o.sku,
                    hint=f"give {o.sku} an ssp or ssp_range in {self.currency} in the "
                    "catalogue, or name it a residual candidate in the revenue policy",
                )
        group = self._discount_group(pool, priced, residuals, evidence)
        if group is not None:
            taken = self._discount_to_group(pool, priced, residuals, *group)
        elif residuals:
            taken = self._standalone(priced, "the residual approach values the others first")
        else:
            self._relative(pool, priced, "relative SSP (IFRS 15.76)")
            return
        if residuals:
            self._residual(pool - taken, residuals)

    # pool helpers

    def _give(
        self, oid: str, amount: Money, method: AllocationMethod, ratio: Fraction | None
    ) -> None:
        self.pool_share[oid] = amount
        self.methods[oid] = method
        self.ratios[oid] = ratio

    def _ssp(self, oid: str) -> Money:
        amount = self.ssps[oid].amount
        assert amount is not None
        return amount

    def _relative(
        self,
        amount: Money,
        members: Sequence[Obligation],
        why: str,
        method: AllocationMethod = AllocationMethod.RELATIVE_SSP,
    ) -> None:
        weights = [self._ssp(o.obligation_id) for o in members]
        total = sum_money(weights, self.currency)
        shares = _split(amount, weights)
        for o, weight, share in zip(members, weights, shares, strict=True):
            ratio = (
                Fraction(weight.to_minor_units(), total.to_minor_units())
                if not total.is_zero()
                else Fraction(1, len(members))
            )
            self._give(o.obligation_id, share, method, ratio)
            self.texts[o.obligation_id].insert(
                0,
                f"{why}: SSP {amount_text(weight)} / {amount_text(total)} = "
                f"{percent_text(ratio)} of {amount_text(amount)} = {money_text(share)}",
            )

    def _standalone(self, members: Sequence[Obligation], why: str) -> Money:
        taken = self.zero
        for o in members:
            ssp = self._ssp(o.obligation_id)
            self._give(o.obligation_id, ssp, AllocationMethod.STANDALONE, None)
            self.texts[o.obligation_id].insert(0, f"takes its SSP {money_text(ssp)}: {why}")
            taken = taken + ssp
        return taken

    def _discount_group(
        self,
        pool: Money,
        priced: Sequence[Obligation],
        residuals: Sequence[Obligation],
        evidence: Sequence[DiscountEvidence],
    ) -> tuple[list[Obligation], DiscountEvidence] | None:
        by_id = {o.obligation_id: o for o in priced}
        for item in evidence:
            unknown = [i for i in item.obligation_ids if i not in by_id]
            if unknown or not item.obligation_ids:
                raise InvalidInput(
                    "discount evidence names an obligation that is not priced by SSP in this "
                    "contract",
                    field="discount_evidence.obligation_ids",
                    value=(unknown or ["(none)"])[0],
                    hint="known: " + ", ".join(sorted(by_id)),
                )
            names = ", ".join(item.obligation_ids)
            group = [by_id[i] for i in item.obligation_ids]
            if len(group) == len(priced) and not residuals:
                self.notes.append(
                    f"discount evidence for {names} covers every obligation: the discount is "
                    "shared by relative SSP anyway"
                )
                continue
            if not item.sold_separately:
                self.notes.append(
                    f"discount not allocated to {names} alone: the goods are not all regularly "
                    "sold on their own (IFRS 15.82(a))"
                )
                continue
            if not item.sold_as_bundle:
                self.notes.append(
                    f"discount not allocated to {names} alone: they are not regularly sold "
                    "together at a discount (IFRS 15.82(b))"
                )
                continue
            group_ssp = sum_money((self._ssp(o.obligation_id) for o in group), self.currency)
            bundle_discount = group_ssp - item.bundle_price
            if residuals:
                self.notes.append(
                    f"the discount of {amount_text(bundle_discount)} observed when {names} are "
                    f"sold together for {amount_text(item.bundle_price)} is allocated to them "
                    "before the residual approach (IFRS 15.82-83)"
                )
                return group, item
            all_ssp = sum_money((self._ssp(o.obligation_id) for o in priced), self.currency)
            contract_discount = all_ssp - pool
            tolerance = item.tolerance or self.zero
            if contract_discount.amount <= 0:
                self.notes.append(
                    f"no discount to allocate: the SSPs {amount_text(all_ssp)} do not exceed the "
                    f"price {amount_text(pool)}"
                )
                continue
            if abs(contract_discount - bundle_discount) > tolerance:
                self.notes.append(
                    f"discount not allocated to {names} alone: their observed bundle discount "
                    f"{amount_text(bundle_discount)} is not the contract's discount "
                    f"{amount_text(contract_discount)} (IFRS 15.82(c))"
                )
                continue
            self.notes.append(
                f"the contract's discount {amount_text(contract_discount)} (SSPs "
                f"{amount_text(all_ssp)} - price {amount_text(pool)}) equals the discount "
                f"observed when {names} are sold together for {amount_text(item.bundle_price)}: "
                "allocated entirely to them (IFRS 15.82)"
            )
            return group, item
        return None

    def _discount_to_group(
        self,
        pool: Money,
        priced: Sequence[Obligation],
        residuals: Sequence[Obligation],
        group: Sequence[Obligation],
        evidence: DiscountEvidence,
    ) -> Money:
        in_group = {o.obligation_id for o in group}
        outside = [o for o in priced if o.obligation_id not in in_group]
        names = ", ".join(sorted(in_group))
        taken = self._standalone(outside, f"the discount belongs to {names} (IFRS 15.82)")
        group_price = evidence.bundle_price if residuals else pool - taken
        if group_price.amount < 0:
            raise InvalidInput(
                f"the others' SSPs exceed the price, leaving {group_price} for {names}",
                field="discount_evidence",
                value=names,
            )
        self._relative(
            group_price,
            group,
            f"the discount belongs to {names} (IFRS 15.82)",
            AllocationMethod.DISCOUNT,
        )
        return taken + group_price

    def _residual(self, residual: Money, members: Sequence[Obligation]) -> None:
        names = ", ".join(o.obligation_id for o in members)
        if residual.amount <= 0:
            raise InvalidInput(
                f"the residual approach leaves {residual} for {names}: a distinct good has "
                "value, so the approach does not apply (IFRS 15.79(c))",
                field=f"obligations[{members[0].obligation_id}].ssp",
                value=members[0].sku,
                hint="give it an SSP estimate in the catalogue, or remove it from the residual "
                "candidates",
            )
        lows = [self.ssps[o.obligation_id].observed_low for o in members]
        highs = [self.ssps[o.obligation_id].observed_high for o in members]
        within = ""
        if all(x is not None for x in lows + highs):
            low = sum_money((x for x in lows if x is not None), self.currency)
            high = sum_money((x for x in highs if x is not None), self.currency)
            if not low <= residual <= high:
                raise InvalidInput(
                    f"the residual approach would allocate {residual} to {names}, outside the "
                    f"observed selling prices {amount_text(low)}..{amount_text(high)}, so it "
                    "does not depict its standalone selling price (IFRS 15.79(c))",
                    field=f"obligations[{members[0].obligation_id}].ssp",
                    value=str(residual),
                    hint="estimate an SSP (e.g. expected cost plus margin) and give it in the "
                    "catalogue",
                )
            within = f", within the observed prices {amount_text(low)}..{amount_text(high)}"
        weights = [o.stated_price or self.zero for o in members]
        shares = _split(residual, weights)
        for o, share in zip(members, shares, strict=True):
            ratio = Fraction(share.to_minor_units(), residual.to_minor_units())
            self._give(o.obligation_id, share, AllocationMethod.RESIDUAL, ratio)
            split = f", its share {money_text(share)}" if len(members) > 1 else ""
            self.texts[o.obligation_id].insert(
                0,
                f"residual approach (IFRS 15.79(c)): what the others leave, "
                f"{money_text(residual)}{within}{split}",
            )

    # result

    def result(self, total: Money) -> Allocation:
        lines: list[AllocationLine] = []
        for o in self.obligations:
            oid = o.obligation_id
            variable = self.variable.get(oid, self.zero)
            base = self.pool_share.get(oid, self.zero)
            method = self.methods.get(oid, AllocationMethod.VARIABLE_ONLY)
            ssp = self.ssps[oid]
            lines.append(
                AllocationLine(
                    obligation_id=oid,
                    ssp=ssp.amount,
                    ssp_basis=ssp.basis,
                    method=method,
                    ratio=self.ratios.get(oid),
                    allocated=base + variable,
                    variable_share=variable,
                    explanation="; ".join(self.texts[oid]) or "nothing allocated",
                )
            )
        return Allocation(
            contract_id=self.obligations[0].contract_id,
            currency=self.currency,
            transaction_price=total,
            lines=tuple(lines),
            notes=tuple(self.notes),
        )
