"""`bastion purge [--dry-run] [--now ISO]`: apply the retention rules and report.

- observation data past each policy's retention after release (monitoring);
- uploaded import files and their rejected rows past BASTION_IMPORT_RETENTION_HOURS,
  and stray files in MEDIA_ROOT/imports/ (people.importjobs);
- rate-limit counters of windows that ended more than a day ago (core.ratelimit).

Run with --dry-run first: it prints what would be purged and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.monitoring.services.purge import observations_purge

TABLE_LABELS = {
    "arrivals": gettext_lazy("到达记录"),
    "followups": gettext_lazy("随访记录"),
    "alerts": gettext_lazy("预警"),
    "service_requests": gettext_lazy("居家服务"),
    "team_members": gettext_lazy("责任组席位"),
    "extensions": gettext_lazy("延期记录"),
    "selfreport_tokens": gettext_lazy("自报链接"),
}


def parse_now(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("--now 不是有效的 ISO 时间：%(v)s") % {"v": value}) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # read in the local zone (Asia/Shanghai)
    return moment


class Command(BaseCommand):
    help = (
        "Delete or anonymize observation data past each policy's retention after release; "
        "delete expired import uploads and old rate-limit counters."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be purged, write nothing"
        )
        parser.add_argument("--now", help="pretend it is this ISO time (default: now)")

    def handle(self, *args, dry_run: bool, now: str | None, **options):
        moment = parse_now(now) if now else timezone.now()
        report = observations_purge(actor=None, now=moment, dry_run=dry_run)
        heading = _("试运行（未做任何修改）") if dry_run else _("已清理")
        self.stdout.write(self.style.MIGRATE_HEADING(heading))
        for entry in report.policies:
            self.stdout.write(
                _("%(name)s（%(cat)s，保留 %(days)d 天，截止 %(cutoff)s）：观察对象 %(n)d 条")
                % {
                    "name": entry.name,
                    "cat": entry.category,
                    "days": entry.retention_days,
                    "cutoff": timezone.localtime(entry.cutoff).strftime("%Y-%m-%d %H:%M"),
                    "n": entry.observations,
                }
            )
            for table, label in TABLE_LABELS.items():
                if entry.deleted.get(table):
                    self.stdout.write(f"    {label} ({table}): {entry.deleted[table]}")
        totals = report.deleted
        summary = _("合计：观察对象 %(n)d 条匿名化，删除 %(rows)d 行") % {
            "n": report.observations,
            "rows": sum(v for k, v in totals.items() if k != "selfreport_tokens"),
        }
        self.stdout.write(self.style.SUCCESS(summary) if not dry_run else summary)
        self._uploads(moment, dry_run)
        self._rate_counters(dry_run)

    def _uploads(self, moment: dt.datetime, dry_run: bool) -> None:
        from bastion.people.services import import_uploads_purge

        result = import_uploads_purge(now=moment, dry_run=dry_run)
        self.stdout.write(
            _(
                "导入文件（保留 %(hours)d 小时）：上传的导入文件：%(uploads)d，"
                "错误行文件：%(errors)d，无主文件：%(orphans)d，过期任务：%(jobs)d"
            )
            % {
                "hours": settings.BASTION_IMPORT_RETENTION_HOURS,
                "uploads": result.uploads,
                "errors": result.error_files,
                "orphans": result.orphans,
                "jobs": result.jobs_expired,
            }
        )

    def _rate_counters(self, dry_run: bool) -> None:
        from bastion.core.ratelimit import rate_counters_prune

        n = rate_counters_prune(dry_run=dry_run)
        self.stdout.write(_("限流计数（一天以前的时段）：%(n)d") % {"n": n})
