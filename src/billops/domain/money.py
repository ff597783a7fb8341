"""Money: an exact decimal amount that always carries its ISO 4217 currency.

Billing never uses ``float``. An amount is a ``Decimal`` paired with a
currency code, and the pair travels together everywhere: an invoice line of
``100.00`` means nothing until we know it is ``USD`` and not ``JPY``.

    >>> price = Money("100.00", "USD")
    >>> price * 3
    Money(amount=Decimal('300.00'), currency='USD')
    >>> price + Money("5", "EUR")
    Traceback (most recent call last):
    ...
    billops.errors.CurrencyMismatch: cannot add USD and EUR money (got 'EUR')

**Minor units.** Each currency has a number of decimal places set by ISO
4217: USD 2 (cents), JPY 0, BHD 3 (fils). ``currency_minor_units`` reads
them from the ``iso4217`` package; codes without minor units (gold ``XAU``,
the testing code ``XXX``) are not billing currencies and are refused.

**Rounding happens at named points only.** Arithmetic keeps full precision,
so ``Money("100.00", "USD") / 3`` is ``33.333...``: an intermediate value.
Code that produces an amount someone will see or store (an invoice line, a
tax amount, an installment) calls ``round()`` there, with the rounding mode
of the legal entity (half-up by default):

    >>> (Money("100.00", "USD") / 3).round()
    Money(amount=Decimal('33.33'), currency='USD')
    >>> Money("2.345", "USD").round(RoundingMode.HALF_EVEN)
    Money(amount=Decimal('2.34'), currency='USD')

**Splitting never loses or invents a minor unit.** ``allocate`` and
``split_evenly`` use the largest-remainder method, so the parts always add
up to the whole:

    >>> [str(part) for part in split_evenly(Money("100.00", "USD"), 3)]
    ['33.34 USD', '33.33 USD', '33.33 USD']

Presentation (symbols, grouping, the locale's decimal mark) lives in
``billops.domain.l10n``; this module only computes.

Decisions worth knowing:

- Currency codes must be written exactly as ISO 4217 does: three upper-case
  letters. ``"usd"`` is refused rather than silently upper-cased, so one
  currency has one spelling everywhere (adapters that read sloppy input
  upper-case it themselves, explicitly).
- A ``float`` is refused with ``TypeError`` wherever an amount, factor or
  weight is expected: it is a programming error (files are read
  Decimal-exact), not a user's input error.
- Strings are parsed exactly and strictly: an optional sign, ASCII digits,
  an optional decimal point with digits (``"-1234.56"``). No exponent, no
  grouping, no spaces, no NaN or Infinity.
- ``==`` between different currencies is simply ``False`` (so money can sit
  in sets and dicts); ``<``, ``<=``, ``>``, ``>=`` across currencies raise
  ``CurrencyMismatch``.
- Arithmetic runs in a fixed decimal context (34 significant digits, the
  IEEE decimal128 precision), so results never depend on a caller having
  changed ``decimal.getcontext()``.
- Negative zero is stored as zero, so ``-Money("0.00", "USD")`` prints as
  ``0.00``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from iso4217 import Currency

from billops.errors import CurrencyError, CurrencyMismatch, InvalidInput

__all__ = [
    "AMOUNT_LIMIT",
    "Money",
    "RoundingMode",
    "allocate",
    "currency_minor_units",
    "parse_rounding_mode",
    "split_evenly",
    "sum_money",
    "validate_currency",
]

AMOUNT_LIMIT = Decimal(10) ** 15
"""Amounts must be smaller than this in magnitude (in major units).

Stored amounts go to ``NUMERIC(24, 6)`` columns: 18 digits before the
decimal point. No real contract comes near a quadrillion; such an amount is
a typo or a unit mix-up (cents read as dollars, a pasted account number),
so it is refused early, with headroom left for sums of many lines.
"""

_CONTEXT = Context(prec=34, traps=[InvalidOperation, DivisionByZero, Overflow])

_CODE_PATTERN = re.compile(r"[A-Z]{3}")
_AMOUNT_PATTERN = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


# --- currencies -------------------------------------------------------------


def validate_currency(code: object) -> str:
    """Return ``code`` if it is an ISO 4217 billing currency, else raise ``CurrencyError``.

    >>> validate_currency("BHD")
    'BHD'
    >>> validate_currency("usd")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    billops.errors.CurrencyError: currency: currency codes are three upper-case letters...
    """
    if not isinstance(code, str) or not _CODE_PATTERN.fullmatch(code):
        raise CurrencyError(
            "currency codes are three upper-case letters",
            field="currency",
            value=code,
            hint="write it as ISO 4217 does, e.g. 'USD'",
        )
    _minor_units_of_known(code)
    return code


def currency_minor_units(code: str) -> int:
    """The number of decimal places of the currency: JPY 0, USD 2, BHD 3.

    >>> currency_minor_units("JPY"), currency_minor_units("USD"), currency_minor_units("BHD")
    (0, 2, 3)
    """
    return _minor_units_of_known(validate_currency(code))


@lru_cache(maxsize=512)
def _minor_units_of_known(code: str) -> int:
    try:
        exponent = Currency(code).exponent
    except ValueError:
        raise CurrencyError(
            "unknown currency code", field="currency", value=code, hint="use an ISO 4217 code"
        ) from None
    if exponent is None:
        raise CurrencyError(
            "not a billing currency (ISO 4217 gives it no minor units)",
            field="currency",
            value=code,
            hint="precious metals and testing codes such as XAU or XXX cannot be invoiced",
        )
    return int(exponent)


# --- rounding ---------------------------------------------------------------


class RoundingMode(StrEnum):
    """How to round to the currency's minor unit; the value is the name used in settings.

    ``HALF_UP`` rounds halves away from zero (2.345 -> 2.35, -2.345 -> -2.35),
    the commercial convention and billops' default. ``HALF_EVEN`` (banker's
    rounding) sends halves to the even digit (2.345 -> 2.34, 2.355 -> 2.36).
    ``DOWN`` and ``UP`` go towards and away from zero; ``CEILING`` and
    ``FLOOR`` towards plus and minus infinity.
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    HALF_DOWN = "half_down"
    DOWN = "down"
    UP = "up"
    CEILING = "ceiling"
    FLOOR = "floor"

    @property
    def decimal_rounding(self) -> str:
        """The matching constant of the ``decimal`` module, e.g. ``ROUND_HALF_UP``."""
        return _DECIMAL_ROUNDING[self]


_DECIMAL_ROUNDING: dict[RoundingMode, str] = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.HALF_DOWN: ROUND_HALF_DOWN,
    RoundingMode.DOWN: ROUND_DOWN,
    RoundingMode.UP: ROUND_UP,
    RoundingMode.CEILING: ROUND_CEILING,
    RoundingMode.FLOOR: ROUND_FLOOR,
}


def parse_rounding_mode(name: str) -> RoundingMode:
    """The rounding mode called ``name`` (``"half_up"``, ``"half_even"``, ...).

    >>> parse_rounding_mode("half_even")
    <RoundingMode.HALF_EVEN: 'half_even'>
    """
    try:
        return RoundingMode(name)
    except ValueError:
        choices = ", ".join(mode.value for mode in RoundingMode)
        raise InvalidInput(
            "unknown rounding mode", field="rounding", value=name, hint=f"use one of {choices}"
        ) from None


# --- amounts ----------------------------------------------------------------


def _to_amount(value: object) -> Decimal:
    """An exact, finite ``Decimal`` from a Decimal, int or str; floats are refused."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise TypeError(
            f"money amounts must be Decimal, int or str, not {type(value).__name__} "
            f"({value!r}); floats are inexact, write Decimal('1.10') or '1.10'"
        )
    if isinstance(value, str):
        if not _AMOUNT_PATTERN.fullmatch(value):
            raise InvalidInput(
                "amount is not a plain decimal number",
                field="amount",
                value=value,
                hint="write it like '1234.56' (no exponent, grouping or spaces)",
            )
        return Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if not value.is_finite():
        raise InvalidInput("amount must be a finite number", field="amount", value=str(value))
    return value


def _checked_magnitude(amount: Decimal) -> Decimal:
    if abs(amount) >= AMOUNT_LIMIT:
        raise InvalidInput(
            "amount is too large to be real money",
            field="amount",
            value=format(amount, "f"),
            hint="amounts must be below 10^15 major units; check for a typo or cents read as units",
        )
    return amount.copy_abs() if amount.is_zero() else amount


def _to_factor(value: object, operation: str) -> Decimal:
    """A Decimal multiplier or divisor; Money, float and bool are refused."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"money can only be {operation} by Decimal or int, not {type(value).__name__} "
            f"({value!r})"
        )
    factor = Decimal(value)
    if not factor.is_finite():
        raise InvalidInput(f"money cannot be {operation} by a non-finite number", value=str(value))
    return factor


@dataclass(frozen=True, slots=True, init=False)
class Money:
    """An exact amount in one currency. Immutable; build it with a Decimal, int or str.

    >>> Money("12.50", "EUR").amount
    Decimal('12.50')
    >>> Money(1.5, "EUR")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: money amounts must be Decimal, int or str, not float (1.5); floats are inexact...
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        code = validate_currency(currency)
        object.__setattr__(self, "amount", _checked_magnitude(_to_amount(amount)))
        object.__setattr__(self, "currency", code)

    @classmethod
    def _make(cls, amount: Decimal, currency: str) -> Money:
        """A Money from an already valid Decimal and currency (after arithmetic)."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", _checked_magnitude(amount))
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero, written with the currency's minor units: ``0.00`` USD, ``0`` JPY."""
        code = validate_currency(currency)
        return cls._make(Decimal(0).quantize(_quantum(code), context=_CONTEXT), code)

    @classmethod
    def from_minor_units(cls, units: int, currency: str) -> Money:
        """Money from an integer count of minor units: ``(1999, "USD")`` is 19.99 USD."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError(f"minor units must be int, not {type(units).__name__} ({units!r})")
        code = validate_currency(currency)
        return cls._make(Decimal(units).scaleb(-currency_minor_units(code), _CONTEXT), code)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Money:
        """The inverse of ``to_dict``: ``{"amount": "123.45", "currency": "USD"}``."""
        if not isinstance(data, Mapping):
            raise InvalidInput("money must be an object with amount and currency", value=data)
        unknown = sorted(set(data) - {"amount", "currency"})
        if unknown:
            raise InvalidInput("unknown key in money", field=str(unknown[0]), value=data)
        for key in ("amount", "currency"):
            if key not in data:
                raise InvalidInput(f"money needs an {key}", field=key, value=dict(data))
        amount, currency = data["amount"], data["currency"]
        if isinstance(amount, bool | float) or not isinstance(amount, Decimal | int | str):
            raise InvalidInput(
                "amount must be a string", field="amount", value=amount, hint="write '123.45'"
            )
        if not isinstance(currency, str):
            raise CurrencyError("currency must be a string", field="currency", value=currency)
        return cls(amount, currency)

    def to_dict(self) -> dict[str, str]:
        """The amount as an exact fixed-point string (never a float) and the currency."""
        return {"amount": format(self.amount, "f"), "currency": self.currency}

    def to_minor_units(self) -> int:
        """The amount as an integer count of minor units; the money must be rounded."""
        _require_rounded(self, "convert to minor units")
        return int(self.amount.scaleb(currency_minor_units(self.currency), _CONTEXT))

    # rounding

    def round(self, mode: RoundingMode = RoundingMode.HALF_UP) -> Money:
        """Round to the currency's minor unit: 2.345 USD -> 2.35 (half-up)."""
        rounded = self.amount.quantize(
            _quantum(self.currency), rounding=mode.decimal_rounding, context=_CONTEXT
        )
        return Money._make(rounded, self.currency)

    def is_rounded(self) -> bool:
        """True when the amount has no digits beyond the currency's minor unit."""
        return self.amount == self.round(RoundingMode.DOWN).amount

    def is_zero(self) -> bool:
        """True for zero in any notation (0, 0.00, -0)."""
        return self.amount.is_zero()

    # arithmetic

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._require_same_currency(other, "add")
        return Money._make(_CONTEXT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._require_same_currency(other, "subtract")
        return Money._make(_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        product = _CONTEXT.multiply(self.amount, _to_factor(factor, "multiplied"))
        return Money._make(product, self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        by = _to_factor(divisor, "divided")
        if by.is_zero():
            raise InvalidInput("cannot divide money by zero", value=str(divisor))
        return Money._make(_CONTEXT.divide(self.amount, by), self.currency)

    def __neg__(self) -> Money:
        return Money._make(self.amount.copy_negate(), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._make(self.amount.copy_abs(), self.currency)

    # ordering (equality and hashing come from the dataclass)

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._require_same_currency(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._require_same_currency(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._require_same_currency(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._require_same_currency(other, "compare")
        return self.amount >= other.amount

    def _require_same_currency(self, other: Money, action: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot {action} {self.currency} and {other.currency} money",
                value=other.currency,
            )

    def __str__(self) -> str:
        """Plain, locale-free text for logs and messages: ``100.00 USD``."""
        return f"{format(self.amount, 'f')} {self.currency}"


def _quantum(currency: str) -> Decimal:
    """One minor unit of the currency: 0.01 for USD, 1 for JPY, 0.001 for BHD."""
    return Decimal(1).scaleb(-currency_minor_units(currency), _CONTEXT)


def _require_rounded(money: Money, action: str) -> None:
    if not money.is_rounded():
        raise InvalidInput(
            f"cannot {action} an unrounded amount",
            field="amount",
            value=str(money),
            hint="round it first with .round(mode)",
        )


def sum_money(items: Iterable[Money], currency: str) -> Money:
    """The total of ``items``, all in ``currency``; zero when there are none.

    >>> sum_money([], "JPY")
    Money(amount=Decimal('0'), currency='JPY')
    """
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total


# --- allocation -------------------------------------------------------------


def allocate(money: Money, weights: Sequence[Decimal | int]) -> list[Money]:
    """Split rounded ``money`` in proportion to ``weights``, exact to the minor unit.

    Largest-remainder method: every part first gets its proportional share
    rounded towards zero; the minor units left over go one each to the parts
    with the largest dropped remainders; equal remainders go to the earlier
    part first. So the parts always sum to the whole, each part is within one
    minor unit of its exact share, a zero weight gets exactly zero, and a
    negative amount splits as the mirror image of the positive one.

    The money must already be rounded (``InvalidInput`` otherwise): deciding
    how to round the whole is the caller's business, not the splitter's.

    >>> [str(part) for part in allocate(Money("10", "JPY"), [1, 1, 1])]
    ['4 JPY', '3 JPY', '3 JPY']
    >>> [str(part) for part in allocate(Money("-1.00", "USD"), [1, 0, 2])]
    ['-0.33 USD', '0.00 USD', '-0.67 USD']
    """
    _require_rounded(money, "allocate")
    shares = _fraction_weights(weights)
    total = money.to_minor_units()
    parts = _largest_remainder(abs(total), shares)
    sign = -1 if total < 0 else 1
    return [Money.from_minor_units(sign * part, money.currency) for part in parts]


def split_evenly(money: Money, parts: int) -> list[Money]:
    """Split rounded ``money`` into ``parts`` parts that differ by at most one minor unit.

    Earlier parts get the extra units: 100.00 USD in 3 is 33.34, 33.33, 33.33.
    """
    if isinstance(parts, bool) or not isinstance(parts, int):
        raise TypeError(f"parts must be int, not {type(parts).__name__} ({parts!r})")
    if parts < 1:
        raise InvalidInput("cannot split money into fewer than one part", value=parts)
    return allocate(money, [1] * parts)


def _fraction_weights(weights: Sequence[Decimal | int]) -> list[Fraction]:
    if not weights:
        raise InvalidInput("cannot allocate money by an empty list of weights", field="weights")
    exact = [_to_weight(index, weight) for index, weight in enumerate(weights)]
    if not any(exact):
        raise InvalidInput(
            "cannot allocate money when every weight is zero", field="weights", value=list(weights)
        )
    return exact


def _to_weight(index: int, weight: object) -> Fraction:
    if isinstance(weight, bool | float) or not isinstance(weight, Decimal | int):
        raise TypeError(
            f"allocation weights must be Decimal or int, not {type(weight).__name__} ({weight!r})"
        )
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise InvalidInput("weight must be finite", field=f"weights[{index}]", value=str(weight))
    if weight < 0:
        raise InvalidInput("weight must not be negative", field=f"weights[{index}]", value=weight)
    return Fraction(weight)


def _largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    """Split a non-negative integer ``total`` in proportion to ``weights`` (exactly)."""
    weight_sum = sum(weights, Fraction(0))
    exact = [total * weight / weight_sum for weight in weights]
    floors = [int(share) for share in exact]  # int() truncates; shares are >= 0
    leftover = total - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:leftover]:
        floors[index] += 1
    return floors
