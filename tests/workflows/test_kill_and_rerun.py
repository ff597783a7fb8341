"""A contract import killed half-way (SIGKILL) and run again ends as an uninterrupted run.

The import is one transaction, so a kill at any moment leaves either
nothing or everything; the re-run then brings the database to exactly the
state of a run that was never interrupted: same contracts, same versions,
an intact audit chain with one record per contract.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "contracts" / "sow_initech.json"
CONTRACTS = 400


def make_contracts(folder: Path) -> list[str]:
    folder.mkdir()
    template = json.loads(FIXTURE.read_text(encoding="utf-8"))
    paths = []
    for index in range(CONTRACTS):
        template["contract_id"] = f"SOW-K-{index:04d}"
        path = folder / f"sow-{index:04d}.json"
        path.write_text(json.dumps(template), encoding="utf-8")
        paths.append(str(path))
    return paths


def billops(*args: str, url: str) -> list[str]:
    return [str(Path(sys.executable).parent / "billops"), *args]


def env_for(url: str) -> dict[str, str]:
    return {**os.environ, "BILLOPS_DATABASE_URL": url, "BILLOPS_ACTOR": "night-run"}


def state(url: str) -> tuple[list[tuple[str, int]], dict[str, object]]:
    listed = subprocess.run(
        billops("contract", "list", "--json", url=url),
        env=env_for(url),
        capture_output=True,
        text=True,
        check=True,
    )
    verified = subprocess.run(
        billops("audit", "verify", "--json", url=url),
        env=env_for(url),
        capture_output=True,
        text=True,
        check=False,
    )
    contracts = [(c["contract_id"], c["version"]) for c in json.loads(listed.stdout)]
    return contracts, json.loads(verified.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.5, 1.2, 2.0])
def test_a_killed_import_rerun_equals_an_uninterrupted_one(
    database_url: str, tmp_path: Path, kill_after: float
) -> None:
    files = make_contracts(tmp_path / "contracts")
    env = env_for(database_url)
    process = subprocess.Popen(
        billops("contract", "import", *files, url=database_url),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(kill_after)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    contracts, audit = state(database_url)
    assert len(contracts) in (0, CONTRACTS), "a killed import must leave all or nothing"
    assert audit["ok"] is True

    rerun = subprocess.run(
        billops("contract", "import", *files, url=database_url),
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr

    contracts, audit = state(database_url)
    assert contracts == [(f"SOW-K-{index:04d}", 1) for index in range(CONTRACTS)]
    assert audit == {"ok": True, "checked": CONTRACTS, "first_broken": None}
