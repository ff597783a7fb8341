"""Contract validation rules: small named functions over a contract, run by ``run_rules``.

Importing this package registers every rule family, one module each:

- ``completeness``: what billing needs stated (COMPLETE-*)
- ``arithmetic``: figures that must add up (ARITH-*)
- ``dates``: one coherent term (DATES-*)
- ``commercial``: terms within the company's policy (COMMERCIAL-*)
- ``tax``: tax ids valid for their country (TAX-*)
- ``crm``: the contract against the Closed Won opportunity (CRM-*)

``run_rules(context)`` runs them under the context's policy;
``describe_rules()`` lists them (``billops policy show``). The rule ids,
what each checks and the policy keys it reads are listed in
``docs/policy-and-rules.md``.
"""

from billops.domain.rules import arithmetic, commercial, completeness, dates, tax
from billops.domain.rules.engine import describe_rules, run_rules
from billops.domain.rules.registry import RULES, Rule, RuleContext, rule

# The CRM cross-check rules are written alongside this package; until that
# module exists, the other families must still load and run.
try:
    from billops.domain.rules import crm
except ImportError:  # pragma: no cover - only while crm.py does not exist yet
    crm = None  # type: ignore[assignment]

__all__ = [
    "RULES",
    "Rule",
    "RuleContext",
    "arithmetic",
    "commercial",
    "completeness",
    "crm",
    "dates",
    "describe_rules",
    "rule",
    "run_rules",
    "tax",
]
