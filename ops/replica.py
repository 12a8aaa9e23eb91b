"""A PostgreSQL streaming replica of the loopback server, for the replica-router proof.

    .venv/bin/python -m ops.replica start   # pg_basebackup -R into a temp dir, port 5433
    .venv/bin/python -m ops.replica stop DIR

The replica is a hot standby started with pg_ctl as the postgres user; it listens on
127.0.0.1:5433 only. `start` adds a loopback `replication` line to the primary's
pg_hba.conf when there is none (and reloads; nothing restarts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIMARY_HBA = Path("/etc/postgresql/15/main/pg_hba.conf")
HBA_LINE = "host replication postgres 127.0.0.1/32 trust"
PORT = 5433


def _as_postgres(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True, **kw)  # noqa: S603,S607


def _psql(port: int, sql: str) -> str:
    done = subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-Atc", sql],  # noqa: S607
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def allow_replication() -> None:
    if HBA_LINE not in PRIMARY_HBA.read_text():
        with PRIMARY_HBA.open("a") as hba:
            hba.write(f"\n# bastion ops.replica: loopback streaming replica\n{HBA_LINE}\n")
        _psql(5432, "SELECT pg_reload_conf()")


def start(port: int = PORT) -> Path:
    allow_replication()
    data = Path(tempfile.mkdtemp(prefix="bastion-replica-"))
    shutil.chown(data, "postgres", "postgres")
    os.chmod(data, 0o700)
    _as_postgres([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U",
                  "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast"])  # fmt: skip
    # Debian keeps the configuration outside the data directory: give the copy its own.
    (data / "postgresql.conf").write_text(
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{data}'\n"
        # max_connections etc. must be at least the primary's (a hot standby refuses less)
        "hot_standby = on\nmax_connections = 100\nshared_buffers = 64MB\n"
        "hot_standby_feedback = on\n"
    )
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    (data / "pg_ident.conf").write_text("")
    for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
        shutil.chown(data / name, "postgres", "postgres")
    _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "replica.log"),
                  "-w", "start"])  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _psql(port, "SELECT pg_is_in_recovery()") == "t":
                return data
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the replica did not come up")


def stop(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    shutil.rmtree(data, ignore_errors=True)


def pause(port: int = PORT) -> None:
    """Stop replaying: the replica lags behind the primary until `resume`."""
    _psql(port, "SELECT pg_wal_replay_pause()")


def resume(port: int = PORT) -> None:
    _psql(port, "SELECT pg_wal_replay_resume()")


def caught_up(port: int = PORT, timeout: float = 30) -> bool:
    """Wait until the replica has replayed everything the primary has written."""
    target = _psql(5432, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _psql(port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
            return True
        time.sleep(0.2)
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("start")
    stopping = sub.add_parser("stop")
    stopping.add_argument("data", type=Path)
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start())
    else:
        stop(args.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
