"""``billops revenue run / waterfall / rollforward / journals``: the month's revenue.

    $ billops revenue run --period 2026-11
    $ billops revenue waterfall --from 2026-12 --months 12
    $ billops revenue rollforward --period 2026-11
    $ billops revenue balances --period 2026-11 --out balances-2026-11.csv
    $ billops revenue journals --period 2026-11 --format xlsx --out journals-2026-11.xlsx

``register(app)`` adds the commands to the ``revenue`` group. Exit codes: 0
done; 2 bad input (a period not written YYYY-MM, ``--months`` below 1, a
format other than csv or xlsx) or a refused run (a closed month, a month
out of order): one error line, nothing posted.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from billops.adapters.cells import Cell
from billops.adapters.journal_exports import (
    FORMATS,
    check_balanced,
    write_journal,
    write_report_csv,
    write_report_xlsx,
)
from billops.adapters.storage.revenue_store import RevenueStore, month_text
from billops.domain.calendar import month_period, parse_period
from billops.domain.l10n import format_amount
from billops.domain.money import Money
from billops.errors import InvalidInput
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.policy import policy_source
from billops.interfaces.cli.state import state
from billops.workflows.revenue import (
    BALANCE_COLUMNS,
    ContractBalanceRow,
    RevenueRun,
    Rollforward,
    Waterfall,
    contract_balance_rows,
    journals,
    next_month,
    revenue_run,
    rollforward,
    waterfall,
)

__all__ = ["print_rollforward", "print_run", "print_waterfall", "register"]


def _money(money: Money, locale: str) -> str:
    return format_amount(money, locale)


def print_run(run: RevenueRun, locales: dict[str, str]) -> None:
    verdict = "posted" if run.changed else "nothing changed (already recognised)"
    say(
        f"revenue of {run.period}: {run.contracts} booked contracts planned, "
        f"{run.posted_contracts} posted, {run.postings} postings, "
        f"{run.journal_entries} journal entries: {verdict}"
    )
    rows = []
    for entity in run.entities:
        for currency, amount in sorted(run.recognised.get(entity, {}).items()):
            catch_up = run.catch_up.get(entity, {}).get(currency, "0")
            locale = locales.get(entity, "en_US")
            rows.append(
                (
                    entity,
                    currency,
                    _money(Money(amount, currency), locale),
                    _money(Money(catch_up, currency), locale),
                )
            )
    if rows:
        table(None, ["entity", "currency", "posted this run", "of which catch-up"], rows)
    if run.modifications:
        kinds = ", ".join(
            f"{kind.replace('_', ' ')} {count}" for kind, count in sorted(run.modifications.items())
        )
        say(
            f"   amendments assessed as contract modifications (IFRS 15.20-21): {kinds}; "
            "`billops revenue explain CONTRACT` shows the criterion"
        )
    if run.late_document_count:
        shown = ", ".join(
            f"{d['document']} ({d['contract']}, dated {d['dated']})" for d in run.late_documents[:5]
        )
        more = run.late_document_count - min(5, len(run.late_documents))
        say(
            f"   {run.late_document_count} document(s) dated in a month already run, issued "
            f"after it, journaled in {run.period}: {shown}" + (f" and {more} more" if more else "")
        )
    for parked in run.parked:
        say(f"   parked {parked['contract']}: {parked['reason']}")
    for contract in run.conflicts:
        say(f"   {contract}: another run posted it first; run again to see the result")


def print_waterfall(report: Waterfall) -> None:
    say(
        f"revenue waterfall from {report.start}, {len(report.labels)} months "
        f"(plans as of {report.as_of})"
    )
    for row in report.rows:
        table(
            f"{row.entity} {row.currency} ({row.contracts} booked contracts)",
            ["month", "scheduled revenue"],
            [(m, _money(a, row.locale)) for m, a in zip(report.labels, row.months, strict=True)]
            + [
                ("total", _money(row.total, row.locale)),
                ("later", _money(row.later, row.locale)),
                ("pending (no date yet)", _money(row.pending, row.locale)),
            ],
        )
    if not report.rows:
        say("   no booked contract has revenue scheduled")
    for parked in report.parked:
        say(f"   left out {parked['contract']}: {parked['reason']}")


def print_rollforward(report: Rollforward) -> None:
    say(f"deferred revenue rollforward, {report.period}")
    for row in report.rows:
        loc = row.locale
        table(
            f"{row.entity} {row.currency} ({row.contracts} booked contracts)",
            ["", "deferred revenue", "unbilled revenue"],
            [
                ("opening", _money(row.opening_deferred, loc), _money(row.opening_unbilled, loc)),
                ("+ billed (net of tax)", _money(row.billed, loc), ""),
                (
                    "- recognised",
                    _money(row.recognised, loc)
                    + (
                        f" (catch-up {_money(row.catch_up, loc)})"
                        if not row.catch_up.is_zero()
                        else ""
                    ),
                    "",
                ),
                ("closing", _money(row.closing_deferred, loc), _money(row.closing_unbilled, loc)),
            ],
        )
        say(
            f"   closing = opening + billed - recognised, deferred net of unbilled: "
            f"{_money(row.closing_deferred - row.closing_unbilled, loc)} = "
            f"{_money(row.opening_deferred - row.opening_unbilled, loc)} + "
            f"{_money(row.billed, loc)} - {_money(row.recognised, loc)}: "
            f"{'reconciles' if row.reconciles else 'DOES NOT RECONCILE'}"
        )
        if not row.revenue_run:
            say(
                f"   revenue of {report.period} has not been run for {row.entity}: "
                f"`billops revenue run --period {report.period}`"
            )
    if not report.rows:
        say("   no booked contract has billing or revenue by then")


def _locales(ctx: typer.Context) -> dict[str, str]:
    from billops.adapters.storage.repositories import LegalEntities

    with state(ctx).database().transaction() as session:
        return {e.code: e.locale for e in LegalEntities(session, "reader").list()}


def run_command(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", help="The month, YYYY-MM."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recognise the month's revenue for the booked contracts (idempotent)."""
    app_state = state(ctx)
    month = parse_period(period)
    outcome = revenue_run(
        app_state.database(),
        month,
        actor=app_state.settings.actor,
        entity=entity,
        policy=policy_source(),
    )
    if as_json:
        emit_json(outcome.as_dict())
        return
    print_run(outcome, _locales(ctx))


def _default_start(ctx: typer.Context) -> str:
    """The month after the last month run, else the current month."""
    with state(ctx).database().transaction() as session:
        runs = RevenueStore(session, "reader").run_periods()
    last = max((months[-1] for months in runs.values() if months), default=None)
    if last is not None:
        return month_text(next_month(parse_period(last)))
    return month_text(month_period(datetime.now().astimezone().date()))


def waterfall_command(
    ctx: typer.Context,
    start: str | None = typer.Option(
        None, "--from", help="First month, YYYY-MM (default: the month after the last run)."
    ),
    months: int = typer.Option(12, "--months", help="How many months (at least 1)."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Revenue scheduled per month for the booked contracts."""
    if months < 1:
        raise InvalidInput(
            "a waterfall shows at least one month", field="--months", value=str(months)
        )
    first = parse_period(start) if start is not None else parse_period(_default_start(ctx))
    report = waterfall(state(ctx).database(), first, months, entity=entity)
    if as_json:
        emit_json(report.as_dict())
        return
    print_waterfall(report)


def rollforward_command(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", help="The month, YYYY-MM."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Opening, billed, recognised and closing deferred revenue of a month."""
    report = rollforward(state(ctx).database(), parse_period(period), entity=entity)
    if as_json:
        emit_json(report.as_dict())
        return
    print_rollforward(report)


def journals_command(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", help="The month, YYYY-MM."),
    file_format: str = typer.Option(..., "--format", help="csv or xlsx."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
) -> None:
    """The month's journal entries for the ERP's journal import (balanced, checked)."""
    if file_format not in FORMATS:
        raise InvalidInput(
            "journals are exported as csv or xlsx",
            field="--format",
            value=file_format,
            hint="use --format csv or --format xlsx",
        )
    month = parse_period(period)
    lines = journals(state(ctx).database(), month, entity=entity)
    totals = check_balanced(lines)
    write_journal(lines, out, file_format)
    entries = len({line.entry_key for line in lines})
    balance = ", ".join(
        f"{currency} debits {debit.amount:f} = credits {credit.amount:f}"
        for currency, (debit, credit) in sorted(totals.items())
    )
    say(f"{out}: {entries} journal entries, {len(lines)} lines; {balance or 'no lines'}")


BALANCE_HEADER = ["entity", "customer", "contract_id", "currency", *BALANCE_COLUMNS, "reconciles"]


def _cells(row: ContractBalanceRow) -> list[Cell]:
    return [
        row.entity,
        row.customer,
        row.contract_id,
        row.currency,
        *(getattr(row, name).amount for name in BALANCE_COLUMNS),
        "yes" if row.reconciles else "NO",
    ]


def balances_command(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", help="The month, YYYY-MM."),
    entity: str | None = typer.Option(None, "--entity", help="Only this legal entity."),
    contract: str | None = typer.Option(None, "--contract", help="Only this contract."),
    out: Path | None = typer.Option(
        None, "--out", help="Write every contract to this .csv or .xlsx file."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="Contracts shown on screen."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the contracts shown)."),
) -> None:
    """Each booked contract's deferred and unbilled revenue over the month (the subledger)."""
    month = parse_period(period)
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput("balances are written as .csv or .xlsx", field="--out", value=str(out))
    rows = contract_balance_rows(state(ctx).database(), month, entity=entity, contract=contract)
    if out is not None:
        temporary = out.with_name(out.name + ".part")  # no half-written file under the name
        if out.suffix.lower() == ".csv":
            write_report_csv(BALANCE_HEADER, (_cells(r) for r in rows), temporary)
        else:
            write_report_xlsx(
                BALANCE_HEADER, (_cells(r) for r in rows), temporary, sheet="balances"
            )
        temporary.replace(out)
        say(f"{out}: contract balances of {month_text(month)}")
        return
    shown: list[ContractBalanceRow] = []
    more = 0
    for row in rows:
        if len(shown) < limit:
            shown.append(row)
        else:
            more += 1
    if as_json:
        emit_json({"period": month_text(month), "rows": [r.as_dict() for r in shown], "more": more})
        return
    locales = _locales(ctx)
    table(
        f"contract balances, {month_text(month)}",
        ["contract", "customer", "opening deferred", "opening unbilled", "billed", "recognised",
         "closing deferred", "closing unbilled", ""],
        [
            (
                r.contract_id,
                r.customer,
                *(
                    _money(getattr(r, name), locales.get(r.entity, "en_US"))
                    for name in ("opening_deferred", "opening_unbilled", "billed", "recognised",
                                 "closing_deferred", "closing_unbilled")
                ),
                "" if r.reconciles else "DOES NOT RECONCILE",
            )
            for r in shown
        ],
    )  # fmt: skip
    if more:
        say(f"   and {more} more contracts: --out FILE.csv writes them all")


def register(app: typer.Typer) -> None:
    """Add ``run``, ``waterfall``, ``rollforward`` and ``journals`` to ``app``."""
    app.command("run")(run_command)
    app.command("waterfall")(waterfall_command)
    app.command("rollforward")(rollforward_command)
    app.command("journals")(journals_command)
    app.command("balances")(balances_command)
