"""Merge: one extraction from the rules and the grounded LLM values, each choice explained.

When the optional LLM backend is on, a document is read twice: by the
deterministic rules (``extract_terms``) and by the LLM, whose values have
already been grounded (``grounding.ground``: only values the document
states survive). ``merge`` combines the two field by field and writes down
why each value was kept, in ``Extraction.decisions`` (field path -> reason),
so an analyst reviewing a draft can see, for every value, who read it and
from which words:

- both read the same value (numbers by value, text ignoring case and
  spacing): kept, with a higher confidence (``1 - (1-a)(1-b)``, at most
  0.99): "rules and llm agree";
- only one of them found the field: that value is kept, and the decision
  says which extractor and where ("only the llm found it (llm/m): grounded
  on page 2 at 'Net 45'");
- they disagree: the value with the higher confidence is kept (the rules'
  on a tie: they are deterministic and tested), the other is named in the
  decision, and a warning finding ``EXTRACT-CONFLICT`` quoting both
  sources asks a person to look.

``missing`` is what the rules missed and the LLM did not supply either;
every ungrounded LLM value is listed in ``notes`` with the reason it was
dropped. ``terms`` is assembled again from the merged values (on top of
the rules' terms, so what they assembled and no value overrides is kept)
and validated with ``parse_contract``; when that fails, ``problems`` says why.

    >>> from billops.domain.contract import DocumentRef, Provenance
    >>> from billops.domain.extraction.model import Classification, DocumentKind
    >>> def seen(path, value, quote, confidence, extractor):
    ...     source = Provenance(document=DocumentRef(name="of.txt"), page=1, quote=quote)
    ...     return ExtractedValue(path, value, source, Decimal(confidence), extractor)
    >>> rules = Extraction("of.txt", "0" * 64, Classification(DocumentKind.ORDER_FORM, Decimal(1)),
    ...     values={"currency": seen("currency", "USD", "USD", "0.90", "rules/1")},
    ...     missing=("payment_terms.net_days",))
    >>> net = seen("payment_terms.net_days", 30, "Net 30", "0.90", "llm/m")
    >>> llm = GroundingResult(values={
    ...     "currency": seen("currency", "USD", "US$", "0.70", "llm/m"),
    ...     "payment_terms.net_days": net}, extractor="llm/m")
    >>> merged = merge(rules, llm)
    >>> merged.decisions["currency"]
    'rules and llm agree: confidence 0.90 (rules/1) and 0.70 (llm/m) -> 0.97'
    >>> merged.decisions["payment_terms.net_days"]
    "only the llm found it (llm/m): grounded on page 1 at 'Net 30'"
    >>> merged.missing
    ()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any, Final

from billops.domain.contract import ContractInvalid, ContractTerms, parse_contract
from billops.domain.extraction.grounding import (
    GroundingResult,
    field_kind,
    split_path,
)
from billops.domain.extraction.model import ExtractedValue, Extraction
from billops.domain.findings import Finding, Route, Severity

__all__ = ["CONFLICT_RULE", "assemble_terms", "merge", "nest_values", "same_value"]

CONFLICT_RULE: Final = "EXTRACT-CONFLICT"
_MOST_SURE: Final = Decimal("0.99")  # two extractors agreeing is strong, not certain
_CENT: Final = Decimal("0.01")


def merge(rules: Extraction, llm: GroundingResult) -> Extraction:
    """The rules' extraction with the grounded LLM values merged in, field by field."""
    _check_same_document(rules, llm)
    dropped = {item.path: item for item in llm.ungrounded}
    values: dict[str, ExtractedValue] = {}
    decisions: dict[str, str] = {}
    findings = list(rules.findings)
    paths = [*rules.values, *(path for path in llm.values if path not in rules.values)]
    for path in paths:
        ours, theirs = rules.values.get(path), llm.values.get(path)
        if ours is not None and theirs is not None:
            if same_value(path, ours.value, theirs.value):
                values[path] = _agreed(ours, theirs)
                decisions[path] = (
                    f"rules and llm agree: confidence {ours.confidence} ({ours.extractor}) and "
                    f"{theirs.confidence} ({theirs.extractor}) -> {values[path].confidence}"
                )
            else:
                kept, other = (
                    (theirs, ours) if theirs.confidence > ours.confidence else (ours, theirs)
                )
                values[path] = kept
                decisions[path] = (
                    f"conflict: kept {_who(kept)} {_shown(kept.value)} ({_sourced(kept)}) "
                    f"over {_who(other)} {_shown(other.value)} ({_sourced(other)})"
                )
                findings.append(_conflict(path, ours, theirs, kept))
        elif ours is not None:
            values[path] = ours
            decisions[path] = f"only the rules found it ({ours.extractor}): {_where(ours)}"
            if path in dropped:
                decisions[path] += (
                    f"; the llm's {_shown(dropped[path].value)} was dropped as ungrounded"
                )
        elif theirs is not None:
            values[path] = theirs
            decisions[path] = (
                f"only the llm found it ({theirs.extractor}): grounded on {_where(theirs)}"
            )
    notes = [
        *rules.notes,
        *(
            f"llm value dropped as ungrounded: {item.path} = {_shown(item.value)} ({item.reason})"
            for item in llm.ungrounded
        ),
    ]
    terms, problems = assemble_terms(values, rules.terms)
    return replace(
        rules,
        values=values,
        missing=tuple(m for m in rules.missing if not _covered(m, values)),
        findings=tuple(findings),
        terms=terms,
        problems=problems,
        notes=tuple(notes),
        decisions=decisions,
    )


def _check_same_document(rules: Extraction, llm: GroundingResult) -> None:
    for value in llm.values.values():
        sha = value.provenance.document.sha256
        if sha is not None and sha != rules.sha256:
            raise ValueError(
                f"cannot merge: {value.path} was grounded in another document ({sha[:12]}...) "
                f"than {rules.document_name} ({rules.sha256[:12]}...)"
            )


def _agreed(ours: ExtractedValue, theirs: ExtractedValue) -> ExtractedValue:
    doubt = (1 - ours.confidence) * (1 - theirs.confidence)
    confidence = min(_MOST_SURE, (1 - doubt).quantize(_CENT, rounding=ROUND_HALF_UP))
    both = f"{ours.extractor}+{theirs.extractor}"
    provenance = ours.provenance.model_copy(update={"confidence": confidence, "extractor": both})
    return replace(ours, provenance=provenance, confidence=confidence, extractor=both)


def _conflict(
    path: str, ours: ExtractedValue, theirs: ExtractedValue, kept: ExtractedValue
) -> Finding:
    return Finding(
        rule_id=CONFLICT_RULE,
        severity=Severity.WARNING,
        message=(
            f"{path}: the rules read {_shown(ours.value)} from {_quoted(ours)} but the llm read "
            f"{_shown(theirs.value)} from {_quoted(theirs)}; kept {_who(kept)} value"
        ),
        fields=(path,),
        values={
            "rules": _plain(ours.value),
            "llm": _plain(theirs.value),
            "kept": _plain(kept.value),
        },
        sources=(ours.provenance, theirs.provenance),
        hint="read the quoted clauses and correct the field if the kept value is wrong",
        route=Route.BILLING.value,
    )


def _who(value: ExtractedValue) -> str:
    return "the llm's" if value.extractor.startswith("llm") else "the rules'"


def _where(value: ExtractedValue) -> str:
    source = value.provenance
    page = f"page {source.page}" if source.page is not None else "no page"
    if source.quote is None:
        return page
    quote = source.quote if len(source.quote) <= 60 else source.quote[:57] + "..."
    return f"{page} at {quote!r}"


def _sourced(value: ExtractedValue) -> str:
    return f"confidence {value.confidence}, {_where(value)}"


def _quoted(value: ExtractedValue) -> str:
    source = value.provenance
    quote = repr(source.quote) if source.quote is not None else "no quoted text"
    return f"{quote} (page {source.page})" if source.page is not None else quote


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _plain(value)


def _covered(missing: str, values: Mapping[str, ExtractedValue]) -> bool:
    return any(
        path == missing or path.startswith((missing + ".", missing + "[")) for path in values
    )


def same_value(path: str, first: Any, second: Any) -> bool:
    """Whether two extractors read the same value for ``path``.

    Numbers compare by value, text ignoring case and runs of white space,
    identifiers ignoring the separators between their characters.

    >>> same_value("lines[0].unit_price", "1200", "1200.00")
    True
    >>> same_value("customer.name", "Globex  Corp.", "globex corp.")
    True
    >>> same_value("purchase_order.number", "PO 4500-12", "PO450012")
    True
    >>> same_value("payment_terms.net_days", 30, 45)
    False
    """
    kind = field_kind(path)
    if isinstance(first, bool) or isinstance(second, bool):
        return first is second
    if kind in ("decimal", "integer"):
        try:
            return Decimal(str(first)) == Decimal(str(second))
        except InvalidOperation:
            return False
    if isinstance(first, str) and isinstance(second, str):
        if kind == "identifier":
            return _alnum(first) == _alnum(second)
        return " ".join(first.casefold().split()) == " ".join(second.casefold().split())
    return bool(first == second)


def _alnum(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


# --------------------------------------------------------------------------
# From path -> value back to contract terms


def nest_values(values: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Nested contract-terms JSON from field path -> value, laid over ``base`` (not changed).

    >>> nest_values({"currency": "EUR", "lines[1].unit_price": "10"}, {"lines": [{"sku": "A"}]})
    {'lines': [{'sku': 'A'}, {'unit_price': '10'}], 'currency': 'EUR'}
    """
    root: dict[str, Any] = _copy(dict(base or {}))
    for path, value in values.items():
        parts = split_path(path)
        container: Any = root
        for step, following in pairwise(parts):
            empty: Any = [] if isinstance(following, int) else {}
            if isinstance(step, int):
                while len(container) <= step:
                    container.append({})
                if not isinstance(container[step], dict | list):
                    container[step] = empty
            elif not isinstance(container.get(step), dict | list):
                container[step] = empty
            container = container[step]
        last = parts[-1]
        if isinstance(last, int):
            while len(container) <= last:
                container.append({})
        container[last] = value
    return root


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(item) for item in value]
    return value


def assemble_terms(
    values: Mapping[str, ExtractedValue], base: ContractTerms | None = None
) -> tuple[ContractTerms | None, tuple[str, ...]]:
    """Contract terms from the values (over ``base``), and the problems when they do not validate.

    Lines and milestones without an id get ``L1``, ``L2`` ... and ``M1`` ...
    by position (ids are ours to give; an LLM's own ids are not grounded).
    Each value's provenance becomes the terms' provenance.
    """
    start = base.model_dump(mode="json", exclude={"provenance"}) if base is not None else {}
    data = nest_values({path: value.value for path, value in values.items()}, start)
    _give_ids(data, "lines", "line_id", "L")
    _give_ids(data, "milestones", "milestone_id", "M")
    data["provenance"] = {path: value.provenance for path, value in values.items()}
    try:
        return parse_contract(data), ()
    except ContractInvalid as invalid:
        return None, tuple(invalid.errors)


def _give_ids(data: dict[str, Any], items: str, key: str, prefix: str) -> None:
    entries = data.get(items)
    if not isinstance(entries, list):
        return
    taken = {entry.get(key) for entry in entries if isinstance(entry, dict)}
    for index, entry in enumerate(entries, start=1):
        if isinstance(entry, dict) and not entry.get(key):
            given, bump = f"{prefix}{index}", 0
            while given in taken:
                bump += 1
                given = f"{prefix}{index}-{bump}"
            entry[key] = given
            taken.add(given)
