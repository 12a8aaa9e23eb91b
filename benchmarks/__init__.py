"""Bastion's benchmark suite (not tests): `python -m benchmarks` or `make bench`."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_child(env: dict, module: str, *args: str) -> dict:
    """Run `python -m <module> <args>` from the repository root in `env` (another database,
    another settings module) and return the JSON object on the last line it printed."""
    done = subprocess.run(
        [sys.executable, "-m", *module.split(), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
