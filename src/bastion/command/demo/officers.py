"""The towns' duty officers of the command demo: one demo login with the town officer role
for each town."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bastion.access.roles import Role
from bastion.command.demo.common import DEMO_TOWN
from bastion.geo.models import Region

# Full names of the towns' duty officers (town02 .. town18 in the demo).
OFFICER_NAMES = [
    "王海燕", "刘志刚", "陈丽华", "杨建平", "赵晓东", "黄春梅", "周国庆", "吴秀兰", "徐卫平",
    "孙立军", "马玉芳", "朱红霞", "胡建新", "郭小平", "何丽娟", "林志明", "高秋菊", "罗建军",
]  # fmt: skip


def duty_officers(*, towns: list[Region]) -> tuple[dict[int, object], list]:
    """A duty officer (town officer role) for each town; the demo `town` login already serves
    星沙街道. Returns {town id: user} and one summary DemoLogin row."""
    from django.contrib.auth import get_user_model

    from bastion.demo.users import DEMO_PASSWORD, DemoLogin, demo_user_with_role

    users = get_user_model().objects
    officers: dict[int, object] = {}
    created = []
    for n, town in enumerate(towns, start=1):
        if town.name == DEMO_TOWN and users.filter(username="town").exists():
            officers[town.pk] = users.get(username="town")
            continue
        username = f"town{n:02d}"
        if demo_user_with_role(
            username=username,
            full_name=OFFICER_NAMES[(n - 1) % len(OFFICER_NAMES)],
            role=Role.TOWN_OFFICER,
            region=town,
        ):
            created.append(username)
        officers[town.pk] = users.get(username=username)
    if not created:
        return officers, []
    label = f"{created[0]} … {created[-1]}" if len(created) > 1 else created[0]
    note = _("其余各镇街的值班干部，各管本镇街")
    return officers, [
        DemoLogin(label, DEMO_PASSWORD, Role(Role.TOWN_OFFICER).label, _("各镇街"), note)
    ]
