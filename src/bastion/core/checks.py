"""Bastion's system checks, run by `bastion check` (Django's check command) and at start-up.

They are tagged "bastion" rather than "database" so that a plain `bastion check` probes
the database, the keys, var/ and the queue without extra flags.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

TAG = "bastion"
# Commands that run the checks while they manage migrations themselves.
_MIGRATION_COMMANDS = frozenset({"migrate", "makemigrations", "showmigrations", "sqlmigrate"})


def _database_reachable(alias: str = "default") -> Exception | None:
    try:
        connections[alias].ensure_connection()
    except Exception as exc:  # noqa: BLE001 - any driver error means "unreachable"
        return exc
    return None


def unapplied_migrations(alias: str = "default") -> list[str]:
    """Names of migrations not yet applied to the database, as "app.name"."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@register(TAG, Tags.database)
def check_database(app_configs=None, **kwargs) -> list:
    problem = _database_reachable()
    if problem is not None:
        return [
            Error(
                f"the database cannot be reached: {type(problem).__name__}: {problem}",
                hint="Check DATABASE_URL (or the SQLite file under var/) and that the server runs.",
                id="bastion.E001",
            )
        ]
    if sys.argv[1:2] and sys.argv[1] in _MIGRATION_COMMANDS:
        return []
    try:
        pending = unapplied_migrations()
    except DatabaseError as exc:
        return [Error(f"cannot read the migration table: {exc}", id="bastion.E002")]
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        return [
            Warning(
                f"{len(pending)} migration(s) not applied: {shown}",
                hint="Run `bastion migrate`.",
                id="bastion.W001",
            )
        ]
    return []


@register(TAG, Tags.security)
def check_encryption_keys(app_configs=None, **kwargs) -> list:
    errors = []
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])
    try:
        if not keys:
            raise ValueError("no key")
        fernet = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
        probe = "430121198001010011"
        if fernet.decrypt(fernet.encrypt(probe.encode())).decode() != probe:
            raise ValueError("round-trip changed the value")
    except Exception as exc:  # noqa: BLE001 - report whatever makes the keys unusable
        errors.append(
            Error(
                f"BASTION_FIELD_KEYS cannot encrypt and decrypt: {type(exc).__name__}: {exc}",
                hint="Comma-separated Fernet keys, newest first (Fernet.generate_key()).",
                id="bastion.E003",
            )
        )
    index_key = getattr(settings, "BLIND_INDEX_KEY", "") or ""
    if len(index_key) < 32:
        errors.append(
            Error(
                "BASTION_INDEX_KEY is missing or shorter than 32 characters",
                hint="Set a long random secret; changing it later breaks lookups by ID number.",
                id="bastion.E004",
            )
        )
    return errors


@register(TAG)
def check_var_writable(app_configs=None, **kwargs) -> list:
    if getattr(settings, "PRODUCTION", False):
        return []
    var_dir = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var"))
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=var_dir, prefix=".check-"):
            pass
    except OSError as exc:
        return [
            Error(
                f"{var_dir} is not writable: {exc}",
                hint="Development keeps its database, keys and queue there; set BASTION_VAR_DIR.",
                id="bastion.E005",
            )
        ]
    return []


@register(TAG)
def check_task_queue(app_configs=None, **kwargs) -> list:
    try:
        from huey.contrib.djhuey import HUEY

        if getattr(settings, "REDIS_URL", ""):
            HUEY.storage.conn.ping()
        else:
            HUEY.pending_count()
    except Exception as exc:  # noqa: BLE001 - any storage failure means "unreachable"
        return [
            Error(
                f"the background queue storage cannot be reached: {type(exc).__name__}: {exc}",
                hint="Check REDIS_URL, or that var/huey.sqlite3 can be created.",
                id="bastion.E006",
            )
        ]
    return []


_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _default_cache_is_per_process() -> bool:
    backend = (getattr(settings, "CACHES", {}).get("default") or {}).get("BACKEND", "")
    return backend in _PER_PROCESS_CACHES


@register(TAG, Tags.security, deploy=True)
def check_shared_limits(app_configs=None, **kwargs) -> list:
    """Rate limits and login lockouts must be counted where every worker sees them."""
    from bastion.core.ratelimit import shared_store

    warnings = []
    handler = getattr(settings, "AXES_HANDLER", "") or "axes.handlers.database"
    if ".cache." in handler and _default_cache_is_per_process():
        warnings.append(
            Warning(
                "login lockouts are counted per process: AXES_HANDLER uses the cache and "
                "the default cache lives in each worker's memory",
                hint="Use axes.handlers.database.AxesDatabaseHandler (the default), or a "
                "shared cache (Redis).",
                id="bastion.W010",
            )
        )
    if shared_store() == "redis" and _default_cache_is_per_process():
        warnings.append(
            Warning(
                "rate limits are counted per process: REDIS_URL is set, so core.ratelimit "
                "counts in the default cache, which lives in each worker's memory",
                hint="Point CACHES['default'] at Redis (as settings.py does with REDIS_URL).",
                id="bastion.W011",
            )
        )
    return warnings
