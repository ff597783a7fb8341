"""The transaction price: the consideration we expect to be entitled to for the contract.

Step 3 of IFRS 15 / ASC 606. The transaction price of a contract is

    fixed consideration (the lines' amounts, net of their discounts)
  - contract-level discounts and credits
  + variable consideration, estimated and constrained
  + usage, time and materials and expenses incurred to date

**Variable consideration** (a performance bonus, a penalty, a rebate) is
estimated by one of two methods (IFRS 15.53), whichever better predicts
the amount:

- the *expected value*, the sum of probability-weighted amounts, when there
  are many similar contracts;
- the *most likely amount*, the single most likely outcome, when there are
  few outcomes (a bonus earned or not).

Then the **constraint** (IFRS 15.56): only the part of the estimate that is
highly probable not to reverse is included. Where the analyst states that
amount (``highly_probable_amount``), it is used; otherwise the engine takes
the largest possible outcome whose probability of being reached or
exceeded is at least the policy's threshold (75 % by default), and
includes the estimate up to it. The explanation always says which.

The example of the FASB/IASB Transition Resource Group (FASB Revenue Q&A,
question 40): a bonus of 0 (15 %), 50,000 (40 %) or 100,000 (45 %):

    >>> bonus = VariableConsideration(
    ...     "website completion bonus", EstimationMethod.EXPECTED_VALUE,
    ...     (Outcome(Money("0.00", "USD"), Decimal("0.15")),
    ...      Outcome(Money("50000.00", "USD"), Decimal("0.40")),
    ...      Outcome(Money("100000.00", "USD"), Decimal("0.45"))))
    >>> estimate = estimate_variable(bonus)
    >>> str(estimate.estimate), str(estimate.included)
    ('65000.00 USD', '50000.00 USD')

Usage and time and materials are variable consideration too, but they
relate entirely to their own obligation (IFRS 15.85) and are recognised as
the amount we have a right to invoice (IFRS 15.B16): their future amounts
are not estimated; what has been incurred is in the price.

**Changes of estimate** after inception are allocated on the same basis as
at inception (IFRS 15.88): compute the price again with the new estimate,
allocate it again, and give the recognition schedule both allocations with
the date of the change; the schedule books the difference for what is
already satisfied in the month of the change (cumulative catch-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billops.domain.money import Money, sum_money
from billops.domain.revenue._format import amount_text, money_text
from billops.domain.revenue.obligations import Obligation
from billops.domain.revenue.policy import RevenuePolicy
from billops.errors import InvalidInput

__all__ = [
    "Discount",
    "EstimationMethod",
    "IncurredAmount",
    "Outcome",
    "TransactionPrice",
    "VariableConsideration",
    "VariableEstimate",
    "determine_transaction_price",
    "estimate_variable",
]


class EstimationMethod(StrEnum):
    """How variable consideration is estimated (IFRS 15.53)."""

    EXPECTED_VALUE = "expected_value"
    MOST_LIKELY_AMOUNT = "most_likely_amount"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One possible amount of variable consideration and its probability (0..1)."""

    amount: Money
    probability: Decimal


@dataclass(frozen=True, slots=True)
class VariableConsideration:
    """An uncertain part of the price: a bonus, penalty, rebate, price concession.

    ``obligation_ids`` names the obligations it relates to entirely (IFRS
    15.85: its terms relate to our efforts on those obligations only); empty
    when it relates to the contract as a whole. ``highly_probable_amount`` is
    the analyst's judgement of the constraint, when made.
    """

    description: str
    method: EstimationMethod
    outcomes: tuple[Outcome, ...]
    obligation_ids: tuple[str, ...] = ()
    highly_probable_amount: Money | None = None


@dataclass(frozen=True, slots=True)
class VariableEstimate:
    """A variable consideration estimated and constrained, with the arithmetic in words."""

    consideration: VariableConsideration
    estimate: Money
    included: Money
    explanation: str

    @property
    def obligation_ids(self) -> tuple[str, ...]:
        return self.consideration.obligation_ids


@dataclass(frozen=True, slots=True)
class Discount:
    """A contract-level discount or credit not already netted in the lines' amounts."""

    description: str
    amount: Money


@dataclass(frozen=True, slots=True)
class IncurredAmount:
    """Usage, time or expenses delivered on ``on``: consideration we have a right to invoice.

    ``line_id`` names the contract (or order) line it belongs to; ``source``
    the schedule item or event it comes from, for the explanation.
    """

    line_id: str
    on: date
    amount: Money
    source: str = ""


@dataclass(frozen=True, slots=True)
class TransactionPrice:
    """The contract's transaction price and its parts (see the module docstring)."""

    contract_id: str
    currency: str
    fixed: Money
    discounts: tuple[Discount, ...]
    variable: tuple[VariableEstimate, ...]
    incurred: Money
    total: Money
    incurred_by_obligation: tuple[tuple[str, Money], ...] = ()

    def incurred_for(self, obligation_id: str) -> Money:
        """Usage, time or expenses incurred to date for one as-incurred obligation."""
        for owner, amount in self.incurred_by_obligation:
            if owner == obligation_id:
                return amount
        return Money.zero(self.currency)

    def explanation(self) -> str:
        """The sum in words: ``fixed 100.00 - discounts 0.00 + variable 0.00 + incurred 0.00``."""
        discounts = sum_money((d.amount for d in self.discounts), self.currency)
        variable = sum_money((v.included for v in self.variable), self.currency)
        return (
            f"fixed {amount_text(self.fixed)} - discounts {amount_text(discounts)} + variable "
            f"(constrained) {amount_text(variable)} + incurred {amount_text(self.incurred)} = "
            f"{money_text(self.total)}"
        )

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return {
            "currency": self.currency,
            "fixed": self.fixed.to_dict(),
            "discounts": [
                {"description": d.description, "amount": d.amount.to_dict()} for d in self.discounts
            ],
            "variable": [
                {
                    "description": v.consideration.description,
                    "method": v.consideration.method.value,
                    "estimate": v.estimate.to_dict(),
                    "included": v.included.to_dict(),
                    "obligation_ids": list(v.obligation_ids),
                    "explanation": v.explanation,
                }
                for v in self.variable
            ],
            "incurred": self.incurred.to_dict(),
            "total": self.total.to_dict(),
            "explanation": self.explanation(),
        }


def estimate_variable(
    consideration: VariableConsideration,
    *,
    policy: RevenuePolicy | None = None,
) -> VariableEstimate:
    """Estimate ``consideration`` by its method and apply the constraint (module docstring).

    Raises ``InvalidInput`` when there are no outcomes, a probability lies
    outside 0..1, the probabilities do not sum to exactly 1, or the
    outcomes mix currencies.
    """
    policy = policy or RevenuePolicy()
    outcomes = consideration.outcomes
    where = f"variable[{consideration.description}]"
    if not outcomes:
        raise InvalidInput("variable consideration needs at least one outcome", field=where)
    currency = outcomes[0].amount.currency
    for index, outcome in enumerate(outcomes):
        if outcome.amount.currency != currency:
            raise InvalidInput(
                "the outcomes of one variable consideration must share a currency",
                field=f"{where}.outcomes[{index}].amount",
                value=str(outcome.amount),
            )
        if not isinstance(outcome.probability, Decimal) or not (
            Decimal(0) <= outcome.probability <= Decimal(1)
        ):
            raise InvalidInput(
                "a probability is a Decimal from 0 to 1",
                field=f"{where}.outcomes[{index}].probability",
                value=str(outcome.probability),
            )
    total_probability = sum((o.probability for o in outcomes), Decimal(0))
    if total_probability != 1:
        raise InvalidInput(
            "the probabilities of the outcomes must add up to exactly 1",
            field=f"{where}.outcomes",
            value=str(total_probability),
        )
    if consideration.method is EstimationMethod.EXPECTED_VALUE:
        estimate = sum_money((o.amount * o.probability for o in outcomes), currency).round(
            policy.rounding
        )
        terms = " + ".join(f"{amount_text(o.amount)} x {_percent(o.probability)}" for o in outcomes)
        how = f"expected value {terms} = {money_text(estimate)}"
    else:
        # The single most likely outcome; of equally likely ones, the smaller (prudent).
        best = max(outcomes, key=lambda o: (o.probability, -o.amount.amount))
        estimate = best.amount.round(policy.rounding)
        how = (
            f"most likely amount {money_text(estimate)} (probability {_percent(best.probability)})"
        )
    included, why = _constrain(consideration, estimate, currency, policy)
    return VariableEstimate(consideration, estimate, included, f"{how}; {why}")


def _constrain(
    consideration: VariableConsideration,
    estimate: Money,
    currency: str,
    policy: RevenuePolicy,
) -> tuple[Money, str]:
    judged = consideration.highly_probable_amount
    if judged is not None:
        if judged.currency != currency:
            raise InvalidInput(
                "the highly probable amount must be in the outcomes' currency",
                field=f"variable[{consideration.description}].highly_probable_amount",
                value=str(judged),
            )
        cap = judged.round(policy.rounding)
        source = f"the amount judged highly probable not to reverse, {amount_text(cap)}"
    else:
        cap, reached = _highly_probable_outcome(consideration.outcomes, policy.highly_probable)
        source = (
            f"the largest outcome reached with at least {_percent(policy.highly_probable)} "
            f"probability, {amount_text(cap)} ({_percent(reached)})"
        )
    if estimate <= cap:
        return estimate, f"within the constraint ({source}): included in full"
    return cap, f"constrained (IFRS 15.56) to {source}"


def _highly_probable_outcome(
    outcomes: Sequence[Outcome], threshold: Decimal
) -> tuple[Money, Decimal]:
    """The largest outcome ``a`` with P(consideration >= a) >= threshold, and that probability."""
    ordered = sorted(outcomes, key=lambda o: o.amount.amount, reverse=True)
    reached = Decimal(0)
    for index, outcome in enumerate(ordered):
        reached += outcome.probability
        next_is_same = (
            index + 1 < len(ordered) and ordered[index + 1].amount.amount == outcome.amount.amount
        )
        if reached >= threshold and not next_is_same:
            return outcome.amount.round(), reached
    # The smallest outcome is always reached with probability 1.
    return ordered[-1].amount.round(), reached


def _percent(probability: Decimal) -> str:
    return f"{(probability * 100).normalize():f} %"


def determine_transaction_price(
    obligations: Sequence[Obligation],
    *,
    variable: Sequence[VariableConsideration] = (),
    discounts: Sequence[Discount] = (),
    incurred: Sequence[IncurredAmount] = (),
    policy: RevenuePolicy | None = None,
) -> TransactionPrice:
    """The transaction price of one contract's ``obligations``. Pure.

    Fixed consideration is the sum of the obligations' stated prices;
    ``incurred`` amounts count only when they belong to an as-incurred
    obligation of the contract. Raises ``InvalidInput`` for an empty
    contract, mixed currencies, variable consideration naming an unknown
    obligation, an incurred amount of no obligation, and a negative total.
    """
    policy = policy or RevenuePolicy()
    if not obligations:
        raise InvalidInput("the contract has no performance obligations", field="obligations")
    contract_id = obligations[0].contract_id
    currency = obligations[0].currency
    known = {o.obligation_id for o in obligations}
    fixed = sum_money((o.stated_price for o in obligations if o.stated_price), currency)
    estimates: list[VariableEstimate] = []
    for item in variable:
        unknown = [i for i in item.obligation_ids if i not in known]
        if unknown:
            raise InvalidInput(
                "variable consideration names an obligation the contract does not have",
                field=f"variable[{item.description}].obligation_ids",
                value=unknown[0],
                hint="known obligations: " + ", ".join(sorted(known)),
            )
        estimate = estimate_variable(item, policy=policy)
        _same_currency(estimate.included, currency, f"variable[{item.description}]")
        estimates.append(estimate)
    for discount in discounts:
        _same_currency(discount.amount, currency, f"discounts[{discount.description}]")
        if discount.amount.amount < 0:
            raise InvalidInput(
                "a discount is written as a positive amount to subtract",
                field=f"discounts[{discount.description}].amount",
                value=str(discount.amount),
            )
    incurred_total = Money.zero(currency)
    by_owner: dict[str, Money] = {}
    for amount in incurred:
        owner = _incurred_owner(obligations, amount)
        _same_currency(amount.amount, currency, f"incurred[{amount.source or amount.line_id}]")
        incurred_total = incurred_total + amount.amount
        by_owner[owner.obligation_id] = by_owner.get(owner.obligation_id, Money.zero(currency)) + (
            amount.amount
        )
    total = (
        fixed
        - sum_money((d.amount for d in discounts), currency)
        + sum_money((e.included for e in estimates), currency)
        + incurred_total
    ).round(policy.rounding)
    if total.amount < 0:
        raise InvalidInput(
            "the transaction price is negative: discounts and penalties exceed the consideration",
            field="transaction_price",
            value=str(total),
            hint="check the discounts and the variable consideration's outcomes",
        )
    return TransactionPrice(
        contract_id=contract_id,
        currency=currency,
        fixed=fixed,
        discounts=tuple(discounts),
        variable=tuple(estimates),
        incurred=incurred_total,
        total=total,
        incurred_by_obligation=tuple(by_owner.items()),
    )


def _incurred_owner(obligations: Sequence[Obligation], amount: IncurredAmount) -> Obligation:
    owners = [o for o in obligations if o.variable_only and o.names(amount.line_id)]
    if not owners:
        raise InvalidInput(
            "an incurred amount names no usage, time-and-materials or expenses obligation",
            field=f"incurred[{amount.source or amount.line_id}].line_id",
            value=amount.line_id,
        )
    return owners[0]


def _same_currency(money: Money, currency: str, where: str) -> None:
    if money.currency != currency:
        raise InvalidInput(
            f"amount is in {money.currency}, the contract in {currency}",
            field=where,
            value=str(money),
        )
