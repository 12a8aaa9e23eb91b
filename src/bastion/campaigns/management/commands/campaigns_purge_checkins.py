"""`bastion campaigns_purge_checkins [--days N]`: delete venue check-ins older than the
retention period (BASTION_CHECKIN_RETENTION_DAYS, 28 by default); the daily job does the
same. Reports how many it deleted (the deletion is audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bastion.campaigns.services.checkins import checkins_purge, retention_days


class Command(BaseCommand):
    help = "Delete venue check-ins older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else retention_days()
        if days < 1:
            self.stderr.write("--days must be at least 1")
            return
        deleted = checkins_purge(days=days)
        self.stdout.write(f"deleted {deleted} check-ins older than {days} days")
