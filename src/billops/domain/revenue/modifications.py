"""Contract modifications: how an amendment changes revenue (IFRS 15.18-21, ASC 606-10-25-10..13).

An amendment that changes scope or price is accounted for in one of three
ways, decided by the standard's criteria in this order:

1. **Separate contract** (IFRS 15.20): the amendment adds goods or services
   that are *distinct* and its price rises by their *standalone selling
   price*. The original contract is untouched; the additions are a new
   contract.
2. **Prospective** (IFRS 15.21(a)): otherwise, when the goods or services
   not yet transferred are distinct from those already transferred: as if
   the old contract ended and a new one began. The new contract's price is
   what the old one had not yet recognised plus what the amendment adds,
   allocated to the remaining obligations and the additions by relative
   SSP. Revenue already recognised stays.
3. **Cumulative catch-up** (IFRS 15.21(b)): otherwise (the remaining work is
   part of one obligation already partly satisfied, such as a build): the
   obligation's price changes, and revenue to date is corrected at the
   amendment's date to the new price times the measure of progress.

A credit for goods already transferred (a price concession) reduces revenue
at the amendment's date whatever the outcome.

IFRS 15 Illustrative Example 5, case A: 120 products for CU100 each, 60
delivered; the amendment adds 30 more at CU95 each, their SSP then:

    >>> from datetime import date
    >>> remaining = ObligationPosition("products", allocated=Money("12000.00", "USD"),
    ...     recognised=Money("6000.00", "USD"), remaining_ssp=Money("5700.00", "USD"))
    >>> change = ContractModification("AMD-1", date(2026, 4, 1), added=(
    ...     AddedPromise("30 more products", Money("2850.00", "USD"), Money("2850.00", "USD")),))
    >>> outcome = assess_modification(date(2026, 1, 1), [remaining], change)
    >>> outcome.kind.value
    'separate_contract'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billops.domain.money import Money, allocate, sum_money
from billops.domain.revenue._format import amount_text, money_text
from billops.errors import InvalidInput

__all__ = [
    "AddedPromise",
    "ContractModification",
    "ModificationAssessment",
    "ModificationKind",
    "ObligationPosition",
    "Reallocation",
    "assess_modification",
    "classify_modification",
]


class ModificationKind(StrEnum):
    SEPARATE_CONTRACT = "separate_contract"  # IFRS 15.20
    PROSPECTIVE = "prospective"  # IFRS 15.21(a): terminate and create a new contract
    CUMULATIVE_CATCH_UP = "cumulative_catch_up"  # IFRS 15.21(b)


@dataclass(frozen=True, slots=True)
class AddedPromise:
    """Goods or services an amendment adds: their price, SSP, and whether they are distinct."""

    description: str
    price: Money
    ssp: Money | None
    distinct: bool = True


@dataclass(frozen=True, slots=True)
class ObligationPosition:
    """An obligation of the original contract on the amendment's date.

    ``remaining_ssp`` is the SSP of what is not yet transferred (for a
    prospective reallocation); ``progress`` the measure of progress (0..1)
    after the amendment, for a cumulative catch-up.
    """

    obligation_id: str
    allocated: Money
    recognised: Money
    remaining_ssp: Money | None = None
    progress: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ContractModification:
    """What an amendment changes, as revenue sees it.

    ``price_change`` changes the consideration of the existing promises
    (positive or negative; e.g. variable consideration now included);
    ``credit_for_transferred`` is a concession for goods already
    transferred, recognised as a reduction of revenue at once.
    ``remaining_distinct`` says whether the goods not yet transferred are
    distinct from those transferred (IFRS 15.21). ``replaces`` names the
    promised obligations whose remaining goods the amendment replaces (a
    changed quantity or price of goods already promised: never a separate
    contract).
    """

    modification_id: str
    effective_date: date
    added: tuple[AddedPromise, ...] = ()
    price_change: Money | None = None
    credit_for_transferred: Money | None = None
    remaining_distinct: bool = True
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reallocation:
    """The price an obligation (or an added promise) carries from the amendment on."""

    name: str
    amount: Money
    explanation: str


@dataclass(frozen=True, slots=True)
class ModificationAssessment:
    """How an amendment is accounted for, the deciding criterion, and the resulting amounts.

    ``adjustment`` is the revenue booked at the amendment's date (a catch-up,
    minus any credit for transferred goods); ``reallocated`` the prices from
    then on: for a separate contract its added promises, for a prospective
    modification every remaining obligation and addition, for a catch-up the
    modified obligation's new total price.
    """

    modification_id: str
    kind: ModificationKind
    criterion: str
    adjustment: Money
    reallocated: tuple[Reallocation, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "modification_id": self.modification_id,
            "kind": self.kind.value,
            "criterion": self.criterion,
            "adjustment": self.adjustment.to_dict(),
            "reallocated": [
                {"name": r.name, "amount": r.amount.to_dict(), "explanation": r.explanation}
                for r in self.reallocated
            ],
        }


def assess_modification(
    contract_start: date,
    positions: Sequence[ObligationPosition],
    modification: ContractModification,
) -> ModificationAssessment:
    """Decide how ``modification`` is accounted for and compute its amounts (module docstring).

    Raises ``InvalidInput`` for a modification dated before the contract
    starts, an empty contract, mixed currencies, a prospective modification
    without the remaining SSPs, or a catch-up without exactly one position
    with its progress.
    """
    where = f"modifications[{modification.modification_id}]"
    if modification.effective_date < contract_start:
        raise InvalidInput(
            f"the modification takes effect on {modification.effective_date}, before the "
            f"contract starts on {contract_start}",
            field=f"{where}.effective_date",
            value=str(modification.effective_date),
            hint="a modification changes a contract in force: check its effective date",
        )
    if not positions and not modification.added:
        raise InvalidInput("the modified contract has no obligations", field=f"{where}.positions")
    currency = (positions[0].allocated if positions else modification.added[0].price).currency
    zero = Money.zero(currency)
    for money in _amounts(positions, modification):
        if money.currency != currency:
            raise InvalidInput(
                f"amount in {money.currency}, the contract in {currency}",
                field=where,
                value=str(money),
            )
    credit = modification.credit_for_transferred or zero
    added_price = sum_money((a.price for a in modification.added), currency)
    change = modification.price_change or zero
    kind, criterion = classify_modification(modification)
    if kind is ModificationKind.SEPARATE_CONTRACT:
        return ModificationAssessment(
            modification.modification_id,
            kind,
            criterion,
            -credit,
            tuple(_split_added(modification.added, added_price)),
        )
    if kind is ModificationKind.PROSPECTIVE:
        return _prospective(modification, positions, criterion, added_price, change, credit)
    return _catch_up(modification, positions, criterion, added_price, change, credit)


def classify_modification(modification: ContractModification) -> tuple[ModificationKind, str]:
    """How ``modification`` is accounted for, and the criterion that decided, as text.

    IFRS 15.20 first (separate contract), then 15.21(a) (prospective) when
    the remaining goods are distinct from those transferred, else 15.21(b).
    """
    separate, why = _separate_contract(modification)
    if separate:
        return ModificationKind.SEPARATE_CONTRACT, why
    if modification.remaining_distinct:
        return ModificationKind.PROSPECTIVE, (
            f"{why}; IFRS 15.21(a): the remaining goods are distinct from those transferred: "
            "prospective, as a termination of the old contract and a new contract"
        )
    return ModificationKind.CUMULATIVE_CATCH_UP, (
        f"{why}; IFRS 15.21(b): the remaining goods are not distinct, they are part of one "
        "obligation partly satisfied: cumulative catch-up"
    )


def _amounts(
    positions: Sequence[ObligationPosition], modification: ContractModification
) -> list[Money]:
    amounts = [m for p in positions for m in (p.allocated, p.recognised, p.remaining_ssp) if m]
    for added in modification.added:
        amounts.append(added.price)
        if added.ssp is not None:
            amounts.append(added.ssp)
    for extra in (modification.price_change, modification.credit_for_transferred):
        if extra is not None:
            amounts.append(extra)
    return amounts


def _separate_contract(modification: ContractModification) -> tuple[bool, str]:
    """IFRS 15.20 (a) and (b), with the reason it holds or fails."""
    added = modification.added
    if modification.replaces:
        return False, (
            f"IFRS 15.20 does not apply: the amendment replaces what remains of "
            f"{', '.join(modification.replaces)} (it changes goods already promised)"
        )
    if not added:
        return False, "IFRS 15.20 does not apply: the amendment adds no goods or services"
    not_distinct = [a.description for a in added if not a.distinct]
    if not_distinct:
        return False, (
            f"IFRS 15.20(a) fails: {', '.join(not_distinct)} is not distinct from the goods "
            "already promised"
        )
    unpriced = [a.description for a in added if a.ssp is None]
    if unpriced:
        return False, f"IFRS 15.20(b) cannot hold: no SSP is known for {', '.join(unpriced)}"
    currency = added[0].price.currency
    price = sum_money((a.price for a in added), currency)
    ssp = sum_money((a.ssp for a in added if a.ssp is not None), currency)
    if modification.price_change is not None and not modification.price_change.is_zero():
        return False, (
            "IFRS 15.20 fails: the amendment also changes the price of the goods already "
            f"promised by {amount_text(modification.price_change)}"
        )
    if price != ssp:
        return False, (
            f"IFRS 15.20(b) fails: the added goods are priced {amount_text(price)}, not their "
            f"standalone selling price {amount_text(ssp)}"
        )
    return True, (
        "IFRS 15.20: the added goods are distinct (a) and priced at their standalone selling "
        f"price {amount_text(ssp)} (b): a separate contract"
    )


def _split_added(added: Sequence[AddedPromise], price: Money) -> list[Reallocation]:
    return [
        Reallocation(a.description, a.price, f"a new contract at {money_text(a.price)}")
        for a in added
    ]


def _prospective(
    modification: ContractModification,
    positions: Sequence[ObligationPosition],
    why: str,
    added_price: Money,
    change: Money,
    credit: Money,
) -> ModificationAssessment:
    currency = added_price.currency
    unrecognised = sum_money((p.allocated - p.recognised for p in positions), currency)
    price = unrecognised + added_price + change
    names: list[str] = []
    weights: list[Money] = []
    for p in positions:
        if p.allocated == p.recognised:
            continue  # fully satisfied: nothing remains to reallocate
        if p.remaining_ssp is None:
            raise InvalidInput(
                "a prospective modification needs the SSP of what remains of each obligation",
                field=f"positions[{p.obligation_id}].remaining_ssp",
                value=p.obligation_id,
            )
        names.append(p.obligation_id)
        weights.append(p.remaining_ssp)
    for a in modification.added:
        names.append(a.description)
        weights.append(a.ssp if a.ssp is not None else a.price)
    if not names:
        raise InvalidInput(
            "nothing remains to deliver and nothing is added",
            field=f"modifications[{modification.modification_id}]",
        )
    units = [w.round().to_minor_units() for w in weights]
    shares = allocate(price.round(), units if any(units) else [1] * len(units))
    total_ssp = sum_money(weights, currency)
    reallocated = tuple(
        Reallocation(
            name,
            share,
            f"new contract price {amount_text(price)} (not yet recognised "
            f"{amount_text(unrecognised)} + added {amount_text(added_price)}"
            + (f" + price change {amount_text(change)}" if not change.is_zero() else "")
            + f") x SSP {amount_text(weight)} / {amount_text(total_ssp)}",
        )
        for name, weight, share in zip(names, weights, shares, strict=True)
    )
    return ModificationAssessment(
        modification.modification_id, ModificationKind.PROSPECTIVE, why, -credit, reallocated
    )


def _catch_up(
    modification: ContractModification,
    positions: Sequence[ObligationPosition],
    why: str,
    added_price: Money,
    change: Money,
    credit: Money,
) -> ModificationAssessment:
    if len(positions) != 1 or positions[0].progress is None:
        raise InvalidInput(
            "a cumulative catch-up needs the one partly satisfied obligation and its measure "
            "of progress after the modification",
            field=f"modifications[{modification.modification_id}].positions",
            value=len(positions),
        )
    position = positions[0]
    progress = position.progress
    assert progress is not None
    if not Decimal(0) <= progress <= Decimal(1):
        raise InvalidInput(
            "the measure of progress is a fraction from 0 to 1",
            field=f"positions[{position.obligation_id}].progress",
            value=str(progress),
        )
    new_price = position.allocated + added_price + change
    cumulative = (new_price * progress).round()
    catch_up = cumulative - position.recognised
    criterion = why
    explanation = (
        f"new price {amount_text(new_price)} x progress {progress:f} = "
        f"{amount_text(cumulative)}, less recognised {amount_text(position.recognised)}: "
        f"catch-up {amount_text(catch_up)}"
    )
    return ModificationAssessment(
        modification.modification_id,
        ModificationKind.CUMULATIVE_CATCH_UP,
        criterion,
        catch_up - credit,
        (Reallocation(position.obligation_id, new_price, explanation),),
    )
