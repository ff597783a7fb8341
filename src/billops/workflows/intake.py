"""Contract intake: signed documents in, reviewable draft contracts out.

The first thing a billing analyst does with a signed Order Form or SOW is
read it and copy its terms into systems. Intake does that reading:

1. **store** the document, addressed by the sha256 of its bytes. The same
   file again (under any name) is recognised: nothing new is stored and it
   is not extracted again, so a person's corrections to the draft it made
   are never undone by a re-run;
2. **extract** its terms (``billops.domain.extraction.extract_terms``, and,
   when an LLM endpoint is configured, the LLM's proposal grounded in the
   text and merged field by field); every value keeps its source: page,
   span, quoted text, confidence, extractor;
3. **save** what was found: the extraction (status ``draft``, ``incomplete``
   or ``not_a_contract``, with missing fields and findings) and, when the
   terms assembled, a new version of the contract through the same
   ``Contracts`` repository ``billops contract import`` uses, with the
   document's name and sha256 as its source, ready for
   ``billops contract show``.

A batch is checked whole before anything is saved: a corrupt or unreadable
file stops the batch with one error naming it, and nothing is stored. Each
document is then saved in its own transaction (document, extraction,
contract version and their audit records together, or none of them).

A person reviews the draft and corrects it with ``billops contract set``:
``correct_field`` sets one value by its field path, validates the whole
terms again, saves them as the next version with the field's provenance
replaced by ``extractor: human`` (its quote holding the person's reason),
and keeps a correction record. ``correction_report`` counts corrections per
field: the feedback that says where extraction must improve.

    >>> field_group("lines[2].unit_price")
    'lines[].unit_price'
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billops.adapters.storage.database import Database
from billops.adapters.storage.documents import (
    Correction,
    CorrectionCount,
    Corrections,
    Documents,
    Extractions,
    StoredExtraction,
    field_group,
)
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.adapters.storage.tables import ContractVersionRow
from billops.demo.documents import write_demo_documents
from billops.domain.contract import ContractTerms, parse_contract, terms_changes
from billops.domain.document import Document
from billops.domain.extraction.model import DocumentKind, Extraction
from billops.errors import Conflict, InvalidInput
from billops.workflows.progress import SILENT, Progress

if TYPE_CHECKING:
    from billops.adapters.llm import LlmSettings

# The readers (pdfplumber, OCR), the extractor and the LLM SDK are imported
# by the functions that use them: the CLI loads every command module on
# start, and `billops contract set` should not wait a second for an HTTP SDK.

__all__ = [
    "MAX_FILE_BYTES",
    "CorrectionOutcome",
    "IntakeOutcome",
    "correct_field",
    "correction_report",
    "demo_intake_step",
    "extract_document",
    "extract_file",
    "field_group",
    "intake_files",
    "parse_value",
    "value_at",
]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest file intake reads: a signed contract is kilobytes to a few megabytes."""

DRAFT = "draft"
INCOMPLETE = "incomplete"
NOT_A_CONTRACT = "not_a_contract"


# --------------------------------------------------------------------------
# Extraction (stores nothing)


def extract_document(document: Document, *, llm: LlmSettings | None) -> Extraction:
    """The terms of a read document: the rules, merged with the LLM's when one is configured.

    The LLM is a helper, never a dependency: when it cannot be reached or
    answers nonsense, the rules-only result is returned with a note saying
    so, and intake goes on.
    """
    from billops.domain.extraction import extract_terms

    rules = extract_terms(document)
    if llm is None:
        return rules
    from billops.adapters.llm import LlmExtractor
    from billops.domain.extraction.grounding import ground
    from billops.domain.extraction.merge import merge

    helper = LlmExtractor(llm)
    name = helper.name
    try:
        candidate = helper.extract(document)
        return merge(rules, ground(candidate, document, extractor=name))
    except Exception as exc:
        # A network error, a refusal, a malformed answer or a bug in the
        # merge must not cost the user the rules' reading of the document.
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        note = f"the LLM extractor ({name}) failed and was not used: {reason}; rules-only result"
        return replace(rules, notes=(*rules.notes, note))


def _read_file(path: Path) -> bytes:
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "no such file"
        raise InvalidInput(what, source=str(path))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidInput(
            f"is {size:,} bytes; intake reads files up to {MAX_FILE_BYTES:,} bytes",
            source=str(path),
            hint="a signed contract is rarely more than a few megabytes: is this the right file?",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot be read: {exc.strerror or exc}", source=str(path)) from exc


def extract_file(path: Path, *, llm: LlmSettings | None) -> Extraction:
    """Read ``path`` and extract its terms; nothing is stored (``billops extract``)."""
    from billops.adapters.documents import read_bytes

    return extract_document(read_bytes(_read_file(path), path.name), llm=llm)


# --------------------------------------------------------------------------
# Intake (stores documents, extractions and draft contract versions)


@dataclass(frozen=True)
class IntakeOutcome:
    """What intake did with one file."""

    path: Path
    name: str  # the stored document's name (the first name it was stored under)
    sha256: str
    status: str  # draft | incomplete | not_a_contract
    stored: bool  # False: these bytes were stored before; nothing new was saved
    contract_id: str | None
    version: int | None
    new_version: bool  # a contract version was created by this run
    values: int  # how many values were extracted
    missing: tuple[str, ...]
    findings: tuple[str, ...]  # the findings' messages
    problems: tuple[str, ...]  # why no contract version was saved
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "document": {"name": self.name, "sha256": self.sha256},
            "status": self.status,
            "stored": self.stored,
            "contract_id": self.contract_id,
            "version": self.version,
            "new_version": self.new_version,
            "values": self.values,
            "missing": list(self.missing),
            "findings": list(self.findings),
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Pending:
    path: Path
    data: bytes
    sha256: str
    document: Document | None = None
    extraction: Extraction | None = None


def intake_files(
    database: Database,
    paths: Sequence[Path],
    *,
    actor: str,
    llm: LlmSettings | None = None,
    progress: Progress = SILENT,
) -> list[IntakeOutcome]:
    """Store, extract and save each file; the same bytes again store nothing.

    Every file is read (and every new one extracted) before anything is
    saved, so a bad file stops the batch with nothing stored.
    """
    from billops.adapters.documents import read_bytes

    pending = [
        _Pending(path, data, hashlib.sha256(data).hexdigest())
        for path, data in ((path, _read_file(path)) for path in paths)
    ]
    with database.transaction() as session:
        documents = Documents(session, actor)
        known = {item.sha256 for item in pending if documents.find(item.sha256) is not None}
    progress.start("reading documents", len(pending))
    extracted: dict[str, _Pending] = {}
    for item in pending:
        progress.advance()
        if item.sha256 in known or item.sha256 in extracted:
            continue
        document = read_bytes(item.data, item.path.name)
        extracted[item.sha256] = replace(
            item, document=document, extraction=extract_document(document, llm=llm)
        )
    progress.start("saving documents", len(pending))
    outcomes: list[IntakeOutcome] = []
    for item in pending:
        progress.advance()
        fresh = extracted.pop(item.sha256, None)
        outcomes.append(
            _save_or_recognise(database, fresh, actor) if fresh else _recognised(database, item)
        )
    return outcomes


def _save_or_recognise(database: Database, item: _Pending, actor: str) -> IntakeOutcome:
    try:
        return _save(database, item, actor)
    except IntegrityError:
        # Another process stored the same bytes between our check and our
        # write (PostgreSQL; SQLite serialises writers): theirs stands.
        return _recognised(database, item)


def _save(database: Database, item: _Pending, actor: str) -> IntakeOutcome:
    assert item.document is not None and item.extraction is not None
    extraction = item.extraction
    problems = list(extraction.problems)
    with database.transaction() as session:
        stored, created = Documents(session, actor).add(
            item.path.name, item.document.media_type, item.data
        )
        if not created:
            return _outcome_from(item.path, _existing(session, item.sha256))
        contract_id: str | None = None
        version: int | None = None
        new_version = False
        if extraction.classification.kind is DocumentKind.NOT_A_CONTRACT:
            status = NOT_A_CONTRACT
        elif extraction.terms is None:
            status = INCOMPLETE
        else:
            matched_terms, matches = match_parties(session, extraction.terms)
            extraction = replace(
                extraction, terms=matched_terms, notes=(*extraction.notes, *matches)
            )
            assert extraction.terms is not None
            contracts = Contracts(session, actor)
            clash = _clash(contracts, extraction.terms)
            if clash is not None:
                status = INCOMPLETE
                problems.append(clash)
            else:
                saved = contracts.save(
                    extraction.terms,
                    source_name=stored.name,
                    source_sha256=stored.sha256,
                    reason=f"intake of {stored.name}",
                )
                status, contract_id, version, new_version = (
                    DRAFT,
                    saved.contract_id,
                    saved.version,
                    saved.created,
                )
        result = extraction.as_dict()
        result["problems"] = problems
        Extractions(session, actor).add(
            stored,
            status=status,
            extractor=_extractors(extraction),
            result=result,
            contract_id=contract_id,
            contract_version=version,
        )
    return IntakeOutcome(
        path=item.path,
        name=stored.name,
        sha256=stored.sha256,
        status=status,
        stored=True,
        contract_id=contract_id,
        version=version,
        new_version=new_version,
        values=len(extraction.values),
        missing=extraction.missing,
        findings=tuple(f.message for f in extraction.findings),
        problems=tuple(problems),
        notes=extraction.notes,
    )


def _party_key(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())


def match_parties(session: Session, terms: ContractTerms) -> tuple[ContractTerms, list[str]]:
    """Give the extracted supplier and customer their stored codes when the name matches one.

    Only an exact match of the normalised legal name (case, punctuation and
    spacing ignored) counts, and only when it is the only one; anything else
    is left for a person, never guessed.
    """
    notes: list[str] = []
    updates: dict[str, Any] = {}
    for role, repository in (
        ("supplier", LegalEntities(session, "reader")),
        ("customer", Customers(session, "reader")),
    ):
        party = getattr(terms, role)
        if party.code is not None:
            continue
        found = [r for r in repository.list() if _party_key(r.name) == _party_key(party.name)]
        if len(found) == 1:
            updates[role] = party.model_copy(update={"code": found[0].code})
            notes.append(f"{role} {party.name!r} matched to stored {role} code {found[0].code!r}")
        elif len(found) > 1:
            notes.append(f"{role} {party.name!r} matches {len(found)} stored records: not matched")
    return (terms.model_copy(update=updates) if updates else terms), notes


def _clash(contracts: Contracts, terms: ContractTerms) -> str | None:
    """Why the terms cannot become a version of the stored contract with their id, if so."""
    existing = contracts.find(terms.contract_id)
    if existing is None:
        return None
    stored, new = existing.terms.customer, terms.customer
    if (stored.code or stored.name) == (new.code or new.name):
        return None  # the same customer's contract: a revised document, a new version
    return (
        f"contract id {terms.contract_id!r} already belongs to customer {stored.name!r}; "
        f"this document names {new.name!r}, so no contract version was saved"
    )


def _extractors(extraction: Extraction) -> str:
    names = sorted({value.extractor for value in extraction.values.values()})
    return "+".join(names) or "rules/1"


def _existing(session: Session, sha256: str) -> StoredExtraction:
    found = Extractions(session, "reader").find(sha256)
    if found is None:  # a document row without its extraction cannot be committed
        raise Conflict(f"document {sha256} is stored without its extraction")
    return found


def _recognised(database: Database, item: _Pending) -> IntakeOutcome:
    with database.transaction() as session:
        return _outcome_from(item.path, _existing(session, item.sha256))


def _outcome_from(path: Path, stored: StoredExtraction) -> IntakeOutcome:
    result = stored.result
    return IntakeOutcome(
        path=path,
        name=stored.document_name,
        sha256=stored.document_sha256,
        status=stored.status,
        stored=False,
        contract_id=stored.contract_id,
        version=stored.contract_version,
        new_version=False,
        values=len(result.get("values", {})),
        missing=tuple(result.get("missing", [])),
        findings=tuple(f.get("message", "") for f in result.get("findings", [])),
        problems=tuple(result.get("problems", [])),
        notes=tuple(result.get("notes", [])),
    )


def stored_extractions(database: Database) -> list[StoredExtraction]:
    """Every stored extraction, oldest first (``billops intake list``)."""
    with database.transaction() as session:
        return Extractions(session, "reader").list()


# --------------------------------------------------------------------------
# Corrections by a person (``billops contract set``)


@dataclass(frozen=True)
class CorrectionOutcome:
    contract_id: str
    field: str
    before: Any
    after: Any
    changed: bool  # False: the field already held the value; nothing was saved
    version: int
    previous_version: int


_STEP = re.compile(r"([a-z_][a-z0-9_]*)((?:\[[0-9]+\])*)")
_INDEX = re.compile(r"\[([0-9]+)\]")
_NOT_CORRECTABLE = {
    "contract_id": "is the contract's identity and cannot be corrected; "
    "import the terms under the right id instead",
    "schema_version": "is kept by billops",
    "provenance": "is kept by billops: correcting a value replaces its provenance",
}


def parse_value(text: str, field: str) -> Any:
    """A value typed on the command line: ``null``, JSON for objects and lists, else the text.

    The text is converted by the contract model itself (``"30"`` to an
    integer, ``"960.00"`` to a Decimal, ``"2026-01-31"`` to a date), so the
    error for a wrong value is the model's, naming the field.
    """
    stripped = text.strip()
    if stripped == "null":
        return None
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"is not valid JSON: {exc.msg} at column {exc.colno}", field=field, value=text
            ) from exc
    return text


def _set_at(data: dict[str, Any], path: str, value: Any) -> Any:
    """Set ``value`` at ``path`` in the terms' JSON; return the value it replaces."""
    steps = path.split(".")
    container: Any = data
    walked = ""
    for position, step in enumerate(steps):
        match = _STEP.fullmatch(step)
        if match is None:
            raise InvalidInput(
                "is not a field path such as 'payment_terms.net_days' or 'lines[0].unit_price'",
                field=path,
            )
        name = match.group(1)
        if not isinstance(container, dict):
            raise InvalidInput(f"{walked} has no fields", field=path)
        if not walked and name in _NOT_CORRECTABLE:
            raise InvalidInput(f"{name} {_NOT_CORRECTABLE[name]}", field=path)
        if name not in container:
            close = difflib.get_close_matches(name, list(container), n=1)
            raise InvalidInput(
                f"{walked or 'the contract'} has no field {name!r}",
                field=path,
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
        indexes = [int(i) for i in _INDEX.findall(match.group(2))]
        last = position == len(steps) - 1
        holder: Any = container
        key: str | int = name
        walked = f"{walked}.{name}" if walked else name
        for index in indexes:
            items = holder[key]
            if not isinstance(items, list):
                raise InvalidInput(f"{walked} is not a list", field=path)
            if index >= len(items):
                count = f"{len(items)} entr{'y' if len(items) == 1 else 'ies'}"
                raise InvalidInput(f"{walked} has {count}, so no [{index}]", field=path)
            holder, key = items, index
            walked = f"{walked}[{index}]"
        if last:
            before = holder[key]
            holder[key] = value
            return before
        container = holder[key]
        if container is None:
            raise InvalidInput(
                f"{walked} is not set",
                field=path,
                hint=f"set it whole, e.g. `billops contract set ID {walked} '{{...}}'`",
            )
    raise AssertionError("unreachable: a path has at least one step")


def correct_field(
    database: Database,
    contract_id: str,
    field: str,
    value_text: str,
    *,
    reason: str,
    actor: str,
) -> CorrectionOutcome:
    """A person's correction: set ``field`` to the value, validate, save the next version."""
    if not reason.strip():
        raise InvalidInput("a correction needs a reason for the audit trail", field="--reason")
    value = parse_value(value_text, field)
    with database.transaction() as session:
        contracts = Contracts(session, actor)
        current = contracts.get(contract_id)
        data = current.terms.model_dump(mode="json")
        before = _set_at(data, field, value)
        old_provenance = current.terms.provenance.get(field)
        data["provenance"] = {
            path: source
            for path, source in data["provenance"].items()
            if not (path == field or path.startswith((f"{field}.", f"{field}[")))
        }
        source_name, source_sha256 = _version_source(session, contract_id, current.version)
        data["provenance"][field] = {
            "document": {
                "name": source_name or f"correction by {actor}",
                "sha256": source_sha256,
            },
            "quote": reason.strip(),
            "confidence": "1",
            "extractor": "human",
        }
        terms = parse_contract(data, source=f"contract {contract_id}")
        after = value_at(terms, field)
        changes = terms_changes(current.terms, terms)
        if not [c for c in changes if not c.path.startswith("provenance")]:
            return CorrectionOutcome(
                contract_id, field, before, after, False, current.version, current.version
            )
        saved = contracts.save(
            terms, source_name=source_name, source_sha256=source_sha256, reason=reason.strip()
        )
        extractor = old_provenance.extractor if old_provenance is not None else None
        Corrections(session, actor).add(
            Correction(
                contract_id=contract_id,
                version=saved.version,
                field=field,
                before=before,
                after=after,
                corrected_extractor=extractor or ("missing" if before is None else None),
                reason=reason.strip(),
            )
        )
    return CorrectionOutcome(
        contract_id, field, before, after, True, saved.version, current.version
    )


def _version_source(
    session: Session, contract_id: str, version: int
) -> tuple[str | None, str | None]:
    row = session.execute(
        select(ContractVersionRow.source_name, ContractVersionRow.source_sha256).where(
            ContractVersionRow.contract_id == contract_id, ContractVersionRow.version == version
        )
    ).one()
    return row[0], row[1]


def value_at(terms: ContractTerms, path: str) -> Any:
    """The JSON value at ``path`` of ``terms`` (the path is known to exist)."""
    current: Any = terms.model_dump(mode="json")
    for step in path.split("."):
        match = _STEP.fullmatch(step)
        assert match is not None
        current = current[match.group(1)]
        for index in _INDEX.findall(match.group(2)):
            current = current[int(index)]
    return current


def correction_report(database: Database) -> list[CorrectionCount]:
    """Fields by how often people corrected them (``billops intake corrections``)."""
    with database.transaction() as session:
        return Corrections(session, "reader").report()


# --------------------------------------------------------------------------
# The demo's intake step


def demo_intake_step(database: Database, out: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """Render the demo's signed documents, take them in twice, say what was read.

    Returns the figures the demo summary prints: documents, drafts, what a
    second run stored (nothing), and per document the fields where the draft
    differs from the terms the document states (what a reviewer must fix).
    """
    written = write_demo_documents(out / "documents")
    say(f"   intake of {len(written)} signed documents (PDF, DOCX) from {out / 'documents'}")
    outcomes = intake_files(database, [path for path, _ in written], actor="demo")
    differences: dict[str, list[str]] = {}
    with database.transaction() as session:
        contracts = Contracts(session, "demo")
        for outcome, (_, stated) in zip(outcomes, written, strict=True):
            say(f"   {_demo_line(outcome)}")
            if outcome.contract_id is None:
                continue
            draft = contracts.get(outcome.contract_id, outcome.version).terms
            differences[outcome.contract_id] = sorted(
                {
                    change.path
                    for change in terms_changes(stated, draft)
                    if not change.path.startswith("provenance")
                    # our codes are matched from stored records, never stated
                    and change.path not in ("supplier.code", "customer.code")
                }
            )
    for contract_id, fields in differences.items():
        shown = ", ".join(fields[:6]) + (f" and {len(fields) - 6} more" if len(fields) > 6 else "")
        say(
            f"   {contract_id}: "
            + (f"to review: {shown}" if fields else "every value as the document states it")
        )
    again = intake_files(database, [path for path, _ in written], actor="demo")
    rerun_new = sum(o.stored for o in again)
    say(f"   taking the same documents in again: {rerun_new} new documents, nothing changed")
    return {
        "documents": len(outcomes),
        "drafts": sum(o.status == DRAFT for o in outcomes),
        "values": sum(o.values for o in outcomes),
        "missing": sum(len(o.missing) for o in outcomes),
        "findings": sum(len(o.findings) for o in outcomes),
        "rerun_new_documents": rerun_new,
        "differences": differences,
        "outcomes": [o.as_dict() for o in outcomes],
    }


def _demo_line(o: IntakeOutcome) -> str:
    if o.status == DRAFT:
        return (
            f"{o.path.name}: draft {o.contract_id} v{o.version}, {o.values} values with their "
            f"sources, {len(o.missing)} missing, {len(o.findings)} findings"
        )
    why = f": {o.problems[0]}" if o.problems else ""
    return f"{o.path.name}: {o.status.replace('_', ' ')}{why}"
