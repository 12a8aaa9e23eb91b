"""One demo login per role, with realistic scopes in the demo county."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from bastion.access.models import AssignmentKind
from bastion.access.roles import Role
from bastion.demo import names
from bastion.geo.models import Level, Region
from bastion.people.models import Person

DEMO_PASSWORD = "Bastion-2020!"  # noqa: S105 - printed on purpose: demo data only
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str
    note: str = ""


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # Argon2 is slow on purpose; every demo login shares one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def user_create(*, username: str, full_name: str, superuser: bool = False):
    """A new demo login with the shared demo password.

    Not access.services_users.user_create: that one checks and hashes each password
    (Argon2, on purpose slow) and cannot make the demo superuser; here every login shares
    one precomputed hash.
    """
    return get_user_model().objects.create(
        username=username,
        full_name=full_name,
        password=_demo_password_hash(),
        is_superuser=superuser,
        is_staff=superuser,
    )


def _taken(username: str) -> bool:
    return get_user_model().objects.filter(username=username).exists()


def demo_admin():
    """The demo superuser (also the actor of the demo's audit entries); reused if present."""
    existing = get_user_model().objects.filter(username=ADMIN_USERNAME).first()
    if existing is not None:
        return existing
    return user_create(username=ADMIN_USERNAME, full_name="系统管理员", superuser=True)


def _first(qs):
    region = qs.order_by("path").first()
    if region is None:
        raise LookupError("the demo county has no such region")
    return region


def create_demo_users(*, actor) -> list[DemoLogin]:
    """Create the demo logins and their grants; usernames already taken are left alone."""
    from bastion.access.services import assignment_create, role_assign

    county = Region.objects.get(code=names.COUNTY_CODE)
    town = Region.objects.get(parent=county, name="星沙街道")
    community = _first(Region.objects.filter(parent=town))
    grids = list(Region.objects.filter(path__startswith=town.path, level=Level.GRID)[:2])
    grid, team_grid = grids[0], grids[-1]
    team_people = list(Person.objects.filter(region=team_grid).order_by("id")[:3])

    plan = [
        # username, full name, role, region, org_path, scope label, note
        ("command", "刘建军", Role.COUNTY_COMMAND, county, "", county.name,
         _("首次登录将引导设置动态口令（TOTP）")),
        ("orgdept", "彭志华", Role.ORG_DEPARTMENT, county, f"/{names.DIVISION}/",
         f"{county.name} · /{names.DIVISION}/", ""),
        ("town", "谭立新", Role.TOWN_OFFICER, town, "", town.name, ""),
        ("community", "易秀英", Role.COMMUNITY_OFFICER, community, "", community.name, ""),
        ("grid", "周丽", Role.GRID_WORKER, grid, "", grid.name, _("包片：%(g)s") % {"g": grid.name}),
        ("team", "罗振华", Role.TEAM_MEMBER, town, "", town.name,
         _("包人：%(n)d 人") % {"n": len(team_people)}),
        ("volunteer", "曾晓燕", Role.VOLUNTEER, community, "", community.name, ""),
        ("keeper", "唐卫东", Role.WAREHOUSE_KEEPER, county, "", county.name, ""),
        ("auditor", "胡慧", Role.AUDITOR, county, "", county.name, ""),
    ]  # fmt: skip
    logins = [DemoLogin(ADMIN_USERNAME, DEMO_PASSWORD, _("超级管理员"), county.name)]
    for username, full_name, role, region, org_path, scope, note in plan:
        if _taken(username):
            logins.append(
                DemoLogin(username, "-", Role(role).label, scope, _("用户名已存在，未改动"))
            )
            continue
        user = user_create(username=username, full_name=full_name)
        role_assign(actor=actor, user=user, role=role, region=region, org_path=org_path)
        if role == Role.GRID_WORKER:
            assignment_create(actor=actor, user=user, kind=AssignmentKind.GRID, region=grid)
        if role == Role.TEAM_MEMBER:
            for person in team_people:
                assignment_create(actor=actor, user=user, kind=AssignmentKind.PERSON, person=person)
        logins.append(DemoLogin(username, DEMO_PASSWORD, Role(role).label, scope, note))
    return logins


def demo_user_with_role(
    *, username: str, full_name: str, role: str, region: Region | None = None, org_path: str = ""
) -> bool:
    """Create one more demo login (for the domain apps' demo parts) with one role over a
    region or an organization subtree. False, and nothing changed, when the name is taken."""
    from bastion.access.services import role_assign

    if _taken(username):
        return False
    user = user_create(username=username, full_name=full_name)
    role_assign(actor=demo_admin(), user=user, role=role, region=region, org_path=org_path)
    return True
