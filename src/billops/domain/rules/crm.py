"""CRM cross-check: does the signed contract say what Sales booked?

Every signed Order Form or SOW should have one Closed Won opportunity in the
CRM that books the same deal: the same account, currency and amount, the
same products in the same quantities, closed on or before the day the
customer signed. When they disagree, the bookings report and the invoices
will disagree too, so each difference is a finding for Sales operations
(route ``sales_ops``), who own the CRM record.

The opportunity is found beforehand by
``billops.domain.crm_matching.match_opportunity`` and handed to the rules
in ``RuleContext.opportunity`` (or, when matching was ambiguous, the
contenders in ``RuleContext.opportunity_candidates``). The rules comparing
values only run when there is a match; ``CRM-NO-MATCH`` and
``CRM-AMBIGUOUS`` say when there is none.

=================  ========  ==================================================
rule               severity  raised when
=================  ========  ==================================================
CRM-NO-MATCH       warning   no Closed Won opportunity fits the contract
CRM-AMBIGUOUS      warning   several opportunities fit and none can be chosen
CRM-ACCOUNT        error     the opportunity's account is another customer
                             (customer code or tax id differs, or the names
                             are not alike)
CRM-CURRENCY       error     opportunity currency differs from the contract's
CRM-AMOUNT         error     opportunity amount differs from the total
                             contract value (after rounding to the currency)
CRM-PRODUCTS       error     a priced contract SKU is not on the opportunity,
                             or the opportunity has a product not on the
                             contract
CRM-QUANTITY       error     a product's quantity differs, per SKU
CRM-CLOSE-DATE     warning   the opportunity closed after the signature date
=================  ========  ==================================================

Quantities are compared per SKU, summed over the contract's lines (a ramped
line counts each step's quantity, as CPQ books one product per step) and
over the opportunity's products. A product booked as a lump sum (quantity 1
at the line's whole amount, as T&M and usage commitments are) is not a
quantity difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Final

from billops.domain.contract import ContractLine, ContractTerms, Provenance
from billops.domain.crm import Opportunity
from billops.domain.crm_matching import (
    NAME_THRESHOLD,
    compact_tax_id,
    contract_value,
    name_similarity,
)
from billops.domain.findings import Finding, Route, Severity
from billops.domain.money import currency_minor_units
from billops.domain.rules.registry import RuleContext, rule

__all__ = [
    "account_matches",
    "ambiguous_match",
    "amount_matches",
    "close_date_not_after_signature",
    "currency_matches",
    "no_matching_opportunity",
    "products_match",
    "quantities_match",
]

ROUTE: Final = Route.SALES_OPS


def _sources(terms: ContractTerms, paths: Iterable[str]) -> tuple[Provenance, ...]:
    return tuple(terms.provenance[path] for path in paths if path in terms.provenance)


def _finding(
    ctx: RuleContext,
    rule_id: str,
    severity: Severity,
    message: str,
    fields: Sequence[str],
    values: dict[str, str],
    hint: str,
) -> Finding:
    opportunity = ctx.opportunity
    if opportunity is not None:
        values = {"opportunity_id": opportunity.opportunity_id, **values}
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message,
        fields=tuple(fields),
        values=values,
        sources=_sources(ctx.terms, fields),
        hint=hint,
        route=ROUTE.value,
    )


def _opportunity_label(opportunity: Opportunity) -> str:
    return f"opportunity {opportunity.opportunity_id} ({opportunity.name})"


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,} {currency}"


@rule(
    "CRM-NO-MATCH",
    title="A Closed Won opportunity books the contract",
    severity=Severity.WARNING,
    route=ROUTE,
)
def no_matching_opportunity(ctx: RuleContext) -> Iterator[Finding]:
    """No Closed Won opportunity names the contract or fits its customer, currency and amount."""
    if ctx.opportunity is not None or ctx.opportunity_candidates:
        return
    terms = ctx.terms
    yield _finding(
        ctx,
        "CRM-NO-MATCH",
        Severity.WARNING,
        f"no Closed Won opportunity found for contract {terms.contract_id} "
        f"(customer {terms.customer.name!r}, {terms.currency})",
        ("contract_id",),
        {"contract_id": terms.contract_id, "customer": terms.customer.name},
        "book the deal in the CRM as Closed Won with the contract number in its "
        "contract reference field, or import the CRM export that holds it",
    )


@rule(
    "CRM-AMBIGUOUS",
    title="Exactly one opportunity fits the contract",
    severity=Severity.WARNING,
    route=ROUTE,
)
def ambiguous_match(ctx: RuleContext) -> Iterator[Finding]:
    """Several opportunities fit the contract about equally well; billops does not guess."""
    if ctx.opportunity is not None or not ctx.opportunity_candidates:
        return
    listed = "; ".join(
        f"{o.opportunity_id} {o.name!r} "
        f"({'no amount' if o.amount is None else _money(o.amount, o.currency)})"
        for o in ctx.opportunity_candidates
    )
    yield _finding(
        ctx,
        "CRM-AMBIGUOUS",
        Severity.WARNING,
        f"{len(ctx.opportunity_candidates)} opportunities could book contract "
        f"{ctx.terms.contract_id}: {listed}",
        ("contract_id",),
        {
            "contract_id": ctx.terms.contract_id,
            "candidates": ", ".join(o.opportunity_id for o in ctx.opportunity_candidates),
        },
        "put the contract number in the contract reference field of the right opportunity",
    )


def _customer_tax_ids(ctx: RuleContext) -> list[tuple[str, str]]:
    """(field path, value) of every tax id we know for the customer: the contract's first."""
    ids = [
        (f"customer.tax_ids[{index}].value", tax_id.value)
        for index, tax_id in enumerate(ctx.terms.customer.tax_ids)
    ]
    if not ids and ctx.customer is not None:
        ids = [("customer.tax_ids", tax_id.value) for tax_id in ctx.customer.tax_ids]
    return ids


@rule(
    "CRM-ACCOUNT",
    title="The opportunity's account is the contract's customer",
    severity=Severity.ERROR,
    route=ROUTE,
)
def account_matches(ctx: RuleContext) -> Iterator[Finding]:
    """The account's customer code, tax id and name agree with the contract's customer."""
    opportunity = ctx.opportunity
    if opportunity is None:
        return
    customer = ctx.terms.customer
    label = _opportunity_label(opportunity)
    crm_code = (opportunity.customer_code or "").strip()
    if customer.code and crm_code and customer.code.casefold() != crm_code.casefold():
        yield _finding(
            ctx,
            "CRM-ACCOUNT",
            Severity.ERROR,
            f"contract customer code {customer.code} but the account of {label} "
            f"is linked to customer {crm_code}",
            ("customer.code",),
            {"contract": customer.code, "crm": crm_code},
            "correct the opportunity's account or the contract's customer",
        )
    tax_ids = _customer_tax_ids(ctx)
    if tax_ids and opportunity.account_tax_id:
        theirs = compact_tax_id(opportunity.account_tax_id)
        if all(compact_tax_id(value) != theirs for _, value in tax_ids):
            yield _finding(
                ctx,
                "CRM-ACCOUNT",
                Severity.ERROR,
                f"contract customer tax id {tax_ids[0][1]} but the account of {label} "
                f"has tax id {opportunity.account_tax_id}",
                (tax_ids[0][0],),
                {"contract": tax_ids[0][1], "crm": opportunity.account_tax_id},
                "check which legal entity of the customer signed, and correct the CRM "
                "account or the contract's customer",
            )
    similarity = name_similarity(customer.name, opportunity.account_name)
    if similarity < NAME_THRESHOLD:
        yield _finding(
            ctx,
            "CRM-ACCOUNT",
            Severity.ERROR,
            f"contract customer {customer.name!r} but {label} is on account "
            f"{opportunity.account_name!r} (names {similarity:.0f}% alike)",
            ("customer.name",),
            {
                "contract": customer.name,
                "crm": opportunity.account_name,
                "similarity": f"{similarity:.0f}",
            },
            "move the opportunity to the customer's account, or correct the contract's "
            "customer name",
        )


@rule(
    "CRM-CURRENCY",
    title="The opportunity's currency is the contract's",
    severity=Severity.ERROR,
    route=ROUTE,
)
def currency_matches(ctx: RuleContext) -> Iterator[Finding]:
    """The opportunity is booked in the contract currency."""
    opportunity = ctx.opportunity
    if opportunity is None or opportunity.currency == ctx.terms.currency:
        return
    yield _finding(
        ctx,
        "CRM-CURRENCY",
        Severity.ERROR,
        f"contract currency {ctx.terms.currency} but {_opportunity_label(opportunity)} "
        f"is booked in {opportunity.currency}",
        ("currency",),
        {"contract": ctx.terms.currency, "crm": opportunity.currency},
        "change the opportunity's currency to the signed currency (or correct the contract)",
    )


def _rounded(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-currency_minor_units(currency)))


@rule(
    "CRM-AMOUNT",
    title="The opportunity amount equals the total contract value",
    severity=Severity.ERROR,
    route=ROUTE,
)
def amount_matches(ctx: RuleContext) -> Iterator[Finding]:
    """Opportunity.Amount equals the total contract value (or the lines' sum without one)."""
    opportunity = ctx.opportunity
    terms = ctx.terms
    if opportunity is None or opportunity.currency != terms.currency:
        return  # across currencies CRM-CURRENCY speaks; amounts cannot be compared
    value = contract_value(terms)
    if value is None:
        return
    field = "total_contract_value" if terms.total_contract_value is not None else "lines"
    label = _opportunity_label(opportunity)
    if opportunity.amount is None:
        yield _finding(
            ctx,
            "CRM-AMOUNT",
            Severity.ERROR,
            f"contract value {_money(value, terms.currency)} but {label} has no amount",
            (field,),
            {"contract": str(value), "crm": ""},
            "enter the signed amount on the opportunity",
        )
        return
    contract, crm = _rounded(value, terms.currency), _rounded(opportunity.amount, terms.currency)
    if contract == crm:
        return
    yield _finding(
        ctx,
        "CRM-AMOUNT",
        Severity.ERROR,
        f"contract value {_money(contract, terms.currency)} but {label} says "
        f"{_money(crm, terms.currency)} (difference {_money(crm - contract, terms.currency)})",
        (field,),
        {"contract": str(contract), "crm": str(crm), "currency": terms.currency},
        "correct the opportunity amount to the signed value, or raise the difference "
        "with the deal desk if the contract is wrong",
    )


def _is_priced(line: ContractLine) -> bool:
    """A line Sales books as a product: it has an amount (or a price and a quantity) above 0."""
    if line.amount is not None:
        return line.amount > 0
    if line.ramp:
        return any((step.amount or 0) > 0 or (step.unit_price or 0) > 0 for step in line.ramp)
    return bool(line.unit_price and line.quantity)


def _lines_by_sku(terms: ContractTerms) -> dict[str, list[int]]:
    """Indexes of the priced lines per SKU, in contract order."""
    by_sku: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(terms.lines):
        if line.sku and _is_priced(line):
            by_sku[line.sku].append(index)
    return by_sku


def _crm_key(key: str) -> str:
    return key.strip().casefold()


@rule(
    "CRM-PRODUCTS",
    title="The opportunity books the contract's products",
    severity=Severity.ERROR,
    route=ROUTE,
)
def products_match(ctx: RuleContext) -> Iterator[Finding]:
    """Every priced SKU is on the opportunity, and every opportunity product is on the contract."""
    opportunity = ctx.opportunity
    if opportunity is None:
        return
    terms = ctx.terms
    label = _opportunity_label(opportunity)
    booked = {_crm_key(code) for code in opportunity.product_codes()}
    for sku, indexes in _lines_by_sku(terms).items():
        if _crm_key(sku) not in booked:
            first = indexes[0]
            yield _finding(
                ctx,
                "CRM-PRODUCTS",
                Severity.ERROR,
                f"contract line {terms.lines[first].line_id} sells {sku} but {label} "
                f"has no product {sku}",
                (f"lines[{first}].sku",),
                {"contract": sku, "crm": ", ".join(opportunity.product_codes())},
                "add the product to the opportunity, or correct the contract's SKU",
            )
    on_contract = {_crm_key(line.sku) for line in terms.lines if line.sku}
    extra = [code for code in opportunity.product_codes() if _crm_key(code) not in on_contract]
    if extra:
        yield _finding(
            ctx,
            "CRM-PRODUCTS",
            Severity.ERROR,
            f"{label} books {', '.join(extra)}, which contract {terms.contract_id} does not sell",
            ("lines",),
            {
                "contract": ", ".join(line.sku for line in terms.lines if line.sku),
                "crm": ", ".join(extra),
            },
            "remove the product from the opportunity, or check whether the contract "
            "is missing a line",
        )


def _contract_units(line: ContractLine) -> Decimal | None:
    """The quantity a line books: the sum of its ramp steps' quantities, else its quantity."""
    if line.ramp:
        quantities = [step.quantity or line.quantity for step in line.ramp]
        if any(quantity is None for quantity in quantities):
            return None
        return sum((q for q in quantities if q is not None), Decimal(0))
    return line.quantity


def _line_value(line: ContractLine) -> Decimal | None:
    if line.amount is not None:
        return line.amount
    if line.ramp and all(step.amount is not None for step in line.ramp):
        return sum((step.amount for step in line.ramp if step.amount is not None), Decimal(0))
    return None


@rule(
    "CRM-QUANTITY",
    title="Product quantities on the opportunity equal the contract's, per SKU",
    severity=Severity.ERROR,
    route=ROUTE,
)
def quantities_match(ctx: RuleContext) -> Iterator[Finding]:
    """Per SKU, the opportunity's product quantities add up to the contract lines' quantities."""
    opportunity = ctx.opportunity
    if opportunity is None:
        return
    terms = ctx.terms
    for sku, indexes in _lines_by_sku(terms).items():
        items = [
            item
            for item in opportunity.lines
            if item.product_key and _crm_key(item.product_key) == _crm_key(sku)
        ]
        if not items:
            continue  # CRM-PRODUCTS reports the missing product
        units = [_contract_units(terms.lines[i]) for i in indexes]
        if any(u is None for u in units):
            continue  # a usage line without a quantity: nothing to compare
        contract = sum((u for u in units if u is not None), Decimal(0))
        crm = sum((item.quantity for item in items), Decimal(0))
        if contract == crm:
            continue
        values = [_line_value(terms.lines[i]) for i in indexes]
        booked_total = sum((item.total_price for item in items), Decimal(0))
        lump_sum = all(item.quantity == 1 for item in items) and None not in values
        if lump_sum and sum((v for v in values if v is not None), Decimal(0)) == booked_total:
            continue  # booked at its whole amount, as T&M and usage commitments are
        line_ids = ", ".join(terms.lines[i].line_id for i in indexes)
        yield _finding(
            ctx,
            "CRM-QUANTITY",
            Severity.ERROR,
            f"{sku}: contract quantity {contract:,} (line {line_ids}) but "
            f"{_opportunity_label(opportunity)} books {crm:,}",
            tuple(f"lines[{i}].quantity" for i in indexes),
            {"sku": sku, "contract": str(contract), "crm": str(crm)},
            "correct the quantity on the opportunity to the signed quantity",
        )


@rule(
    "CRM-CLOSE-DATE",
    title="The opportunity closed on or before the signature date",
    severity=Severity.WARNING,
    route=ROUTE,
)
def close_date_not_after_signature(ctx: RuleContext) -> Iterator[Finding]:
    """A deal is won when the customer signs; a later close date books it in the wrong period."""
    opportunity = ctx.opportunity
    signed = ctx.terms.signature_date
    if opportunity is None or signed is None or opportunity.close_date is None:
        return
    if opportunity.close_date <= signed:
        return
    days = (opportunity.close_date - signed).days
    yield _finding(
        ctx,
        "CRM-CLOSE-DATE",
        Severity.WARNING,
        f"{_opportunity_label(opportunity)} closed {opportunity.close_date.isoformat()}, "
        f"{days} days after the contract was signed {signed.isoformat()}",
        ("signature_date",),
        {"contract": signed.isoformat(), "crm": opportunity.close_date.isoformat()},
        "set the opportunity's close date to the signature date so the booking lands "
        "in the right period",
    )
