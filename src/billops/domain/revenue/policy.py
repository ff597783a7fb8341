"""Revenue policy: the judgements a finance team makes once and the engine applies everywhere.

IFRS 15 / ASC 606 leave some decisions to the entity. They are not in the
catalogue or in a contract, so they travel as one ``RevenuePolicy``, read
once at the edge (settings, a CLI option) and passed in:

- ``residual_skus``: products whose stand-alone selling price is highly
  variable or uncertain (IFRS 15.79(c)). A product named here *and* without
  a single SSP in the contract's currency takes the residual of the
  transaction price; an ``ssp_range`` it may have serves only as the
  observable prices the residual must fall within.
- ``not_distinct_skus``: bundle components that are not distinct in the
  context of the contract (IFRS 15.27(b), 29): they join the obligation of
  the bundle's other components instead of forming their own.
- ``highly_probable``: the probability at or above which an amount of
  variable consideration counts as highly probable not to reverse, used
  when a ``VariableConsideration`` carries no explicit judgement of its
  constraint (IFRS 15.56). 75 % by default: "highly probable" (IFRS) and
  "probable" (ASC 606) are meant to be the same threshold, and US practice
  reads "probable" as about 75 %.
- ``contract_price_in_range``: when a product's SSP is a range and the
  contract's price for the obligation lies inside it, use that price as the
  SSP (a common practice); otherwise the range's midpoint.
- ``rounding``: the legal entity's rounding mode, used at the named rounding
  points (SSP per obligation, cumulative recognition per month end).

    >>> policy = RevenuePolicy(residual_skus=frozenset({"NW-PS-DELIV"}))
    >>> policy.is_residual("nw-ps-deliv"), policy.is_distinct("NW-MNT-STD")
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from billops.domain.catalog import sku_key
from billops.domain.money import RoundingMode
from billops.errors import InvalidInput

__all__ = ["DEFAULT_HIGHLY_PROBABLE", "RevenuePolicy"]

DEFAULT_HIGHLY_PROBABLE = Decimal("0.75")


@dataclass(frozen=True, slots=True)
class RevenuePolicy:
    """The entity's revenue judgements (see the module docstring)."""

    residual_skus: frozenset[str] = field(default_factory=frozenset)
    not_distinct_skus: frozenset[str] = field(default_factory=frozenset)
    highly_probable: Decimal = DEFAULT_HIGHLY_PROBABLE
    contract_price_in_range: bool = True
    rounding: RoundingMode = RoundingMode.HALF_UP

    def __post_init__(self) -> None:
        if not isinstance(self.highly_probable, Decimal) or not (
            Decimal(0) < self.highly_probable <= Decimal(1)
        ):
            raise InvalidInput(
                "the highly-probable threshold must be a Decimal above 0 and at most 1",
                field="highly_probable",
                value=str(self.highly_probable),
                hint="e.g. Decimal('0.75')",
            )

    def is_residual(self, sku: str) -> bool:
        """True when the product is a residual-approach candidate."""
        return sku_key(sku) in {sku_key(s) for s in self.residual_skus}

    def is_distinct(self, sku: str) -> bool:
        """False when the product is not distinct within a bundle."""
        return sku_key(sku) not in {sku_key(s) for s in self.not_distinct_skus}
