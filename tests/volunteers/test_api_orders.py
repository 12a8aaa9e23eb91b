"""Service orders and configuration through the API; malformed bodies never give a 500."""

from __future__ import annotations

import json

import pytest

from bastion.volunteers.models import OrderStatus, ServiceOrder
from tests.mixins import MISSING_UUID, api_post, items
from tests.volunteers.conftest import tomorrow_at

API = "/api/v1/volunteers"


@pytest.fixture
def order_id(vol, county, api_login, client):
    response = api_post(
        api_login(county.community),
        f"{API}/orders",
        {
            "community": county.community_a1.code,
            "kind": "groceries",
            "detail": "大米10斤",
            "requester_name": "孙奶奶",
            "requester_phone": "13911112222",
            "address": "3栋502",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requester_name"] == "孙**" and body["requester_phone_masked"] == "139****2222"
    client.logout()
    return body["public_id"]


def test_order_list_is_scoped_and_pinned(
    order_id, county, api_login, django_assert_max_num_queries
):
    client = api_login(county.community)
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/orders")
    assert [o["public_id"] for o in items(response)] == [order_id]
    assert items(api_login(county.outsider).get(f"{API}/orders")) == []


def test_volunteer_accepts_first_and_the_second_gets_409(order_id, vol, county, api_login, client):
    first = api_post(api_login(county.volunteer), f"{API}/orders/{order_id}/accept", {})
    assert first.status_code == 200 and first.json()["status"] == OrderStatus.ASSIGNED
    client.logout()
    second = api_post(api_login(vol.resident_user), f"{API}/orders/{order_id}/accept", {})
    assert second.status_code == 409 and second.json()["code"] == "order_taken"


def test_dispatch_done_and_rating_link(order_id, vol, county, api_login):
    staff = api_login(county.community)
    dispatched = api_post(
        staff, f"{API}/orders/{order_id}/dispatch", {"person": str(county.people["li"].public_id)}
    )
    assert dispatched.status_code == 200 and dispatched.json()["volunteer_name"] == "李**"
    done = api_post(staff, f"{API}/orders/{order_id}/done", {"note": "已送达"})
    assert done.json()["status"] == OrderStatus.DONE
    link = api_post(staff, f"{API}/orders/{order_id}/rating-link", {})
    assert link.status_code == 200 and "/public/volunteers/rate/" in link.json()["rating_url"]
    assert link["Cache-Control"] == "no-store"


def test_outsider_gets_404_on_orders(order_id, county, api_login):
    client = api_login(county.outsider)
    assert client.get(f"{API}/orders/{order_id}").status_code == 404
    assert api_post(client, f"{API}/orders/{order_id}/accept", {}).status_code == 404
    assert api_post(client, f"{API}/orders/{order_id}/cancel", {"reason": "x"}).status_code == 404
    assert client.get(f"{API}/orders/{MISSING_UUID}").status_code == 404


def test_viewer_may_not_cancel_or_dispatch(order_id, county, api_login):
    client = api_login(county.auditor)
    assert client.get(f"{API}/orders/{order_id}").status_code == 200
    assert api_post(client, f"{API}/orders/{order_id}/cancel", {"reason": "x"}).status_code == 403
    response = api_post(
        client, f"{API}/orders/{order_id}/dispatch", {"person": str(county.people["li"].public_id)}
    )
    assert response.status_code == 403
    assert ServiceOrder.objects.get().status == OrderStatus.OPEN


BAD_VALUES = [None, 1, [], {}, "x" * 20_000, "\x00", "🙂" * 50, True]


@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_malformed_bodies_get_json_errors(vol, county, api_login, value):
    task = vol.make_task()
    client = api_login(county.community)
    publisher = {"kind": "community", "community": county.community_a1.code}
    task_body = {
        "publisher": publisher,
        "title": value,
        "kind": "other",
        "location_kind": "grid",
        "region": county.grid_a1_1.code,
        "slots": 1,
        "starts_at": tomorrow_at(8).isoformat(),
        "ends_at": tomorrow_at(9).isoformat(),
    }
    targets = [
        ("post", f"{API}/tasks", task_body),
        ("post", f"{API}/tasks", {**task_body, "title": "x", "publisher": value}),
        ("post", f"{API}/tasks", {**task_body, "title": "x", "region": value, "skills": value}),
        ("patch", f"{API}/tasks/{task.public_id}", {"slots": value, "contact_phone": value}),
        ("post", f"{API}/tasks/{task.public_id}/claim", {"waitlist": value}),
        ("post", f"{API}/tasks/{task.public_id}/claims", {"person": value}),
        ("post", f"{API}/tasks/{task.public_id}/cancel", {"reason": value}),
        ("post", f"{API}/checkin", {"code": value, "kind": "in"}),
        (
            "post",
            f"{API}/orders",
            {"community": value, "kind": "errand", "detail": value, "requester_name": "x"},
        ),  # fmt: skip
        ("post", f"{API}/kinds", {"code": value, "name_zh": value}),
        ("post", f"{API}/residents", {"person": value, "home_grid": value}),
    ]
    for method, url, body in targets:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (url, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), url


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/tasks/not-a-uuid",
        f"{API}/tasks?day=2020-13-01",
        f"{API}/tasks?page=abc",
        f"{API}/tasks/nearby?page=abc",
        f"{API}/orders?status=flying",
        f"{API}/rules/%F0%9F%99%82",
        f"{API}/ranking",
        f"{API}/series/{MISSING_UUID}",
    ],
)
def test_malformed_paths_and_queries_get_json_errors(vol, county, api_login, url):
    response = api_login(county.community).get(url)
    assert 400 <= response.status_code < 500, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
