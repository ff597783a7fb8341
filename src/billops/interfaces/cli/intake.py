"""``billops extract`` and ``billops intake``: read signed documents into contract terms.

``billops extract FILE`` reads one document and prints what it says (terms,
each value's source, what is missing, what does not add up) and stores
nothing. ``billops intake FILE...`` stores the documents and saves a draft
contract version from each; ``billops intake corrections`` reports which
fields people corrected most often; ``billops intake list`` lists what was
taken in.

``intake`` is a group whose first argument is either one of its commands or
a file: ``billops intake a.pdf b.docx`` runs ``billops intake files a.pdf
b.docx``. A file that happens to be called like a command (``corrections``)
is taken in with the explicit form ``billops intake files corrections`` or
as ``./corrections``.

An OpenAI-compatible LLM helps when ``BILLOPS_LLM_*`` is set (see
``billops.adapters.llm``); it is read once here, at the edge.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from billops.domain.contract import ContractTerms
from billops.domain.extraction.model import Extraction
from billops.interfaces.cli.output import TerminalProgress, emit_json, say, table
from billops.interfaces.cli.state import state
from billops.workflows.intake import (
    IntakeOutcome,
    correction_report,
    extract_file,
    intake_files,
    stored_extractions,
    value_at,
)

if TYPE_CHECKING:
    from billops.adapters.llm import LlmSettings

FILES_COMMAND = "files"


class IntakeGroup(TyperGroup):
    """A group that takes an unknown first argument for a file to take in."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [FILES_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=IntakeGroup,
    help="Intake: store signed documents and extract their terms as draft contracts "
    "(billops intake FILE...).",
    no_args_is_help=True,
)


def llm_settings() -> LlmSettings | None:
    """The LLM backend configured by the environment, or None (the default: off)."""
    from billops.adapters.llm import LlmSettings  # the HTTP SDK loads only when needed

    return LlmSettings.from_env(os.environ)


@app.command(FILES_COMMAND)
def files_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Documents: PDF, DOCX, HTML, Markdown, text."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Store each document (once per content) and save a draft contract from it."""
    app_state = state(ctx)
    with TerminalProgress() as progress:
        outcomes = intake_files(
            app_state.database(),
            files,
            actor=app_state.settings.actor,
            llm=llm_settings(),
            progress=progress,
        )
    if as_json:
        emit_json([o.as_dict() for o in outcomes])
        return
    for outcome in outcomes:
        say(describe_outcome(outcome))


def describe_outcome(o: IntakeOutcome) -> str:
    """One line per document, in the words of a billing analyst."""
    counts = (
        f"{o.values} values, {len(o.missing)} missing, "
        f"{len(o.findings)} finding{'' if len(o.findings) == 1 else 's'}"
    )
    if o.status == "draft":
        made = (
            f"draft contract {o.contract_id} version {o.version}"
            if o.new_version or not o.stored
            else f"contract {o.contract_id} unchanged (version {o.version} holds these terms)"
        )
        what = f"{made} ({counts})"
    elif o.status == "not_a_contract":
        what = "not a contract; stored, no contract saved"
    else:
        why = o.problems[0] if o.problems else "the terms are incomplete"
        what = f"incomplete, no contract saved: {why} ({counts})"
    if not o.stored:
        return f"{o.path.name}: already taken in as {o.name} ({o.sha256[:12]}): {what}; nothing new"
    return f"{o.path.name}: {what}"


@app.command("list")
def list_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Every document taken in, with its status and the contract it produced."""
    rows = stored_extractions(state(ctx).database())
    data: list[dict[str, Any]] = [
        {
            "document": r.document_name,
            "sha256": r.document_sha256,
            "status": r.status,
            "extractor": r.extractor,
            "contract_id": r.contract_id,
            "version": r.contract_version,
            "missing": len(r.result.get("missing", [])),
            "findings": len(r.result.get("findings", [])),
        }
        for r in rows
    ]
    if as_json:
        emit_json(data)
        return
    table(
        f"documents taken in ({len(data)})",
        ["document", "sha256", "status", "contract", "version", "missing", "findings"],
        [
            (
                d["document"],
                d["sha256"][:12],
                d["status"],
                d["contract_id"] or "",
                d["version"] or "",
                d["missing"],
                d["findings"],
            )
            for d in data
        ],
    )


@app.command("corrections")
def corrections_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Which fields people corrected most often: where extraction must improve."""
    counts = correction_report(state(ctx).database())
    if as_json:
        emit_json(
            [
                {
                    "field": c.field_group,
                    "corrections": c.corrections,
                    "contracts": c.contracts,
                    "corrected_extractors": c.extractors,
                    "last_reason": c.last_reason,
                }
                for c in counts
            ]
        )
        return
    if not counts:
        say("no corrections recorded yet (`billops contract set` records them)")
        return
    table(
        f"corrections by field ({sum(c.corrections for c in counts)} in all)",
        ["field", "corrections", "contracts", "value had come from", "last reason"],
        [
            (
                c.field_group,
                c.corrections,
                c.contracts,
                ", ".join(f"{name} {n}" for name, n in c.extractors.items()),
                c.last_reason,
            )
            for c in counts
        ],
    )


def extract_command(
    file: Path = typer.Argument(..., help="A document: PDF, DOCX, HTML, Markdown, text."),
    as_json: bool = typer.Option(False, "--json", help="Print the extraction as JSON."),
) -> None:
    """Read a document and print its terms with their sources; store nothing."""
    extraction = extract_file(file, llm=llm_settings())
    if as_json:
        emit_json(extraction.as_dict())
        return
    print_extraction(extraction)


def print_extraction(extraction: Extraction) -> None:
    kind = extraction.classification
    say(
        f"{extraction.document_name} (sha256 {extraction.sha256[:12]}): "
        f"{kind.kind.value}, confidence {kind.confidence}"
    )
    for reason in kind.reasons:
        say(f"  {reason}")
    if extraction.terms is not None:
        say(f"  terms assembled as contract {extraction.terms.contract_id}")
    for problem in extraction.problems:
        say(f"  terms not assembled: {problem}")
    if extraction.values:
        table(
            f"values ({len(extraction.values)})",
            ["field", "value", "page", "source text", "confidence", "extractor"],
            [
                (
                    path,
                    _short(v.value),
                    v.provenance.page or "",
                    _short(v.provenance.quote),
                    v.confidence,
                    v.extractor,
                )
                for path, v in extraction.values.items()
            ],
        )
    if extraction.missing:
        say(f"missing ({len(extraction.missing)}): {', '.join(extraction.missing)}")
    for finding in extraction.findings:
        say(f"finding {finding.rule_id} ({finding.severity.value}): {finding.message}")
    for note in extraction.notes:
        say(f"note: {note}")


def print_sources(terms: ContractTerms, intake: Sequence[Mapping[str, Any]]) -> None:
    """Under a contract's terms: where each value came from, and what intake left open."""
    if terms.provenance:
        table(
            f"sources ({len(terms.provenance)} values)",
            ["field", "value", "page", "source text", "confidence", "extractor"],
            [
                (
                    path,
                    _short(value_at(terms, path)),
                    source.page or "",
                    _short(source.quote),
                    "" if source.confidence is None else source.confidence,
                    source.extractor or "",
                )
                for path, source in terms.provenance.items()
            ],
        )
    for item in intake:
        say(
            f"  intake: {item['document']} ({str(item['sha256'])[:12]}), {item['status']}, "
            f"version {item['version']}"
        )
        if item["missing"]:
            say(f"    missing: {', '.join(item['missing'])}")
        for message in item["findings"]:
            say(f"    finding: {message}")


def _short(value: object, width: int = 60) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["app", "extract_command", "print_sources"]
