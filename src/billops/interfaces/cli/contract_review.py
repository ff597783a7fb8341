"""``billops contract validate / approve / explain``: the checks before setup.

    $ billops contract validate OF-2025-0142
    OF-2025-0142 v1: 1 error, 0 warning, 0 info finding(s) open (billops default policy ...)
    ┃ id ┃ severity ┃ rule             ┃ status ┃ queue   ┃ message ...
    problems found: 1 open error finding blocks approval
    $ echo $?
    1
    $ BILLOPS_ACTOR=lee billops finding waive 1 --reason "typo on the OF; customer confirmed"
    $ BILLOPS_ACTOR=lee billops contract approve OF-2025-0142 --reason "checked against the OF"
    OF-2025-0142 version 1 approved by lee
    $ billops contract explain OF-2025-0142

``validate`` takes a stored contract's id, or a file: contract terms as
JSON/YAML, or a signed document (PDF, DOCX, ...) read by intake; a file's
findings are printed and nothing is stored. Exit codes: 0 no open error, 1
open errors ("problems found"), 2 bad input or a refused approval.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from billops.adapters.files import load_contract
from billops.adapters.storage.database import Database
from billops.adapters.storage.validation_store import StoredFinding
from billops.domain.contract import ContractTerms
from billops.domain.findings import Finding
from billops.errors import InvalidInput
from billops.interfaces.cli.contract import app
from billops.interfaces.cli.output import emit_json, say, table
from billops.interfaces.cli.policy import policy_source
from billops.interfaces.cli.state import AppState, state
from billops.workflows.validation import (
    ValidationResult,
    approve_contract,
    explain_contract,
    validate_contract,
    validate_contracts,
    validate_terms,
)

__all__ = ["app"]

TERMS_SUFFIXES = (".json", ".yaml", ".yml")


def _today() -> date:
    """Today in the local time zone of whoever runs the command."""
    return datetime.now().astimezone().date()


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _stored_rows(findings: list[StoredFinding]) -> list[tuple[object, ...]]:
    return [
        (
            f.finding_id,
            f.severity.value,
            f.rule_id,
            f.status,
            f.finding.route,
            _short(f.finding.message),
        )
        for f in findings
    ]


def _problems_found(errors: int, *, stored: bool = True) -> None:
    if not errors:
        return
    plural = "s" if errors > 1 else ""
    if stored:
        say(
            f"problems found: {errors} open error finding{plural} "
            f"{'block' if errors > 1 else 'blocks'} approval "
            "(fix the contract, or `billops finding waive ID --reason ...`)"
        )
    else:
        say(f"problems found: {errors} error finding{plural}")
    raise typer.Exit(1)


def _print_result(result: ValidationResult) -> None:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in result.open:
        counts[f.severity.value] += 1
    say(
        f"{result.contract_id} v{result.version}: {counts['error']} error, "
        f"{counts['warning']} warning, {counts['info']} info finding(s) open ({result.policy})"
    )
    if result.findings:
        table(
            None,
            ["id", "severity", "rule", "status", "queue", "message"],
            _stored_rows(list(result.findings)),
        )
    changes = result.changes
    if changes.changed:
        say(
            f"  this run: {len(changes.raised)} raised, {len(changes.reopened)} reopened, "
            f"{len(changes.updated)} updated, "
            f"{len(changes.resolved) + len(changes.superseded)} resolved"
        )
    else:
        say("  this run changed nothing (same findings as before)")
    if not result.crm_checked:
        say("  CRM cross-check skipped: no opportunities imported (`billops crm import`)")


def _terms_of_file(path: Path) -> ContractTerms:
    if path.suffix.lower() in TERMS_SUFFIXES:
        return load_contract(path)
    try:
        from billops.workflows.intake import extract_file
    except ImportError:  # pragma: no cover - intake ships with billops
        raise InvalidInput(
            "only contract terms files (.json, .yaml, .yml) can be validated",
            source=str(path),
        ) from None
    extraction = extract_file(path, llm=None)
    if extraction.terms is None:
        why = "; ".join(extraction.problems) or "the document's terms could not be assembled"
        raise InvalidInput(
            f"no contract terms could be read: {why}",
            source=str(path),
            hint="check the document with `billops extract FILE`",
        )
    return extraction.terms


def _database_if_any(app_state: AppState) -> Database | None:
    """The database, unless it is a SQLite file that does not exist (validating creates none)."""
    url = app_state.settings.database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:" and not path.exists():
            return None
    return app_state.database()


def _validate_file(app_state: AppState, path: Path, as_json: bool) -> None:
    terms = _terms_of_file(path)
    result = validate_terms(
        terms,
        policy=policy_source(),
        today=_today(),
        database=_database_if_any(app_state),
    )
    if as_json:
        emit_json(
            {
                "file": str(path),
                "contract_id": terms.contract_id,
                "stored": False,
                "references_checked": result.references_checked,
                "crm_checked": result.crm_checked,
                "crm_match": result.crm_match,
                "findings": [f.as_dict() for f in result.findings],
            }
        )
    else:
        say(
            f"{path}: {terms.contract_id}: {len(result.findings)} finding(s), "
            f"{result.open_errors} error(s) (nothing stored)"
        )
        rows: list[Finding] = list(result.findings)
        if rows:
            table(
                None,
                ["severity", "rule", "queue", "message"],
                [(f.severity.value, f.rule_id, f.route, _short(f.message)) for f in rows],
            )
        if not result.references_checked:
            say("  customer and entity not checked: no database")
    if result.open_errors:
        if as_json:
            raise typer.Exit(1)
        _problems_found(result.open_errors, stored=False)


@app.command("validate")
def validate_command(
    ctx: typer.Context,
    target: str | None = typer.Argument(
        None, help="A contract id, or a file (terms JSON/YAML, or a signed document)."
    ),
    all_contracts: bool = typer.Option(False, "--all", help="Validate every stored contract."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run the validation rules; store the findings (a file: print them, store nothing)."""
    app_state = state(ctx)
    if all_contracts == (target is not None):
        raise InvalidInput(
            "give a contract id, a file, or --all",
            field="ID|FILE",
            hint="billops contract validate OF-1",
        )
    if target is not None and Path(target).is_file():
        _validate_file(app_state, Path(target), as_json)
        return
    database = app_state.database()
    actor = app_state.settings.actor
    if target is not None:
        results = [
            validate_contract(database, target, actor=actor, policy=policy_source(), today=_today())
        ]
    else:
        results = validate_contracts(database, actor=actor, policy=policy_source(), today=_today())
    errors = sum(len(r.open_errors) for r in results)
    if as_json:
        emit_json(results[0].as_dict() if target is not None else [r.as_dict() for r in results])
        if errors:
            raise typer.Exit(1)
        return
    if target is not None:
        _print_result(results[0])
    else:
        table(
            f"{len(results)} contracts validated",
            ["contract", "version", "errors", "warnings", "info", "changed"],
            [
                (
                    r.contract_id,
                    r.version,
                    sum(1 for f in r.open if f.severity.value == "error"),
                    sum(1 for f in r.open if f.severity.value == "warning"),
                    sum(1 for f in r.open if f.severity.value == "info"),
                    "yes" if r.changes.changed else "",
                )
                for r in results
            ],
        )
    _problems_found(errors)


@app.command("approve")
def approve_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    reason: str = typer.Option(..., "--reason", help="Why, for the audit trail (required)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Approve the current version for setup: no open errors, and not by its maker."""
    app_state = state(ctx)
    outcome = approve_contract(
        app_state.database(), contract_id, approver=app_state.settings.actor, reason=reason
    )
    approval = outcome.approval
    if as_json:
        emit_json(
            {
                "contract_id": approval.contract_id,
                "version": approval.contract_version,
                "approver": approval.approver,
                "reason": approval.reason,
                "approved_at": approval.approved_at,
                "created": outcome.created,
            }
        )
        return
    if outcome.created:
        say(f"{contract_id} version {approval.contract_version} approved by {approval.approver}")
    else:
        say(
            f"{contract_id} version {approval.contract_version} was already approved by "
            f"{approval.approver} on {approval.approved_at:%Y-%m-%d %H:%M} UTC (nothing changed)"
        )


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., help="The contract id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """For each finding: the rule, the values, the clause it came from, and what to do."""
    explanation = explain_contract(state(ctx).database(), contract_id)
    if as_json:
        emit_json(explanation.as_dict())
        return
    approved = f"; approved by {explanation.approval.approver}" if explanation.approval else ""
    say(f"{contract_id} v{explanation.version}: {len(explanation.findings)} finding(s){approved}")
    for item in explanation.findings:
        f = item.finding
        say("")
        title = f" {item.rule.title}" if item.rule else ""
        say(
            f"#{f.finding_id} {f.severity.value.upper()} {f.rule_id}{title} "
            f"[{f.status}, {f.finding.route} queue]"
        )
        say(f"  found:   {f.finding.message}")
        if item.rule is not None and item.rule.doc != item.rule.title:
            say(f"  rule:    {item.rule.doc}")
        if f.finding.values:
            say("  values:  " + ", ".join(f"{k}={v}" for k, v in f.finding.values.items()))
        if item.clauses:
            for clause in item.clauses:
                label = f"{clause.field}: " if clause.field else ""
                say(f"  clause:  {label}{clause.describe()}")
        else:
            say("  clause:  (no source recorded for " + (", ".join(f.finding.fields) or "it") + ")")
        if f.finding.hint:
            say(f"  to do:   {f.finding.hint}")
        if f.waiver is not None:
            say(f"  waived:  by {f.waiver.approver}: {f.waiver.reason}")
