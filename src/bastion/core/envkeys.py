"""Typed environment readers and local development secrets."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: bool) -> bool:
    """Read a boolean: 1/true/yes/on or 0/false/no/off; anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def envsecret(name: str) -> str | None:
    """Return NAME, or the content of the file named by NAME_FILE, or None."""
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at an unreadable file") from exc
    return None


def local_secret(var_dir: Path, name: str, length: int) -> str:
    """Read or create a development secret under var/keys/ (never committed).

    length 0 means a Fernet key.
    """
    keys_dir = var_dir / "keys"
    path = keys_dir / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    keys_dir.mkdir(parents=True, exist_ok=True)
    if length == 0:
        value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    else:
        value = secrets.token_urlsafe(length)
    try:  # O_EXCL: two processes starting at once agree on one key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
