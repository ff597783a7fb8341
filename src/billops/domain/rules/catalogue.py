"""Products: does every contract line sell something the catalogue knows?

Setup gives each order line a catalogue SKU; a line that matches no
product, or several equally, cannot be set up and would stop at setup. The
analyst should learn it while checking the contract, with the candidates in
hand, not later. The rule runs only when a catalogue is loaded (as the CRM
rules run only when opportunities are): without one it cannot say a product
is unknown.

=====================  ========  ================================================
rule                   severity  raised when
=====================  ========  ================================================
CATALOG-PRODUCT        error     a line matches no product by its SKU or its
                                 description, or matches several about equally
CATALOG-SKU-UNKNOWN    warning   the line's SKU is not in the catalogue, though its
                                 description clearly names one product
=====================  ========  ================================================
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.catalog import LineMatch, MatchMethod, match_line
from billops.domain.contract import ContractLine
from billops.domain.findings import Finding, Route, Severity
from billops.domain.rules.engine import finding
from billops.domain.rules.registry import RuleContext, rule

__all__ = ["products_known", "skus_known"]


def _matches(ctx: RuleContext) -> Iterator[tuple[int, ContractLine, LineMatch]]:
    if ctx.catalogue is None:
        return
    for index, line in enumerate(ctx.terms.lines):
        yield index, line, match_line(ctx.catalogue, line)


@rule(
    "CATALOG-PRODUCT",
    title="Every line sells a product of the catalogue",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def products_known(ctx: RuleContext) -> Iterator[Finding]:
    """A line that matches no product, or several about equally, cannot be set up."""
    for index, line, match in _matches(ctx):
        if match.method not in (MatchMethod.NONE, MatchMethod.AMBIGUOUS):
            continue
        how = (
            "matches no product"
            if match.method is MatchMethod.NONE
            else "matches several products about equally"
        )
        candidates = ", ".join(str(c) for c in match.candidates[:3]) or "none"
        yield finding(
            ctx,
            "CATALOG-PRODUCT",
            f"line {line.line_id} ({line.sku or 'no SKU'}: {line.description!r}) {how}; "
            f"candidates: {candidates}",
            fields=(f"lines[{index}].sku", f"lines[{index}].description"),
            values={"sku": line.sku, "description": line.description},
            hint="write the catalogue SKU on the line, or add the product to the catalogue",
        )


@rule(
    "CATALOG-SKU-UNKNOWN",
    title="A line's SKU is one the catalogue holds",
    severity=Severity.WARNING,
    route=Route.BILLING,
)
def skus_known(ctx: RuleContext) -> Iterator[Finding]:
    """A SKU the catalogue lacks, on a line whose description clearly names one product."""
    for index, line, match in _matches(ctx):
        if match.stated_sku is None or match.product is None:
            continue
        yield finding(
            ctx,
            "CATALOG-SKU-UNKNOWN",
            f"line {line.line_id}: SKU {match.stated_sku!r} is not in the catalogue; its "
            f"description matches {match.product.sku} {match.product.name!r} "
            f"(score {match.score})",
            fields=(f"lines[{index}].sku",),
            values={"sku": match.stated_sku, "matched": match.product.sku},
            hint=f"correct the SKU to {match.product.sku} if that is what was sold",
        )
