"""Backup and restore of the whole database, with a manifest that proves the round trip.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`
(the restore is all or nothing). SQLite: the online backup API, which copies a
consistent snapshot while the application keeps running.

Next to every backup a manifest (`PATH.manifest.json`) lists each table's row count and
a SHA-256 over its rows in primary-key order, encrypted columns as stored (ciphertext),
and a fingerprint of the keys in use (never the keys): a restore recomputes the figures
and reports any table that differs, and warns when the keys differ, since encrypted ID
and phone numbers can be read only with the keys they were written under.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

MANIFEST_SUFFIX = ".manifest.json"
_BATCH = 2000


class BackupError(Exception):
    """A backup or restore could not be done; the message says why (for the operator)."""


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def key_fingerprint() -> str:
    """A short SHA-256 over the field and index keys: equal keys, equal fingerprint."""
    digest = hashlib.sha256()
    for key in settings.FIELD_ENCRYPTION_KEYS:
        digest.update(hashlib.sha256(key.encode()).digest())
    digest.update(hashlib.sha256(settings.BLIND_INDEX_KEY.encode()).digest())
    return digest.hexdigest()[:16]


def _canonical(value) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return "b:" + bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "t:" + value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return "s:" + str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _tables(conn) -> list[tuple[str, str]]:
    """(table, primary-key column) of every model table, each once."""
    seen: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen[meta.db_table] = meta.pk.column
    existing = set(conn.introspection.table_names())
    return sorted((t, pk) for t, pk in seen.items() if t in existing)


def table_fingerprints(conn=None) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": hex}} over every model table, in primary-key order."""
    conn = conn or connection
    quote = conn.ops.quote_name
    result = {}
    for table, pk in _tables(conn):
        digest = hashlib.sha256()
        rows = 0
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")  # noqa: S608
            while batch := cursor.fetchmany(_BATCH):
                for row in batch:
                    digest.update("\x1f".join(_canonical(v) for v in row).encode())
                    digest.update(b"\x1e")
                rows += len(batch)
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def _pg_env_and_target() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(argv: list[str], env: dict) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} not found: install the PostgreSQL client tools")
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()[-2000:]}")


def backup(path: Path) -> dict:
    """Write a backup of the default database to `path` and its manifest; returns it."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists; choose a new file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        manifest_tables = _pg_dump_with_fingerprints(path)
    elif vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor():
            pass
        destination = sqlite3.connect(str(path))
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        manifest_tables = _sqlite_fingerprints(path)
    else:
        raise BackupError(f"backups of {vendor} databases are not supported")
    manifest = {
        "format": 1,
        "vendor": vendor,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "keys": key_fingerprint(),
        "tables": manifest_tables,
    }
    manifest_path(path).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _pg_dump_with_fingerprints(path: Path) -> dict:
    """Count the rows and dump them in one snapshot: the manifest describes exactly the
    dump, while the application goes on writing."""
    env, target = _pg_env_and_target()
    conn = connections.create_connection("default")
    try:
        conn.ensure_connection()
        raw = conn.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tables = table_fingerprints(conn)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
              "--file", str(path), *target], env)  # fmt: skip
        raw.rollback()
        return tables
    finally:
        conn.close()


def _sqlite_fingerprints(path: Path) -> dict:
    """Fingerprints of the backup file itself (what was written, not what is live now)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings_dict = {**connection.settings_dict, "NAME": str(path), "OPTIONS": {}}
    other = DatabaseWrapper(settings_dict, alias="bastion_backup_check")
    try:
        return table_fingerprints(other)
    finally:
        other.close()


def read_manifest(path: Path) -> dict | None:
    candidate = manifest_path(Path(path))
    if not candidate.exists():
        return None
    return json.loads(candidate.read_text())


def restore(path: Path) -> dict:
    """Replace the default database's contents with the backup at `path`.

    Returns {"mismatches": [...tables...], "keys_match": bool | None, "tables": n}.
    """
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} not found")
    manifest = read_manifest(path)
    vendor = connection.vendor
    if manifest and manifest.get("vendor") != vendor:
        raise BackupError(f"{path} is a {manifest.get('vendor')} backup; this is {vendor}")
    if vendor == "postgresql":
        connections.close_all()
        env, target = _pg_env_and_target()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", *target, str(path)], env)  # fmt: skip
    elif vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            source.close()
            raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"restores of {vendor} databases are not supported")
    found = table_fingerprints()
    mismatches = []
    if manifest:
        expected = manifest["tables"]
        mismatches = sorted(t for t in expected.keys() | found.keys()
                            if expected.get(t) != found.get(t))  # fmt: skip
    return {
        "mismatches": mismatches,
        "keys_match": (manifest["keys"] == key_fingerprint()) if manifest else None,
        "tables": len(found),
        "rows": sum(t["rows"] for t in found.values()),
    }
