"""The volunteers API under /api/v1/volunteers/: scope, codes, idempotency, pinned queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from bastion.volunteers.models import Attendance, Claim, ClaimStatus, Task
from bastion.volunteers.services.claims import claim_create
from tests.mixins import MISSING_UUID, api_patch, api_post, items
from tests.volunteers.conftest import shift_task, tomorrow_at

API = "/api/v1/volunteers"


@pytest.fixture
def task(vol):
    return vol.make_task(slots=1)


def test_anonymous_gets_401(client, vol):
    assert client.get(f"{API}/tasks").status_code == 401
    assert client.get(f"{API}/tasks/nearby").status_code == 401


def test_task_list_is_scoped_and_pinned(vol, county, api_login, django_assert_max_num_queries):
    for i in range(6):
        vol.make_task(title=f"门岗{i}")
    client = api_login(county.community)
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/tasks")
    assert len(items(response)) == 6
    outsider = api_login(county.outsider)
    assert items(outsider.get(f"{API}/tasks")) == []


def test_outsider_gets_404_for_task_and_its_actions(task, county, api_login):
    client = api_login(county.outsider)
    assert client.get(f"{API}/tasks/{task.public_id}").status_code == 404
    assert api_post(client, f"{API}/tasks/{task.public_id}/claim", {}).status_code == 404
    assert (
        api_post(client, f"{API}/tasks/{task.public_id}/cancel", {"reason": "x"}).status_code == 404
    )
    assert api_patch(client, f"{API}/tasks/{task.public_id}", {"slots": 9}).status_code == 404
    assert client.get(f"{API}/tasks/{task.public_id}/claims").status_code == 404
    assert client.get(f"{API}/tasks/{MISSING_UUID}").status_code == 404


def test_nearby_orders_by_distance_and_reports_km(
    vol, county, api_login, django_assert_max_num_queries
):
    vol.make_task(
        title="远", region=county.grid_a1_2, starts_at=tomorrow_at(7), ends_at=tomorrow_at(8)
    )
    vol.make_task(
        title="近", region=county.grid_a1_1, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10)
    )
    vol.make_task(title="线上", location_kind="online", region=county.community_a1)
    client = api_login(county.volunteer)
    with django_assert_max_num_queries(14):
        body = client.get(f"{API}/tasks/nearby").json()
    titles = [i["task"]["title"] for i in body["items"]]
    assert titles == ["近", "远"]
    assert body["items"][0]["distance_km"] == 0.0 and body["items"][1]["distance_km"] > 1
    assert [t["title"] for t in body["online"]] == ["线上"]
    assert body["home_known"] is True


def test_nearby_filters_by_kind_and_day(vol, county, api_login):
    vol.make_task(title="门岗", kind="door_duty")
    vol.make_task(
        title="巡查",
        kind="patrol",
        starts_at=tomorrow_at(8, days=3),
        ends_at=tomorrow_at(9, days=3),
    )
    client = api_login(county.volunteer)
    kinds = client.get(f"{API}/tasks/nearby?kind=patrol").json()["items"]
    assert [i["task"]["title"] for i in kinds] == ["巡查"]
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    days = client.get(f"{API}/tasks/nearby?day={day}").json()["items"]
    assert [i["task"]["title"] for i in days] == ["门岗"]
    assert client.get(f"{API}/tasks/nearby?day=bad").status_code == 422


def test_publish_task_and_series(vol, county, api_login):
    client = api_login(county.community)
    start = tomorrow_at(14)
    body = {
        "publisher": {"kind": "community", "community": county.community_a1.code},
        "title": "消杀",
        "kind": "disinfection",
        "location_kind": "grid",
        "region": county.grid_a1_2.code,
        "slots": 2,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "protection": "防护服",
    }
    response = api_post(client, f"{API}/tasks", body)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "open"
    first = timezone.localdate() + dt.timedelta(days=1)
    series = {k: v for k, v in body.items() if k not in ("starts_at", "ends_at")}
    series.update(
        title="夜间卡口",
        kind="checkpoint",
        first_day=first.isoformat(),
        last_day=(first + dt.timedelta(days=13)).isoformat(),
        start_time="20:00",
        end_time="08:00",
    )
    created = api_post(client, f"{API}/series", series)
    assert created.status_code == 201, created.content
    assert len(created.json()["tasks"]) == 14
    night = Task.objects.filter(title="夜间卡口").order_by("starts_at").first()
    assert timezone.localtime(night.ends_at).date() == first + dt.timedelta(days=1)


def test_publish_refuses_bad_input_with_field_errors(vol, county, api_login):
    client = api_login(county.community)
    body = {
        "publisher": {"kind": "community", "community": county.community_a1.code},
        "title": "",
        "kind": "nope",
        "location_kind": "grid",
        "region": county.community_a1.code,
        "slots": 2,
        "starts_at": tomorrow_at(12).isoformat(),
        "ends_at": tomorrow_at(11).isoformat(),
    }
    response = api_post(client, f"{API}/tasks", body)
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert {"title", "kind", "region"} <= set(fields)
    assert api_post(client, f"{API}/tasks", {"title": 1}).status_code == 422
    assert client.post(f"{API}/tasks", "not json", content_type="application/json").status_code in (
        400,
        422,
    )
    assert not Task.objects.exists()


def test_outsider_cannot_publish_for_another_community(vol, county, api_login):
    body = {
        "publisher": {"kind": "community", "community": county.community_a1.code},
        "title": "x",
        "kind": "other",
        "location_kind": "grid",
        "region": county.grid_a1_1.code,
        "slots": 1,
        "starts_at": tomorrow_at(8).isoformat(),
        "ends_at": tomorrow_at(9).isoformat(),
    }
    assert api_post(api_login(county.outsider), f"{API}/tasks", body).status_code == 404


def test_claim_full_waitlist_and_idempotent_replay(task, vol, county, api_login, client):
    volunteer = api_login(county.volunteer)
    key = str(uuid.uuid4())
    first = api_post(volunteer, f"{API}/tasks/{task.public_id}/claim", {}, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    replay = api_post(
        volunteer, f"{API}/tasks/{task.public_id}/claim", {}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert replay.status_code == 201 and replay["Idempotent-Replay"] == "true"
    again = api_post(volunteer, f"{API}/tasks/{task.public_id}/claim", {})
    assert again.status_code == 200 and again.json()["public_id"] == first.json()["public_id"]
    client.logout()
    resident = api_login(vol.resident_user)
    full = api_post(resident, f"{API}/tasks/{task.public_id}/claim", {})
    assert full.status_code == 409
    assert full.json()["code"] == "task_full" and "候补" in full.json()["message"]
    waiting = api_post(resident, f"{API}/tasks/{task.public_id}/claim", {"waitlist": True})
    assert waiting.status_code == 201 and waiting.json()["status"] == "waiting"
    assert Claim.objects.filter(task=task).count() == 2


def test_overlap_is_409(vol, county, api_login):
    a = vol.make_task()
    b = vol.make_task(title="重叠", starts_at=tomorrow_at(10), ends_at=tomorrow_at(13))
    client = api_login(county.volunteer)
    assert api_post(client, f"{API}/tasks/{a.public_id}/claim", {}).status_code == 201
    response = api_post(client, f"{API}/tasks/{b.public_id}/claim", {})
    assert response.status_code == 409 and response.json()["code"] == "overlap"


def test_offline_claim_roster_and_attendance(task, vol, county, api_login):
    staff = api_login(county.community)
    response = api_post(
        staff,
        f"{API}/tasks/{task.public_id}/claims",
        {"person": str(county.people["li"].public_id)},
    )
    assert response.status_code == 201, response.content
    claim_id = response.json()["public_id"]
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1))
    roster = staff.get(f"{API}/tasks/{task.public_id}/claims").json()
    assert roster["holding"][0]["no_show_pending"] is True
    confirmed = api_post(staff, f"{API}/claims/{claim_id}/attendance", {"hours": "1.5"})
    assert confirmed.status_code == 201 and confirmed.json()["points"] == 3
    twice = api_post(staff, f"{API}/claims/{claim_id}/attendance", {})
    assert twice.status_code == 409 and twice.json()["code"] == "confirmed"
    entry = Attendance.objects.get()
    fixed = api_post(
        staff,
        f"{API}/attendance/{entry.public_id}/correct",
        {"outcome": "attended", "hours": "2", "note": "补录漏记的半小时"},
    )
    assert fixed.status_code == 201 and fixed.json()["corrects"] == str(entry.public_id)


def test_offline_claim_by_a_viewer_is_403(task, county, api_login):
    response = api_post(
        api_login(county.gridworker),
        f"{API}/tasks/{task.public_id}/claims",
        {"person": str(county.people["li"].public_id)},
    )
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_scan_checks_in_and_a_second_scan_changes_nothing(task, vol, county, api_login):
    claim_create(actor=county.volunteer, task=task)
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2))
    client = api_login(county.volunteer)
    first = api_post(client, f"{API}/checkin", {"code": task.checkin_secret, "kind": "in"})
    assert first.status_code == 201
    again = api_post(
        client,
        f"{API}/checkin",
        {"code": f"https://x/volunteers/checkin/{task.checkin_secret}/", "kind": "in"},
    )
    assert again.status_code == 200 and again.json()["created"] is False
    early_out = api_post(
        client, f"{API}/checkin", {"code": "wrong-code-" + "x" * 20, "kind": "out"}
    )
    assert early_out.status_code == 404


def test_checkin_code_rotation_is_not_stored_for_replay(task, county, api_login):
    client = api_login(county.community)
    key = str(uuid.uuid4())
    response = api_post(
        client, f"{API}/tasks/{task.public_id}/checkin-code", {}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    again = api_post(
        client, f"{API}/tasks/{task.public_id}/checkin-code", {}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert again.status_code == 409


def test_patch_task_notifies_and_refuses_too_few_slots(task, vol, county, api_login):
    from bastion.access.models import Notification

    claim_create(actor=county.volunteer, task=task)
    client = api_login(county.community)
    bad = api_patch(client, f"{API}/tasks/{task.public_id}", {"slots": 0})
    assert bad.status_code == 422
    moved = api_patch(
        client,
        f"{API}/tasks/{task.public_id}",
        {
            "starts_at": tomorrow_at(9).isoformat(),
            "ends_at": tomorrow_at(13).isoformat(),
            "reason": "推迟",
        },
    )
    assert moved.status_code == 200, moved.content
    note = Notification.objects.get(recipient=county.volunteer)
    assert "时间改为" in note.body and "推迟" in note.body


def test_my_record_and_ranking(task, vol, county, api_login):
    claim_create(actor=county.volunteer, task=task)
    client = api_login(county.volunteer)
    record = client.get(f"{API}/me/record").json()
    assert record["upcoming"][0]["task_title"] == task.title
    assert client.get(f"{API}/ranking?community={county.community_a1.code}").status_code == 200
    assert (
        api_login(county.outsider)
        .get(f"{API}/ranking?community={county.community_a1.code}")
        .status_code
        == 404
    )


def test_claim_cancel_by_owner(task, county, api_login):
    claim = claim_create(actor=county.volunteer, task=task).claim
    client = api_login(county.volunteer)
    response = api_post(client, f"{API}/claims/{claim.public_id}/cancel", {"reason": "生病"})
    assert response.status_code == 200 and response.json()["status"] == ClaimStatus.CANCELLED


def test_kinds_and_rules_endpoints(vol, county, api_login):
    community = api_login(county.community)
    assert any(k["code"] == "checkpoint" for k in community.get(f"{API}/kinds").json())
    refused = api_post(community, f"{API}/kinds", {"code": "sewing", "name_zh": "缝制口罩"})
    assert refused.status_code == 403
    rules = community.get(f"{API}/rules/{county.community_a1.code}").json()
    assert rules["minutes_per_point"] == 30
    changed = community.put(
        f"{API}/rules/{county.community_a1.code}",
        data={
            **{
                k: rules[k]
                for k in (
                    "allow_residents",
                    "cancel_deadline_hours",
                    "points_per_unit",
                    "public_requests",
                )
            },
            "minutes_per_point": 60,
        },
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["minutes_per_point"] == 60
    assert (
        api_login(county.outsider).get(f"{API}/rules/{county.community_a1.code}").status_code == 404
    )


def test_county_command_adds_a_kind(vol, county, api_login):
    response = api_post(
        api_login(county.command), f"{API}/kinds", {"code": "sewing", "name_zh": "缝制口罩"}
    )
    assert response.status_code == 200 and response.json()["active"] is True


def test_residents_endpoints(vol, county, api_login):
    client = api_login(county.community)
    listed = items(client.get(f"{API}/residents"))
    assert [r["name"] for r in listed] == ["李**"]
    wang = county.people["wang"]
    created = api_post(
        client,
        f"{API}/residents",
        {"person": str(wang.public_id), "home_grid": county.grid_a1_2.code},
    )
    # 王小明 is a party member (party_tree): members serve through registration.
    assert created.status_code == 422
    assert items(api_login(county.outsider).get(f"{API}/residents")) == []
