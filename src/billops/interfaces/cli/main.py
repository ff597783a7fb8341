"""The ``billops`` command: nouns as groups, one clear line per error.

Exit codes: 0 success; 1 problems found (a check ran and found something,
e.g. ``billops audit verify`` on a broken chain); 2 bad usage or bad input
(nothing was saved); 3 an internal error (a bug: please report it with the
``--debug`` traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from billops import __version__
from billops.errors import BillopsError
from billops.interfaces.cli import (
    audit,
    billing,
    catalog,
    contract,
    contract_edit,
    contract_review,
    crm,
    customer,
    db,
    demo,
    entity,
    finding,
    intake,
    invoice,
    policy,
    queue,
    revenue,
    schema,
)
from billops.interfaces.cli import eval as eval_
from billops.interfaces.cli import setup as setup_
from billops.interfaces.cli.output import errors
from billops.interfaces.cli.state import AppState
from billops.settings import Settings

app = typer.Typer(
    name="billops",
    help="Contract-to-cash: contracts in; orders, invoices, revenue and a clean close out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(entity.app, name="entity")
app.add_typer(customer.app, name="customer")
app.add_typer(contract.app, name="contract")
app.command("extract")(intake.extract_command)
app.add_typer(intake.app, name="intake")
app.add_typer(finding.app, name="finding")
app.add_typer(queue.app, name="queue")
app.add_typer(policy.app, name="policy")
app.add_typer(catalog.app, name="catalog")
app.command("setup")(setup_.setup_command)
app.add_typer(setup_.schedule_app, name="schedule")
app.add_typer(setup_.event_app, name="event")
app.command("amend")(setup_.amend_command)
app.add_typer(setup_.order_app, name="order")
app.add_typer(setup_.project_app, name="project")
app.add_typer(billing.app, name="bill")
app.add_typer(invoice.app, name="invoice")
app.add_typer(revenue.app, name="revenue")
app.add_typer(crm.app, name="crm")
app.add_typer(eval_.app, name="eval")
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(schema.app, name="schema")
app.add_typer(demo.app, name="demo")

# contract_edit and contract_review add their commands to the contract group.
assert contract_edit.app is contract_review.app is contract.app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"billops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    if not isinstance(ctx.obj, AppState):
        ctx.obj = AppState(settings=Settings.from_env(), debug=debug)
    ctx.obj.debug = debug


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this in-process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("BILLOPS_DEBUG") == "1"
    try:
        # Typer (standalone) prints usage errors itself and exits 2; ours we print.
        app(args=args, prog_name="billops")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BillopsError as exc:
        if debug:
            raise
        errors.print(f"error: {exc.describe()}", markup=False)
        return exc.exit_code
    except Exception as exc:
        if debug:
            raise
        errors.print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            markup=False,
        )
        return 3
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
