"""`bastion import regions FILE` / `bastion import people FILE`: import with progress and a summary.

Exit status 1 when rows were rejected and nothing was written (all-or-nothing), or the
file could not be read; 0 otherwise (also for --dry-run without errors).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bastion.core.importing import ImportMode, ImportReport

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import the region tree or a roster of people from a .csv or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["regions", "people"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--valid-rows", action="store_true", help="import the valid rows, skip the rejected"
        )
        parser.add_argument("--grid", help="default grid code for rows without one (people)")
        parser.add_argument("--as", dest="username", help="acting user (default: first superuser)")
        parser.add_argument("--errors", help="write the rejected rows to this .xlsx file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        actor = self._actor(options["username"])
        mode = ImportMode.VALID_ROWS if options["valid_rows"] else ImportMode.ALL_OR_NOTHING
        if options["kind"] == "people":
            report = self._people(path, actor, mode, options)
        else:
            report = self._regions(path, actor, mode, options)
        self._summary(report)
        if report.file_error or (
            report.error_count and not report.committed and not report.dry_run
        ):
            raise SystemExit(1)
        if report.dry_run and report.error_count:
            raise SystemExit(1)

    def _actor(self, username: str | None):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        if username:
            user = users.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("没有用户名为%(u)s的有效用户") % {"u": username})
            return user
        return users.filter(is_superuser=True, is_active=True).order_by("pk").first()

    def _people(self, path: Path, actor, mode: str, options) -> ImportReport:
        from tqdm import tqdm

        from bastion.geo.models import Level, Region
        from bastion.people.importing import roster_import, roster_preview

        grid = None
        if options["grid"]:
            grid = Region.objects.filter(code=options["grid"], level=Level.GRID).first()
            if grid is None:
                raise CommandError(_("找不到网格：%(code)s") % {"code": options["grid"]})
        if options["dry_run"]:
            return roster_preview(
                actor=actor,
                source=path,
                filename=path.name,
                default_grid=grid,
                error_workbook=options["errors"],
            )
        with tqdm(unit=_("行"), desc=path.name, disable=None, file=self.stderr._out) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            return roster_import(
                actor=actor,
                source=path,
                filename=path.name,
                mode=mode,
                default_grid=grid,
                progress=progress,
                error_workbook=options["errors"],
            )

    def _regions(self, path: Path, actor, mode: str, options) -> ImportReport:
        from bastion.geo.importing import regions_import
        from bastion.people.importjobs import _regions_error_workbook

        report = regions_import(
            actor=actor, source=path, filename=path.name, dry_run=options["dry_run"], mode=mode
        )
        if options["errors"] and report.errors:
            _regions_error_workbook(options["errors"], report)
        return report

    def _summary(self, report: ImportReport) -> None:
        out = self.stdout
        if report.file_error:
            out.write(self.style.ERROR(_("文件无法导入：%(e)s") % {"e": report.file_error}))
            return
        for error in report.errors[:SHOWN_ERRORS]:
            out.write(error.text())
        if report.error_count > SHOWN_ERRORS:
            out.write(_("……另有%(n)d条错误") % {"n": report.error_count - SHOWN_ERRORS})
        verb = _("将") if report.dry_run else ""
        out.write(
            _("读取%(read)d行：%(verb)s新建%(c)d，%(verb)s合并%(m)d，拒绝%(r)d，冲突%(k)d")
            % {
                "read": report.rows_read,
                "verb": verb,
                "c": report.created,
                "m": report.merged,
                "r": report.rejected,
                "k": len(report.conflicts),
            }
        )
        if report.dry_run:
            out.write(_("预检完成，未写入任何数据。"))
        elif report.committed:
            out.write(self.style.SUCCESS(_("导入完成。")))
        else:
            out.write(
                self.style.ERROR(_("文件中有错误行，未导入任何数据（全部导入或全部不导入）。"))
            )
