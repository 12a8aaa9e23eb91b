"""`bastion demo`: seed the demo county (Changsha County shaped) and print the demo logins."""

from __future__ import annotations

import argparse
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from bastion.demo.generator import (
    DemoError,
    DemoSize,
    build_demo,
    county_exists,
    county_exists_error,
)
from bastion.geo.models import Level, Region

LEVEL_ORDER = [
    Level.COUNTY,
    Level.TOWN,
    Level.SUBDISTRICT,
    Level.VILLAGE,
    Level.COMMUNITY,
    Level.GRID,
]


class Command(BaseCommand):
    help = "Build the demo county: regions, grids, households, people and one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="multiply the households per grid (default 1)"
        )
        parser.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any region exists"
        )
        # Smaller counties for tests and quick tries.
        parser.add_argument("--towns", type=int, default=DemoSize.towns, help=argparse.SUPPRESS)
        parser.add_argument(
            "--villages", type=int, default=DemoSize.villages_per_town, help=argparse.SUPPRESS
        )
        parser.add_argument(
            "--grids", type=int, default=DemoSize.grids_per_village, help=argparse.SUPPRESS
        )
        parser.add_argument(
            "--households", type=int, default=DemoSize.households_per_grid, help=argparse.SUPPRESS
        )

    def handle(self, *args, scale: int, seed: int, if_empty: bool, **options):
        if if_empty and Region.objects.exists():
            self.stdout.write(_("数据库中已有区划数据，跳过示范数据生成。"))
            return
        if scale < 1:
            raise CommandError(_("--scale 必须是正整数"))
        if county_exists():
            raise CommandError(str(county_exists_error()))
        bar = tqdm(
            desc=_("生成示范县"),
            unit=_("网格"),
            file=sys.stderr,
            disable=options["verbosity"] < 1,
        )
        try:
            result = build_demo(
                scale=scale,
                seed=seed,
                size=DemoSize(
                    villages_per_town=options["villages"],
                    grids_per_village=options["grids"],
                    households_per_grid=options["households"],
                    towns=options["towns"],
                ),
                progress=bar.update,
                on_total=lambda total: setattr(bar, "total", total),
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self._print_logins(result.logins)
        self._print_summary(result)

    def _print_logins(self, logins) -> None:
        rows = [(_("用户名"), _("密码"), _("角色"), _("范围"), _("说明"))]
        rows += [(x.username, x.password, x.role, x.scope, x.note) for x in logins]
        widths = [max(_width(str(r[i])) for r in rows) for i in range(5)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("示范账号")))
        for n, row in enumerate(rows):
            cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))

    def _print_summary(self, result) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("汇总")))
        for level in LEVEL_ORDER:
            count = result.regions_by_level.get(level.value, 0)
            if count:
                self.stdout.write(f"  {level.label}: {count}")
        self.stdout.write(_("  户: %(n)d") % {"n": result.households})
        self.stdout.write(_("  人员: %(n)d") % {"n": result.people})
        self.stdout.write(
            self.style.SUCCESS(_("示范县已生成，用时 %(s).1f 秒。") % {"s": result.seconds})
        )


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
