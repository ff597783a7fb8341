"""Evaluation: how well extraction reads contracts, measured field by field against gold.

A *gold file* says what a document states, written by a person: its
classification (order form, SOW, amendment, MSA or not a contract), its
contract terms (``ContractTerms`` JSON, exactly what the document says and
nothing more) and the findings extraction should raise (arithmetic that does
not add up, a required PO that is missing). Scoring compares one
``Extraction`` with one gold file and counts, per *leaf field*
(``lines[0].unit_price``, ``customer.address.city``):

- a **true positive** when both hold the field and the values agree;
- a **false negative** (a miss) when gold holds it and the extraction does not;
- a **false positive** when the extraction holds a field gold does not have;
- a wrong value counts as both: a false positive (it said something untrue)
  and a false negative (the true value was not found).

Precision is TP / (TP + FP), recall TP / (TP + FN), F1 their harmonic mean.
Counts are summed over documents (micro-average) per *field family* and
overall, so a document with many lines weighs more than a short one.

    >>> gold = Gold.parse({
    ...     "classification": "order_form",
    ...     "terms": {"contract_id": "OF-1", "document_type": "order_form",
    ...               "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...               "currency": "USD", "payment_terms": {"net_days": 30}},
    ...     "expected_findings": [], "notes": ""})
    >>> got = {"supplier": {"name": "ACME "}, "customer": {"name": "Initech"},
    ...        "currency": "USD", "payment_terms": {"net_days": 30}, "term_months": 12}
    >>> score = score_document("of.pdf", gold, "order_form", got, ())
    >>> score.counts["parties"], score.counts["money"], score.counts["dates"]
    (Counts(tp=1, fp=1, fn=1), Counts(tp=1, fp=0, fn=0), Counts(tp=0, fp=1, fn=0))
    >>> [(m.field, m.kind) for m in score.misses]
    [('customer.name', 'wrong'), ('term_months', 'extra')]

**What is compared.** Both sides are flattened to leaf paths. Values equal
to the model's default (``invoicing_provisions.delivery_channel: email``,
``billing.timing: advance``, ``milestones[].acceptance_required: true``)
count as not stated on either side: the model cannot tell "the document
says email" from "nothing was said", so neither can the score. Some paths
are not scored (``UNSCORED``): ``schema_version`` and ``provenance``;
identifiers we assign rather than read (``contract_id``, ``line_id``,
``milestone_id``, party ``code``); ``document_type``, which the
classification family scores; and free-form renderings with no single right
spelling (``payment_terms.description``, ``invoicing_provisions.notes``).

**Normalising values.** Decimals compare by value (``1200.00`` equals
``1200``), dates as dates, integers and booleans as themselves, text
case-insensitively with whitespace collapsed and typographic quotes and
dashes made plain (``Acme Software, Inc.`` equals ``acme  software, inc.``).

**Aligning lists.** The order in which an extractor lists lines need not be
the document's. Lines are paired by SKU when both sides have the same one,
then by description similarity (difflib ratio of the normalised text, at
least 0.5, an equal amount breaking ties), and whatever is left is paired
by position; milestones likewise by name, rate-card entries by role.
Usage tiers, ramp steps and tax ids are ordered lists and are compared by
position. A reference to a line (``percent_of_line``, ``bundle_parent``,
``milestones[].line_id``) is right when it names the line aligned with the
gold line it should name, whatever id the extractor gave that line.

**Classification** is one field per document (its own family) and counts in
the overall figure. When an extraction calls a document ``not_a_contract``
it offers no terms, so its values are not scored (the caller passes none).
**Findings** are scored apart, as sets of rule ids per document, and do not
count in the overall field F1.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction
from typing import Any, Final, Literal

from pydantic import BaseModel

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.extraction.model import DocumentKind
from billops.errors import InvalidInput

__all__ = [
    "FAMILIES",
    "UNSCORED",
    "Counts",
    "DocumentScore",
    "EvaluationReport",
    "Gold",
    "Miss",
    "family_of",
    "flatten_terms",
    "score_document",
    "summarise",
    "unflatten_values",
]

FAMILIES: Final = (
    "classification",
    "document",
    "parties",
    "dates",
    "money",
    "lines",
    "milestones",
    "rate_card",
    "terms",
)
"""Field families, in the order reports print them.

classification: the document's kind; document: title, amends, msa_reference;
parties: supplier, customer, billing contact; dates: signature, effective,
start, end dates and term; money: currency, total contract value,
not-to-exceed; lines, milestones, rate_card: their entries; terms: payment,
billing, invoicing provisions, renewal, purchase order, expenses policy.
"""

_FAMILY_OF_TOP: Final[Mapping[str, str]] = {
    "classification": "classification",
    "title": "document",
    "amends": "document",
    "msa_reference": "document",
    "supplier": "parties",
    "customer": "parties",
    "billing_contact": "parties",
    "signature_date": "dates",
    "effective_date": "dates",
    "start_date": "dates",
    "end_date": "dates",
    "term_months": "dates",
    "currency": "money",
    "total_contract_value": "money",
    "not_to_exceed": "money",
    "lines": "lines",
    "milestones": "milestones",
    "rate_card": "rate_card",
    "payment_terms": "terms",
    "billing": "terms",
    "invoicing_provisions": "terms",
    "renewal": "terms",
    "purchase_order": "terms",
    "expenses_policy": "terms",
}

UNSCORED: Final = frozenset(
    {
        "schema_version",
        "provenance",
        "contract_id",
        "document_type",
        "supplier.code",
        "customer.code",
        "payment_terms.description",
        "invoicing_provisions.notes",
        "lines.line_id",
        "milestones.milestone_id",
    }
)
"""Top-level or dotted paths (indices removed) that scoring ignores; see the module doc."""

_LINE_REFERENCES: Final = frozenset({"percent_of_line", "bundle_parent"})

MissKind = Literal["missed", "wrong", "extra"]


# --------------------------------------------------------------------------
# Counts and results


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives, with the ratios they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    # Ratios are exact fractions (no float in the domain); ``ratio_text`` and
    # ``as_dict`` round them once, for people, at four places.

    @property
    def precision(self) -> Fraction:
        """TP / (TP + FP); 1 when nothing was claimed (nothing claimed wrongly)."""
        claimed = self.tp + self.fp
        return Fraction(self.tp, claimed) if claimed else Fraction(1)

    @property
    def recall(self) -> Fraction:
        """TP / (TP + FN); 1 when there was nothing to find."""
        expected = self.tp + self.fn
        return Fraction(self.tp, expected) if expected else Fraction(1)

    @property
    def f1(self) -> Fraction:
        """Harmonic mean of precision and recall: 2TP / (2TP + FP + FN); 1 on empty counts."""
        denominator = 2 * self.tp + self.fp + self.fn
        return Fraction(2 * self.tp, denominator) if denominator else Fraction(1)


def ratio_text(value: Fraction, places: int = 3) -> str:
    """A ratio rounded half-up for display: ``ratio_text(Fraction(10, 17))`` is ``'0.588'``.

    >>> ratio_text(Fraction(10, 17)), ratio_text(Fraction(1)), ratio_text(Fraction(5, 6), 4)
    ('0.588', '1.000', '0.8333')
    """
    return str(_rounded(value, places))


def _rounded(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Miss:
    """One disagreement: the document, the field, what gold says and what extraction said.

    ``kind`` is ``missed`` (gold has it, extraction not), ``wrong`` (both,
    different values) or ``extra`` (extraction has it, gold not). Values are
    shown as compared, normalised (text folded to lower case, decimals
    without trailing zeros); ``None`` means absent.
    """

    document: str
    field: str
    expected: str | None
    got: str | None
    kind: MissKind


@dataclass(frozen=True)
class DocumentScore:
    """The score of one document: counts per family, findings, every miss."""

    document: str
    expected_kind: str
    got_kind: str | None
    counts: Mapping[str, Counts]
    findings: Counts
    misses: tuple[Miss, ...]
    error: str | None = None
    milliseconds: int | None = None

    @property
    def overall(self) -> Counts:
        """All field families summed (findings not included)."""
        return sum(self.counts.values(), Counts())


@dataclass(frozen=True)
class EvaluationReport:
    """Scores of every document of a corpus, summed per family and overall."""

    documents: tuple[DocumentScore, ...]

    @property
    def families(self) -> dict[str, Counts]:
        """Counts per family, summed over the documents, in ``FAMILIES`` order."""
        totals = {name: Counts() for name in FAMILIES}
        for score in self.documents:
            for name, counts in score.counts.items():
                totals[name] = totals[name] + counts
        return totals

    @property
    def overall(self) -> Counts:
        return sum(self.families.values(), Counts())

    @property
    def findings(self) -> Counts:
        return sum((score.findings for score in self.documents), Counts())

    @property
    def misses(self) -> tuple[Miss, ...]:
        return tuple(miss for score in self.documents for miss in score.misses)

    @property
    def errored(self) -> tuple[DocumentScore, ...]:
        """Documents that could not be read or extracted."""
        return tuple(score for score in self.documents if score.error is not None)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: ratios rounded to four places, every miss."""

        def row(counts: Counts) -> dict[str, Any]:
            return {
                "tp": counts.tp,
                "fp": counts.fp,
                "fn": counts.fn,
                "precision": _rounded(counts.precision, 4),
                "recall": _rounded(counts.recall, 4),
                "f1": _rounded(counts.f1, 4),
            }

        return {
            "families": {name: row(counts) for name, counts in self.families.items()},
            "overall": row(self.overall),
            "findings": row(self.findings),
            "documents": [
                {
                    "document": score.document,
                    "expected_kind": score.expected_kind,
                    "got_kind": score.got_kind,
                    "error": score.error,
                    "milliseconds": score.milliseconds,
                    "overall": row(score.overall),
                    "findings": row(score.findings),
                }
                for score in self.documents
            ],
            "misses": [
                {
                    "document": m.document,
                    "field": m.field,
                    "expected": m.expected,
                    "got": m.got,
                    "kind": m.kind,
                }
                for m in self.misses
            ],
        }


def summarise(scores: Iterable[DocumentScore]) -> EvaluationReport:
    """The report over ``scores``, in document-name order."""
    return EvaluationReport(tuple(sorted(scores, key=lambda score: score.document)))


# --------------------------------------------------------------------------
# Gold files


@dataclass(frozen=True)
class Gold:
    """What a document states, as a person labelled it."""

    classification: DocumentKind
    terms: ContractTerms | None
    expected_findings: tuple[str, ...] = ()
    notes: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any], source: str | None = None) -> Gold:
        """Validate a gold file's data; ``InvalidInput`` names the file and the field.

        A contract's terms must validate (``parse_contract``) and agree with
        the classification; a non-contract has ``terms: null``.
        """
        known = {"classification", "terms", "expected_findings", "notes"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(
                "is not a known gold field", source=source, field=unknown[0], value=unknown[0]
            )
        raw_kind = data.get("classification")
        try:
            kind = DocumentKind(str(raw_kind))
        except ValueError:
            allowed = ", ".join(k.value for k in DocumentKind)
            raise InvalidInput(
                f"must be one of {allowed}", source=source, field="classification", value=raw_kind
            ) from None
        raw_terms = data.get("terms")
        terms: ContractTerms | None = None
        if kind is DocumentKind.NOT_A_CONTRACT:
            if raw_terms is not None:
                raise InvalidInput(
                    "must be null for a document that is not a contract",
                    source=source,
                    field="terms",
                )
        else:
            if not isinstance(raw_terms, Mapping):
                raise InvalidInput(
                    "must hold the contract terms the document states", source=source, field="terms"
                )
            terms = parse_contract(raw_terms, source=source)
            if terms.document_type.value != kind.value:
                raise InvalidInput(
                    f"disagrees with terms.document_type {terms.document_type.value!r}",
                    source=source,
                    field="classification",
                    value=kind.value,
                )
        findings = data.get("expected_findings", [])
        if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
            raise InvalidInput(
                "must be a list of rule ids", source=source, field="expected_findings"
            )
        notes = data.get("notes", "")
        return cls(kind, terms, tuple(findings), str(notes or ""))


# --------------------------------------------------------------------------
# Normalising and flattening


_DECIMAL: Final = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_ISO_DATE: Final = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_PLAIN_CHARACTERS: Final = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

Normalised = Decimal | date | bool | str


def normalise(value: object) -> Normalised | None:
    """The comparable form of a JSON value: Decimal, date, bool or folded text.

    >>> normalise("1200.00") == normalise(1200)
    True
    >>> normalise("  Acme\u2019s   Platform ")
    "acme's platform"
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Enum):
        return normalise(value.value)
    if isinstance(value, date):
        return value
    text = " ".join(unicodedata.normalize("NFKC", str(value)).translate(_PLAIN_CHARACTERS).split())
    if _DECIMAL.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return text.casefold()
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text.casefold()
    return text.casefold()


def _shown(value: Normalised | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, date):
        return value.isoformat()
    return value


def _strip_indices(path: str) -> str:
    return re.sub(r"\[[0-9]+\]", "", path)


def family_of(path: str) -> str:
    """The family a leaf path belongs to: ``lines[0].unit_price`` -> ``lines``."""
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    return _FAMILY_OF_TOP.get(top, "document")


def _defaults() -> dict[str, Normalised | None]:
    """Default value per leaf path (indices removed), read from the models themselves."""
    found: dict[str, Normalised | None] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            nested = _model_in(info.annotation)
            if nested is not None:
                walk(nested, path)
                continue
            if not info.is_required():
                default = info.get_default(call_default_factory=True)
                if isinstance(default, tuple | list | dict) and not default:
                    continue
                found[path] = normalise(default)

    walk(ContractTerms, "")
    return found


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly, optionally or as list items."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list):
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis and (found := _model_in(arg)) is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


_DEFAULTS: Final = _defaults()


def _scored(path: str) -> bool:
    bare = _strip_indices(path)
    return bare not in UNSCORED and bare.split(".", 1)[0] not in UNSCORED


def _leaves(value: Any, prefix: str, into: dict[str, Normalised]) -> None:
    """Flatten plain data into ``into``: path -> normalised value, absent and default dropped."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _leaves(item, f"{prefix}.{key}" if prefix else str(key), into)
        return
    if isinstance(value, list | tuple):
        items = list(value)
        if _strip_indices(prefix).endswith("tax_ids"):
            items.sort(key=lambda item: str(normalise(_get(item, "value")) or ""))
        for index, item in enumerate(items):
            _leaves(item, f"{prefix}[{index}]", into)
        return
    normal = normalise(value)
    if normal is None or not _scored(prefix):
        return
    bare = _strip_indices(prefix)
    if bare in _DEFAULTS and _DEFAULTS[bare] == normal:
        return
    into[prefix] = normal


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else None


def flatten_terms(data: Mapping[str, Any]) -> dict[str, Normalised]:
    """Leaf paths and normalised values of contract terms given as plain data.

    Scored paths only, defaults and absent values dropped; lists flattened by
    position (alignment happens in ``score_document``).

    >>> flatten_terms({"currency": "EUR", "lines": [{"line_id": "L1", "amount": "10.50"}],
    ...                "invoicing_provisions": {"delivery_channel": "email"}})
    {'currency': 'eur', 'lines[0].amount': Decimal('10.50')}
    """
    into: dict[str, Normalised] = {}
    _leaves(data, "", into)
    return into


def unflatten_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Field-path values (``{"lines[1].sku": "X"}``) as nested plain data.

    Lists come out in index order; a gap (``lines[0]`` and ``lines[2]``
    only) closes up, which is harmless because lists are aligned anyway.

    >>> unflatten_values({"currency": "EUR", "lines[1].sku": "B", "lines[0].sku": "A"})
    {'currency': 'EUR', 'lines': [{'sku': 'A'}, {'sku': 'B'}]}
    """
    root: dict[str, Any] = {}
    for path, value in values.items():
        node: dict[Any, Any] = root
        steps = _steps(path)
        for position, (name, indices) in enumerate(steps):
            last = position == len(steps) - 1
            if not indices:
                if last:
                    node[name] = value
                else:
                    node = node.setdefault(name, {})
                continue
            holder: dict[Any, Any] = node.setdefault(name, {})
            for depth, index in enumerate(indices):
                if last and depth == len(indices) - 1:
                    holder[index] = value
                else:
                    holder = holder.setdefault(index, {})
            node = holder
    nested: dict[str, Any] = _listify(root)
    return nested


def _steps(path: str) -> list[tuple[str, list[int]]]:
    steps: list[tuple[str, list[int]]] = []
    for part in path.split("."):
        name, *rest = part.split("[")
        steps.append((name, [int(index.rstrip("]")) for index in rest]))
    return steps


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(isinstance(key, int) for key in node):
            return [_listify(node[key]) for key in sorted(node)]
        return {key: _listify(item) for key, item in node.items()}
    return node


# --------------------------------------------------------------------------
# Aligning lists


def _text(value: Normalised | None) -> str:
    return value if isinstance(value, str) else ""


_HALF: Final = Fraction(1, 2)


def _similarity(a: Normalised | None, b: Normalised | None) -> Fraction:
    """difflib's ratio 2M / T, kept as the exact fraction it is."""
    left, right = _text(a), _text(b)
    if not left or not right:
        return Fraction(0)
    blocks = difflib.SequenceMatcher(None, left, right).get_matching_blocks()
    return Fraction(2 * sum(block.size for block in blocks), len(left) + len(right))


def _line_affinity(gold: Mapping[str, Normalised], got: Mapping[str, Normalised]) -> Fraction:
    sku_gold, sku_got = gold.get("sku"), got.get("sku")
    if sku_gold is not None and sku_gold == sku_got:
        return Fraction(3)
    score = _similarity(gold.get("description"), got.get("description"))
    if score < _HALF:
        return Fraction(0)
    if gold.get("amount") is not None and gold.get("amount") == got.get("amount"):
        score += Fraction(1, 4)
    return score


def _named_affinity(key: str) -> Any:
    def affinity(gold: Mapping[str, Normalised], got: Mapping[str, Normalised]) -> Fraction:
        score = _similarity(gold.get(key), got.get(key))
        return score if score >= _HALF else Fraction(0)

    return affinity


def _align(
    gold: Sequence[Mapping[str, Normalised]],
    got: Sequence[Mapping[str, Normalised]],
    affinity: Any,
) -> list[tuple[int | None, int | None]]:
    """Pairs (gold index, got index): best affinity first, then leftovers by position.

    An index is None on the side that has no partner.
    """
    candidates = sorted(
        (
            (-affinity(g_item, x_item), g, x)
            for g, g_item in enumerate(gold)
            for x, x_item in enumerate(got)
        ),
    )
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for negative, g, x in candidates:
        if negative >= 0:
            break
        if g in pairs or x in taken:
            continue
        pairs[g] = x
        taken.add(x)
    rest_gold = [g for g in range(len(gold)) if g not in pairs]
    rest_got = [x for x in range(len(got)) if x not in taken]
    for g, x in zip(rest_gold, rest_got, strict=False):
        pairs[g] = x
        taken.add(x)
    result: list[tuple[int | None, int | None]] = [(g, pairs.get(g)) for g in range(len(gold))]
    result.extend((None, x) for x in range(len(got)) if x not in taken)
    return result


def _items(data: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    raw = data.get(name)
    if not isinstance(raw, list | tuple):
        return []
    return [dict(item) for item in raw if isinstance(item, Mapping)]


# --------------------------------------------------------------------------
# Scoring one document

_ALIGNED: Final = {
    "lines": _line_affinity,
    "milestones": _named_affinity("name"),
    "rate_card": _named_affinity("role"),
}


@dataclass
class _Tally:
    document: str
    counts: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in FAMILIES})
    misses: list[Miss] = field(default_factory=list)

    def add(self, path: str, expected: Normalised | None, got: Normalised | None) -> None:
        family = family_of(path)
        if expected is None and got is None:
            return
        if expected is not None and got is not None and expected == got:
            self.counts[family] = self.counts[family] + Counts(tp=1)
            return
        if got is None:
            self.counts[family] = self.counts[family] + Counts(fn=1)
            kind: MissKind = "missed"
        elif expected is None:
            self.counts[family] = self.counts[family] + Counts(fp=1)
            kind = "extra"
        else:
            self.counts[family] = self.counts[family] + Counts(fp=1, fn=1)
            kind = "wrong"
        self.misses.append(Miss(self.document, path, _shown(expected), _shown(got), kind))

    def compare(
        self, prefix: str, gold: Mapping[str, Normalised], got: Mapping[str, Normalised]
    ) -> None:
        for key in [*gold, *(k for k in got if k not in gold)]:
            path = f"{prefix}.{key}" if prefix else key
            self.add(path, gold.get(key), got.get(key))


def score_document(
    document: str,
    gold: Gold,
    got_kind: str | None,
    got_terms: Mapping[str, Any] | None,
    got_findings: Iterable[str],
    *,
    error: str | None = None,
    milliseconds: int | None = None,
) -> DocumentScore:
    """Score what extraction said about ``document`` against its gold.

    ``got_kind`` is the extraction's classification (None when nothing was
    extracted); ``got_terms`` its terms as plain data (``ContractTerms``
    JSON, complete or partial, e.g. from ``unflatten_values``), None when it
    offered none; ``got_findings`` the rule ids it raised. A document that
    failed (``error``) is scored with nothing extracted: every gold field
    missed.
    """
    tally = _Tally(document)
    tally.add("classification", normalise(gold.classification.value), normalise(got_kind))
    gold_data = gold.terms.model_dump(mode="json") if gold.terms is not None else {}
    got_data = dict(got_terms or {})
    _score_terms(tally, gold_data, got_data)

    expected_findings = set(gold.expected_findings)
    raised = set(got_findings)
    for rule in sorted(expected_findings | raised):
        expected = rule if rule in expected_findings else None
        found = rule if rule in raised else None
        if expected != found:
            kind: MissKind = "missed" if found is None else "extra"
            tally.misses.append(Miss(document, "findings", expected, found, kind))
    findings = Counts(
        tp=len(expected_findings & raised),
        fp=len(raised - expected_findings),
        fn=len(expected_findings - raised),
    )
    return DocumentScore(
        document=document,
        expected_kind=gold.classification.value,
        got_kind=got_kind,
        counts=dict(tally.counts),
        findings=findings,
        misses=tuple(tally.misses),
        error=error,
        milliseconds=milliseconds,
    )


def _score_terms(tally: _Tally, gold: Mapping[str, Any], got: Mapping[str, Any]) -> None:
    lists = tuple(_ALIGNED)
    tally.compare(
        "",
        flatten_terms({k: v for k, v in gold.items() if k not in lists}),
        flatten_terms({k: v for k, v in got.items() if k not in lists}),
    )
    # Lines first: aligning them tells which extracted line_id stands for which
    # gold line_id, so that references to lines can be compared afterwards.
    line_map: dict[str, str] = {}
    for name, affinity in _ALIGNED.items():
        gold_items, got_items = _items(gold, name), _items(got, name)
        gold_flat = [_flat_item(item, name) for item in gold_items]
        got_flat = [_flat_item(item, name, line_map) for item in got_items]
        pairs = _align(gold_flat, got_flat, affinity)
        if name == "lines":
            for g, x in pairs:
                if g is not None and x is not None:
                    line_map[str(got_items[x].get("line_id"))] = str(gold_items[g].get("line_id"))
            got_flat = [_flat_item(item, name, line_map) for item in got_items]
        extra_index = len(gold_items)
        for g, x in pairs:
            if g is not None:
                prefix = f"{name}[{g}]"
            else:
                prefix, extra_index = f"{name}[{extra_index}]", extra_index + 1
            tally.compare(
                prefix,
                gold_flat[g] if g is not None else {},
                got_flat[x] if x is not None else {},
            )


def _flat_item(
    item: Mapping[str, Any], list_name: str, line_map: Mapping[str, str] | None = None
) -> dict[str, Normalised]:
    """One list entry flattened relative to itself; an extraction's line references translated.

    ``line_map`` (extracted line_id -> aligned gold line_id) is given for the
    extraction's side only: gold references are already gold ids.
    """
    data = dict(item)
    if line_map is not None:
        references = _LINE_REFERENCES if list_name == "lines" else {"line_id"}
        for key in references & set(data):
            if data[key] is not None:
                data[key] = line_map.get(str(data[key]), f"(unaligned line {data[key]})")
    flat: dict[str, Normalised] = {}
    for key, value in data.items():
        _leaves(value, f"{list_name}[0].{key}", flat)
    return {path.removeprefix(f"{list_name}[0]."): value for path, value in flat.items()}
