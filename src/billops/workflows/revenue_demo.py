"""The demo's revenue step: book the orders, run revenue month by month, reconcile.

After billing, the demo books every set-up contract whose booking
readiness (IFRS 15.9 step 1) is met. A contract flagged only because
another contract of the same customer was signed close by (the
combination question, IFRS 15.17) gets a judgement recorded by
``demo-analyst`` ("separate deals") and approved by ``demo-controller``
(maker-checker), and is booked too. Contracts of the customers whose
credit is ``doubtful`` (one in 50, ``demo.parties.credit_status``) are
left unbooked: collection is not probable, so they are no contract for
revenue yet.

Fixed-fee services are recognised by the input method, which needs an
estimate of the total effort: the demo's project managers report monthly
(``record_effort`` by ``demo-controller``, from the PSA: hours incurred
by each month end against the estimate at completion, the fee at 150 an
hour; the first such project revises its estimate up 10 % in its second
month, a change of estimate the run catches up).

Revenue is then run for every month from the earliest booked contract's
start through the demo month, in order, as a finance team closing each
month would have. The step prints the 12-month waterfall after the demo
month and the demo month's rollforward, and proves the reconciliation:

- the rollforward's billed equals the net of the issued invoices and
  credit notes of the booked contracts dated in the month, taken straight
  from the documents' totals (not from the revenue code's per-line
  mapping);
- deferred + recognised to date = billed to date + unbilled, per entity;
- every journal entry balances, and so does the export.

Files under ``<out>/revenue/``: ``waterfall.csv`` / ``.xlsx``,
``rollforward-YYYY-MM.csv`` / ``.xlsx`` and ``journals-YYYY-MM.csv`` /
``.xlsx``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from billops.adapters.journal_exports import (
    check_balanced,
    write_journal_csv,
    write_journal_xlsx,
    write_report_csv,
    write_report_xlsx,
)
from billops.adapters.storage.database import Database
from billops.adapters.storage.tables_billing import InvoiceRow
from billops.adapters.storage.tables_revenue import BookingRow
from billops.adapters.storage.tables_setup import OrderRow
from billops.domain.calendar import Period, month_period
from billops.domain.events import Events
from billops.domain.invoices import DocumentKind, InvoiceStatus
from billops.domain.l10n import format_amount
from billops.domain.money import Money, currency_minor_units
from billops.domain.policy import Policy
from billops.domain.revenue.obligations import RecognitionPattern
from billops.domain.revenue.readiness import COLLECTABILITY, COMBINATION
from billops.errors import BillopsError
from billops.workflows.revenue import (
    Rollforward,
    Waterfall,
    contract_histories,
    contract_terms,
    journals,
    next_month,
    revenue_run,
    rollforward,
    waterfall,
)
from billops.workflows.revenue_booking import (
    approve_judgement,
    book,
    booking_readiness_of,
    judge,
)
from billops.workflows.revenue_estimates import record_effort
from billops.workflows.setup import stored_catalogue

__all__ = ["demo_revenue_step"]

Say = Callable[[str], None]
ANALYST, CONTROLLER = "demo-analyst", "demo-controller"
COMBINATION_REASON = (
    "demo: separate deals negotiated on their own, each priced at its own standalone "
    "prices; no contract's price depends on the other's (IFRS 15.17 (a)-(c) not met)"
)


def _policy_source() -> Callable[[str | None], Policy]:
    from billops.adapters.policy_files import load_policy

    cache: dict[str | None, Policy] = {}

    def policy_of(code: str | None) -> Policy:
        if code not in cache:
            cache[code] = load_policy(None, code)
        return cache[code]

    return policy_of


def _book_all(database: Database, as_of: date) -> dict[str, Any]:
    """Book what is ready, judge the combination question, leave the rest; what happened."""
    policy = _policy_source()
    with database.sessions() as session:
        contract_ids = list(
            session.execute(select(OrderRow.contract_id).order_by(OrderRow.contract_id)).scalars()
        )
    booked, judged = [], []
    unbooked: dict[str, str] = {}
    for contract_id in contract_ids:
        try:
            readiness = booking_readiness_of(database, contract_id, policy=policy, as_of=as_of)
            missing = {c.criterion_id for c in readiness.readiness.missing}
            if missing == {COMBINATION}:
                judge(
                    database,
                    contract_id,
                    criterion=COMBINATION,
                    reason=COMBINATION_REASON,
                    actor=ANALYST,
                    policy=policy,
                    as_of=as_of,
                )
                approve_judgement(database, contract_id, criterion=COMBINATION, approver=CONTROLLER)
                judged.append(contract_id)
            elif missing:
                unbooked[contract_id] = ", ".join(sorted(missing))
                continue
            book(database, contract_id, actor=CONTROLLER, policy=policy, as_of=as_of)
            booked.append(contract_id)
        except BillopsError as exc:
            unbooked[contract_id] = exc.describe()
    return {"booked": booked, "judged": judged, "unbooked": unbooked}


def _first_month(database: Database, booked: list[str]) -> Period | None:
    starts: list[date] = []
    with database.sessions() as session:
        for start in range(0, len(booked), 200):
            terms = contract_terms(session, booked[start : start + 200])
            starts += [t.start_date for t in terms.values() if t.start_date is not None]
    return month_period(min(starts)) if starts else None


def _documents_net(
    database: Database, month: Period, booked: set[str]
) -> dict[tuple[str, str], Money]:
    """Net of the issued documents dated in ``month`` whose contracts are all booked.

    From the documents' own totals (credit notes negative), per entity and
    currency: the independent side of the reconciliation.
    """
    totals: dict[tuple[str, str], Money] = {}
    with database.sessions() as session:
        rows = session.execute(
            select(InvoiceRow).where(
                InvoiceRow.status == InvoiceStatus.ISSUED.value,
                InvoiceRow.issue_date >= month.start,
                InvoiceRow.issue_date <= month.end,
            )
        ).scalars()
        for row in rows:
            contracts = set(row.record.get("contract_ids") or [])
            if not contracts or not contracts <= booked:
                continue
            sign = -1 if row.kind == DocumentKind.CREDIT_NOTE.value else 1
            key = (row.entity_code, row.currency)
            money = Money(Decimal(row.net_total) * sign, row.currency)
            totals[key] = totals.get(key, Money.zero(row.currency)) + money
    return totals


def _say_waterfall(report: Waterfall, say: Say) -> None:
    say(f"   waterfall, {report.labels[0]} .. {report.labels[-1]} (plans as of {report.as_of}):")
    for row in report.rows:
        cells = [
            f"{label} {format_amount(amount, row.locale)}"
            for label, amount in zip(report.labels, row.months, strict=True)
        ]
        say(f"     {row.entity} {row.currency} ({row.contracts} contracts):")
        for start in range(0, len(cells), 4):
            say("       " + " | ".join(cells[start : start + 4]))
        say(
            f"       12 months {format_amount(row.total, row.locale)}; later "
            f"{format_amount(row.later, row.locale)}; pending (no date yet) "
            f"{format_amount(row.pending, row.locale)}"
        )


def _say_rollforward(report: Rollforward, say: Say) -> None:
    say(
        f"   rollforward {report.period}, net contract position (deferred revenue less "
        "unbilled revenue, per contract):"
    )
    for row in report.rows:
        loc = row.locale

        def f(money: Money, loc: str = loc) -> str:
            return format_amount(money, loc)

        opening = row.opening_deferred - row.opening_unbilled
        closing = row.closing_deferred - row.closing_unbilled
        say(
            f"     {row.entity} {row.currency}: opening {f(opening)} + billed {f(row.billed)} "
            f"- recognised {f(row.recognised)} = closing {f(closing)} "
            f"({'reconciles' if row.reconciles else 'DOES NOT reconcile'}); closing deferred "
            f"{f(row.closing_deferred)}, unbilled {f(row.closing_unbilled)}"
        )


def _write_reports(
    folder: Path, report: Waterfall, forward: Rollforward, month: str, database: Database
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    columns = ["entity", "currency", "month", "scheduled_revenue"]
    rows: list[list[Any]] = []
    minors: list[int | None] = []
    for row in report.rows:
        for label, amount in zip(report.labels, row.months, strict=True):
            rows.append([row.entity, row.currency, label, amount.amount])
            minors.append(currency_minor_units(row.currency))
        for label, amount in (("later", row.later), ("pending", row.pending)):
            rows.append([row.entity, row.currency, label, amount.amount])
            minors.append(currency_minor_units(row.currency))
    written.append(write_report_csv(columns, rows, folder / "waterfall.csv"))
    written.append(
        write_report_xlsx(
            columns, rows, folder / "waterfall.xlsx", sheet="waterfall", minor_units=minors
        )
    )
    names = [
        "entity", "currency", "contracts", "opening_deferred", "opening_unbilled", "billed",
        "recognised", "catch_up", "closing_deferred", "closing_unbilled",
    ]  # fmt: skip
    lines: list[list[Any]] = [
        [r.entity, r.currency, r.contracts] + [getattr(r, name).amount for name in names[3:]]
        for r in forward.rows
    ]
    minors = [currency_minor_units(r.currency) for r in forward.rows]
    written.append(write_report_csv(names, lines, folder / f"rollforward-{month}.csv"))
    written.append(
        write_report_xlsx(
            names, lines, folder / f"rollforward-{month}.xlsx", sheet="rollforward",
            minor_units=minors,
        )
    )  # fmt: skip
    entries = journals(database, month)
    written.append(write_journal_csv(entries, folder / f"journals-{month}.csv"))
    written.append(write_journal_xlsx(entries, folder / f"journals-{month}.xlsx"))
    return written


HOURLY_RATE = Decimal(150)  # the demo PSA's blended rate for fixed-fee estimates


def _progress_reports(database: Database, booked: list[str], as_of: date) -> dict[str, int]:
    """Monthly effort reports of the booked contracts' input-method obligations (docstring)."""
    found: list[tuple[str, str, Period, Money]] = []
    with database.sessions() as session:
        catalogue = stored_catalogue(session)
        for start in range(0, len(booked), 200):
            ids = booked[start : start + 200]
            histories = contract_histories(session, ids)
            for cid in ids:
                history = histories.get(cid)
                if history is None:
                    continue
                try:
                    plan = history.plan(catalogue, Events(), as_of)
                except BillopsError:
                    continue
                for o in plan.obligations:
                    if o.pattern is RecognitionPattern.INPUT and o.service_period is not None:
                        price = o.stated_price or Money.zero(plan.currency)
                        found.append((cid, o.obligation_id, o.service_period, price))
    reports = revised = 0
    for index, (cid, oid, period, price) in enumerate(sorted(found)):
        total = max(Decimal(8), (price.amount / HOURLY_RATE).quantize(Decimal(1)))
        month = month_period(period.start)
        number = 0
        while month.start <= min(period.end, as_of):
            day = min(month.end, period.end, as_of)
            elapsed = Decimal((day - period.start).days + 1) / Decimal(period.days)
            estimate = total
            number += 1
            if index == 0 and number >= 2:  # an overrun seen in the second month
                estimate = (total * Decimal("1.1")).quantize(Decimal(1))
                revised += number == 2
            incurred = (estimate * elapsed).quantize(Decimal(1))
            record_effort(
                database,
                cid,
                oid,
                estimated_total=estimate,
                incurred=incurred,
                as_of=day,
                reason=f"PSA report {day:%Y-%m}: estimate at completion {estimate} h",
                actor=CONTROLLER,
            )
            reports += 1
            month = next_month(month)
    return {"obligations": len(found), "reports": reports, "revised": revised}


def demo_revenue_step(
    database: Database, out: Path, say: Say, *, as_of: date, actor: str
) -> dict[str, Any]:
    """Book, run revenue month by month through ``as_of``'s month, report and reconcile."""
    bookings = _book_all(database, as_of)
    booked, judged, unbooked = bookings["booked"], bookings["judged"], bookings["unbooked"]
    doubtful = sorted(c for c, why in unbooked.items() if COLLECTABILITY in why)
    say(
        f"   booked {len(booked)} orders for revenue ({len(judged)} after a judgement on "
        f"{COMBINATION} by {ANALYST}, approved by {CONTROLLER}); {len(unbooked)} not booked"
        + (f" ({len(doubtful)} of a customer with doubtful credit: {', '.join(doubtful)})"
           if doubtful else "")
    )  # fmt: skip
    for contract_id, why in sorted(unbooked.items()):
        if contract_id not in doubtful:
            say(f"   not booked {contract_id}: {why}")
    progress = _progress_reports(database, booked, as_of)
    if progress["reports"]:
        say(
            f"   effort reports for {progress['obligations']} fixed-fee obligations (input "
            f"method): {progress['reports']} monthly PSA reports recorded by {CONTROLLER}, "
            f"{progress['revised']} estimate revised (a change of estimate, caught up)"
        )
    demo_month = month_period(as_of)
    first = _first_month(database, booked)
    months: list[Period] = []
    if first is not None:
        months.append(first)
        while months[-1].start < demo_month.start:
            months.append(next_month(months[-1]))
    posted = 0
    catch_up_months: list[str] = []
    parked: set[str] = set()
    for month in months:
        run = revenue_run(database, month, actor=actor)
        posted += run.postings
        parked |= {p["contract"] for p in run.parked}
        if run.catch_up:
            catch_up_months.append(run.period)
    rerun = revenue_run(database, demo_month, actor=actor) if months else None
    label = demo_month.start.strftime("%Y-%m")
    say(
        f"   revenue run for {len(months)} months"
        + (f", {months[0].start:%Y-%m} .. {label}" if months else "")
        + f": {posted} postings"
        + (f"; catch-ups in {', '.join(catch_up_months)}" if catch_up_months else "")
        + (f"; parked {', '.join(sorted(parked))}" if parked else "")
    )
    if rerun is not None:
        say(f"   {label} run again: {rerun.postings} new postings (idempotent)")
    modifications = rerun.modifications if rerun is not None else {}
    if modifications:
        say(
            "   amendments assessed as contract modifications (IFRS 15.20-21): "
            + ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in sorted(modifications.items()))
            + "; the criterion of each: `billops revenue explain CONTRACT`"
        )
    report = waterfall(database, next_month(demo_month), 12)
    _say_waterfall(report, say)
    forward = rollforward(database, demo_month)
    _say_rollforward(forward, say)
    documents = _documents_net(database, demo_month, set(booked))
    checks = []
    for row in forward.rows:
        net = documents.get((row.entity, row.currency), Money.zero(row.currency))
        checks.append(
            {
                "entity": row.entity,
                "currency": row.currency,
                "billed": format(row.billed.amount, "f"),
                "documents_net": format(net.amount, "f"),
                "billed_matches_documents": row.billed == net,
                "balances": (row.closing_deferred + row.recognised_to_date)
                == (row.billed_to_date + row.closing_unbilled),
                "rollforward": row.reconciles,
            }
        )
    entries = journals(database, demo_month)
    totals = check_balanced(entries)
    ok = all(c["billed_matches_documents"] and c["balances"] and c["rollforward"] for c in checks)
    say(
        f"   reconciliation {label}: "
        + "; ".join(
            f"{c['entity']} billed {c['billed']} {c['currency']} = issued invoices less credit "
            f"notes {c['documents_net']}" for c in checks
        )
        + "; deferred + recognised = billed + unbilled for every entity; "
        + ", ".join(f"{cur} journal debits = credits {d.amount:f}" for cur, (d, _) in
                    sorted(totals.items()))
        + (": reconciled" if ok else ": NOT RECONCILED")
    )  # fmt: skip
    written = _write_reports(out / "revenue", report, forward, label, database)
    say(f"   {len(written)} files (waterfall, rollforward, journals; CSV and XLSX) under "
        f"{out / 'revenue'}")  # fmt: skip
    with database.sessions() as session:
        booked_rows = len(list(session.execute(select(BookingRow.contract_id)).scalars()))
    return {
        "booked": len(booked),
        "bookings_stored": booked_rows,
        "judged": len(judged),
        "unbooked": dict(sorted(unbooked.items())),
        "doubtful": doubtful,
        "months": [m.start.strftime("%Y-%m") for m in months],
        "postings": posted,
        "rerun_postings": None if rerun is None else rerun.postings,
        "effort_reports": progress,
        "modifications": modifications,
        "parked": sorted(parked),
        "waterfall": report.as_dict(),
        "rollforward": forward.as_dict(),
        "reconciliation": checks,
        "reconciled": ok,
        "journal_lines": len(entries),
        "journal_totals": {
            cur: [format(d.amount, "f"), format(c.amount, "f")]
            for cur, (d, c) in sorted(totals.items())
        },
        "files": [p.name for p in written],
    }
