"""The monitoring view's counts against hand-built data, drill-downs, scope and speed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from bastion.monitoring.models import Observation
from bastion.monitoring.selectors.monitor import (
    KEYS,
    child_regions,
    monitor_counts,
    monitor_records,
)
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.homeservice import service_request_create
from bastion.monitoring.services.observations import observation_register
from tests.conftest import make_person
from tests.monitoring.conftest import SHANGHAI

DAY = dt.date(2026, 3, 5)
BEFORE_CUTOFF = dt.datetime(2026, 3, 5, 19, 59, tzinfo=SHANGHAI)
AT_CUTOFF = dt.datetime(2026, 3, 5, 20, 0, tzinfo=SHANGHAI)


def _local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def _register(county, policy, person, at, arrived_on=dt.date(2026, 3, 2)):
    with freeze_time(at):
        return observation_register(
            actor=county.command,
            policy=policy,
            person=person,
            origin="湖北省武汉市" if person.name != "赵大海" else "广东省深圳市",
            arrived_on=min(arrived_on, at.date()),  # never after registration
        )


@pytest.fixture
def scene(county, policy, monitoring_users):
    """zhang done today; li (registered 23:50 yesterday) nothing yet; wang (registered
    00:30 today) abnormal; zhao (town B) nothing; chen released 00:10 today; sun
    released 23:50 yesterday; a service request for zhang.
    """
    p = county.people
    chen = make_person(county.grid_a1_2, "陈伟")
    sun = make_person(county.grid_a1_2, "孙丽")
    obs = {
        "zhang": _register(county, policy, p["zhang"], _local(2, 8)),
        "li": _register(county, policy, p["li"], _local(4, 23, 50)),
        "wang": _register(county, policy, p["wang"], _local(5, 0, 30), dt.date(2026, 3, 5)),
        "zhao": _register(county, policy, p["zhao"], _local(3, 9)),
        "chen": _register(county, policy, chen, _local(1, 9)),
        "sun": _register(county, policy, sun, _local(1, 9)),
    }
    # Test data: released states set directly (release rules are the obs helper's tests).
    Observation.objects.filter(pk=obs["chen"].pk).update(
        status="released", ended_at=_local(5, 0, 10)
    )
    Observation.objects.filter(pk=obs["sun"].pk).update(
        status="released", ended_at=_local(4, 23, 50)
    )
    for name, temperature, at in [("zhang", "36.6", _local(5, 9)), ("wang", "38.0", _local(5, 8))]:
        followup_record(
            actor=county.command,
            observation=obs[name],
            observed_at=at,
            temperature=temperature,
            symptoms=[],
            at_home=True,
            now=at,
        )
    # A corrected entry: zhang's yesterday entry replaced today does not count today twice.
    with freeze_time(_local(5, 9, 30)):
        service_request_create(actor=county.command, observation=obs["zhang"], kind="medicine")
    return obs


def _totals(user, now, region=None):
    return monitor_counts(user=user, region_path=region.path if region else None, now=now)["totals"]


def test_county_counts_before_and_at_the_cutoff(scene, county):
    before = _totals(county.command, BEFORE_CUTOFF)
    assert before == {
        "under": 4,
        "new": 1,
        "released": 1,
        "due": 2,
        "done": 2,
        "overdue": 0,
        "abnormal": 1,
        "fever_alerts": 1,
        "services": 1,
    }
    at = _totals(county.command, AT_CUTOFF)
    assert (at["due"], at["overdue"], at["done"]) == (0, 2, 2)


def test_new_and_released_follow_the_local_midnight(scene, county):
    late_yesterday = _totals(county.command, _local(4, 23, 55))
    assert late_yesterday["new"] == 0  # li was registered at 23:50, but her day 1 was the 2nd
    assert late_yesterday["released"] == 1  # sun
    assert late_yesterday["under"] == 4  # zhang, li, zhao, chen (wang not yet registered)
    just_after = _totals(county.command, _local(5, 0, 20))
    assert (just_after["new"], just_after["released"]) == (0, 1)  # chen released 00:10
    registered = _totals(county.command, _local(5, 0, 40))
    assert registered["new"] == 1  # wang: registered 00:30, day 1 today


def test_town_and_children_counts(scene, county):
    counts = monitor_counts(
        user=county.command,
        region_path=county.community_a1.path,
        now=BEFORE_CUTOFF,
        children=child_regions(user=county.command, region=county.community_a1),
    )
    assert counts["totals"]["under"] == 3
    rows = {child.code: c for child, c in counts["children"]}
    g1, g2 = rows[county.grid_a1_1.code], rows[county.grid_a1_2.code]
    assert (g1["under"], g1["done"], g1["due"], g1["services"]) == (2, 1, 1, 1)
    assert (g2["under"], g2["new"], g2["released"], g2["abnormal"], g2["fever_alerts"]) == (
        1,
        1,
        1,
        1,
        1,
    )
    origins = dict(counts["by_origin"])
    assert origins["湖北省武汉市"]["under"] == 3
    categories = {p.category: c for p, c in counts["by_category"]}
    assert categories["returnee"]["under"] == 3


@pytest.mark.parametrize("now", [BEFORE_CUTOFF, AT_CUTOFF])
def test_drill_down_lists_match_the_counts(scene, county, now):
    for user in (county.command, county.gridworker, county.town):
        totals = _totals(user, now)
        for key in KEYS:
            assert monitor_records(user=user, key=key, now=now).count() == totals[key], (user, key)


def test_grid_worker_sees_only_her_grid(scene, county):
    totals = _totals(county.gridworker, BEFORE_CUTOFF)
    assert totals["under"] == 2  # zhang and li in grid A1-1
    assert totals["abnormal"] == 0


def test_team_member_sees_only_their_people(scene, county, doctor):
    assert _totals(doctor, BEFORE_CUTOFF)["under"] == 3  # the doctor's community, not town B
    assert _totals(county.teammember, BEFORE_CUTOFF)["under"] == 0  # holds no seat


def test_monitor_page_and_drill_down(scene, county, login, django_assert_max_num_queries):
    client = login(county.command)
    with freeze_time(BEFORE_CUTOFF), django_assert_max_num_queries(14):
        response = client.get(reverse("monitoring:monitor_region", args=[county.county.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert county.town_a.name in body and county.town_b.name in body
    with freeze_time(BEFORE_CUTOFF), django_assert_max_num_queries(8):
        response = client.get(
            reverse("monitoring:monitor_region_drill", args=[county.town_a.code, "under"])
        )
    body = response.content.decode()
    assert "张**" in body and "王**" in body and "张建国" not in body
    assert "赵**" not in body


def test_monitor_query_count_does_not_grow_with_rows(
    scene, county, policy, login, django_assert_max_num_queries
):
    client = login(county.command)
    url = reverse("monitoring:monitor")
    with freeze_time(BEFORE_CUTOFF), django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    for n in range(5):  # more people, alerts and services: the same number of queries
        extra = make_person(county.grid_a1_2, f"钱{n}")
        _register(county, policy, extra, _local(5, 1, n))
    with freeze_time(BEFORE_CUTOFF), django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200


def test_outsider_gets_404_for_a_region_out_of_scope(scene, county, login):
    client = login(county.outsider)
    assert (
        client.get(reverse("monitoring:monitor_region", args=[county.town_a.code])).status_code
        == 404
    )
    url = reverse("monitoring:monitor_region_drill", args=[county.town_a.code, "under"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("monitoring:monitor_region", args=["999999999999"])).status_code == 404
    )


def test_unknown_drill_key_is_404(county, login):
    assert login(county.command).get("/monitoring/monitor/people/nonsense/").status_code == 404
