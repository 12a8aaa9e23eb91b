"""`bastion restore PATH`: replace the database's contents with a backup, then verify."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bastion.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `bastion backup` (everything now in "
        "the database is replaced), then compare every table with the backup's manifest. "
        "Stop the web servers and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="do not ask for confirmation",
        )  # fmt: skip

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(_("找不到备份文件：%(path)s") % {"path": path})
        if read_manifest(path) is None:
            self.stderr.write(_("没有找到备份清单，恢复后无法逐表核对"))
        if options["interactive"]:
            answer = input(_("恢复将用备份替换数据库中现有的全部数据。输入 yes 继续：") + " ")
            if answer.strip().lower() != "yes":
                raise CommandError(_("已取消，数据库未改动"))
        try:
            result = restore(path)
        except BackupError as exc:
            raise CommandError(_("恢复失败：%(why)s") % {"why": exc}) from exc
        if result["keys_match"] is False:
            self.stderr.write(
                _(
                    "警告：当前密钥与备份时的密钥不同，加密的证件号和手机号将无法读取；"
                    "请配置备份时使用的 BASTION_FIELD_KEYS 和 BASTION_INDEX_KEY"
                )  # fmt: skip
            )
        if result["mismatches"]:
            raise CommandError(
                _("恢复后与备份清单不一致的表：%(tables)s")
                % {"tables": ", ".join(result["mismatches"])}
            )
        self.stdout.write(
            _("已恢复 %(tables)d 张表、%(rows)d 行，逐表行数和校验和与备份一致")
            % {"tables": result["tables"], "rows": result["rows"]}
        )
