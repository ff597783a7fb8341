"""Running the rules: the policy's switches and severities, provenance, a stable order.

A rule (``billops.domain.rules.registry``) is one small function that looks at
a ``RuleContext`` and yields findings. ``run_rules`` runs them all (or the
ones given) and finishes every finding the same way, so that rules stay
short and the work queue sees one shape:

1. a rule the policy switches off (``severities: {RULE-ID: off}``) does not
   run at all;
2. a severity the policy sets for a rule replaces the one the rule chose;
   a route the policy sets (``routes: {RULE-ID: finance}``) replaces its route;
3. every finding carries, as ``sources``, the provenance of the fields it
   names (``context.terms.provenance``): the clause an analyst opens to
   check it. A field with no provenance of its own borrows that of the
   values under it (``purchase_order`` borrows ``purchase_order.number``'s);
4. findings come back ordered by severity (errors first), rule id, fields,
   so two runs over the same terms print the same list; a second finding
   with the same key (rule + fields) as an earlier one is dropped, because
   the key is a finding's identity in storage.

    >>> from datetime import date
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.policy import Policy
    >>> terms = parse_contract({
    ...     "contract_id": "OF-1", "document_type": "order_form", "currency": "USD",
    ...     "supplier": {"code": "ACME-US", "name": "Acme"}, "customer": {"name": "Globex"},
    ...     "lines": [{"line_id": "L1", "description": "Seats", "billing_model": "one_time",
    ...                "quantity": 10, "unit_price": "100.00", "amount": "1100.00"}],
    ...     "provenance": {"lines[0].amount": {"document": {"name": "of.pdf"}, "page": 2}}})
    >>> context = RuleContext(terms=terms, policy=Policy(), today=date(2026, 1, 5))
    >>> [f.message for f in run_rules(context, [RULES["ARITH-LINE-TOTAL"]])]
    ['line L1: 10 x 100.00 = 1,000.00 USD, but the amount says 1,100.00 USD']
    >>> run_rules(context, [RULES["ARITH-LINE-TOTAL"]])[0].sources[0].page
    2

The helpers below (``finding``, ``money``, ``line_label``) give the rule
modules one way to write a finding, its values and its message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final

from billops.domain.contract import ContractLine, ContractTerms, Provenance
from billops.domain.findings import Finding, Severity
from billops.domain.money import currency_minor_units
from billops.domain.rules.registry import RULES, Rule, RuleContext

__all__ = [
    "describe_rules",
    "finding",
    "line_label",
    "money",
    "number",
    "price",
    "run_rules",
    "sources_for",
    "tolerance",
]

SEVERITY_ORDER: Final[Mapping[Severity, int]] = {
    Severity.ERROR: 0,
    Severity.WARNING: 1,
    Severity.INFO: 2,
}


def describe_rules() -> list[Rule]:
    """Every registered rule, by rule id (what ``billops policy show`` lists)."""
    return [RULES[rule_id] for rule_id in sorted(RULES)]


def run_rules(context: RuleContext, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Run ``rules`` (every registered rule by default) under ``context.policy``.

    Returns the findings in a stable order (severity, rule id, fields), each
    with the policy's severity and route and the provenance of its fields.
    """
    policy = context.policy
    selected = describe_rules() if rules is None else list(rules)
    findings: dict[str, Finding] = {}
    for rule in selected:
        if policy.severity_for(rule.rule_id, rule.severity) is None:
            continue
        for raised in rule.check(context):
            severity = policy.severity_for(rule.rule_id, raised.severity) or raised.severity
            done = Finding(
                rule_id=raised.rule_id,
                severity=severity,
                message=raised.message,
                fields=raised.fields,
                values=dict(raised.values),
                sources=raised.sources or sources_for(context.terms, raised.fields),
                hint=raised.hint,
                route=policy.route_for(rule.rule_id, raised.route),
            )
            findings.setdefault(done.key, done)
    return sorted(
        findings.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.rule_id, f.fields)
    )


def sources_for(terms: ContractTerms, fields: Iterable[str]) -> tuple[Provenance, ...]:
    """The provenance of each field, or of the values under it when it has none itself."""
    found: list[Provenance] = []
    for path in fields:
        if path in terms.provenance:
            found.append(terms.provenance[path])
            continue
        found.extend(
            provenance
            for key, provenance in sorted(terms.provenance.items())
            if key.startswith((f"{path}.", f"{path}["))
        )
    unique: list[Provenance] = []
    for provenance in found:
        if provenance not in unique:
            unique.append(provenance)
    return tuple(unique)


# --------------------------------------------------------------------------
# Helpers for the rule modules


def finding(
    ctx: RuleContext,
    rule_id: str,
    message: str,
    *,
    fields: Sequence[str],
    values: Mapping[str, object],
    hint: str,
    severity: Severity | None = None,
) -> Finding:
    """A finding of the registered rule ``rule_id``, with its severity and route.

    ``values`` are shown as text (decimals as written, dates in ISO form).
    """
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=severity or rule.severity,
        message=message,
        fields=tuple(fields),
        values={key: _text(value) for key, value in values.items()},
        sources=sources_for(ctx.terms, fields),
        hint=hint,
        route=rule.route,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(getattr(value, "value", value))


def number(value: Decimal) -> str:
    """A quantity or percent as a reader writes it: ``1,250``, ``12.5`` (no trailing zeros)."""
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def price(amount: Decimal, currency: str) -> str:
    """``1,100.00``: the amount at the currency's minor unit (more digits kept if it has them)."""
    places = currency_minor_units(currency)
    quantum = Decimal(1).scaleb(-places)
    shown = amount.quantize(quantum) if amount == amount.quantize(quantum) else amount
    return f"{shown:,f}"


def money(amount: Decimal, currency: str) -> str:
    """``1,100.00 USD``: ``price`` followed by the currency."""
    return f"{price(amount, currency)} {currency}"


def line_label(line: ContractLine) -> str:
    """``line L1 (NW-SUB-PRO)``: how a message names a line."""
    return f"line {line.line_id}" + (f" ({line.sku})" if line.sku else "")


def tolerance(ctx: RuleContext, count: int = 1) -> Decimal:
    """The policy's arithmetic tolerance for ``count`` rounded amounts, in the currency."""
    places = currency_minor_units(ctx.terms.currency)
    per_amount = Decimal(ctx.policy.arithmetic.tolerance_minor_units).scaleb(-places)
    return per_amount * max(count, 1)
