"""Periodic housekeeping of core: old rate-limit counters, uploads never attached."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17"))
def prune_rate_counters() -> int:
    """Hourly: delete database rate-limit counters of windows that ended a day ago."""
    from bastion.core.ratelimit import rate_counters_prune

    return rate_counters_prune()


@db_periodic_task(crontab(hour="4", minute="10"))
def purge_unattached_uploads() -> int:
    """Daily: delete uploaded files that no record attached within a day."""
    from bastion.core.uploads import uploads_purge_unattached

    return uploads_purge_unattached()


@db_periodic_task(crontab(minute="*/10"))
def compact_path_tallies() -> int:
    """Every ten minutes: fold the path tally's appended rows into one row per path, so
    that counting a county stays a sum over a few hundred rows (decision 0093)."""
    from bastion.core.tally import tally_compact

    return tally_compact()
