"""The demo's intake step: three rendered signed documents become three drafts, once."""

from __future__ import annotations

import hashlib
from pathlib import Path

from billops.adapters.storage.database import Database
from billops.demo.documents import write_demo_documents
from billops.workflows.intake import demo_intake_step


def test_demo_documents_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = [
        hashlib.sha256(p.read_bytes()).hexdigest() for p, _ in write_demo_documents(tmp_path / "a")
    ]
    again = [
        hashlib.sha256(p.read_bytes()).hexdigest() for p, _ in write_demo_documents(tmp_path / "b")
    ]
    assert first == again
    assert [p.name for p, _ in write_demo_documents(tmp_path / "c")] == [
        "nw-of-9001.pdf",
        "nw-sow-9002.docx",
        "nwde-of-9003.pdf",
    ]


def test_the_demo_step_takes_three_documents_in_once(db: Database, tmp_path: Path) -> None:
    said: list[str] = []
    report = demo_intake_step(db, tmp_path, said.append)
    assert report["documents"] == 3
    assert report["drafts"] == 3
    assert report["rerun_new_documents"] == 0
    assert [o["contract_id"] for o in report["outcomes"]] == [
        "NW-OF-9001",
        "NW-SOW-9002",
        "NWDE-OF-9003",
    ]
    assert said[-1] == "   taking the same documents in again: 0 new documents, nothing changed"
