"""``billops revenue``: revenue recognition (IFRS 15 / ASC 606) of a contract.

- ``billops revenue preview FILE [--amendment FILE ...] [--catalog FILE] [--events FILE ...]
  [--as-of DATE] [--residual SKU ...] [--json]``: the performance obligations,
  transaction price, allocation (with the SSP, ratio and arithmetic of each
  obligation) and monthly recognition schedule a contract (JSON/YAML, or a
  document read by extraction) would get, each ``--amendment`` applied in order
  and assessed as a contract modification (IFRS 15.20-21, the deciding
  criterion printed); nothing is stored. The catalogue is the demo company's
  unless ``--catalog`` names a file.
- ``billops revenue explain ID [--as-of DATE] [--json]``: the same for a set-up
  contract as stored, with its applied amendments and whether it is booked.
- ``billops revenue estimate ID --obligation O --total N ...``, ``variable ID
  --name N --method M --outcome A:P ...``, ``estimates ID``: finance's
  estimates (effort of input-method obligations, variable consideration)
  that the run uses from their date (``revenue_estimates.py``).
- ``billops revenue ready ID``, ``judge ID --criterion C --reason TEXT``,
  ``approve-judgement ID --criterion C``, ``book ID``: booking readiness
  (IFRS 15.9 step 1) and booking, with maker-checker judgements
  (``revenue_booking.py``).
- ``billops revenue run --period YYYY-MM [--entity E] [--json]``: recognise the month
  for the booked contracts (idempotent; a closed month is refused).
- ``billops revenue waterfall [--from YYYY-MM] [--months 12] [--entity E] [--json]``:
  revenue scheduled per month.
- ``billops revenue rollforward --period YYYY-MM [--entity E] [--json]``: opening,
  billed, recognised and closing deferred (and unbilled) revenue.
- ``billops revenue journals --period YYYY-MM --format csv|xlsx --out FILE [--entity E]``:
  the month's balanced journal entries for the ERP's journal import.

Amounts in tables are formatted for the legal entity's locale; ``--json``
prints exact decimal text.
"""

from __future__ import annotations

from pathlib import Path

import typer

from billops.adapters.catalog_files import load_catalogue
from billops.adapters.event_files import read_event_file
from billops.demo.catalog import catalog as demo_catalog
from billops.domain.catalog import Catalogue, parse_catalogue
from billops.domain.events import Events
from billops.domain.revenue import RevenuePlan, RevenuePolicy
from billops.domain.revenue.amended import AppliedAmendment, plan_amended
from billops.interfaces.cli import revenue_booking, revenue_estimates, revenue_run
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.setup import AS_OF_HELP, _as_of, _load_terms
from billops.interfaces.cli.state import state
from billops.workflows.revenue import applied_amendment, explain

__all__ = ["app"]

app = typer.Typer(
    help="Revenue recognition: obligations, allocation and schedule of a contract.",
    no_args_is_help=True,
)


def _catalogue(file: Path | None) -> Catalogue:
    if file is not None:
        return load_catalogue(file)
    return parse_catalogue(demo_catalog(), source="demo catalogue")


@app.command("preview")
def preview_command(
    file: Path = typer.Argument(..., help="Contract terms (.json/.yaml) or a signed document."),
    catalog: Path | None = typer.Option(
        None, "--catalog", help="Catalogue file (.yaml/.json/.csv); the demo catalogue if absent."
    ),
    events: list[Path] = typer.Option(
        [], "--events", help="Event CSV files (kind from the name, e.g. shipments.csv)."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    residual: list[str] = typer.Option(
        [], "--residual", help="SKU whose SSP is highly variable: residual approach (repeatable)."
    ),
    amendment: list[Path] = typer.Option(
        [],
        "--amendment",
        help="An amendment of the contract (.json/.yaml or a document), applied in order "
        "(repeatable).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Obligations, price, allocation and monthly revenue of a contract; nothing stored."""
    terms = _load_terms(file)
    catalogue = _catalogue(catalog)
    recorded = Events.of(e for path in events for e in read_event_file(path))
    applied: list[AppliedAmendment] = []
    for path in amendment:
        current = applied[-1].terms_after if applied else terms
        applied.append(applied_amendment(current, _load_terms(path)))
    plan = plan_amended(
        terms,
        applied,
        catalogue,
        recorded,
        as_of=_as_of(as_of),
        policy=RevenuePolicy(residual_skus=frozenset(residual)),
    )
    if as_json:
        emit_json(plan.as_dict())
        return
    _print_plan(plan)


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="A set-up contract's id."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A stored contract's revenue plan, its amendments assessed as modifications."""
    explained = explain(state(ctx).database(), contract_id, _as_of(as_of))
    if as_json:
        emit_json(explained.as_dict())
        return
    amendments = ", ".join(explained.amendments) or "none"
    say(
        f"{contract_id}: {'booked' if explained.booked else 'NOT booked'} for revenue "
        f"(`billops revenue ready {contract_id}`); applied amendments: {amendments}"
    )
    _print_plan(explained.plan)
    for item in explained.estimates.as_dict():
        if item["as_of"] <= explained.plan.as_of.isoformat():
            say(
                f"estimate {item['kind']} {item['name']} as of {item['as_of']} by "
                f"{item['recorded_by']}: {item['reason']}"
            )


def _print_plan(plan: RevenuePlan) -> None:
    allocation = {line.obligation_id: line for line in plan.allocation.lines}
    say(f"revenue plan of {plan.contract_id} on {plan.as_of} ({plan.currency})")
    say(f"transaction price: {plan.transaction_price.explanation()}")
    table(
        "obligations and allocation",
        ["obligation", "sku", "pattern", "service", "stated", "SSP", "ratio", "allocated"],
        [
            (
                o.obligation_id,
                o.sku,
                o.pattern.value + (f" ({o.point_event.value})" if o.point_event else ""),
                "" if o.service_period is None else str(o.service_period),
                "" if o.stated_price is None else f"{o.stated_price.amount:,f}",
                "" if (ssp := allocation[o.obligation_id].ssp) is None else f"{ssp.amount:,f}",
                allocation[o.obligation_id].as_dict()["ratio_percent"] or "",
                f"{allocation[o.obligation_id].allocated.amount:,f}",
            )
            for o in plan.obligations
        ],
    )
    for line in plan.allocation.lines:
        say(f"   {line.obligation_id}: SSP {line.ssp_basis}; {line.explanation}")
    for note in plan.allocation.notes:
        say(f"   note: {note}")
    ids = [o.obligation_id for o in plan.obligations]
    rows = []
    for month, total in plan.schedule.by_month():
        amounts = {e.obligation_id: e.amount for e in plan.schedule.entries if e.month == month}
        rows.append(
            (
                month.start.strftime("%Y-%m"),
                *(f"{amounts[i].amount:,f}" if i in amounts else "" for i in ids),
                f"{total.amount:,f}",
            )
        )
    table("recognition by month", ["month", *ids, "total"], rows)
    say(f"recognised {plan.schedule.total().amount:,f} {plan.currency} in {len(rows)} months")
    for pending in plan.schedule.pending:
        say(f"   pending {pending.obligation_id}: {pending.amount.amount:,f} ({pending.reason})")
    for finding in plan.findings:
        say(f"   {finding.severity.value} {finding.rule_id}: {finding.message}")
    for modification in plan.modifications:
        say(
            f"modification {modification.modification_id}: "
            f"{modification.kind.value.replace('_', ' ')}"
            + (
                f", adjustment {modification.adjustment.amount:,f}"
                if not modification.adjustment.is_zero()
                else ""
            )
        )
        say(f"   criterion: {modification.criterion}")
        for part in modification.reallocated:
            say(f"   {part.name}: {part.amount.amount:,f} ({part.explanation})")


revenue_booking.register(app)
revenue_run.register(app)
revenue_estimates.register(app)
