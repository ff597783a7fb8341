"""Assembling contract terms from extracted values, or saying why they cannot be.

Values are extracted one field path at a time (``lines[0].unit_price``);
the terms are one nested ``ContractTerms``. Assembly builds the nested
data from the paths, attaches each value's provenance, and validates it
with ``parse_contract``, the same gate a hand-written contract file
passes.

Required fields (contract id, document type, supplier and customer
names, currency, and for an amendment the contract it amends) that were
not found leave ``terms`` as ``None`` with a problem per field ("customer
name not found"): a person completes the draft. An optional value that
the contract model refuses (an end date before the start date, a
percentage above 100) is left out of the terms, with the model's message
as a problem, so the rest of the draft can still be reviewed.

    >>> nest({"supplier.name": "Acme", "lines[0].line_id": "L1", "lines[0].tiers[0].up_to": "5"})
    {'supplier': {'name': 'Acme'}, 'lines': [{'line_id': 'L1', 'tiers': [{'up_to': '5'}]}]}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from billops.domain.contract import ContractInvalid, ContractTerms, Provenance, parse_contract
from billops.domain.extraction.model import DocumentKind

__all__ = ["assemble_terms", "nest"]

_STEP: Final = re.compile(r"([a-z_][a-z0-9_]*)((?:\[[0-9]+\])*)")
_REQUIRED: Final = {
    "contract_id": "contract id not found",
    "supplier.name": "supplier name not found",
    "customer.name": "customer name not found",
    "currency": "currency not found",
}


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            raise ValueError(f"not a field path: {path!r}")
        steps.append(match.group(1))
        steps += [int(i) for i in re.findall(r"\[([0-9]+)\]", match.group(2))]
    return steps


def nest(values: Mapping[str, Any]) -> dict[str, Any]:
    """Nested dicts and lists from ``{field path: value}`` (a gap in a list stays None)."""
    root: dict[str, Any] = {}
    for path, value in values.items():
        steps = _steps(path)
        node: Any = root
        for position, step in enumerate(steps):
            last = position == len(steps) - 1
            following = None if last else steps[position + 1]
            if isinstance(step, int):
                while len(node) <= step:
                    node.append(None)
                if last:
                    node[step] = value
                    continue
                if node[step] is None:
                    node[step] = [] if isinstance(following, int) else {}
                node = node[step]
            elif last:
                node[step] = value
            else:
                node = node.setdefault(step, [] if isinstance(following, int) else {})
    return root


def _remove(values: dict[str, Any], sources: dict[str, Provenance], problem_path: str) -> list[str]:
    """Drop the values at or under ``problem_path``; return the paths dropped.

    A whole list entry dropped (``lines[1]``) moves the entries after it up
    by one, in the values and their sources alike, so the list has no gap.
    """
    prefix = re.sub(r"\['[^']*'\]", "", problem_path)
    dropped = [
        p for p in values if p == prefix or p.startswith(prefix + ".") or p.startswith(prefix + "[")
    ]
    for path in dropped:
        del values[path]
        sources.pop(path, None)
    entry = re.fullmatch(r"(.*)\[([0-9]+)\]", prefix)
    if dropped and entry is not None:
        head, gone = entry.group(1), int(entry.group(2))
        pattern = re.compile(re.escape(head) + r"\[([0-9]+)\]")

        def shift(path: str) -> str:
            match = pattern.match(path)
            if match is None or int(match.group(1)) <= gone:
                return path
            return f"{head}[{int(match.group(1)) - 1}]" + path[match.end() :]

        for mapping in (values, sources):
            moved = {shift(k): v for k, v in mapping.items()}
            mapping.clear()
            mapping.update(moved)
    return dropped


def assemble_terms(
    kind: DocumentKind,
    values: Mapping[str, Any],
    provenance: Mapping[str, Provenance],
    contract_id: str,
) -> tuple[ContractTerms | None, tuple[str, ...]]:
    """The terms (or None) and the problems that kept values, or the terms, out."""
    problems: list[str] = []
    if kind is DocumentKind.NOT_A_CONTRACT:
        return None, ("the document is not a contract",)
    flat = dict(values)
    flat["contract_id"] = contract_id
    flat["document_type"] = kind.value
    for path, message in _REQUIRED.items():
        if path not in flat:
            problems.append(message)
    if kind is DocumentKind.AMENDMENT and "amends" not in flat:
        problems.append("the contract this amendment amends (amends) not found")
    if problems:
        return None, tuple(problems)
    # a billing rhythm needs a frequency; payment terms need their days
    for needed, group in (
        ("billing.frequency", "billing."),
        ("payment_terms.net_days", "payment_terms."),
    ):
        if needed not in flat:
            for path in [p for p in flat if p.startswith(group)]:
                del flat[path]
    sources = {p: s for p, s in provenance.items() if p in flat}
    for _ in range(8):
        data = nest(flat)
        data["provenance"] = {p: s for p, s in sources.items() if p in flat}
        try:
            return parse_contract(data), tuple(problems)
        except ContractInvalid as error:
            removed_any = False
            for problem in error.problems:
                path = problem.field
                if path.startswith("provenance"):
                    continue
                if path in _REQUIRED or path in ("amends", "document_type") or not path:
                    problems.append(problem.describe())
                    return None, tuple(problems)
                dropped = _remove(flat, sources, path)
                if dropped:
                    removed_any = True
                    problems.append(f"left out of the terms: {problem.describe()}")
            if not removed_any:
                problems.extend(error.errors)
                return None, tuple(problems)
    return None, (*problems, "the values could not be made into valid terms")
