"""The audit chain: each record seals the one before it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billops.domain.audit import GENESIS_HASH, AuditRecord, draft, seal, verify_chain


def chain(n: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        record = seal(
            draft(
                seq,
                f"2026-11-23T09:00:{seq:02d}.000000Z",
                "ana",
                "customer",
                f"C-{seq}",
                "create",
                None,
                {"name": f"Customer {seq}", "po_required": seq % 2 == 0},
                None,
            ),
            prev,
        )
        records.append(record)
        prev = record.hash
    return records


def head_of(records: list[AuditRecord]) -> tuple[int, str]:
    return (records[-1].seq, records[-1].hash)


def test_an_untouched_chain_verifies() -> None:
    records = chain(5)
    report = verify_chain(records, head_of(records))
    assert report.ok
    assert report.checked == 5


def test_the_first_record_chains_to_the_genesis_hash() -> None:
    assert chain(1)[0].prev_hash == "0" * 64


def test_an_empty_trail_with_no_head_verifies() -> None:
    assert verify_chain([], None).ok


def test_an_edited_value_is_named_by_sequence_number() -> None:
    records = chain(5)
    tampered = replace(records[2], after={"name": "Someone else", "po_required": False})
    report = verify_chain([*records[:2], tampered, *records[3:]], head_of(records))
    assert report.first_broken is not None
    assert report.first_broken.seq == 3
    assert "altered" in report.first_broken.problem
    assert report.checked == 2


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link() -> None:
    records = chain(5)
    forged = seal(replace(records[1], actor="mallory"), records[0].hash)
    report = verify_chain([records[0], forged, *records[2:]], head_of(records))
    assert report.first_broken is not None
    assert report.first_broken.seq == 3
    assert "chain" in report.first_broken.problem


def test_a_deleted_record_in_the_middle_is_reported_missing() -> None:
    records = chain(5)
    report = verify_chain([*records[:3], *records[4:]], head_of(records))
    assert report.first_broken is not None
    assert report.first_broken.seq == 4
    assert "missing" in report.first_broken.problem


def test_deleting_the_newest_records_is_caught_by_the_head() -> None:
    records = chain(5)
    report = verify_chain(records[:3], head_of(records))
    assert report.first_broken is not None
    assert report.first_broken.seq == 4
    assert "4..5 are missing" in report.first_broken.problem


def test_a_record_added_outside_billops_is_caught_by_the_head() -> None:
    records = chain(5)
    report = verify_chain(records, head_of(records[:4]))
    assert report.first_broken is not None
    assert report.first_broken.seq == 5


def test_floats_are_refused_in_audit_images() -> None:
    with pytest.raises(TypeError):
        seal(draft(1, "t", "a", "x", "1", "create", None, {"amount": 1.5}, None), GENESIS_HASH)


@given(st.integers(min_value=1, max_value=30), st.data())
def test_any_single_alteration_is_detected(n: int, data: st.DataObject) -> None:
    records = chain(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    field = data.draw(st.sampled_from(["actor", "entity_id", "action", "reason", "occurred_at"]))
    tampered = replace(records[index], **{field: "tampered"})
    altered = [*records[:index], tampered, *records[index + 1 :]]
    report = verify_chain(altered, head_of(records))
    assert report.first_broken is not None
    assert report.first_broken.seq == index + 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.integers(), inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values, json_values)
def test_a_record_read_back_from_a_json_column_still_verifies(
    before: object, after: object
) -> None:
    """The hash covers the values as the database returns them (JSON text parsed again).

    ``{10: "a", 9: "b"}`` used to be hashed with its keys in number order and
    re-read with text keys, in text order: an untouched record failed verify.
    """
    record = seal(draft(1, "t", "ana", "x", "X-1", "update", before, after, None), GENESIS_HASH)
    reread = replace(
        record,
        before=json.loads(json.dumps(record.before)),
        after=json.loads(json.dumps(record.after)),
    )
    assert verify_chain([reread], (1, record.hash)).ok
