"""The grid worker's today page, the htmx follow-up form and the self-report QR fragment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from bastion.monitoring.models import FollowUp, Observation
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.observations import observation_register
from tests.conftest import make_person
from tests.monitoring.conftest import OBSERVATION_START, SHANGHAI

MORNING = dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)
EVENING = dt.datetime(2026, 3, 5, 21, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _urls_loaded_before_freezing():
    """Load the URLconf (and the ninja API schemas) with the real clock: pydantic cannot
    build schemas for freezegun's FakeDatetime.
    """
    reverse("monitoring:today")


def register(county, policy, name, arrived_on=OBSERVATION_START):
    person = make_person(county.grid_a1_1, name)
    return observation_register(
        actor=county.gridworker, policy=policy, person=person, origin="武汉", arrived_on=arrived_on
    )


def check(obs, user, when, temperature="36.5", **kw):
    return followup_record(
        actor=user,
        observation=obs,
        observed_at=when,
        temperature=temperature,
        symptoms=kw.pop("symptoms", []),
        at_home=True,
        now=when,
        **kw,
    )


def groups_of(response) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, _label, rows in response.context["sections"]:
        out[key] = {row.name_masked for row in rows}
    return out


@pytest.fixture
def people(county, policy, observation):
    """张建国 (done), 刘一 (abnormal), 陈二 (nothing yet), 周三 (period already over)."""
    with freeze_time(MORNING - dt.timedelta(hours=1)):
        liu = register(county, policy, "刘一")
        chen = register(county, policy, "陈二")
        zhou = register(county, policy, "周三", arrived_on=dt.date(2026, 2, 1))
        check(observation, county.gridworker, MORNING - dt.timedelta(hours=1))
        check(liu, county.gridworker, MORNING - dt.timedelta(hours=1), temperature="38.1")
    return {"zhang": observation, "liu": liu, "chen": chen, "zhou": zhou}


def test_today_page_groups_abnormal_due_and_done(login, county, people):
    with freeze_time(MORNING):
        response = login(county.gridworker).get(reverse("monitoring:today"))
    assert response.status_code == 200
    groups = groups_of(response)
    assert groups == {"abnormal": {"刘*"}, "overdue": set(), "due": {"陈*"}, "done": {"张**"}}
    html = response.content.decode()
    assert "张建国" not in html and "周*" not in html
    assert "第 4 天 / 共 14 天" in html


def test_after_the_cutoff_undone_people_are_overdue(login, county, people):
    with freeze_time(EVENING):
        groups = groups_of(login(county.gridworker).get(reverse("monitoring:today")))
    assert groups["overdue"] == {"陈*"}
    assert groups["due"] == set()


def test_an_open_alert_keeps_a_person_abnormal_on_later_days(login, county, people):
    with freeze_time(MORNING + dt.timedelta(days=1)):
        groups = groups_of(login(county.gridworker).get(reverse("monitoring:today")))
    assert "刘*" in groups["abnormal"]
    assert groups["due"] == {"陈*", "张**"}


def test_team_member_sees_only_their_team_on_today_page(login, county, people, doctor):
    with freeze_time(MORNING):
        groups = groups_of(login(doctor).get(reverse("monitoring:today")))
    # The doctor's seat duty covers community A1, so she is proposed for all of them.
    assert set().union(*groups.values()) <= {"张**", "刘*", "陈*"}
    with freeze_time(MORNING):
        groups = groups_of(login(county.outsider).get(reverse("monitoring:today")))
    assert set().union(*groups.values()) == set()


def _today_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx, freeze_time(MORNING):
        assert client.get(reverse("monitoring:today")).status_code == 200
    return len(ctx.captured_queries)


def test_today_page_query_count_does_not_grow_with_rows(login, county, policy, people):
    client = login(county.gridworker)
    _today_queries(client)  # warm the session
    few = _today_queries(client)
    with freeze_time(MORNING - dt.timedelta(hours=2)):
        for n in range(25):
            obs = register(county, policy, f"测试{n}")
            if n % 2:
                check(obs, county.gridworker, MORNING - dt.timedelta(hours=2))
    many = _today_queries(client)
    assert many == few
    assert many <= 10


def test_record_form_returns_the_updated_row_for_htmx(login, county, people):
    client = login(county.gridworker)
    chen = people["chen"]
    url = reverse("monitoring:followup_record", args=[chen.public_id])
    with freeze_time(MORNING):
        form = client.get(url, HTTP_HX_REQUEST="true")
        assert form.status_code == 200 and b'name="temperature"' in form.content
        response = client.post(
            url,
            {"temperature": "37.5", "symptoms": ["cough"], "at_home": "yes", "contact": "seen"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="row-{chen.public_id}"' in html and 'data-state="abnormal"' in html
    assert "<form" not in html
    f = FollowUp.objects.get(observation=chen)
    assert f.recorded_by == county.gridworker and f.abnormal


def test_record_form_shows_errors_in_the_row(login, county, people):
    client = login(county.gridworker)
    url = reverse("monitoring:followup_record", args=[people["chen"].public_id])
    with freeze_time(MORNING):
        response = client.post(
            url, {"temperature": "45", "at_home": "yes", "contact": "seen"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert "34.0 到 43.0" in response.content.decode()
    assert not FollowUp.objects.filter(observation=people["chen"]).exists()


def test_record_form_without_htmx_redirects_to_today(login, county, people):
    url = reverse("monitoring:followup_record", args=[people["chen"].public_id])
    with freeze_time(MORNING):
        response = login(county.gridworker).post(
            url, {"temperature": "", "at_home": "yes", "contact": "unreachable"}
        )
    assert response.status_code == 302 and response.url == reverse("monitoring:today")


def test_late_entry_through_the_form(login, county, people):
    url = reverse("monitoring:followup_record", args=[people["chen"].public_id])
    with freeze_time(MORNING):
        login(county.gridworker).post(
            url,
            {
                "temperature": "36.4",
                "at_home": "yes",
                "contact": "seen",
                "observed_at": "2026-03-04T18:30",
            },
        )
    f = FollowUp.objects.get(observation=people["chen"])
    assert f.local_date == dt.date(2026, 3, 4)
    assert f.observed_at == dt.datetime(2026, 3, 4, 18, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize("name", ["monitoring:followup_record", "monitoring:selfreport_qr"])
def test_outsider_gets_404_on_followup_form_and_qr(login, county, observation, name):
    url = reverse(name, args=[observation.public_id])
    client = login(county.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"temperature": "36.5"}).status_code == 404
    assert not FollowUp.objects.exists()


def test_auditor_who_may_only_look_gets_404_on_the_form(login, county, observation):
    url = reverse("monitoring:followup_record", args=[observation.public_id])
    assert login(county.auditor).get(url).status_code == 404


def test_qr_view_issues_a_fresh_token_and_shows_link_and_svg(login, county, observation):
    client = login(county.gridworker)
    url = reverse("monitoring:selfreport_qr", args=[observation.public_id])
    assert client.get(url).status_code == 200
    first = client.post(url, HTTP_HX_REQUEST="true")
    html = first.content.decode()
    assert first.status_code == 200 and "<svg" in html and "/r/" in html
    link = html.split('href="')[1].split('"')[0]
    old_hash = Observation.objects.get(pk=observation.pk).self_report_token_hash
    assert len(old_hash) == 64 and link.rsplit("/", 2)[-2] not in old_hash
    client.post(url)
    assert Observation.objects.get(pk=observation.pk).self_report_token_hash != old_hash
    assert client.get(link.split("testserver")[1]).status_code == 404  # the old link is dead


def test_observation_page_offers_the_self_report_qr(login, county, observation):
    html = (
        login(county.gridworker)
        .get(reverse("monitoring:observation", args=[observation.public_id]))
        .content.decode()
    )
    assert reverse("monitoring:selfreport_qr", args=[observation.public_id]) in html
    assert "生成自报二维码" in html
