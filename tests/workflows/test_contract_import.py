"""Importing contracts: versions, idempotence, duplicate ids, all-or-nothing batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from billops.adapters.files import load_document
from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts
from billops.errors import Conflict, InvalidInput
from billops.workflows.contracts import import_contracts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"
ORDER_FORM = FIXTURES / "order_form_globex.yaml"
SOW = FIXTURES / "sow_initech.json"


def write_yaml(path: Path, data: object) -> Path:
    path.write_text(
        yaml.safe_dump(json.loads(json.dumps(data, default=str)), sort_keys=False), encoding="utf-8"
    )
    return path


def edited(tmp_path: Path, name: str, **changes: object) -> Path:
    document = load_document(ORDER_FORM)
    document.update(changes)
    return write_yaml(tmp_path / name, document)


def audit_count(db: Database) -> int:
    with db.transaction() as session:
        return audit_store.verify(session).checked


def test_two_contracts_import_as_version_one(db: Database) -> None:
    outcomes = import_contracts(db, [ORDER_FORM, SOW], actor="ana")
    assert [(o.contract_id, o.version, o.created) for o in outcomes] == [
        ("OF-2025-0142", 1, True),
        ("SOW-2025-007", 1, True),
    ]
    with db.transaction() as session:
        stored = Contracts(session, "ana").get("OF-2025-0142")
    assert stored.terms.currency == "USD"
    assert stored.source_name == "order_form_globex.yaml"
    assert str(stored.terms.total_contract_value) == "349800.00"
    assert audit_count(db) == 2


def test_importing_the_same_terms_again_changes_nothing(db: Database) -> None:
    import_contracts(db, [ORDER_FORM], actor="ana")
    again = import_contracts(db, [ORDER_FORM], actor="ben")
    assert [(o.version, o.created) for o in again] == [(1, False)]
    assert audit_count(db) == 1


def test_changed_terms_become_the_next_version_and_old_ones_stay_readable(
    db: Database, tmp_path: Path
) -> None:
    import_contracts(db, [ORDER_FORM], actor="ana")
    amended = edited(tmp_path, "of-v2.yaml", title="Order Form – Acme Platform Enterprise (rev. 2)")
    outcome = import_contracts(db, [amended], actor="ben", reason="countersigned revision")[0]
    assert (outcome.version, outcome.previous_version) == (2, 1)
    with db.transaction() as session:
        contracts = Contracts(session, "ana")
        versions = contracts.versions("OF-2025-0142")
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].terms.title == "Order Form – Acme Platform Enterprise"
        assert contracts.get("OF-2025-0142").terms.title.endswith("(rev. 2)")
        assert contracts.get("OF-2025-0142", version=1).created_by == "ana"
        records = list(audit_store.records(session, entity_type="contract"))
    assert [r.action for r in records] == ["create", "new_version"]
    assert records[1].reason == "countersigned revision"
    assert records[1].before["title"] == "Order Form – Acme Platform Enterprise"


def test_two_files_with_the_same_contract_id_are_refused_and_nothing_is_saved(
    db: Database, tmp_path: Path
) -> None:
    twin = edited(tmp_path, "twin.yaml", title="Same id, other content")
    with pytest.raises(Conflict) as caught:
        import_contracts(db, [SOW, ORDER_FORM, twin], actor="ana")
    assert "duplicate contract id 'OF-2025-0142'" in caught.value.describe()
    assert "twin.yaml" in caught.value.describe()
    with db.transaction() as session:
        assert Contracts(session, "ana").count() == 0
    assert audit_count(db) == 0


def test_an_id_already_used_for_another_customer_is_a_duplicate_not_a_version(
    db: Database, tmp_path: Path
) -> None:
    import_contracts(db, [ORDER_FORM], actor="ana")
    document = load_document(ORDER_FORM)
    document["customer"] = {"code": "umbrella", "name": "Umbrella Corp"}
    other = write_yaml(tmp_path / "other.yaml", document)
    with pytest.raises(Conflict, match="already belongs to customer 'Globex Corporation'"):
        import_contracts(db, [other], actor="ana")
    with db.transaction() as session:
        assert [v.version for v in Contracts(session, "ana").versions("OF-2025-0142")] == [1]


def test_a_bad_file_in_a_batch_saves_nothing(db: Database, tmp_path: Path) -> None:
    document = load_document(SOW)
    document["end_date"] = "2024-01-01"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document, default=str), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        import_contracts(db, [ORDER_FORM, broken], actor="ana")
    assert "broken.json" in caught.value.describe()
    assert "end_date" in caught.value.describe()
    with db.transaction() as session:
        assert Contracts(session, "ana").count() == 0
    assert audit_count(db) == 0
