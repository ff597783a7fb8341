"""The rule registry: a rule is one small named function over a ``RuleContext``.

    @rule("ARITH-LINE-TOTAL", title="Line amount = quantity x unit price - discount",
          severity=Severity.ERROR, route=Route.BILLING)
    def line_totals(ctx: RuleContext) -> Iterable[Finding]:
        ...

Adding a rule is adding one such function (in the module of its family)
and its tests: one passing and one failing case at least. The policy may
change a rule's severity or switch it off; ``run_rules`` applies that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from billops.domain.catalog import Catalogue
from billops.domain.contract import ContractTerms
from billops.domain.crm import Opportunity
from billops.domain.findings import Finding, Route, Severity
from billops.domain.parties import Customer, LegalEntity
from billops.domain.policy import Policy


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at. Missing records are ``None``, never invented."""

    terms: ContractTerms
    policy: Policy
    today: date
    customer: Customer | None = None
    entity: LegalEntity | None = None
    opportunity: Opportunity | None = None  # the matched Closed Won opportunity
    opportunity_candidates: tuple[Opportunity, ...] = ()  # when matching was ambiguous
    catalogue: Catalogue | None = None  # None until a catalogue is loaded: CATALOG-* skip


Check = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    rule_id: str
    title: str
    severity: Severity
    route: str
    check: Check

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or self.title).strip()


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, *, title: str, severity: Severity, route: Route | str = Route.BILLING
) -> Callable[[Check], Check]:
    """Register ``check`` as the rule ``rule_id`` (ids are unique; a clash is a bug)."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES[rule_id] = Rule(rule_id, title, severity, str(route), check)
        return check

    return register
