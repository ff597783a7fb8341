"""Findings: what a check found wrong (or worth knowing) about a contract or an invoice.

Intake's arithmetic checks, contract validation rules and, later,
pre-invoice checks all speak this one shape, so one work queue, one
``explain`` and one waiver process serve them all. A finding names the
rule that raised it, quotes the values, points at the clauses they came
from (provenance), says how to fix it and whose work queue it goes to.

    >>> f = Finding(rule_id="ARITH-LINE-TOTAL", severity=Severity.ERROR,
    ...             message="line L1: 10 x 100.00 = 1,000.00 but the amount says 1,100.00",
    ...             fields=("lines[0].amount",), values={"quantity": "10"},
    ...             hint="correct the amount or the quantity", route="billing")
    >>> f.key
    'ARITH-LINE-TOTAL:lines[0].amount'

``key`` is the finding's identity across runs (rule + fields): re-running
validation on the same terms yields the same keys, so stored findings are
updated, never duplicated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from billops.domain.contract import Provenance


class Severity(StrEnum):
    ERROR = "error"  # blocks approval until fixed or waived
    WARNING = "warning"  # needs a look; does not block
    INFO = "info"  # worth knowing


class Route(StrEnum):
    """The work queue (role) a finding escalates to."""

    BILLING = "billing"
    FINANCE = "finance"
    SALES_OPS = "sales_ops"
    LEGAL = "legal"
    TAX = "tax"
    DEAL_DESK = "deal_desk"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    fields: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[Provenance, ...] = ()
    hint: str = ""
    route: str = Route.BILLING.value

    @property
    def key(self) -> str:
        return f"{self.rule_id}:{','.join(self.fields)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "fields": list(self.fields),
            "values": dict(self.values),
            "sources": [s.model_dump(mode="json") for s in self.sources],
            "hint": self.hint,
            "route": self.route,
        }
