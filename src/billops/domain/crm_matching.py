"""Finding the CRM opportunity that a signed contract came from.

A billing analyst looking for "the opportunity behind this order form"
first searches the CRM for the contract number, because Sales ops usually
types it into a custom field (``Order_Form_Number__c``) when the deal
closes. When nobody did, they look at the customer's account and pick the
Closed Won deal with the same currency, about the same amount, closed about
when the contract was signed. ``match_opportunity`` does the same, in that
order, and refuses to guess: when two deals fit about equally well it says
so and names both.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> terms = parse_contract({
    ...     "contract_id": "OF-7", "document_type": "order_form",
    ...     "supplier": {"name": "Acme Software, Inc."},
    ...     "customer": {"name": "Globex Corporation"}, "currency": "USD",
    ...     "signature_date": "2025-03-03", "total_contract_value": "60000.00"})
    >>> booked = Opportunity(opportunity_id="006A", name="Globex platform",
    ...     account_name="GLOBEX CORP.", amount=Decimal("60000"), currency="USD",
    ...     close_date=date(2025, 3, 1), stage="Closed Won")
    >>> match = match_opportunity(terms, [booked])
    >>> match.opportunity.opportunity_id, match.ambiguous
    ('006A', False)
    >>> match.reason
    "account 'GLOBEX CORP.' matches 'Globex Corporation' (name 100%); score 0.99"

How the account is recognised (the first of these that both sides have):

1. the customer code: ``terms.customer.code`` equal to the account's link
   field (``Opportunity.customer_code``, e.g. ``ERP_Customer_Code__c``);
2. the tax id: equal after removing spaces and punctuation (a tax id on both
   sides that differs rules the account out, whatever its name);
3. the name: rapidfuzz ``token_set_ratio`` of both names after lower-casing,
   removing accents and punctuation and dropping legal suffixes (Inc.,
   GmbH, Ltd, S.A., ...), at least ``NAME_THRESHOLD`` percent.

Among the accounts that qualify, each Closed Won opportunity is scored from
0 to 1 by the account evidence (weight 0.40), the currency (0.15), how close
its amount is to the total contract value (0.25; nothing left at 20 % off)
and how close its close date is to the signature date (0.20; nothing left at
60 days off). Scores below ``MIN_SCORE`` are no match; two best scores less
than ``AMBIGUITY_MARGIN`` apart are ambiguous.

An opportunity whose contract reference names a *different* contract is
never a candidate: it has been claimed by that contract.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from rapidfuzz import fuzz

from billops.domain.contract import ContractTerms
from billops.domain.crm import Opportunity

__all__ = [
    "AMBIGUITY_MARGIN",
    "MIN_SCORE",
    "NAME_THRESHOLD",
    "OpportunityMatch",
    "compact_tax_id",
    "contract_value",
    "match_opportunity",
    "name_similarity",
    "normalise_company_name",
]

NAME_THRESHOLD: Final = Decimal(85)
"""Least ``token_set_ratio`` (percent) at which two company names are taken as one account."""

MIN_SCORE: Final = Decimal("0.6")
"""Least overall score for a fuzzy match: the name alone (0.40) is never enough."""

AMBIGUITY_MARGIN: Final = Decimal("0.05")
"""Two candidates whose scores are closer than this are reported, not chosen between."""

_WEIGHT_ACCOUNT: Final = Decimal("0.40")
_WEIGHT_CURRENCY: Final = Decimal("0.15")
_WEIGHT_AMOUNT: Final = Decimal("0.25")
_WEIGHT_DATE: Final = Decimal("0.20")
_AMOUNT_ZERO_AT: Final = Decimal("0.20")  # relative difference that scores nothing
_DAYS_ZERO_AT: Final = Decimal(60)
_PERCENT: Final = Decimal("0.01")

# Legal-form words and abbreviations, as tokens after punctuation is removed
# ("S.A." becomes "s a", "GmbH & Co. KG" becomes "gmbh co kg").
_LEGAL_SUFFIXES: Final = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "companies",
        "llc", "llp", "lp", "ltd", "limited", "plc", "pllc", "pty", "pte", "gmbh", "mbh",
        "ag", "kg", "kgaa", "ohg", "ug", "eg", "ev", "se", "sa", "sas", "sarl", "sl", "srl",
        "spa", "sro", "bv", "nv", "vof", "oy", "oyj", "ab", "as", "asa", "aps", "kk", "bhd",
        "sdn", "holding", "holdings", "group", "the", "and",
    }
)  # fmt: skip
# Abbreviations written with dots ("S.A.", "B.V.", "S.p.A.") are joined first.
_DOTTED_ABBREVIATION: Final = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")
_NOT_WORD: Final = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class OpportunityMatch:
    """The outcome of matching one contract to the CRM.

    ``opportunity`` is the match (``None`` when there is none or it is
    ambiguous); ``candidates`` are the opportunities that fitted, best
    first (for an ambiguous match, those within the margin of the best);
    ``reason`` says in words why, for the analyst and for ``explain``.
    """

    opportunity: Opportunity | None
    candidates: tuple[Opportunity, ...]
    ambiguous: bool
    reason: str


def normalise_company_name(name: str) -> str:
    """The words of a company name that identify it: no case, accents, punctuation or legal form.

    >>> normalise_company_name("Lindenhof Engineering AG")
    'lindenhof engineering'
    >>> normalise_company_name("Société Générale S.A.")
    'societe generale'
    >>> normalise_company_name("Inc.")  # nothing but a legal form: kept as written
    'inc'
    """
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    words = [word for word in _NOT_WORD.split(text) if word]
    kept = [word for word in words if word not in _LEGAL_SUFFIXES]
    return " ".join(kept or words)


def name_similarity(first: str, second: str) -> Decimal:
    """``token_set_ratio`` (0-100) of two company names after ``normalise_company_name``.

    RapidFuzz answers in binary floating point; the ratio is taken to two
    decimals here, once, so that every score after it is decimal arithmetic.

    >>> name_similarity("Globex Corporation", "GLOBEX CORP.")
    Decimal('100.00')
    >>> name_similarity("Globex Corporation", "Initech LLC") < NAME_THRESHOLD
    True
    """
    ratio = fuzz.token_set_ratio(normalise_company_name(first), normalise_company_name(second))
    return Decimal(str(ratio)).quantize(_PERCENT)


def compact_tax_id(value: str) -> str:
    """A tax id without spaces, dots, dashes or slashes, in upper case.

    >>> compact_tax_id("de 123.456.789")
    'DE123456789'
    """
    return re.sub(r"[\s./\-]", "", value).upper()


def contract_value(terms: ContractTerms) -> Decimal | None:
    """What the contract is worth: its total contract value, else the sum of line amounts."""
    if terms.total_contract_value is not None:
        return terms.total_contract_value
    amounts = [line.amount for line in terms.lines if line.amount is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _same_tax_id(terms: ContractTerms, opportunity: Opportunity) -> bool | None:
    """True / False when both sides have a tax id; None when either has none."""
    if not opportunity.account_tax_id or not terms.customer.tax_ids:
        return None
    theirs = compact_tax_id(opportunity.account_tax_id)
    return any(compact_tax_id(tax_id.value) == theirs for tax_id in terms.customer.tax_ids)


def _account_evidence(terms: ContractTerms, opportunity: Opportunity) -> tuple[Decimal, str] | None:
    """How surely the opportunity's account is the contract's customer (0..1), or None if not."""
    customer = terms.customer
    if customer.code and opportunity.customer_code:
        if customer.code.casefold() != opportunity.customer_code.strip().casefold():
            return None
        return Decimal(1), f"customer code {customer.code}"
    same_tax_id = _same_tax_id(terms, opportunity)
    if same_tax_id is False:
        return None
    if same_tax_id:
        return Decimal(1), f"tax id {opportunity.account_tax_id}"
    similarity = name_similarity(customer.name, opportunity.account_name)
    if similarity < NAME_THRESHOLD:
        return None
    return (
        similarity / 100,
        f"account {opportunity.account_name!r} matches {customer.name!r} (name {similarity:.0f}%)",
    )


def _closeness(difference: Decimal, zero_at: Decimal) -> Decimal:
    return max(Decimal(0), 1 - difference / zero_at)


def _score(terms: ContractTerms, opportunity: Opportunity, account: Decimal) -> Decimal:
    score = _WEIGHT_ACCOUNT * account
    if opportunity.currency == terms.currency:
        score += _WEIGHT_CURRENCY
        value = contract_value(terms)
        if value is not None and opportunity.amount is not None:
            larger = max(abs(value), abs(opportunity.amount))
            relative = abs(value - opportunity.amount) / larger if larger else Decimal(0)
            score += _WEIGHT_AMOUNT * _closeness(relative, _AMOUNT_ZERO_AT)
    if terms.signature_date is not None and opportunity.close_date is not None:
        days = abs((opportunity.close_date - terms.signature_date).days)
        score += _WEIGHT_DATE * _closeness(Decimal(days), _DAYS_ZERO_AT)
    return score


def _reference(opportunity: Opportunity) -> str | None:
    reference = (opportunity.contract_reference or "").strip()
    return reference.casefold() or None


def _describe(opportunity: Opportunity) -> str:
    amount = "no amount" if opportunity.amount is None else f"{opportunity.amount}"
    closed = opportunity.close_date.isoformat() if opportunity.close_date else "no close date"
    return (
        f"{opportunity.opportunity_id} {opportunity.name!r} "
        f"({opportunity.account_name}, {amount} {opportunity.currency}, closed {closed})"
    )


def match_opportunity(
    terms: ContractTerms, opportunities: Sequence[Opportunity]
) -> OpportunityMatch:
    """The Closed Won opportunity behind ``terms``: by contract reference, else by account.

    Never guesses: several opportunities naming the contract, or two fuzzy
    candidates within ``AMBIGUITY_MARGIN``, give an ambiguous match with no
    ``opportunity`` and the contenders in ``candidates``.
    """
    contract_id = terms.contract_id.casefold()
    won = [o for o in opportunities if o.is_won]
    by_reference = [o for o in won if _reference(o) == contract_id]
    if len(by_reference) == 1:
        return OpportunityMatch(
            by_reference[0],
            (by_reference[0],),
            False,
            f"opportunity {by_reference[0].opportunity_id} names contract {terms.contract_id}",
        )
    if by_reference:
        names = "; ".join(_describe(o) for o in by_reference)
        return OpportunityMatch(
            None,
            tuple(by_reference),
            True,
            f"{len(by_reference)} Closed Won opportunities name contract "
            f"{terms.contract_id}: {names}",
        )

    scored: list[tuple[Decimal, str, Opportunity]] = []
    for opportunity in won:
        if _reference(opportunity) is not None:
            continue  # it names another contract
        evidence = _account_evidence(terms, opportunity)
        if evidence is None:
            continue
        account, why = evidence
        score = _score(terms, opportunity, account)
        if score >= MIN_SCORE:
            scored.append((score, why, opportunity))
    if not scored:
        not_won = sum(1 for o in opportunities if not o.is_won and _reference(o) == contract_id)
        tail = f"; {not_won} opportunity naming it is not Closed Won" if not_won else ""
        return OpportunityMatch(
            None,
            (),
            False,
            f"no Closed Won opportunity names contract {terms.contract_id} or fits its "
            f"customer {terms.customer.name!r}, currency, amount and signature date{tail}",
        )
    scored.sort(key=lambda entry: (-entry[0], entry[2].opportunity_id))
    best_score, why, best = scored[0]
    close = [entry for entry in scored if best_score - entry[0] < AMBIGUITY_MARGIN]
    if len(close) > 1:
        listed = "; ".join(f"{_describe(o)} score {s:.2f}" for s, _, o in close)
        return OpportunityMatch(
            None,
            tuple(o for _, _, o in close),
            True,
            f"{len(close)} opportunities fit contract {terms.contract_id} about equally: {listed}",
        )
    return OpportunityMatch(
        best, tuple(o for _, _, o in scored), False, f"{why}; score {best_score:.2f}"
    )
