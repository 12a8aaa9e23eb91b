"""The ops proofs keep working (issue 13): a few seconds of the mixed load and a killed
roster import, each in a database of its own, on the PostgreSQL leg of the suite. Not a
measurement (RELIABILITY.md has the ten-minute figures): this keeps the scripts from
rotting, and fails when a script's own checks fail (a 5xx, a lost write, a half import).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="the ops scripts drive PostgreSQL (the suite's PostgreSQL leg)"
)


@pytest.fixture
def scratch_db():
    """A database this test creates and drops (never one it did not create)."""
    name = f"bastion_ops_smoke_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _run(module: str, *args: str, timeout: float) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    start = done.stdout.rfind("\n{") + 1  # the report: the last JSON object printed
    assert start > 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout[start:])
    assert done.returncode == 0 and report["passed"], json.dumps(report, ensure_ascii=False)
    return report


def test_a_short_mixed_load_has_no_5xx_and_loses_no_write(scratch_db):
    report = _run("ops.load", "--seconds", "20", "--db", scratch_db, "--workers", "2", timeout=600)
    assert report["requests"] > 0


def test_a_killed_import_leaves_nothing_half_written_and_runs_again(scratch_db):
    _run("ops.import_kill", "--rows", "20000", "--seconds", "240", "--db", scratch_db, timeout=600)
