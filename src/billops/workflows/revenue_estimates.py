"""Finance's revenue estimates: the judgements a contract does not state, dated and audited.

Two kinds, each recorded for a set-up contract with a reason, from a date on
(``as_of``); the revenue run uses, for each month, the estimates dated on or
before its last day, so a later estimate is a change of estimate that the
next run catches up (IFRS 15.88 and B19), never a rewrite of a posted month.

``record_effort``
    An input-method obligation's (a fixed-fee service's) estimated total
    effort, in hours or cost, and the effort incurred by ``as_of``: a
    progress report (``InputProgress``). In hours, ``incurred`` may be left
    out: the approved time entries of the obligation's lines by ``as_of``
    are what was incurred, and later approved entries add to it.
``record_variable``
    Variable consideration (a bonus, a penalty, a rebate): the method
    (expected value or most likely amount), the outcomes and their
    probabilities, the obligations it relates to entirely (IFRS 15.85), and
    optionally the analyst's judgement of the constraint (the amount highly
    probable not to reverse).

Recording the same estimate again changes nothing; a different estimate on
the same date replaces it (audited, with the one before). Bad input (an
unknown contract or obligation, an obligation not measured by the input
method, a total of 0, probabilities not summing to 1, an amount too
large) is one ``InvalidInput`` and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_revenue import RevenueEstimateRow
from billops.domain.events import Events
from billops.domain.money import Money
from billops.domain.revenue import RevenuePlan
from billops.domain.revenue.obligations import RecognitionPattern
from billops.domain.revenue.price import (
    EstimationMethod,
    Outcome,
    VariableConsideration,
    estimate_variable,
)
from billops.domain.revenue.recognition import InputProgress
from billops.errors import InvalidInput

__all__ = [
    "EFFORT_UNITS",
    "Estimates",
    "Recorded",
    "contract_estimates",
    "estimates_by_contract",
    "record_effort",
    "record_variable",
]

EFFORT_UNITS = ("hours", "cost")
_LARGEST = Decimal("1e12")  # an effort or an amount above this is a typing error


@dataclass(frozen=True)
class Recorded:
    """What recording an estimate did: ``changed`` False when it was recorded already."""

    contract_id: str
    kind: str
    name: str
    as_of: date
    changed: bool
    replaced: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "kind": self.kind,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "changed": self.changed,
            "replaced": self.replaced,
        }


@dataclass(frozen=True)
class _Row:
    kind: str
    name: str
    as_of: date
    estimate: Mapping[str, Any]
    reason: str
    recorded_by: str


@dataclass(frozen=True)
class Estimates:
    """A contract's recorded estimates, as the revenue plan takes them."""

    rows: tuple[_Row, ...] = ()

    def variable(self, currency: str, day: date) -> list[VariableConsideration]:
        """The latest estimate of each variable consideration dated on or before ``day``."""
        latest: dict[str, _Row] = {}
        for row in sorted(self.rows, key=lambda r: r.as_of):
            if row.kind == "variable" and row.as_of <= day:
                latest[row.name] = row
        return [_consideration(row.name, row.estimate, currency) for row in latest.values()]

    def progress(self, events: Events, day: date) -> list[InputProgress]:
        """Every effort report dated on or before ``day``, as progress of its obligation."""
        reports: list[InputProgress] = []
        for row in sorted(self.rows, key=lambda r: r.as_of):
            if row.kind != "effort" or row.as_of > day:
                continue
            unit = row.estimate["unit"]
            incurred = row.estimate.get("incurred")
            if incurred is None:
                lines = set(row.name.split("+"))
                done = sum(
                    (
                        t.hours
                        for t in events.time_entries
                        if t.approved and t.line_id in lines and t.work_date <= row.as_of
                    ),
                    Decimal(0),
                )
            else:
                done = Decimal(incurred)
            reports.append(
                InputProgress(
                    row.name, row.as_of, done, Decimal(row.estimate["estimated_total"]), unit
                )
            )
        return reports

    def as_dict(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": r.kind,
                "name": r.name,
                "as_of": r.as_of.isoformat(),
                "estimate": dict(r.estimate),
                "reason": r.reason,
                "recorded_by": r.recorded_by,
            }
            for r in self.rows
        ]


NO_ESTIMATES = Estimates()


def _consideration(name: str, image: Mapping[str, Any], currency: str) -> VariableConsideration:
    probable = image.get("highly_probable_amount")
    return VariableConsideration(
        name,
        EstimationMethod(image["method"]),
        tuple(
            Outcome(Money(o["amount"], currency), Decimal(o["probability"]))
            for o in image["outcomes"]
        ),
        tuple(image.get("obligation_ids") or ()),
        None if probable is None else Money(probable, currency),
    )


def estimates_by_contract(session: Session, contract_ids: Sequence[str]) -> dict[str, Estimates]:
    """The recorded estimates of these contracts (one query)."""
    rows = session.execute(
        select(RevenueEstimateRow)
        .where(RevenueEstimateRow.contract_id.in_(list(contract_ids)))
        .order_by(RevenueEstimateRow.contract_id, RevenueEstimateRow.as_of, RevenueEstimateRow.id)
    ).scalars()
    found: dict[str, list[_Row]] = {}
    for row in rows:
        found.setdefault(row.contract_id, []).append(
            _Row(row.kind, row.name, row.as_of, row.estimate, row.reason, row.recorded_by)
        )
    return {cid: Estimates(tuple(items)) for cid, items in found.items()}


# --------------------------------------------------------------------------
# Recording


def record_effort(
    database: Database,
    contract_id: str,
    obligation_id: str,
    *,
    estimated_total: Decimal | str,
    unit: str = "hours",
    incurred: Decimal | str | None = None,
    as_of: date,
    reason: str,
    actor: str,
    clock: Clock = utc_now,
) -> Recorded:
    """Record an input-method obligation's estimated total effort (module docstring)."""
    if unit not in EFFORT_UNITS:
        raise InvalidInput(
            f"effort is measured in {' or '.join(EFFORT_UNITS)}",
            field="--unit",
            value=unit,
        )
    total = _number(estimated_total, "--total")
    if total <= 0:
        raise InvalidInput(
            "the estimated total effort must be greater than 0", field="--total", value=str(total)
        )
    done = None if incurred is None else _number(incurred, "--incurred")
    if done is not None and done < 0:
        raise InvalidInput(
            "the effort incurred must not be negative", field="--incurred", value=str(done)
        )
    if done is None and unit == "cost":
        raise InvalidInput(
            "a cost estimate needs the cost incurred by its date",
            field="--incurred",
            hint="give --incurred (the cost to date); hours come from approved time entries",
        )
    plan = _plan(database, contract_id, as_of)
    obligation = next((o for o in plan.obligations if o.obligation_id == obligation_id), None)
    measured = [o.obligation_id for o in plan.obligations if o.pattern is RecognitionPattern.INPUT]
    if obligation is None or obligation.pattern is not RecognitionPattern.INPUT:
        raise InvalidInput(
            f"contract {contract_id} has no obligation {obligation_id!r} measured by effort "
            "(the input method)",
            field="--obligation",
            value=obligation_id,
            hint=f"its input-method obligations: {', '.join(measured) or 'none'}",
        )
    estimate: dict[str, Any] = {
        "unit": unit,
        "estimated_total": format(total, "f"),
        "incurred": None if done is None else format(done, "f"),
    }
    return _store(
        database, contract_id, "effort", obligation_id, as_of, estimate, reason, actor, clock
    )


def record_variable(
    database: Database,
    contract_id: str,
    name: str,
    *,
    method: str,
    outcomes: Sequence[tuple[Decimal | str, Decimal | str]],
    obligation_ids: Sequence[str] = (),
    highly_probable_amount: Decimal | str | None = None,
    as_of: date,
    reason: str,
    actor: str,
    clock: Clock = utc_now,
) -> Recorded:
    """Record an estimate of variable consideration (module docstring)."""
    if not name.strip() or len(name) > 200:
        raise InvalidInput(
            "variable consideration needs a name (1 to 200 characters)", field="--name"
        )
    try:
        chosen = EstimationMethod(method)
    except ValueError:
        raise InvalidInput(
            "the method is expected_value or most_likely_amount (IFRS 15.53)",
            field="--method",
            value=method,
        ) from None
    plan = _plan(database, contract_id, as_of)
    currency = plan.currency
    known = {o.obligation_id for o in plan.obligations}
    unknown = [oid for oid in obligation_ids if oid not in known]
    if unknown:
        raise InvalidInput(
            f"contract {contract_id} has no obligation {', '.join(unknown)}",
            field="--obligation",
            value=", ".join(unknown),
            hint=f"its obligations: {', '.join(sorted(known))}",
        )
    pairs = [
        (_number(amount, f"--outcome[{i}].amount"), _number(p, f"--outcome[{i}].probability"))
        for i, (amount, p) in enumerate(outcomes)
    ]
    probable = (
        None
        if highly_probable_amount is None
        else _number(highly_probable_amount, "--highly-probable")
    )
    image: dict[str, Any] = {
        "method": chosen.value,
        "outcomes": [
            {
                "amount": format(Money(a, currency).round().amount, "f"),
                "probability": format(p, "f"),
            }
            for a, p in pairs
        ],
        "obligation_ids": list(obligation_ids),
        "highly_probable_amount": (
            None if probable is None else format(Money(probable, currency).round().amount, "f")
        ),
    }
    estimate_variable(_consideration(name, image, currency))  # refuses bad outcomes now
    return _store(database, contract_id, "variable", name, as_of, image, reason, actor, clock)


def _number(value: Decimal | str, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput("not a number", field=field, value=str(value)) from None
    if not number.is_finite() or abs(number) > _LARGEST:
        raise InvalidInput(
            f"a number up to {_LARGEST:,.0f} is expected", field=field, value=str(value)
        )
    return number


def _plan(database: Database, contract_id: str, as_of: date) -> RevenuePlan:
    # imported here: the revenue workflow imports this module for the estimates
    from billops.workflows.revenue import explain

    return explain(database, contract_id, as_of).plan


def _store(
    database: Database,
    contract_id: str,
    kind: str,
    name: str,
    as_of: date,
    estimate: dict[str, Any],
    reason: str,
    actor: str,
    clock: Clock,
) -> Recorded:
    if not reason.strip():
        raise InvalidInput("say why: a reason is required for an estimate", field="--reason")
    if not actor.strip():
        raise InvalidInput("who records the estimate is required", field="BILLOPS_ACTOR")
    with database.transaction() as session:
        row = session.execute(
            select(RevenueEstimateRow).where(
                RevenueEstimateRow.contract_id == contract_id,
                RevenueEstimateRow.kind == kind,
                RevenueEstimateRow.name == name,
                RevenueEstimateRow.as_of == as_of,
            )
        ).scalar_one_or_none()
        if row is not None and row.estimate == estimate:
            return Recorded(contract_id, kind, name, as_of, False, None)
        before = None if row is None else {"estimate": row.estimate, "reason": row.reason}
        now = clock()
        if row is None:
            row = RevenueEstimateRow(
                contract_id=contract_id,
                kind=kind,
                name=name,
                as_of=as_of,
                estimate=estimate,
                reason=reason,
                recorded_by=actor,
                recorded_at=now,
            )
            session.add(row)
        else:
            row.estimate, row.reason, row.recorded_by, row.recorded_at = (
                estimate,
                reason,
                actor,
                now,
            )
        session.flush()
        audit_store.append(
            session,
            actor=actor,
            entity_type="revenue_estimate",
            entity_id=f"{contract_id}:{kind}:{name}:{as_of.isoformat()}",
            action="record" if before is None else "revise",
            before=before,
            after={"estimate": estimate, "reason": reason},
            reason=reason,
            clock=clock,
        )
    return Recorded(contract_id, kind, name, as_of, True, before)


def contract_estimates(database: Database, contract_id: str) -> Estimates:
    """The estimates recorded for one contract, oldest first."""
    with database.sessions() as session:
        return estimates_by_contract(session, [contract_id]).get(contract_id, NO_ESTIMATES)
