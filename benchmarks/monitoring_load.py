"""HTTP load for the monitoring benchmark: gunicorn (sync workers) on 127.0.0.1 driven by
wrk for a bounded time; the API's follow-up POST beside a bare one-INSERT Django view."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parent.parent


LUA = r"""
local counter = 0
local ids = {%(ids)s}
local token = "%(token)s"
local prefix = "%(prefix)s"
local t = 0
function setup(thread)
  t = t + 1
  thread:set("tid", t)
end
function init(args)
  math.randomseed(os.time() + tid * 7919)
end
function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  local path = string.gsub(prefix, "{id}", id)
  local key = "bench-" .. tid .. "-" .. counter .. "-" .. math.random(1000000000)
  local body = '{"temperature": "36.6", "symptoms": [], "at_home": true, "contact": "seen"}'
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end
function done(summary, latency, requests)
  local s = summary.duration / 1000000
  io.write(string.format("BENCH %%d %%d %%.3f %%.3f %%.3f %%d %%.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, s,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max,
    latency:percentile(99) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def _gunicorn(env: dict, settings: str, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bastion.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            # A starved worker (2 shared cores under load) may take longer than the
            # default 30 s to import the app on its first request; do not kill it.
            "--timeout",
            "120",
        ],
        env=dict(env, DJANGO_SETTINGS_MODULE=settings),
        cwd=ROOT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _wrk(*, port: int, script: Path, duration: int, connections: int, threads: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out.stdout)
    if not match:
        raise RuntimeError(f"wrk output not understood:\n{out.stdout}\n{out.stderr}")
    requests, errors, seconds, p50, p95, max_us, p99 = match.groups()
    return {
        "requests": int(requests),
        "errors": int(errors),
        "seconds": float(seconds),
        "requests_per_s": round(int(requests) / float(seconds)),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
        "max_ms": round(float(max_us) / 1000, 1),
        "non_2xx": _non_2xx(out.stdout),
    }


def _non_2xx(text: str) -> int:
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return int(match.group(1)) if match else 0


def _script(path: Path, *, ids: list[str], token: str, prefix: str) -> Path:
    path.write_text(
        LUA % {"ids": ", ".join(f'"{i}"' for i in ids), "token": token, "prefix": prefix}
    )
    return path


def _warm(*, port: int, script: Path, connections: int, tries: int = 10) -> None:
    """Load until every worker has served its first request: a worker's first request
    imports the URLconf and the API (2-3 s on this machine, longer under load), which the
    measurement must not include (steady state, not cold start)."""
    for _ in range(tries):
        warm = _wrk(port=port, script=script, duration=3, connections=connections, threads=2)
        if warm["requests"] and warm["p95_ms"] < 500:
            return


def measure_http(env: dict, *, ids: list[str], token: str, bare_observation: str, args) -> dict:
    """The API's follow-up POST vs a bare Django view doing one INSERT (same server, same wrk)."""
    OUT.mkdir(exist_ok=True)
    cases = {
        "api": (
            "bastion.settings",
            _script(
                OUT / "monitoring_api.lua",
                ids=ids,
                token=token,
                prefix="/api/v1/monitoring/observations/{id}/followups",
            ),
        ),
        "bare": (
            "benchmarks.monitoring_bare_settings",
            _script(
                OUT / "monitoring_bare.lua",
                ids=[bare_observation],
                token=token,
                prefix="/bare/{id}/",
            ),
        ),
    }
    results = {}
    for name, (settings, script) in cases.items():
        port = _free_port()
        proc = _gunicorn(env, settings, port, args.workers)
        try:
            _wait_port(port)
            _warm(port=port, script=script, connections=args.connections)
            results[name] = _wrk(
                port=port,
                script=script,
                duration=args.duration,
                connections=args.connections,
                threads=2,
            )
        finally:
            _stop(proc)
    results["api_vs_bare"] = round(
        results["bare"]["requests_per_s"] / max(1, results["api"]["requests_per_s"]), 2
    )
    return results
