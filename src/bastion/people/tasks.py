"""Periodic jobs of the person registry: uploaded import files do not outlive their use."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="23"))
def purge_import_uploads() -> dict:
    """Hourly: delete import uploads and rejected rows past the retention (see importjobs)."""
    from bastion.people.importjobs import import_uploads_purge

    return import_uploads_purge().as_dict()
