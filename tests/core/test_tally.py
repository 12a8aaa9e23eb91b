"""The path tally (decision 0093): counts from the triggers equal direct counts of the
rows, whatever wrote them, for every persona, region and as-of moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from bastion.access.models import Assignment
from bastion.core.indicators import Scope, all_indicators
from bastion.core.models import PathTally
from bastion.core.tally import tallied_count, tally_compact, tally_install, tally_uninstall
from bastion.geo.models import Household
from bastion.geo.selectors import household_count, household_list
from bastion.geo.services import household_create
from bastion.people.models import Person
from bastion.people.selectors import person_count, person_list
from tests.conftest import make_person


def _direct_people(user, region_path, as_of) -> int:
    return person_list(user=user, region_path=region_path).filter(created_at__lte=as_of).count()


def _direct_households(user, within, as_of) -> int:
    return household_list(user=user, within=within).filter(created_at__lte=as_of).count()


def _agree_everywhere(county, moments) -> int:
    """Assert tally = direct count for every persona, region and moment; return checks."""
    regions = [None, county.county, county.town_a, county.town_b, county.community_a1,
               county.grid_a1_1, county.grid_a1_2, county.grid_b1_1]  # fmt: skip
    checks = 0
    for user in county.users.values():
        for region in regions:
            path = region.path if region else None
            for moment in moments:
                assert person_count(user=user, region_path=path, as_of=moment) == (
                    _direct_people(user, path, moment)
                ), (user.username, path, moment)
                assert household_count(user=user, within=path, as_of=moment) == (
                    _direct_households(user, path, moment)
                ), (user.username, path, moment)
                checks += 1
    return checks


def _tally(subject: str, prefix: str = "") -> int:
    rows = PathTally.objects.filter(subject=subject, path__startswith=prefix)
    return sum(rows.values_list("n", flat=True))


def test_counts_agree_for_every_persona_region_and_moment(county):
    # Assignments one by one (a household, a grid) take the direct count; the rest the tally.
    Assignment.objects.create(
        user=county.gridworker, kind="household", household=Household.objects.get(label="2栋201"),
        path=county.grid_a1_2.path,
    )  # fmt: skip
    Assignment.objects.create(
        user=county.volunteer, kind="grid", region=county.grid_b1_1, path=county.grid_b1_1.path
    )
    for user in county.users.values():  # the scope is cached on the user object
        user.__dict__.pop("_bastion_scope", None)
    before = timezone.now()
    make_person(county.grid_b1_1, "孙新来")
    household_create(grid=county.grid_a1_1, label="3栋301")
    moments = [timezone.now(), before, before - dt.timedelta(days=1)]
    assert _agree_everywhere(county, moments) == len(county.users) * 8 * 3
    # The indicators are these counts.
    scope = Scope(user=county.command, region_path=county.town_a.path)
    assert all_indicators()["people"].count(scope, moments[0]) == 3
    assert all_indicators()["households"].count(scope, moments[0]) == 3
    assert all_indicators()["people"].count(scope, moments[0]) == (
        all_indicators()["people"].records(scope, moments[0]).count()
    )


def test_inserts_moves_and_deletes_by_any_path_keep_the_tally_exact(county):
    g11, g12, gb = county.grid_a1_1, county.grid_a1_2, county.grid_b1_1
    Person.objects.bulk_create(
        [Person(name=f"批量{i}", gender="F", region=gb, path=gb.path) for i in range(5)]
    )
    moved = make_person(g11, "周搬家")
    moved.region, moved.path = g12, g12.path
    moved.save()
    Person.objects.filter(name__startswith="批量").filter(name__in=["批量0", "批量1"]).update(
        region=g11, path=g11.path
    )
    Person.objects.filter(name="批量4").delete()
    county.people["zhao"].delete()
    Household.objects.filter(label="黄兴1组3号").update(label="黄兴1组4号")  # no move
    for prefix in ("", county.county.path, county.community_a1.path, g11.path, g12.path, gb.path):
        assert _tally("people", prefix) == Person.objects.filter(path__startswith=prefix).count()
        assert _tally("households", prefix) == (
            Household.objects.filter(path__startswith=prefix).count()
        )
    assert _tally("people", gb.path) == 2  # 批量2, 批量3


def test_compaction_folds_rows_and_keeps_every_sum(county):
    for i in range(4):
        make_person(county.grid_a1_2, f"新人{i}")
    Person.objects.filter(name="新人0").delete()
    rows_before = PathTally.objects.count()
    sums_before = {p: _tally("people", p) for p in PathTally.objects.values_list("path", flat=True)}
    folded = tally_compact()
    assert folded > 0 and PathTally.objects.count() == rows_before - folded
    # One row per (subject, path) with people or households left; none that sum to zero.
    pairs = PathTally.objects.values_list("subject", "path")
    assert len(pairs) == len(set(pairs)) and not PathTally.objects.filter(n=0).exists()
    assert {p: _tally("people", p) for p in sums_before} == sums_before
    assert tally_compact() == 0  # already folded


def test_rows_created_after_the_moment_are_left_out(county):
    moment = timezone.now()
    make_person(county.grid_a1_1, "后来者")
    prefixes = [county.county.path]
    assert tallied_count(Person, "people", prefixes=prefixes, as_of=moment) == 4
    assert tallied_count(Person, "people", prefixes=prefixes, as_of=timezone.now()) == 5
    assert tallied_count(Person, "people", prefixes=[], as_of=timezone.now()) == 0


class _Editor:
    """The part of a schema editor the install functions use, on the test connection."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A migration has no deferred foreign-key checks pending; this test does.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql, params)


@pytest.mark.parametrize(("table", "subject", "model"), [
    ("people_person", "people", Person), ("geo_household", "households", Household),
])  # fmt: skip
def test_installing_counts_the_rows_already_there(county, table, subject, model):
    tally_uninstall(_Editor(), table=table, subject=subject)
    assert _tally(subject) == 0
    make_person(county.grid_b1_1, "装前") if model is Person else household_create(
        grid=county.grid_b1_1, label="装前"
    )
    assert _tally(subject) == 0  # no trigger while uninstalled
    tally_install(_Editor(), table=table, subject=subject)
    assert _tally(subject) == model.objects.count()
    make_person(county.grid_b1_1, "装后") if model is Person else household_create(
        grid=county.grid_b1_1, label="装后"
    )
    assert _tally(subject) == model.objects.count()


def test_the_tally_command_finds_drift_and_rebuilds(county):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("tally", stdout=out)
    assert "一致" in out.getvalue()
    # What a TRUNCATE would do: rows gone without their tally (here, the tally gone).
    PathTally.objects.filter(subject="people", path=county.grid_a1_1.path).delete()
    with pytest.raises(CommandError, match="1 处计数与数据不一致"):
        call_command("tally", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("tally", "--rebuild", "--compact", stdout=out)
    assert "计数已重建" in out.getvalue() and "一致" in out.getvalue()
    assert _tally("people", county.grid_a1_1.path) == 2  # 张, 李


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_tally_right(county):
    """`flush` (and every transactional test's teardown) empties the tables; on SQLite
    with DELETE, whose triggers may write after the tally was emptied. The post-migrate
    recount that follows a flush leaves no stale count behind."""
    from django.core.management import call_command

    from bastion.core.tally import tally_differences

    call_command("flush", interactive=False, verbosity=0)
    assert not PathTally.objects.filter(subject="people").exclude(n=0).exists()
    grid = county.grid_a1_1.__class__.objects.create(
        code="430121009001001", name="新网格", level="grid", path="430121009001001/"
    )
    make_person(grid, "冲刷后")
    assert person_count(user=_superuser(), region_path=None, as_of=timezone.now()) == 1
    assert tally_differences() == []


def _superuser():
    from bastion.access.models import User

    return User.objects.create_superuser(username="root_after_flush", password="x" * 12)
