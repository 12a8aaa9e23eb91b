"""The monitoring view's figures agree with each other (issue 6): every breakdown sums to
the totals, "abnormal" means the same on the today page and in the monitor, and "new
today" counts observations whose day 1 is today."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from bastion.access.roles import Role
from bastion.monitoring.models import Alert, Observation, Policy, SeatAssignment
from bastion.monitoring.selectors.followups import ABNORMAL, today_rows
from bastion.monitoring.selectors.monitor import (
    KEYS,
    child_regions,
    monitor_counts,
    monitor_records,
)
from bastion.monitoring.services.alerts import alert_raise
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.homeservice import service_request_create
from bastion.monitoring.services.observations import observation_register
from tests.conftest import make_person, make_user
from tests.monitoring.conftest import SHANGHAI

TODAY = dt.date(2026, 3, 5)
NOW = dt.datetime(2026, 3, 5, 15, 0, tzinfo=SHANGHAI)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def scene(county, policy, monitoring_users):
    """Observations in both towns, two categories, several origins; fever, a missed-day
    alert, an open service, one started today, one released today; and a town-A team
    member seated on a town-B observation (outside her region grants)."""
    contact = Policy.objects.get(category="close_contact")
    p = county.people
    extra = {
        "chen": make_person(county.grid_a1_2, "陈伟"),
        "sun": make_person(county.grid_b1_1, "孙丽"),
        "zhou": make_person(county.grid_a1_1, "周航"),
    }

    def register(person, pol, origin, day, registered):
        with freeze_time(registered):
            kwargs = (
                {"arrived_on": day} if pol.clock_start == "arrival" else {"last_contact_on": day}
            )
            return observation_register(
                actor=county.command, policy=pol, person=person, origin=origin, **kwargs
            )

    obs = {
        "zhang": register(p["zhang"], policy, "湖北武汉", dt.date(2026, 3, 2), _at(2, 9)),
        "li": register(p["li"], contact, "长沙市", dt.date(2026, 3, 3), _at(3, 9)),
        "wang": register(p["wang"], policy, "湖北武汉", dt.date(2026, 3, 1), _at(4, 9)),
        "zhao": register(p["zhao"], policy, "广东深圳", dt.date(2026, 3, 4), _at(4, 10)),
        "chen": register(extra["chen"], policy, "湖北孝感", TODAY, _at(5, 8)),
        "sun": register(extra["sun"], contact, "长沙市", dt.date(2026, 2, 20), _at(2, 9)),
        # registered today, but day 1 was three days ago: not "new today"
        "zhou": register(extra["zhou"], policy, "湖北武汉", dt.date(2026, 3, 2), _at(5, 9)),
    }
    Observation.objects.filter(pk=obs["sun"].pk).update(status="released", ended_at=_at(5, 10))
    followup_record(actor=county.command, observation=obs["wang"], observed_at=_at(5, 9),
                    temperature="38.2", symptoms=[], at_home=True, now=_at(5, 9))  # fmt: skip
    followup_record(actor=county.command, observation=obs["zhang"], observed_at=_at(5, 9),
                    temperature="36.5", symptoms=[], at_home=True, now=_at(5, 9))  # fmt: skip
    # li: no abnormal entry today, but yesterday's missed day is still an open alert
    alert_raise(observation=obs["li"], kind="missed", local_date=dt.date(2026, 3, 4), now=_at(5, 1))
    with freeze_time(_at(5, 11)):
        service_request_create(actor=county.command, observation=obs["zhao"], kind="medicine")
    member = make_user("helper", Role.TEAM_MEMBER, county.town_a)
    SeatAssignment.objects.create(
        user=member, seat_code="police", region=county.county, path=county.county.path
    )
    from bastion.monitoring.services.team import team_set

    team_set(actor=county.command, observation=obs["zhao"], members={"police": member})
    return obs


def _sum(rows, key):
    return sum(counts[key] for _label, counts in rows)


@pytest.mark.parametrize("who", ["command", "town", "gridworker", "helper"])
def test_every_breakdown_sums_to_the_totals(county, scene, who):
    from bastion.access.models import User

    user = User.objects.get(username=who)
    region = None
    children = child_regions(user=user, region=region)
    counts = monitor_counts(user=user, now=NOW, children=children)
    totals = counts["totals"]
    assert any(totals.values())
    for key in KEYS:
        assert _sum(counts["by_category"], key) == totals[key], ("category", key)
        assert _sum(counts["by_origin"], key) == totals[key], ("origin", key)
        if children:
            rows = counts["children"] + ([(None, counts["unplaced"])] if counts["unplaced"] else [])
            assert _sum(rows, key) == totals[key], ("children", key)


def test_a_region_page_breakdown_sums_too(county, scene):
    children = child_regions(user=county.command, region=county.town_a)
    counts = monitor_counts(
        user=county.command, region_path=county.town_a.path, now=NOW, children=children
    )
    for key in KEYS:
        assert _sum(counts["children"], key) == counts["totals"][key]


def test_the_page_shows_a_row_for_observations_outside_the_child_regions(county, scene, login):
    from bastion.monitoring.services.team import team_set

    # the town-A officer also fills a seat of 赵大海's team in town B
    SeatAssignment.objects.create(
        user=county.town, seat_code="town_liaison", region=county.county, path=county.county.path
    )
    team_set(actor=county.command, observation=scene["zhao"], members={"town_liaison": county.town})
    with freeze_time(NOW):
        page = login(county.town).get("/monitoring/monitor/")
        api = login(county.town).get("/api/v1/monitoring/monitor", {"region": county.town_a.code})
    html = page.content.decode()
    assert county.town_a.name in html and "其他（不在以上区域）" in html
    assert county.town_b.name not in html
    counts = page.context["children_unplaced"]
    assert counts[0]["n"] == 1  # 赵大海, under observation
    assert api.status_code == 200


def test_new_today_counts_observations_whose_day_one_is_today(county, scene):
    counts = monitor_counts(user=county.command, now=NOW)
    new = {o.person.name for o in monitor_records(user=county.command, key="new", now=NOW)}
    assert new == {"陈伟"} and counts["totals"]["new"] == 1


def test_abnormal_means_the_same_on_the_today_page_and_in_the_monitor(county, scene):
    groups, _truncated = today_rows(user=county.command, now=NOW)
    in_period = {row.observation.pk for rows in groups.values() for row in rows}
    on_today_page = {row.observation.pk for row in groups[ABNORMAL]}
    in_monitor = {o.pk for o in monitor_records(user=county.command, key="abnormal", now=NOW)}
    assert on_today_page == in_monitor & in_period
    names = set(
        Observation.objects.filter(pk__in=in_monitor).values_list("person__name", flat=True)
    )
    assert names == {"王小明", "李秀英"}  # fever today; an open missed-day alert
    assert monitor_counts(user=county.command, now=NOW)["totals"]["abnormal"] == len(in_monitor)


def test_a_resolved_alert_no_longer_makes_someone_abnormal(county, scene):
    from django.utils import timezone

    Alert.objects.filter(kind="missed").update(resolved_at=_at(5, 12))
    in_monitor = {
        o.person.name for o in monitor_records(user=county.command, key="abnormal", now=NOW)
    }
    assert "李秀英" not in in_monitor
    assert timezone.is_aware(NOW)
