"""Shared pieces of the ops scripts: an environment, a prepared database, gunicorn servers,
the processes' memory, and HTTP calls with their outcome.

The scripts configure Django in-process (to prepare data and to check the database
afterwards) with the same environment the servers get, so keys and database agree.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_SIZE = ["--towns", "3", "--villages", "2", "--grids", "2", "--households", "6"]


def environment(db: str, work: Path, *, redis_url: str = "", extra: dict | None = None) -> dict:
    """The environment of the servers and of this script: one database, one var dir."""
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bastion.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "BASTION_VAR_DIR": str(work / "var"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        # The load comes from one address: the login limit per address is not under test.
        "BASTION_LOGIN_ATTEMPTS_PER_IP": "100000",
    }
    env.update(extra or {})
    return env


def django_setup(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def ensure_database(db: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            c.execute(f'CREATE DATABASE "{db}"')


def prepare(db: str) -> None:
    """Migrate and seed a small demo county (once); call after django_setup."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", *DEMO_SIZE, "--if-empty", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        pids = [self.process.pid]
        for status in Path("/proc").glob("[0-9]*/stat"):
            try:
                parts = status.read_text().split()
            except OSError:
                continue
            if int(parts[3]) == self.process.pid:
                pids.append(int(parts[0]))
        return pids

    def rss_kib(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(env: dict, work: Path, *, port: int | None = None, workers: int = 3) -> Server:
    port = port or free_port()
    log = work / f"gunicorn-{port}.log"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            str(BIN / "gunicorn"),
            "bastion.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--max-requests",
            "0",
        ],  # fmt: skip
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    wait_port(port)
    return Server(port, process, log)


@dataclass
class Tally:
    """Outcomes per (kind, status); network failures count under status 0."""

    counts: dict = field(default_factory=dict)
    acknowledged: list = field(default_factory=list)
    latencies: list = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float) -> None:
        key = f"{kind} {status}"
        self.counts[key] = self.counts.get(key, 0) + 1
        self.latencies.append(seconds)

    def status_total(self, predicate) -> int:
        return sum(n for key, n in self.counts.items() if predicate(int(key.split()[-1])))


def call(port: int, method: str, path: str, headers: dict, body=None, timeout: float = 30):
    """(status, parsed body or None, headers); status 0 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    payload = json.dumps(body) if body is not None else None
    headers = {**headers, **({"Content-Type": "application/json"} if payload else {})}
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw[:1] in (b"{", b"[") else None
        except ValueError:
            parsed = None
        return response.status, parsed, {k.lower(): v for k, v in response.getheaders()}
    except OSError:
        return 0, None, {}
    finally:
        conn.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
