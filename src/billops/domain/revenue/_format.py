"""Text helpers of the revenue modules (internal): money and ratios as people write them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from billops.domain.money import Money


def money_text(money: Money) -> str:
    """``1,234.50 USD``: grouped, every minor unit shown."""
    return f"{money.amount:,f} {money.currency}"


def amount_text(money: Money) -> str:
    """``1,234.50``: the amount alone, for sentences that name the currency once."""
    return f"{money.amount:,f}"


def number_text(value: Decimal | int) -> str:
    """A quantity as written: ``10``, ``2.5``."""
    return f"{value:,f}" if isinstance(value, Decimal) else f"{value:,}"


def percent_text(ratio: Fraction) -> str:
    """A ratio as a percentage with two decimals, for explanations only: ``39.29 %``."""
    scaled = Decimal(ratio.numerator * 100) / Decimal(ratio.denominator)
    return f"{scaled.quantize(Decimal('0.01'))} %"


def fraction_text(ratio: Fraction) -> str:
    """``17/31``, or ``1`` for a whole number."""
    if ratio.denominator == 1:
        return str(ratio.numerator)
    return f"{ratio.numerator}/{ratio.denominator}"
