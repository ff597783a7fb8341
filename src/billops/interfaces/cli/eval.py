"""``billops eval``: evaluate extraction against a labelled corpus.

``billops eval extract tests/corpus`` reads every document that has a gold
file, extracts its terms and prints precision, recall and F1 per field
family, the overall figure, the findings score and the misses (document,
field, expected, got). Exit code 0, or 1 when a document could not be read
or extracted (its row says why; it is scored as all-missed).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import typer

from billops.domain.evaluation import Counts, EvaluationReport, ratio_text
from billops.interfaces.cli.output import TerminalProgress, emit_json, say, table
from billops.workflows.evaluation import evaluate_directory

app = typer.Typer(help="Evaluate extraction against a labelled corpus.", no_args_is_help=True)


def _ratio(value: Fraction) -> str:
    return ratio_text(value)


def _row(name: str, counts: Counts) -> list[str]:
    if counts == Counts():  # nothing in the corpus to score in this family
        return [name, "0", "0", "0", "-", "-", "-"]
    return [
        name,
        str(counts.tp),
        str(counts.fp),
        str(counts.fn),
        _ratio(counts.precision),
        _ratio(counts.recall),
        _ratio(counts.f1),
    ]


def _print(report: EvaluationReport, misses: int) -> None:
    columns = ["family", "TP", "FP", "FN", "precision", "recall", "F1"]
    rows = [_row(name, counts) for name, counts in report.families.items()]
    rows.append(_row("overall", report.overall))
    rows.append(_row("findings", report.findings))
    count = len(report.documents)
    table(f"Extraction on {count} document{'s' if count != 1 else ''}", columns, rows)
    say(f"overall field F1: {_ratio(report.overall.f1)}")
    for score in report.errored:
        say(f"error: {score.document}: {score.error}")
    shown = report.misses[:misses] if misses >= 0 else report.misses
    if shown:
        table(
            f"Misses ({len(shown)} of {len(report.misses)})",
            ["document", "field", "expected", "got", "kind"],
            [[m.document, m.field, m.expected, m.got, m.kind] for m in shown],
        )


@app.command("extract")
def extract_command(
    directory: Path = typer.Argument(..., help="Corpus: documents with NAME.gold.json beside."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    misses: int = typer.Option(
        50, "--misses", help="How many misses to list (-1: all; JSON lists all)."
    ),
) -> None:
    """Extract every labelled document and print P/R/F1 per field family and the misses."""
    with TerminalProgress() as progress:
        report = evaluate_directory(directory, progress=progress)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print(report, misses)
    if report.errored:
        raise typer.Exit(1)
