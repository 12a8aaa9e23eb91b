"""`bastion demo`: a valid, nested county with valid people and one login per role."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from bastion.access.models import Assignment, RoleAssignment, User
from bastion.access.roles import Role
from bastion.access.scoping import restrict_people
from bastion.core.idnumber import parse_id_number
from bastion.core.phone import parse_mobile
from bastion.demo.generator import (
    DemoError,
    DemoSize,
    PeopleFactory,
    build_demo,
    household_label,
    rectangle,
)
from bastion.demo.users import DEMO_PASSWORD
from bastion.geo.codes import check_code
from bastion.geo.models import Household, Level, Region
from bastion.party.models import PartyMember
from bastion.people.identity import reveal_id_number, reveal_phone
from bastion.people.models import Person

SMALL = ["--towns", "3", "--villages", "2", "--grids", "2", "--households", "3"]


@pytest.fixture
def demo(db, capsys):
    started = time.monotonic()
    call_command("demo", *SMALL, "--seed", "7", verbosity=0)
    seconds = time.monotonic() - started
    out = capsys.readouterr().out
    with capsys.disabled():
        print(f"\n[demo] small county (3 towns, 12 grids, 36 households) built in {seconds:.2f}s")
    return out


def test_demo_builds_a_tree_whose_codes_nest(demo):
    regions = list(Region.objects.select_related("parent"))
    levels = Counter(r.level for r in regions)
    assert levels[Level.COUNTY] == 1
    assert levels[Level.TOWN] + levels[Level.SUBDISTRICT] == 3
    assert levels[Level.VILLAGE] + levels[Level.COMMUNITY] == 6
    assert levels[Level.GRID] == 12
    for region in regions:
        parent = region.parent
        check_code(
            region.code,
            region.level,
            parent.code if parent else None,
            parent.level if parent else None,
        )
        assert region.path == f"{parent.path if parent else ''}{region.code}/"
        assert region.code.startswith("430121")
        if region.level == Level.GRID:
            ring = region.boundary["coordinates"][0]
            assert region.boundary["type"] == "Polygon" and ring[0] == ring[-1]
            lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
            assert min(lngs) < region.centroid_lng < max(lngs)
            assert min(lats) < region.centroid_lat < max(lats)
            assert 112.5 < region.centroid_lng < 113.6 and 28.0 < region.centroid_lat < 28.5
    names = {r.name for r in regions}
    assert {"长沙县", "星沙街道", "湘龙街道", "泉塘街道"} <= names


def test_demo_people_have_valid_ids_matching_gender_and_birth_date(demo):
    people = list(Person.objects.select_related("household", "region"))
    assert Household.objects.count() == 36
    assert len(people) >= 36
    for person in people:
        parsed = parse_id_number(reveal_id_number(person))
        assert parsed.value[:6] == "430121"
        assert parsed.gender == person.gender
        assert parsed.birth_date == person.birth_date
        if person.household is None:
            # Party members the party demo registers have a grid but no household yet.
            assert PartyMember.objects.filter(person=person).exists()
            assert person.region is not None and person.path == person.region.path
            continue
        assert person.household is not None and person.household.region_id == person.region_id
        assert person.path == person.region.path
        assert person.relation_to_head in {"户主", "配偶", "子女", "父母"}
        if person.phone_masked:
            parse_mobile(reveal_phone(person))
    heads = Counter(p.household_id for p in people if p.relation_to_head == "户主")
    assert set(heads.values()) == {1}
    assert len(heads) == 36


def test_demo_creates_one_login_per_role_with_scopes(demo):
    roles = dict(RoleAssignment.objects.values_list("user__username", "role"))
    assert set(roles.values()) == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    command = User.objects.get(username="command")
    assert command.check_password(DEMO_PASSWORD)
    orgdept = RoleAssignment.objects.get(user__username="orgdept")
    assert orgdept.org_path == "/430121/" and orgdept.region.code == "430121000000"
    town = RoleAssignment.objects.get(user__username="town")
    assert town.region.name == "星沙街道"
    grid = Assignment.objects.get(user__username="grid")
    assert grid.kind == "grid" and grid.region.path.startswith(town.region.path)
    team = User.objects.get(username="team")
    assigned = Assignment.objects.filter(user=team, kind="person")
    assert assigned.count() == 3
    # The team member sees exactly the people she answers for.
    assert restrict_people(Person.objects.all(), team).count() == 3
    assert "Bastion-2020!" in demo and "TOTP" in demo
    for username in ["admin", "command", "orgdept", "town", "grid", "team", "auditor"]:
        assert username in demo


def test_demo_refuses_to_run_twice(demo):
    with pytest.raises(CommandError, match="已存在"):
        call_command("demo", *SMALL, verbosity=0)
    assert Region.objects.filter(level=Level.COUNTY).count() == 1


def test_demo_if_empty_does_nothing_when_regions_exist(demo, capsys):
    before = (Region.objects.count(), Person.objects.count(), User.objects.count())
    call_command("demo", *SMALL, "--if-empty")
    assert "跳过" in capsys.readouterr().out
    assert (Region.objects.count(), Person.objects.count(), User.objects.count()) == before


def test_demo_if_empty_builds_on_an_empty_database(db):
    call_command(
        "demo", "--towns", "1", "--villages", "1", "--grids", "1", "--if-empty", verbosity=0
    )
    assert Region.objects.filter(level=Level.GRID).count() == 1


def test_demo_scale_multiplies_households(db):
    result = build_demo(
        scale=3,
        size=DemoSize(villages_per_town=1, grids_per_village=1, households_per_grid=2, towns=1),
    )
    assert result.households == 6
    assert result.regions_by_level == {"county": 1, "subdistrict": 1, "community": 1, "grid": 1}
    # `people` counts the residents; the party demo adds members with no household yet.
    assert result.people == Person.objects.filter(household__isnull=False).count()


def test_demo_rejects_a_bad_scale(db):
    with pytest.raises(DemoError):
        build_demo(scale=0)
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "0", verbosity=0)


def test_people_factory_is_deterministic_per_seed():
    def draw(seed):
        factory = PeopleFactory(random.Random(seed))
        return [(p.name, p.id_number, p.phone) for _ in range(50) for p in factory.household()]

    assert draw(1) == draw(1)
    assert draw(1) != draw(2)


def test_people_factory_never_repeats_an_id_number():
    factory = PeopleFactory(random.Random(3))
    numbers = [p.id_number for _ in range(2000) for p in factory.household()]
    assert len(numbers) == len(set(numbers))
    for number in numbers[:200]:
        parse_id_number(number)


def test_household_labels_are_unique_per_grid():
    for level in (Level.COMMUNITY, Level.VILLAGE):
        labels = [household_label(level, n) for n in range(500)]
        assert len(set(labels)) == 500


def test_rectangle_is_a_closed_polygon():
    ring = rectangle(113.0, 28.2, 113.1, 28.3)["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
