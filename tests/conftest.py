"""Test personas: a small county with a user at every level and an outsider next door.

County 长沙县 (430121) has two towns. Town A (星沙街道) holds community A1 with grids
A1-1 and A1-2; town B (黄兴镇, the neighbour) holds community B1 with grid B1-1.
Every persona works in town A except `outsider`, a grid worker of grid B1-1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bastion.access.models import Assignment, RoleAssignment, User
from bastion.access.roles import Role
from bastion.core.idnumber import make_id_number
from bastion.geo.models import Level, Region
from bastion.geo.services import household_create, region_create
from bastion.people.identity import id_number_fields, phone_fields
from bastion.people.models import Person, Tag

PASSWORD = "correct-horse-battery"


@dataclass
class County:
    county: Region
    town_a: Region
    town_b: Region
    community_a1: Region
    community_b1: Region
    grid_a1_1: Region
    grid_a1_2: Region
    grid_b1_1: Region
    users: dict[str, User]
    people: dict[str, Person]

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


_sequence = iter(range(1, 10_000_000))


def make_person(
    grid: Region, name: str, *, household=None, phone: str = "", born=None, male=True
) -> Person:
    """Create a person with a valid, unique synthetic ID number (test data only)."""
    seq = next(_sequence)
    born = born or dt.date(1980, 1, 1) + dt.timedelta(days=seq % 9000)
    number = make_id_number(grid.code[:6], born, (seq * 2 + (1 if male else 0)) % 1000)
    while Person.objects.filter(
        id_number_index=id_number_fields(number)["id_number_index"]
    ).exists():
        seq = next(_sequence)
        number = make_id_number(grid.code[:6], born, (seq * 2 + (1 if male else 0)) % 1000)
    return Person.objects.create(
        name=name,
        gender="M" if male else "F",
        birth_date=born,
        region=grid,
        path=grid.path,
        household=household,
        **id_number_fields(number),
        **phone_fields(phone),
    )


def make_user(
    username: str,
    role: str | None = None,
    region: Region | None = None,
    *,
    org_path: str = "",
    **extra,
) -> User:
    """A user with one role at `region` (and/or over the organization subtree `org_path`)."""
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username, **extra
    )
    if role:
        RoleAssignment.objects.create(
            user=user,
            role=role,
            region=region,
            region_path=region.path if region else "",
            org_path=org_path or ("" if region else "/org/"),
        )
    return user


@pytest.fixture(autouse=True)
def _fast_hashing_and_chinese(settings):
    """Fast password hashes (argon2 is deliberately slow), and Chinese as every test's start.

    Argon2 stays the production hasher; tests that check it name it explicitly.
    """
    from django.utils import translation

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def county(db) -> County:
    c = region_create(code="430121000000", name="长沙县", level=Level.COUNTY, parent=None)
    ta = region_create(code="430121001000", name="星沙街道", level=Level.SUBDISTRICT, parent=c)
    tb = region_create(code="430121002000", name="黄兴镇", level=Level.TOWN, parent=c)
    ca1 = region_create(code="430121001001", name="松雅社区", level=Level.COMMUNITY, parent=ta)
    cb1 = region_create(code="430121002001", name="黄兴村", level=Level.VILLAGE, parent=tb)
    square = {
        "type": "Polygon",
        "coordinates": [[[113.0, 28.2], [113.01, 28.2], [113.01, 28.21], [113.0, 28.2]]],
    }
    g11 = region_create(
        code="430121001001001", name="松雅第一网格", level=Level.GRID, parent=ca1, boundary=square
    )
    g12 = region_create(code="430121001001002", name="松雅第二网格", level=Level.GRID, parent=ca1)
    gb = region_create(code="430121002001001", name="黄兴第一网格", level=Level.GRID, parent=cb1)

    h11 = household_create(grid=g11, label="1栋101")
    h12 = household_create(grid=g12, label="2栋201")
    hb = household_create(grid=gb, label="黄兴1组3号")
    people = {
        "zhang": make_person(g11, "张建国", household=h11, phone="13812341234"),
        "li": make_person(g11, "李秀英", household=h11, male=False),
        "wang": make_person(g12, "王小明", household=h12),
        "zhao": make_person(gb, "赵大海", household=hb, phone="13900001111"),
    }
    elderly, _ = Tag.objects.get_or_create(
        code="elderly_alone", defaults={"name_zh": "独居老人", "name_en": "Elderly living alone"}
    )
    people["li"].tags.add(elderly)

    users = {
        "command": make_user("command", Role.COUNTY_COMMAND, c),
        "orgdept": make_user("orgdept", Role.ORG_DEPARTMENT, c),
        "town": make_user("town", Role.TOWN_OFFICER, ta),
        "community": make_user("community", Role.COMMUNITY_OFFICER, ca1),
        "gridworker": make_user("gridworker", Role.GRID_WORKER, g11),
        "teammember": make_user("teammember", Role.TEAM_MEMBER, ta),
        "volunteer": make_user("volunteer", Role.VOLUNTEER, ca1),
        "keeper": make_user("keeper", Role.WAREHOUSE_KEEPER, c),
        "auditor": make_user("auditor", Role.AUDITOR, c),
        "outsider": make_user("outsider", Role.GRID_WORKER, gb),
        "nobody": make_user("nobody"),
    }
    Assignment.objects.create(
        user=users["teammember"], kind="person", person=people["wang"], path=people["wang"].path
    )
    return County(c, ta, tb, ca1, cb1, g11, g12, gb, users, people)


@pytest.fixture
def login(client):
    """Log a persona into the Django test client: login(user). Users the product asks
    for a second factor (TOTP roles, staff) get a verified session, as after passing it."""
    from tests.mixins import api_login_client

    return lambda user: api_login_client(client, user)


@dataclass
class PartyTree:
    """The county's party organizations, two members and org-scoped users.

    county committee 430121 > town A committee 430121001 > community A1 branch
    430121001001 and temporary branch 430121001T01 (a checkpoint); county committee >
    organ branch 430121J01 (an employer of employed members); county committee > town B
    committee 430121002 > village B1 branch 430121002201. `secretary_a` is an
    organization officer over town A's committee; `secretary_b` over town B's (the
    party outsider); `orgdept_tree` holds the organization department role over the
    whole tree by organization path only.
    """

    orgs: dict
    members: dict
    users: dict

    def __getattr__(self, name: str):
        for bucket in ("orgs", "members", "users"):
            values = self.__dict__.get(bucket, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


@pytest.fixture
def party_tree(county) -> PartyTree:
    from bastion.party.models import MemberStatus, Sector, Tier
    from bastion.party.services import member_enroll, organization_create

    def org(code, name, tier, sector, parent, region, **kw):
        return organization_create(
            actor=None,
            code=code,
            name=name,
            tier=tier,
            sector=sector,
            parent=parent,
            region=region,
            **kw,
        )

    root = org("430121", "中共长沙县委员会", Tier.COMMITTEE, Sector.ORGAN, None, county.county)
    town_a = org(
        "430121001", "星沙街道党工委", Tier.WORKING_COMMITTEE, Sector.TOWN, root, county.town_a
    )
    town_b = org("430121002", "黄兴镇党委", Tier.COMMITTEE, Sector.TOWN, root, county.town_b)
    branch_a1 = org(
        "430121001001", "松雅社区党支部", Tier.BRANCH, Sector.COMMUNITY, town_a, county.community_a1
    )
    branch_b1 = org(
        "430121002201", "黄兴村党支部", Tier.BRANCH, Sector.VILLAGE, town_b, county.community_b1
    )
    organ = org("430121J01", "县卫健局机关党支部", Tier.BRANCH, Sector.ORGAN, root, county.county)
    temporary = org(
        "430121001T01",
        "星沙高速卡口临时党支部",
        Tier.TEMPORARY_BRANCH,
        Sector.OTHER,
        town_a,
        county.town_a,
        site_kind="checkpoint",
        site_name="星沙高速收费站",
        purpose="卡口值守",
        opened_on=dt.date(2020, 1, 26),
    )
    members = {
        "zhang": member_enroll(
            actor=None,
            person=county.people["zhang"],
            organization=organ,
            is_employed=True,
            employer="县卫健局",
            joined_party_on=dt.date(2005, 7, 1),
        ),
        "wang": member_enroll(
            actor=None,
            person=county.people["wang"],
            organization=branch_a1,
            status=MemberStatus.PROBATIONARY,
        ),
        "zhao": member_enroll(actor=None, person=county.people["zhao"], organization=branch_b1),
    }
    users = {
        "secretary_a": make_user("secretary_a", Role.ORG_OFFICER, org_path=town_a.path),
        "secretary_b": make_user("secretary_b", Role.ORG_OFFICER, org_path=town_b.path),
        "orgdept_tree": make_user("orgdept_tree", Role.ORG_DEPARTMENT, org_path=root.path),
    }
    orgs = {
        "root": root,
        "town_a": town_a,
        "town_b": town_b,
        "branch_a1": branch_a1,
        "branch_b1": branch_b1,
        "organ": organ,
        "temporary": temporary,
    }
    return PartyTree(orgs, members, users)
