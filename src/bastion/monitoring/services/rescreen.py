"""Re-screening after the risk-area list changes: tell each grid worker how many people
in their grids arrived from the area inside its window and are not yet under observation."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from bastion.access.models import Assignment, AssignmentKind, RoleAssignment, User
from bastion.access.roles import Role
from bastion.access.services import notify
from bastion.core.i18n import Msg
from bastion.monitoring.models import RiskArea
from bastion.monitoring.selectors.rescreen import arrivals_unobserved


def rescreen_counts(*, area: RiskArea, now: dt.datetime | None = None) -> dict[User, int]:
    """Grid worker -> number of matching people in their grids (role grants and 包片)."""
    today = timezone.localdate(now or timezone.now())
    people_by_path: dict[str, set[int]] = {}
    for path, person_id in arrivals_unobserved(area=area, today=today).values_list(
        "path", "person_id"
    ):
        people_by_path.setdefault(path, set()).add(person_id)
    if not people_by_path:
        return {}
    prefixes = {p[: i + 1] for p in people_by_path for i, ch in enumerate(p) if ch == "/"}
    holders: list[tuple[int, str]] = list(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, region_path__in=prefixes).values_list(
            "user_id", "region_path"
        )
    )
    holders += list(
        Assignment.objects.filter(kind=AssignmentKind.GRID, path__in=prefixes).values_list(
            "user_id", "path"
        )
    )
    seen: dict[int, set[int]] = {}
    for user_id, prefix in holders:
        for path, people in people_by_path.items():
            if path.startswith(prefix):
                seen.setdefault(user_id, set()).update(people)
    users = User.objects.filter(Q(pk__in=seen), is_active=True)
    counts = Counter({user: len(seen[user.pk]) for user in users})
    return dict(counts)


def rescreen_notify(*, area: RiskArea, now: dt.datetime | None = None) -> dict[User, int]:
    """Notify each grid worker with matches; returns what was sent (user -> count)."""
    counts = rescreen_counts(area=area, now=now)
    for user, count in counts.items():
        notify(
            recipient=user,
            title=Msg(
                gettext_noop("风险地区“%(area)s”：您的网格有%(n)d人需排查"),
                area=area.name,
                n=count,
            ),
            body=Msg(
                gettext_noop("%(from)s起从该地区返回、尚未纳入观察的人员，请逐一核实并登记观察。"),
                **{"from": area.risky_from.isoformat()},
            ),
            link=f"/monitoring/rescreen/?area={area.public_id}",
            level="warning",
        )
    return counts
