"""The volunteers pages: who sees what, the claim flow on the web, pinned query counts,
no 500 on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bastion.volunteers.models import Claim, ClaimStatus, Task
from bastion.volunteers.services.claims import claim_create
from tests.volunteers.conftest import shift_task, tomorrow_at


@pytest.fixture
def task(vol):
    return vol.make_task(slots=1)


def test_volunteer_home_lists_nearby_tasks_nearest_first(vol, county, login):
    far = vol.make_task(title="远处的任务", region=county.grid_a1_2)
    vol.make_task(title="家门口的任务", region=county.grid_a1_1,
                         starts_at=far.starts_at + dt.timedelta(hours=1),
                         ends_at=far.ends_at + dt.timedelta(hours=1))  # fmt: skip
    body = login(county.volunteer).get(reverse("volunteers:home")).content.decode()
    assert body.index("家门口的任务") < body.index("远处的任务")
    assert "公里" in body


def test_home_query_count_is_pinned(vol, county, login, django_assert_max_num_queries):
    for i in range(12):
        vol.make_task(title=f"任务{i}", starts_at=tomorrow_at(8, days=2 + i),
                      ends_at=tomorrow_at(12, days=2 + i))  # fmt: skip
    client = login(county.volunteer)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("volunteers:home"))
    assert response.status_code == 200
    assert response.content.decode().count('class="task"') >= 12


def test_staff_home_and_task_list(vol, county, login, django_assert_max_num_queries):
    for _ in range(5):
        vol.make_task()
    client = login(county.community)
    assert "发布任务" in client.get(reverse("volunteers:home")).content.decode()
    with django_assert_max_num_queries(14):
        response = client.get(reverse("volunteers:task_list"))
    assert response.status_code == 200 and response.content.decode().count('class="task"') == 5


def test_outsider_gets_404_for_task_pages(task, county, login):
    client = login(county.outsider)
    for name in ("task_detail", "task_edit", "task_cancel", "task_qr", "claim_offline"):
        assert client.get(reverse(f"volunteers:{name}", args=[task.public_id])).status_code == 404
    assert client.post(reverse("volunteers:claim", args=[task.public_id])).status_code == 404
    body = client.get(reverse("volunteers:task_list")).content.decode()
    assert task.title not in body


def test_grid_worker_sees_the_task_but_may_not_edit(task, county, login):
    client = login(county.gridworker)
    assert client.get(reverse("volunteers:task_detail", args=[task.public_id])).status_code == 200
    assert client.get(reverse("volunteers:task_edit", args=[task.public_id])).status_code == 403


def test_claim_on_the_web_then_full_offers_the_waiting_list(task, vol, county, login, client):
    url = reverse("volunteers:claim", args=[task.public_id])
    first = login(county.volunteer).post(url)
    assert first.status_code == 302
    client.logout()
    second = login(vol.resident_user).post(url)
    assert second.status_code == 409
    body = second.content.decode()
    assert "名额已满" in body and 'id="waitlist-button"' in body
    third = client.post(url, {"waitlist": "1"})
    assert third.status_code == 302
    assert Claim.objects.get(user=vol.resident_user).status == ClaimStatus.WAITING


def test_claim_post_twice_keeps_one_claim(task, county, login):
    client = login(county.volunteer)
    url = reverse("volunteers:claim", args=[task.public_id])
    client.post(url)
    again = client.post(url, follow=True)
    assert "您已认领此任务" in again.content.decode()
    assert Claim.objects.filter(task=task).count() == 1


def test_task_detail_for_the_publisher_shows_roster_and_contact(task, vol, county, login):
    claim_create(actor=county.volunteer, task=task)
    body = login(county.community).get(reverse("volunteers:task_detail", args=[task.public_id]))
    text = body.content.decode()
    assert "张建国" in text and "13700001111" in text and 'id="roster"' in text


def test_volunteer_without_claim_sees_masked_contact(task, vol, login):
    text = login(vol.resident_user).get(reverse("volunteers:task_detail", args=[task.public_id]))
    assert "137****1111" in text.content.decode()
    assert "13700001111" not in text.content.decode()


def test_publish_form_creates_a_task(vol, county, login):
    client = login(county.community)
    assert client.get(reverse("volunteers:task_new")).status_code == 200
    start = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        reverse("volunteers:task_new"),
        {
            "publisher": f"community:{county.community_a1.code}",
            "title": "药品代购",
            "kind": "delivery",
            "location_kind": "grid",
            "region": county.grid_a1_2.code,
            "starts_at": start.strftime("%Y-%m-%dT09:00"),
            "ends_at": start.strftime("%Y-%m-%dT11:00"),
            "slots": "3",
            "risk_level": "low",
        },
    )
    assert response.status_code == 302, response.content.decode()
    task = Task.objects.get(title="药品代购")
    assert task.region == county.grid_a1_2 and task.lat is not None


def test_publish_form_recurring_makes_fourteen_shifts(vol, county, login):
    client = login(county.community)
    first = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("volunteers:task_new"),
        {
            "publisher": f"community:{county.community_a1.code}",
            "title": "卡口值守",
            "kind": "checkpoint",
            "location_kind": "grid",
            "region": county.grid_a1_1.code,
            "recurring": "on",
            "first_day": first.isoformat(),
            "last_day": (first + dt.timedelta(days=13)).isoformat(),
            "start_time": "08:00",
            "end_time": "12:00",
            "slots": "2",
            "risk_level": "medium",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Task.objects.filter(title="卡口值守").count() == 14


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "x" * 500, "slots": "-3", "starts_at": "yesterday", "kind": "nope"},
        {"publisher": "community:999", "region": "<script>", "slots": "1e9"},
        {"publisher": "team:not-a-uuid", "recurring": "on", "first_day": "2020-13-40"},
    ],
)
def test_publish_form_bad_input_is_a_form_error_not_a_500(vol, county, login, data):
    response = login(county.community).post(reverse("volunteers:task_new"), data)
    assert response.status_code == 200
    assert not Task.objects.exists()


def test_bad_ids_and_codes_are_404(vol, county, login):
    client = login(county.volunteer)
    assert client.get("/volunteers/tasks/not-a-uuid/").status_code == 404
    assert client.get("/volunteers/checkin/short/").status_code == 404
    assert client.get("/volunteers/checkin/" + "x" * 40 + "/").status_code == 404
    assert client.get("/volunteers/people/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert client.get(reverse("volunteers:home") + "?day=2020-99-99&page=abc").status_code == 200


def test_qr_checkin_flow_on_the_phone(task, vol, county, login):
    claim_create(actor=county.volunteer, task=task)
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=3))
    client = login(county.volunteer)
    url = reverse("volunteers:checkin", args=[task.checkin_secret])
    page = client.get(url)
    assert 'id="checkin-button"' in page.content.decode()
    assert client.post(url, {"kind": "in"}).status_code == 302
    assert 'id="checkout-button"' in client.get(url).content.decode()


def test_leader_page_shows_qr_and_rotating_kills_the_old_code(task, county, login):
    client = login(county.community)
    old = task.checkin_secret
    response = client.get(reverse("volunteers:task_qr", args=[task.public_id]))
    assert "<svg" in response.content.decode()
    client.post(reverse("volunteers:task_qr", args=[task.public_id]))
    task.refresh_from_db()
    assert task.checkin_secret != old
    assert client.get(reverse("volunteers:checkin", args=[old])).status_code == 404


def test_cancel_task_page_asks_then_tells_claimants(task, vol, county, login):
    from bastion.access.models import Notification

    claim_create(actor=county.volunteer, task=task)
    client = login(county.community)
    page = client.get(reverse("volunteers:task_cancel", args=[task.public_id]))
    assert "将通知 1 位" in page.content.decode()
    assert (
        client.post(reverse("volunteers:task_cancel", args=[task.public_id]), {}).status_code == 200
    )
    client.post(reverse("volunteers:task_cancel", args=[task.public_id]), {"reason": "暴雨"})
    assert Notification.objects.filter(
        recipient=county.volunteer, title__contains="已取消"
    ).exists()


def test_my_record_and_ranking_pages(task, vol, county, login):
    claim_create(actor=county.volunteer, task=task)
    client = login(county.volunteer)
    me = client.get(reverse("volunteers:me")).content.decode()
    assert task.title in me
    assert client.get(reverse("volunteers:ranking")).status_code == 200


def test_outsider_cannot_open_a_volunteer_record(task, vol, county, login):
    claim_create(actor=county.volunteer, task=task)
    url = reverse("volunteers:person_record", args=[county.people["zhang"].public_id])
    assert login(county.outsider).get(url).status_code == 404
    assert login(county.community).get(url).status_code == 200


def test_config_pages_open_for_the_community_officer(vol, county, login):
    client = login(county.community)
    for url in (
        reverse("volunteers:resident_index"),
        reverse("volunteers:resident_new") + "?q=李",
        reverse("volunteers:communities"),
        reverse("volunteers:community", args=[county.community_a1.code]),
        reverse("volunteers:kinds"),
        reverse("volunteers:no_shows"),
        reverse("volunteers:order_list"),
        reverse("volunteers:order_new"),
    ):
        assert client.get(url).status_code == 200, url
    assert (
        login(county.outsider)
        .get(reverse("volunteers:community", args=[county.community_a1.code]))
        .status_code
        == 404
    )


def test_english_switch_translates_the_volunteer_pages(task, vol, county, login):
    from django.conf import settings

    client = login(county.volunteer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = client.get(reverse("volunteers:home")).content.decode()
    assert "Tasks near you" in home and "附近的任务" not in home
    detail = client.get(reverse("volunteers:task_detail", args=[task.public_id])).content.decode()
    assert "Claim this task" in detail and "Door duty" in detail


def test_volunteers_catalogue_translates_every_message():
    from pathlib import Path

    import bastion.volunteers

    po = Path(bastion.volunteers.__file__).parent / "locale/en/LC_MESSAGES/django.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr ""\n\n' not in text.split("\n\n", 1)[1]
    assert "#, fuzzy" not in text
