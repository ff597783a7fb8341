"""The audit trail: who changed what, when, from what, to what, and why.

Every state change in billops writes one ``AuditRecord`` in the same
database transaction as the change itself. Records are append-only and
hash-chained: each record's ``hash`` is the SHA-256 of its own content and
the previous record's hash, so editing, deleting or re-ordering any record
breaks the chain from that point on, and ``verify_chain`` names the first
broken link.

    >>> first = seal(draft(1, "2026-11-23T09:00:00.000000Z", "ana", "customer", "C-1",
    ...                    "create", None, {"name": "Acme"}, None), GENESIS_HASH)
    >>> verify_chain([first], head=(1, first.hash)).ok
    True

The chain alone cannot see the newest records being deleted (the rest still
chains), so the store also keeps a *head* (last sequence number and hash),
written in the same transaction; ``verify_chain`` compares against it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

GENESIS_HASH = "0" * 64

JSONValue = Any  # JSON-native values only: str, int, bool, None, list, dict (no floats)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    occurred_at: str
    actor: str
    entity_type: str
    entity_id: str
    action: str
    before: JSONValue
    after: JSONValue
    reason: str | None
    prev_hash: str = GENESIS_HASH
    hash: str = ""


def draft(
    seq: int,
    occurred_at: str,
    actor: str,
    entity_type: str,
    entity_id: str,
    action: str,
    before: JSONValue,
    after: JSONValue,
    reason: str | None,
) -> AuditRecord:
    """An unsealed record (no hash yet), its values in the form the database gives back.

    The hash must be computed over exactly what a later ``verify`` reads, so
    ``before`` and ``after`` are taken through JSON first: a tuple becomes a
    list and a dict's non-text keys become text (``{10: .., 9: ..}`` would
    otherwise hash with its keys in number order and be re-read, and
    re-hashed, in text order, and the record would look tampered with).

        >>> draft(1, "t", "ana", "x", "X-1", "create", None, {10: "a", 9: ("b",)}, None).after
        {'9': ['b'], '10': 'a'}
    """
    return AuditRecord(
        seq,
        occurred_at,
        actor,
        entity_type,
        entity_id,
        action,
        stored_form(before),
        stored_form(after),
        reason,
    )


def stored_form(value: JSONValue) -> JSONValue:
    """``value`` as it reads back from a JSON column: serialised, then parsed again."""
    _check_no_float(value)
    return json.loads(canonical(value))


def canonical(value: JSONValue) -> str:
    """The one serialisation the hash is computed over: sorted keys, no spaces.

    Floats are refused: their text form is not stable across databases, and
    billops never stores money as float anyway.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_refuse
    )


def _refuse(value: object) -> None:
    raise TypeError(f"audit values must be JSON-native, not {type(value).__name__}")


def compute_hash(record: AuditRecord, prev_hash: str) -> str:
    body = canonical(
        [
            record.seq,
            record.occurred_at,
            record.actor,
            record.entity_type,
            record.entity_id,
            record.action,
            record.before,
            record.after,
            record.reason,
            prev_hash,
        ]
    )
    _check_no_float(record.before)
    _check_no_float(record.after)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _check_no_float(value: JSONValue) -> None:
    if isinstance(value, float):
        raise TypeError("audit values must not contain floats")
    if isinstance(value, dict):
        for item in value.values():
            _check_no_float(item)
    elif isinstance(value, list):
        for item in value:
            _check_no_float(item)


def seal(record: AuditRecord, prev_hash: str) -> AuditRecord:
    """The record chained to ``prev_hash``, with its own hash filled in."""
    return replace(record, prev_hash=prev_hash, hash=compute_hash(record, prev_hash))


@dataclass(frozen=True, slots=True)
class BrokenLink:
    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    first_broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify_chain(records: Iterable[AuditRecord], head: tuple[int, str] | None) -> ChainReport:
    """Walk the records in sequence order and report the first broken link.

    ``head`` is the stored (last seq, last hash), or None for an empty trail.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for record in records:
        broken = _check_one(record, expected_seq, prev_hash)
        if broken is not None:
            return ChainReport(checked, broken)
        checked += 1
        expected_seq = record.seq + 1
        prev_hash = record.hash
    return ChainReport(checked, _check_head(head, expected_seq - 1, prev_hash))


def _check_one(record: AuditRecord, expected_seq: int, prev_hash: str) -> BrokenLink | None:
    if record.seq != expected_seq:
        return BrokenLink(
            expected_seq, f"record {expected_seq} is missing (next record found is {record.seq})"
        )
    if record.prev_hash != prev_hash:
        return BrokenLink(record.seq, "does not chain to the record before it (prev_hash differs)")
    if compute_hash(record, prev_hash) != record.hash:
        return BrokenLink(record.seq, "content was altered after it was written (hash differs)")
    return None


def _check_head(head: tuple[int, str] | None, last_seq: int, last_hash: str) -> BrokenLink | None:
    head_seq, head_hash = head if head is not None else (0, GENESIS_HASH)
    if head_seq > last_seq:
        return BrokenLink(
            last_seq + 1,
            f"records {last_seq + 1}..{head_seq} are missing (the trail ends at {last_seq})",
        )
    if head_seq < last_seq:
        return BrokenLink(head_seq + 1, f"records after {head_seq} were added outside billops")
    if head_hash != last_hash:
        return BrokenLink(last_seq, "the last record differs from the one billops wrote")
    return None
