"""The revenue plan of an amended contract: each amendment assessed as a contract modification.

Setup applies an amendment to a contract's terms (added lines, lines that
replace others from the effective date, a moved end date). Revenue must not
simply plan the amended terms from inception: that would treat every
amendment as a cumulative catch-up. IFRS 15.18-21 (ASC 606-10-25-10..13)
decide, per amendment and in the order they were applied:

1. plan the contract as it stood (``before``) and as the amendment leaves it
   (``after``: the amended terms planned from inception);
2. describe the amendment as a ``ContractModification``: what it adds (the
   new obligations of ``after``, and the extension of a ratable obligation
   whose end moved later) with their price and catalogue SSP, which
   obligations it replaces, and the change in the consideration of what was
   already promised;
3. measure each obligation of ``before`` on the day before the effective
   date: revenue earned by then (ratable: by day, within the month too);
4. ``classify_modification`` decides, and the plan is composed:

   - **separate contract** (15.20): ``before`` stands as it was; each
     addition is recognised on its own at its own price;
   - **prospective** (15.21(a)): what ``before`` earned by the effective
     date stands; the consideration not yet recognised plus the
     amendment's is reallocated by relative SSP (``assess_modification``)
     to what remains (each ratable obligation from the effective date to
     its end) and to the additions, and recognised from then on;
   - **cumulative catch-up** (15.21(b)): the amendment changes an obligation
     that is not a series of distinct periods (a fixed-fee service,
     milestones, hardware, a go-live) or the added lines join an obligation
     already promised: the amended terms are planned from inception and the
     difference falls in the month of the change.

What a prospective modification does not reallocate, and why: obligations
already satisfied, as-incurred obligations (usage, T&M, expenses: their
variable consideration belongs to them, 15.85), and point-in-time, input
or output obligations the amendment leaves unchanged (they keep their
price; 15.21(c), a mix in one modification, is not modelled). A catch-up
re-plans from inception, so it does not keep the reallocation of an earlier
prospective modification of the same contract.

Seats added for the rest of the year at a price inside the catalogue's SSP
range are a separate contract: the first 10 seats are untouched.

    >>> from billops.domain.catalog import parse_catalogue
    >>> from billops.domain.contract import parse_contract
    >>> catalogue = parse_catalogue([{"sku": "SUB", "name": "Workspace",
    ...     "billing_model": "subscription", "revenue_category": "subscription",
    ...     "unit": "seat", "price_period": "month", "gl_revenue": "4010",
    ...     "gl_deferred": "2410", "gl_unbilled": "1310", "tax_code": "DIGITAL",
    ...     "ssp_range": {"USD": {"low": "90", "high": "110"}}}])
    >>> def contract(id, lines, **more):
    ...     return parse_contract({"contract_id": id, "document_type": "order_form",
    ...         "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...         "currency": "USD", "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...         "lines": lines, **more})
    >>> seats = {"line_id": "L1", "sku": "SUB", "description": "Seats",
    ...     "billing_model": "subscription", "quantity": 10, "unit_price": "100.00"}
    >>> more = {"line_id": "AM-1.L1", "sku": "SUB", "description": "More seats",
    ...     "billing_model": "subscription", "quantity": 5, "unit_price": "100.00",
    ...     "service_start": "2026-07-01", "service_end": "2026-12-31"}
    >>> change = AppliedAmendment("AM-1", date(2026, 7, 1), contract("OF-1", [seats, more]))
    >>> plan = plan_amended(contract("OF-1", [seats]), [change], catalogue,
    ...     as_of=date(2026, 12, 31))
    >>> plan.modifications[0].kind.value
    'separate_contract'
    >>> [(line.obligation_id, str(line.allocated)) for line in plan.allocation.lines]
    [('L1', '12000.00 USD'), ('AM-1.L1', '3000.00 USD')]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from billops.domain.calendar import Period, month_period
from billops.domain.catalog import Catalogue
from billops.domain.contract import ContractTerms
from billops.domain.events import Events
from billops.domain.money import Money, sum_money
from billops.domain.revenue._format import amount_text
from billops.domain.revenue.allocation import (
    Allocation,
    AllocationLine,
    AllocationMethod,
    StandalonePrice,
    standalone_selling_prices,
)
from billops.domain.revenue.modifications import (
    AddedPromise,
    ContractModification,
    ModificationAssessment,
    ModificationKind,
    ObligationPosition,
    Reallocation,
    assess_modification,
    classify_modification,
)
from billops.domain.revenue.obligations import Obligation, RecognitionPattern
from billops.domain.revenue.plan import RevenuePlan, plan_revenue
from billops.domain.revenue.policy import RevenuePolicy
from billops.domain.revenue.price import TransactionPrice, VariableConsideration
from billops.domain.revenue.recognition import (
    InputProgress,
    PendingRevenue,
    RecognitionEntry,
    RecognitionSchedule,
    recognition_schedule,
)
from billops.errors import InvalidInput

__all__ = ["AppliedAmendment", "modify_plan", "plan_amended"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class AppliedAmendment:
    """One amendment as setup applied it: its id, effective date, and the terms it left.

    ``replaced_lines`` are the contract's line ids whose remaining service the
    amendment replaces (its lines' ``replaces``).
    """

    amendment_id: str
    effective: date
    terms_after: ContractTerms
    replaced_lines: frozenset[str] = frozenset()


def plan_amended(
    base: ContractTerms,
    amendments: Sequence[AppliedAmendment],
    catalogue: Catalogue,
    events: Events = Events(),  # noqa: B008 - Events is immutable
    *,
    as_of: date,
    policy: RevenuePolicy | None = None,
    variable: Sequence[VariableConsideration] = (),
    progress: Sequence[InputProgress] = (),
) -> RevenuePlan:
    """The revenue plan of ``base`` with ``amendments`` applied in order (module docstring).

    ``variable`` and ``progress`` are finance's estimates (variable
    consideration, effort of input-method obligations), as ``plan_revenue``
    takes them, for the contract as it stands after each amendment.
    """
    policy = policy or RevenuePolicy()
    inputs = Inputs(events, tuple(variable), tuple(progress))
    plan = _planned(base, catalogue, inputs, as_of, policy)
    start = _start_of(base)
    for amendment in amendments:
        if amendment.effective < start:
            raise InvalidInput(
                f"the modification takes effect on {amendment.effective}, before the contract "
                f"starts on {start}",
                field=f"modifications[{amendment.amendment_id}].effective_date",
                value=amendment.effective.isoformat(),
                hint="a modification changes a contract in force: check its effective date",
            )
        after = _planned(amendment.terms_after, catalogue, inputs, as_of, policy)
        plan = modify_plan(plan, after, amendment, start, catalogue, inputs, policy)
    return plan


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a plan is made from besides the terms: events and finance's estimates."""

    events: Events
    variable: tuple[VariableConsideration, ...] = ()
    progress: tuple[InputProgress, ...] = ()


def _planned(
    terms: ContractTerms, catalogue: Catalogue, inputs: Inputs, as_of: date, policy: RevenuePolicy
) -> RevenuePlan:
    """``plan_revenue`` of ``terms``; variable consideration tied to obligations these terms
    do not have yet (an amendment adds them) waits for the terms that have them."""
    lines = {line.line_id for line in terms.lines}
    variable = [
        v
        for v in inputs.variable
        if all(part in lines for oid in v.obligation_ids for part in oid.split("+"))
    ]
    return plan_revenue(
        terms,
        catalogue,
        inputs.events,
        as_of=as_of,
        policy=policy,
        variable=variable,
        progress=inputs.progress,
    )


def _start_of(terms: ContractTerms) -> date:
    starts = [terms.start_date, *(line.service_start for line in terms.lines)]
    known = [s for s in starts if s is not None]
    return min(known) if known else date.min


# --------------------------------------------------------------------------
# One modification


@dataclass(frozen=True, slots=True)
class _Segment:
    """A part of an obligation recognised from the modification on, at its own price."""

    key: str  # unique within the modification: the name the reallocation uses
    target: str  # the obligation id of the composed plan it belongs to
    obligation: Obligation  # a copy with the key as id and the segment's service period
    ssp: Money | None = None  # the SSP of the segment (its period, its quantity)


@dataclass
class _Shape:
    """How the amendment changes the contract, obligation by obligation."""

    continuing: dict[str, Obligation]  # before id -> after's obligation (ratable, goes on)
    stops: list[str]  # ratable obligations of before that end at the amendment
    segments: list[_Segment]  # remaining parts and additions
    added: list[AddedPromise]
    replaces: list[str]
    changed: list[str]  # non-series obligations the amendment changes: catch-up
    problem: str  # why the plans cannot be composed (then: catch-up)


def modify_plan(
    before: RevenuePlan,
    after: RevenuePlan,
    amendment: AppliedAmendment,
    contract_start: date,
    catalogue: Catalogue,
    inputs: Inputs,
    policy: RevenuePolicy,
) -> RevenuePlan:
    """``before`` as ``amendment`` modifies it, given ``after`` (its terms planned anew)."""
    effective = amendment.effective
    currency = before.currency
    zero = Money.zero(currency)
    shape = _shape(before, after, amendment, catalogue, policy)
    earned = {
        o.obligation_id: _earned_before(before, o, effective)
        for o in before.obligations
        if o.pattern is RecognitionPattern.RATABLE
    }
    allocated = {line.obligation_id: line.allocated for line in before.allocation.lines}
    remaining = {s.key: s.ssp for s in shape.segments}
    positions = [
        ObligationPosition(oid, allocated[oid], earned[oid], remaining_ssp=remaining[oid])
        for oid in shape.continuing
    ] + [ObligationPosition(oid, earned[oid], earned[oid]) for oid in shape.stops]
    released = sum_money((allocated[oid] - earned[oid] for oid in shape.stops), currency)
    consideration_before = _fixed_total(before)
    consideration_after = _fixed_total(after)
    added_price = sum_money((a.price for a in shape.added), currency)
    change = consideration_after - consideration_before - added_price + released
    modification = ContractModification(
        amendment.amendment_id,
        effective,
        added=tuple(shape.added),
        price_change=change,
        replaces=tuple(shape.replaces),
    )
    kind, criterion = classify_modification(modification)
    if shape.problem or shape.changed:
        # Not composable (15.21(c), a mix in one modification, is not modelled): the
        # amended contract is planned from inception.
        reason = shape.problem or (
            f"the amendment changes {', '.join(shape.changed)}, not a series of distinct "
            "periods: what remains of it is part of an obligation partly satisfied"
        )
        kind = ModificationKind.CUMULATIVE_CATCH_UP
        criterion = f"IFRS 15.21(b): {reason}: cumulative catch-up"
    if kind is ModificationKind.CUMULATIVE_CATCH_UP:
        assessment = _catch_up(before, after, amendment, criterion)
        return dataclasses.replace(after, modifications=(*before.modifications, assessment))
    if positions or shape.added:
        assessment = assess_modification(contract_start, positions, modification)
    else:  # nothing remains and nothing is added: only the consideration changes
        assessment = ModificationAssessment(amendment.amendment_id, kind, criterion, zero)
    shares = {r.name: r for r in assessment.reallocated}
    return _compose(before, after, amendment, shape, earned, shares, assessment, inputs)


def _fixed_total(plan: RevenuePlan) -> Money:
    """What the plan allocates to obligations that are not recognised as incurred."""
    variable = {o.obligation_id for o in plan.obligations if o.variable_only}
    return sum_money(
        (line.allocated for line in plan.allocation.lines if line.obligation_id not in variable),
        plan.currency,
    )


def _shape(
    before: RevenuePlan,
    after: RevenuePlan,
    amendment: AppliedAmendment,
    catalogue: Catalogue,
    policy: RevenuePolicy,
) -> _Shape:
    effective = amendment.effective
    prefix = f"{amendment.amendment_id}."
    old = {o.obligation_id: o for o in before.obligations}
    new = {o.obligation_id: o for o in after.obligations}
    shape = _Shape({}, [], [], [], [], [], "")
    for oid, o in old.items():
        if o.variable_only:
            continue
        replaced = bool(set(o.line_ids) & amendment.replaced_lines)
        later = new.get(oid)
        if o.pattern is not RecognitionPattern.RATABLE:
            if later is None and not replaced:
                shape.problem = f"obligation {oid} is not in the amended contract"
            elif replaced or later is None or _differs(o, later):
                shape.changed.append(oid)
            continue
        assert o.service_period is not None  # a ratable obligation has one
        if o.service_period.end < effective:
            continue  # satisfied before the amendment: nothing of it remains
        if later is None and not replaced:
            shape.problem = f"obligation {oid} is not in the amended contract"
            continue
        if replaced or later is None:
            shape.stops.append(oid)
            shape.replaces.append(oid)
            continue
        if later.service_period is None or later.service_period.end < effective:
            shape.stops.append(oid)
            continue
        old_end, new_end = o.service_period.end, later.service_period.end
        first = max(effective, later.service_period.start)
        if first > min(old_end, new_end):
            shape.problem = f"obligation {oid}'s service moves outside what remained of it"
            continue
        shape.continuing[oid] = later
        rest = Period(first, min(old_end, new_end))
        shape.segments.append(_segment(oid, oid, later, rest, None))
        if new_end > old_end:
            extension = Period(max(effective, old_end + _ONE_DAY), new_end)
            price = _stated(later) - _stated(o)
            key = f"{oid} extended to {new_end}"
            shape.segments.append(_segment(key, oid, later, extension, price))
            shape.added.append(AddedPromise(key, price, None))
    for oid, o in new.items():
        if oid in old or o.variable_only:
            continue
        if not all(line_id.startswith(prefix) for line_id in o.order_line_ids):
            shape.problem = (
                f"the amendment's lines join lines already promised in one obligation ({oid}: "
                "same product, model and service period)"
            )
            continue
        shape.segments.append(_segment(oid, oid, o, o.service_period, None))
        shape.added.append(AddedPromise(oid, _stated(o), None))
    _price_segments(shape, catalogue, policy)
    return shape


def _stated(o: Obligation) -> Money:
    return o.stated_price if o.stated_price is not None else Money.zero(o.currency)


def _differs(old: Obligation, new: Obligation) -> bool:
    return (old.stated_price, old.service_period, old.quantity, old.milestones) != (
        new.stated_price,
        new.service_period,
        new.quantity,
        new.milestones,
    )


def _segment(
    key: str, target: str, o: Obligation, period: Period | None, price: Money | None
) -> _Segment:
    """A copy of ``o`` over ``period`` (None: its own), stated at its share of ``o``'s price."""
    stated = o.stated_price
    if price is not None:
        stated = price
    elif (
        stated is not None
        and period is not None
        and o.service_period is not None
        and period != o.service_period
    ):
        stated = (stated * period.days / o.service_period.days).round()
    copy = dataclasses.replace(
        o, obligation_id=key, service_period=period or o.service_period, stated_price=stated
    )
    return _Segment(key, target, copy)


def _price_segments(shape: _Shape, catalogue: Catalogue, policy: RevenuePolicy) -> None:
    """The SSP of every segment (a remaining period, an addition) and of each added promise."""
    if not shape.segments:
        return
    ssps = standalone_selling_prices(
        [s.obligation for s in shape.segments], catalogue, policy=policy
    )
    found: Mapping[str, Money | None] = {s.obligation_id: s.amount for s in ssps}
    shape.segments = [dataclasses.replace(s, ssp=found[s.key]) for s in shape.segments]
    shape.added = [dataclasses.replace(a, ssp=found[a.description]) for a in shape.added]


# --------------------------------------------------------------------------
# Measuring and composing


def _earned_before(plan: RevenuePlan, o: Obligation, effective: date) -> Money:
    """Revenue ``plan`` earns for ratable ``o`` through the day before ``effective``.

    Whole months before the effective month as scheduled; the effective
    month's revenue in proportion to its days of service before the
    effective date (rounded once, half up: a named rounding point).
    """
    month = month_period(effective)
    entries = plan.schedule.for_obligation(o.obligation_id)
    prior = sum_money((e.amount for e in entries if e.month.end < month.start), plan.currency)
    here = next((e for e in entries if e.month == month), None)
    if here is None or effective == month.start or o.service_period is None:
        return prior
    first = max(o.service_period.start, month.start)
    last = min(o.service_period.end, month.end)
    if last < first:
        return prior
    days_before = max(0, (min(effective - _ONE_DAY, last) - first).days + 1)
    all_days = (last - first).days + 1
    return prior + (here.amount * days_before / all_days).round()


def _catch_up(
    before: RevenuePlan, after: RevenuePlan, amendment: AppliedAmendment, criterion: str
) -> ModificationAssessment:
    """The catch-up's amount: what ``after`` earns through the effective month, less ``before``."""
    through = month_period(amendment.effective).end
    adjustment = after.schedule.recognised_through(through) - before.schedule.recognised_through(
        through
    )
    old = {line.obligation_id: line.allocated for line in before.allocation.lines}
    reallocated = tuple(
        Reallocation(
            line.obligation_id,
            line.allocated,
            f"allocated {amount_text(old[line.obligation_id])} -> {amount_text(line.allocated)}"
            if line.obligation_id in old
            else f"added at {amount_text(line.allocated)}",
        )
        for line in after.allocation.lines
        if old.get(line.obligation_id) != line.allocated
    )
    return ModificationAssessment(
        amendment.amendment_id,
        ModificationKind.CUMULATIVE_CATCH_UP,
        criterion,
        adjustment,
        reallocated,
    )


def _compose(
    before: RevenuePlan,
    after: RevenuePlan,
    amendment: AppliedAmendment,
    shape: _Shape,
    earned: Mapping[str, Money],
    shares: Mapping[str, Reallocation],
    assessment: ModificationAssessment,
    inputs: Inputs,
) -> RevenuePlan:
    currency = before.currency
    zero = Money.zero(currency)
    kind = assessment.kind
    separate = kind is ModificationKind.SEPARATE_CONTRACT
    effective = amendment.effective
    month = month_period(effective)
    label = f"{amendment.amendment_id} ({kind.value.replace('_', ' ')}, from {effective})"
    # The segments that earn from the amendment on, each at its reallocated price.
    priced: list[tuple[_Segment, Money, str]] = []
    for segment in shape.segments:
        if separate and segment.key == segment.target and segment.target in shape.continuing:
            continue  # a separate contract leaves what was promised as it was
        share = shares.get(segment.key)
        if share is None:
            continue
        priced.append((segment, share.amount, share.explanation))
    new_schedule = _segment_schedule(before, priced, inputs)
    # Per obligation of the composed plan: its entries and allocation.
    allocation: dict[str, AllocationLine] = {}
    entries: dict[str, dict[Period, tuple[Money, list[str]]]] = {}
    obligations: list[Obligation] = []
    old_lines = {line.obligation_id: line for line in before.allocation.lines}
    after_lines = {line.obligation_id: line for line in after.allocation.lines}
    after_obligations = {o.obligation_id: o for o in after.obligations}
    cut = set(shape.stops) | (set() if separate else set(shape.continuing))
    for o in before.obligations:
        oid = o.obligation_id
        if o.variable_only:
            continue  # taken from ``after`` below
        obligations.append(shape.continuing.get(oid, o))
        mine: dict[Period, tuple[Money, list[str]]] = {}
        for e in before.schedule.for_obligation(oid):
            if oid in cut and e.month.start >= month.start:
                continue
            mine[e.month] = (e.amount, [e.explanation])
        if oid in cut:
            prior = sum_money((amount for amount, _ in mine.values()), currency)
            part = earned[oid] - prior
            if not part.is_zero():
                mine[month] = (
                    part,
                    [f"{amount_text(part)} earned before {amendment.amendment_id} took effect"],
                )
            allocation[oid] = _line(
                old_lines[oid],
                earned[oid],
                f"{amount_text(earned[oid])} recognised before {label}",
            )
        else:
            allocation[oid] = old_lines[oid]
        entries[oid] = mine
    for o in after.obligations:
        oid = o.obligation_id
        if o.variable_only:
            obligations.append(o)
            allocation[oid] = after_lines[oid]
            entries[oid] = {
                e.month: (e.amount, [e.explanation]) for e in after.schedule.for_obligation(oid)
            }
        elif oid not in entries:
            obligations.append(after_obligations[oid])
            allocation[oid] = _line(after_lines[oid], zero, "")
            entries[oid] = {}
    for segment, amount, why in priced:
        line = allocation[segment.target]
        allocation[segment.target] = _line(
            line,
            line.allocated + amount,
            (f"{line.explanation}; " if line.explanation else "")
            + f"{amount_text(amount)} by {label}: {why}",
        )
        mine = entries[segment.target]
        for e in new_schedule.for_obligation(segment.key):
            amount_before, texts = mine.get(e.month, (zero, []))
            mine[e.month] = (amount_before + e.amount, [*texts, f"{label}: {e.explanation}"])
    return _assemble(before, after, obligations, allocation, entries, new_schedule, assessment)


def _line(line: AllocationLine, amount: Money, explanation: str) -> AllocationLine:
    """``line`` carrying ``amount`` for the reason given (no longer a ratio of one pool)."""
    return dataclasses.replace(
        line,
        allocated=amount,
        explanation=explanation,
        ratio=None,
        method=AllocationMethod.MODIFIED,
    )


def _segment_schedule(
    before: RevenuePlan, priced: Sequence[tuple[_Segment, Money, str]], inputs: Inputs
) -> RecognitionSchedule:
    currency = before.currency
    if not priced:
        return RecognitionSchedule(before.contract_id, currency, ())
    lines = tuple(
        AllocationLine(
            segment.key,
            None,
            "reallocated by the modification",
            AllocationMethod.MODIFIED,
            None,
            amount,
            Money.zero(currency),
            why,
        )
        for segment, amount, why in priced
    )
    total = sum_money((line.allocated for line in lines), currency)
    allocation = Allocation(before.contract_id, currency, total, lines)
    return recognition_schedule(
        [segment.obligation for segment, _, _ in priced],
        allocation,
        events=inputs.events,
        progress=inputs.progress,
    )


def _assemble(
    before: RevenuePlan,
    after: RevenuePlan,
    obligations: Sequence[Obligation],
    allocation: Mapping[str, AllocationLine],
    entries: Mapping[str, Mapping[Period, tuple[Money, list[str]]]],
    new_schedule: RecognitionSchedule,
    assessment: ModificationAssessment,
) -> RevenuePlan:
    currency = before.currency
    made: list[RecognitionEntry] = []
    pending: list[PendingRevenue] = []
    reasons = {p.obligation_id: p.reason for p in (*before.schedule.pending, *new_schedule.pending)}
    order = {o.obligation_id: i for i, o in enumerate(obligations)}
    for o in obligations:
        oid = o.obligation_id
        cumulative = Money.zero(currency)
        for month in sorted(entries[oid], key=lambda m: m.start):
            amount, texts = entries[oid][month]
            if amount.is_zero():
                continue
            cumulative = cumulative + amount
            made.append(
                RecognitionEntry(
                    before.contract_id, oid, month, amount, cumulative, "; ".join(texts)
                )
            )
        left = allocation[oid].allocated - cumulative
        if not left.is_zero():
            why = reasons.get(oid) or next(
                (p.reason for p in new_schedule.pending if p.obligation_id.startswith(oid)),
                "not yet earned",
            )
            pending.append(PendingRevenue(oid, left, why))
    made.sort(key=lambda e: (e.month.start, order[e.obligation_id]))
    lines = tuple(allocation[o.obligation_id] for o in obligations)
    total = sum_money((line.allocated for line in lines), currency)
    result = Allocation(before.contract_id, currency, total, lines, before.allocation.notes)
    return dataclasses.replace(
        after,
        obligations=tuple(obligations),
        transaction_price=_price(after.transaction_price, total),
        ssps=_ssps(before.ssps, after.ssps),
        allocation=result,
        schedule=RecognitionSchedule(before.contract_id, currency, tuple(made), tuple(pending)),
        modifications=(*before.modifications, assessment),
    )


def _price(after: TransactionPrice, total: Money) -> TransactionPrice:
    """``after``'s parts, its fixed consideration adjusted to the composed total."""
    discounts = sum_money((d.amount for d in after.discounts), total.currency)
    variable = sum_money((v.included for v in after.variable), total.currency)
    fixed = total - after.incurred - variable + discounts
    return dataclasses.replace(after, fixed=fixed, total=total)


def _ssps(
    before: Iterable[StandalonePrice], after: Iterable[StandalonePrice]
) -> tuple[StandalonePrice, ...]:
    known = {s.obligation_id: s for s in before}
    for s in after:
        known.setdefault(s.obligation_id, s)
    return tuple(known.values())
