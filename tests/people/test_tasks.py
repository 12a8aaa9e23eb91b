"""The hourly housekeeping jobs call the same purge functions as `bastion purge`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bastion.core.models import RateCounter
from bastion.people.models import ImportJob
from bastion.people.services import import_job_create

from .conftest import csv_bytes


def test_hourly_job_purges_expired_uploads(county, roster, settings, tmp_path):
    from bastion.people.tasks import purge_import_uploads

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("r.csv", csv_bytes(roster).getvalue())
    job = import_job_create(actor=county.community, uploaded_file=upload, kind="people")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert purge_import_uploads.call_local()["uploads"] == 1
    assert not Path(job.stored_path).exists()


def test_hourly_job_prunes_old_rate_counters(db):
    from bastion.core.tasks import prune_rate_counters

    RateCounter.objects.create(bucket="x", key="k" * 64, window_start=1, count=3)
    assert prune_rate_counters.call_local() == 1
    assert not RateCounter.objects.exists()
