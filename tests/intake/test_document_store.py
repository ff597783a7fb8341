"""Documents are stored content-addressed: the same bytes are one document, whatever the name."""

from __future__ import annotations

import hashlib

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database
from billops.adapters.storage.documents import Documents, Extractions, field_group

SIGNED = b"%PDF-1.7 pretend this is a signed order form"


def test_the_same_bytes_are_stored_once_and_audited_once(db: Database) -> None:
    with db.transaction() as session:
        first, created = Documents(session, "ana").add("of.pdf", "application/pdf", SIGNED)
    assert created is True
    assert first.sha256 == hashlib.sha256(SIGNED).hexdigest()
    assert first.size == len(SIGNED)
    with db.transaction() as session:
        again, created_again = Documents(session, "bo").add(
            "renamed.pdf", "application/pdf", SIGNED
        )
    assert created_again is False
    assert again.name == "of.pdf"  # the name it was first stored under
    assert again.created_by == "ana"
    with db.transaction() as session:
        documents = Documents(session, "reader")
        assert documents.count() == 1
        assert documents.content(first.sha256) == SIGNED
        trail = list(audit_store.records(session))
        assert audit_store.verify(session).ok
    assert [(r.entity_type, r.entity_id, r.action, r.actor) for r in trail] == [
        ("document", first.sha256, "store", "ana")
    ]
    assert trail[0].after == {
        "sha256": first.sha256,
        "name": "of.pdf",
        "media_type": "application/pdf",
        "size": 44,
    }


def test_an_extraction_is_kept_with_its_status_and_audited(db: Database) -> None:
    result = {
        "missing": ["payment_terms"],
        "findings": [{"rule_id": "ARITH-LINE-TOTAL", "message": "10 x 100.00 is not 1,100.00"}],
        "problems": ["contract_id: not found"],
        "values": {},
    }
    with db.transaction() as session:
        stored, _ = Documents(session, "ana").add("of.pdf", "application/pdf", SIGNED)
        Extractions(session, "ana").add(
            stored,
            status="incomplete",
            extractor="rules/1",
            result=result,
            contract_id=None,
            contract_version=None,
        )
    with db.transaction() as session:
        found = Extractions(session, "reader").find(stored.sha256)
        trail = list(audit_store.records(session, entity_type="extraction"))
    assert found is not None
    assert (found.document_name, found.status, found.contract_id) == ("of.pdf", "incomplete", None)
    assert found.result == result
    assert [r.after["findings"] for r in trail] == [["ARITH-LINE-TOTAL"]]
    assert trail[0].after["missing"] == ["payment_terms"]


def test_field_groups_blank_list_positions() -> None:
    assert field_group("lines[2].tiers[10].unit_price") == "lines[].tiers[].unit_price"
    assert field_group("payment_terms.net_days") == "payment_terms.net_days"
