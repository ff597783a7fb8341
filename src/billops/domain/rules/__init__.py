"""Contract validation rules: small named functions over a contract, run by ``run_rules``.

Importing this package registers every rule family, one module each:

- ``completeness``: what billing needs stated (COMPLETE-*)
- ``arithmetic``: figures that must add up (ARITH-*)
- ``dates``: one coherent term (DATES-*)
- ``commercial``: terms within the company's policy (COMMERCIAL-*)
- ``tax``: tax ids valid for their country (TAX-*)
- ``catalogue``: lines sell products the catalogue knows (CATALOG-*)
- ``crm``: the contract against the Closed Won opportunity (CRM-*)

``run_rules(context)`` runs them under the context's policy;
``describe_rules()`` lists them (``billops policy show``). The rule ids,
what each checks and the policy keys it reads are listed in
``docs/policy-and-rules.md``.
"""

from billops.domain.rules import (
    arithmetic,
    catalogue,
    commercial,
    completeness,
    crm,
    dates,
    tax,
)
from billops.domain.rules.engine import describe_rules, run_rules
from billops.domain.rules.registry import RULES, Rule, RuleContext, rule

__all__ = [
    "RULES",
    "Rule",
    "RuleContext",
    "arithmetic",
    "catalogue",
    "commercial",
    "completeness",
    "crm",
    "dates",
    "describe_rules",
    "rule",
    "run_rules",
    "tax",
]
