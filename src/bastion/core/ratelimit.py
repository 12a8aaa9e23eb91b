"""Fixed-window rate limits that hold across worker processes and servers.

With Redis configured (REDIS_URL) the counters live there (atomic INCR with expiry);
otherwise in the database table `core.RateCounter` (an atomic UPDATE ... count + 1).
Never a per-process memory: a limit that each gunicorn worker counts on its own is
no limit. Keys are hashed, so no address, token or number is stored in clear.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def shared_store() -> str:
    """Where counters are kept: "redis" or "database"."""
    return "redis" if getattr(settings, "REDIS_URL", "") else "database"


def _hit_redis(bucket: str, digest: str, window_start: int, window_seconds: int) -> int:
    from django.core.cache import cache

    cache_key = f"rl:{bucket}:{digest}:{window_start}"
    if cache.add(cache_key, 1, window_seconds + 1):
        return 1
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window_seconds + 1)
        return 1


def _hit_database(bucket: str, digest: str, window_start: int) -> int:
    from bastion.core.models import RateCounter

    lookup = {"bucket": bucket, "key": digest, "window_start": window_start}
    updated = RateCounter.objects.filter(**lookup).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateCounter.objects.create(count=1, **lookup)
            return 1
        except IntegrityError:  # another worker created it first
            RateCounter.objects.filter(**lookup).update(count=F("count") + 1)
    return RateCounter.objects.filter(**lookup).values_list("count", flat=True).first() or 1


def rate_limit_hit(bucket: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit of `key` in `bucket`; True when this hit goes over `limit` in the window.

    `bucket` names the limit ("selfreport_ip", "public_page"); `key` identifies the caller
    (it is hashed before it is stored).
    """
    if limit < 1:
        return True
    window_start = int(time.time()) // window_seconds * window_seconds
    digest = _digest(key)
    if shared_store() == "redis":
        count = _hit_redis(bucket, digest, window_start, window_seconds)
    else:
        count = _hit_database(bucket, digest, window_start)
    return count > limit


def rate_counters_prune(*, older_than_seconds: int = 86400, dry_run: bool = False) -> int:
    """Delete database counters of windows that ended long ago; returns how many
    (with `dry_run`, how many would go)."""
    from bastion.core.models import RateCounter

    cutoff = int(time.time()) - older_than_seconds
    old = RateCounter.objects.filter(window_start__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
