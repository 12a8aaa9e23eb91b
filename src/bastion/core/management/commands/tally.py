"""bastion tally: check the people and household counts by path (decision 0093), or
count them afresh."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bastion.core.tally import tally_compact, tally_differences, tally_rebuild


class Command(BaseCommand):
    help = (
        "Check the path tally against the tables (exit 1 if they differ); --rebuild counts afresh."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="count the tables afresh (after a TRUNCATE)"
        )
        parser.add_argument("--compact", action="store_true", help="fold the tally's rows now")

    def handle(self, *args, rebuild: bool, compact: bool, **options):
        if rebuild:
            written = tally_rebuild()
            self.stdout.write(f"计数已重建：{written} 行。")
        if compact:
            self.stdout.write(f"已合并 {tally_compact()} 行。")
        differences = tally_differences()
        if not differences:
            self.stdout.write("人口和户数计数与数据一致。")
            return
        for subject, path, tallied, counted in differences[:20]:
            self.stderr.write(f"{subject} {path or '（无路径）'}：计数 {tallied}，实有 {counted}")
        raise CommandError(
            f"{len(differences)} 处计数与数据不一致；请运行 bastion tally --rebuild。"
        )
