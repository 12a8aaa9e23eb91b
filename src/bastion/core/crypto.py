"""Encryption at rest for identifiers (MultiFernet, newest key first) and their blind index.

The blind index is an HMAC-SHA256 of the normalized value under a separate key, so
an ID number can be looked up and made unique without storing it in clear text.
"""

from __future__ import annotations

import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("BASTION_FIELD_KEYS holds no key")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    return settings.BLIND_INDEX_KEY.encode()


def encrypt(value: str) -> str:
    """Encrypt a string; empty stays empty."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was removed before rotation finished
        raise ImproperlyConfigured(
            "cannot decrypt a stored value: check BASTION_FIELD_KEYS"
        ) from exc


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 hex of purpose + value; purpose keeps ID and phone indexes apart."""
    if not value:
        return ""
    return hmac.digest(_index_key(), f"{purpose}:{value}".encode(), "sha256").hex()


def rotate(token: str) -> str:
    """Re-encrypt under the newest key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def reset_caches() -> None:
    """Forget cached keys (tests that override settings)."""
    _fernet.cache_clear()
    _index_key.cache_clear()
