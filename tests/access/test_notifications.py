"""notify() is the one way to reach a user's inbox; email copies when configured."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from bastion.access.models import Notification
from bastion.access.services import notify
from bastion.access.tasks import send_notification_email


@pytest.fixture
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = previous


def test_notify_creates_inbox_entry_without_email_by_default(county, settings):
    settings.EMAIL_HOST = ""
    county.gridworker.email = "gw@example.org"
    county.gridworker.save()
    n = notify(recipient=county.gridworker, title="新任务", body="请走访1栋", link="/inbox/")
    assert n.read_at is None
    assert Notification.objects.filter(recipient=county.gridworker).count() == 1
    assert mail.outbox == []


def test_notify_emails_when_configured(
    county, settings, huey_immediate, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.org"
    county.gridworker.email = "gw@example.org"
    county.gridworker.save()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=county.gridworker, title="指令下达", body="今日18时前反馈")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "指令下达"
    assert mail.outbox[0].to == ["gw@example.org"]
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_no_email_for_a_user_without_address(
    county, settings, huey_immediate, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.org"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipient=county.gridworker, title="x")
    assert callbacks == []
    assert mail.outbox == []


def test_email_task_sends_once(county):
    county.gridworker.email = "gw@example.org"
    county.gridworker.save()
    n = notify(recipient=county.gridworker, title="一次")
    assert send_notification_email(n.pk) is True
    assert send_notification_email(n.pk) is False
    assert len(mail.outbox) == 1


def test_unknown_level_falls_back_to_info(county):
    assert notify(recipient=county.gridworker, title="x", level="weird").level == "info"


def test_api_lists_and_marks_read(login, county):
    first = notify(recipient=county.gridworker, title="一")
    notify(recipient=county.gridworker, title="二")
    notify(recipient=county.town, title="别人的")
    client = login(county.gridworker)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2
    assert [i["title"] for i in body["items"]] == ["二", "一"]
    read = client.post(f"/api/v1/notifications/{first.public_id}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert [i["title"] for i in unread["items"]] == ["二"]
    assert client.get("/api/v1/me").json()["unread_notifications"] == 1


def test_outsider_gets_404_for_someone_elses_notification(login, county):
    n = notify(recipient=county.gridworker, title="私信")
    client = login(county.outsider)
    assert client.post(f"/api/v1/notifications/{n.public_id}/read").status_code == 404
    assert client.post(reverse("access:notification_read", args=[n.public_id])).status_code == 404
    assert client.get("/api/v1/notifications").json()["count"] == 0
    assert "私信" not in client.get(reverse("access:inbox")).content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_notification_list_query_count(login, county, django_assert_max_num_queries):
    for i in range(30):
        notify(recipient=county.gridworker, title=f"消息{i}")
    client = login(county.gridworker)
    # session, user, the user's grants (2), count, page, session touch (3)
    with django_assert_max_num_queries(9):
        assert client.get("/api/v1/notifications").json()["count"] == 30


def test_inbox_page(login, county, django_assert_max_num_queries):
    for i in range(3):
        notify(recipient=county.gridworker, title=f"消息{i}", link="/inbox/")
    client = login(county.gridworker)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("access:inbox"))
    text = page.content.decode()
    assert "消息2" in text
    assert "3 条未读" in text
    client.post(reverse("access:inbox_read_all"))
    assert "没有未读消息" in client.get(reverse("access:inbox") + "?unread=1").content.decode()


def test_inbox_empty_state(login, county):
    client = login(county.gridworker)
    assert "暂时没有消息" in client.get(reverse("access:inbox")).content.decode()


def test_follow_link_marks_read_and_redirects_locally_only(login, county):
    local = notify(recipient=county.gridworker, title="本站", link="/tokens/")
    far = notify(recipient=county.gridworker, title="外站", link="https://evil.example/")
    client = login(county.gridworker)
    r1 = client.post(reverse("access:notification_read", args=[local.public_id]), {"follow": "1"})
    assert r1.url == "/tokens/"
    r2 = client.post(reverse("access:notification_read", args=[far.public_id]), {"follow": "1"})
    assert r2.url == reverse("access:inbox")
    local.refresh_from_db()
    assert local.read_at is not None
