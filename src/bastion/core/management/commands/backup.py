"""`bastion backup PATH`: a consistent copy of the whole database and its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bastion.core.backup import BackupError, backup, manifest_path


class Command(BaseCommand):
    help = (
        "Back up the database to PATH (PostgreSQL: pg_dump custom format; SQLite: online "
        "backup) and write PATH.manifest.json with each table's row count and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to create (must not exist)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(_("备份失败：%(why)s") % {"why": exc}) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            _("已备份 %(tables)d 张表、%(rows)d 行到 %(path)s（清单：%(manifest)s）")
            % {
                "tables": len(manifest["tables"]),
                "rows": rows,
                "path": path,
                "manifest": manifest_path(path),
            }  # fmt: skip
        )
