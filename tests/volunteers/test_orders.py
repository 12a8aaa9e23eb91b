"""Resident service orders: 点单 (staff, public page, monitoring's home services), 派单,
接单, done, 评单 (single use, no login); the two apps stay in step."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bastion.access.models import Notification
from bastion.monitoring.models import ServiceStatus
from bastion.monitoring.services.homeservice import (
    service_request_create,
    service_request_set_status,
)
from bastion.volunteers.models import OrderSource, OrderStatus, ServiceOrder
from bastion.volunteers.services.config import rules_save
from bastion.volunteers.services.orders import (
    order_accept,
    order_cancel,
    order_create,
    order_dispatch,
    order_done,
    order_rate,
    order_rating_link_issue,
    order_release,
)
from tests.monitoring.conftest import monitoring_users, observation, police, policy  # noqa: F401


@pytest.fixture
def order(vol, county):
    return order_create(
        actor=county.community,
        community=county.community_a1,
        kind="groceries",
        detail="大米10斤、鸡蛋一板",
        requester_name="孙奶奶",
        requester_phone="13911112222",
        address="松雅小区3栋502",
        region=county.grid_a1_2,
    )


def test_staff_order_dispatched_done_and_rated_once(order, vol, county):
    assert order.status == OrderStatus.OPEN and order.requester_phone_masked == "139****2222"
    order_dispatch(actor=county.community, order=order, person=county.people["li"])
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED and order.volunteer_user == vol.resident_user
    assert Notification.objects.filter(recipient=vol.resident_user, title__contains="派单").exists()
    order_done(actor=vol.resident_user, order=order, note="已送到门口")
    token = order_rating_link_issue(actor=county.community, order=order)
    rated = order_rate(order=order, rating=5, comment="谢谢")
    assert rated.rating == 5 and rated.rating_token_hash == ""
    with pytest.raises(ValidationError) as excinfo:
        order_rate(order=rated, rating=1)
    assert excinfo.value.code == "rated"
    assert token


def test_volunteer_accepts_from_the_list_first_one_wins(order, vol, county):
    order_accept(actor=county.volunteer, order=order)
    with pytest.raises(ValidationError) as excinfo:
        order_accept(actor=vol.resident_user, order=order)
    assert excinfo.value.code == "order_taken"


def test_volunteer_of_another_community_cannot_accept(order, vol, county):
    from bastion.access.roles import Role
    from tests.conftest import make_user

    stranger = make_user("stranger_v", Role.VOLUNTEER, county.community_b1)
    with pytest.raises(ValidationError):
        order_accept(actor=stranger, order=order)


def test_released_order_is_open_again_and_staff_are_told(order, vol, county):
    order_accept(actor=vol.resident_user, order=order)
    Notification.objects.all().delete()
    order_release(actor=vol.resident_user, order=order, reason="临时有事")
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and order.volunteer is None
    assert Notification.objects.filter(recipient=county.community).exists()


def test_only_the_assignee_or_staff_mark_done(order, vol, county):
    order_accept(actor=vol.resident_user, order=order)
    with pytest.raises(Http404):
        order_done(actor=county.volunteer, order=order)


def test_rating_before_done_is_refused(order, county):
    order_rating_link_issue(actor=county.community, order=order)
    with pytest.raises(ValidationError) as excinfo:
        order_rate(order=order, rating=4)
    assert excinfo.value.code == "not_done"


def test_outsider_cannot_create_or_cancel(order, county):
    with pytest.raises(Http404):
        order_create(
            actor=county.outsider,
            community=county.community_a1,
            kind="errand",
            detail="取快递",
            requester_name="某人",
        )
    with pytest.raises(Http404):
        order_cancel(actor=county.outsider, order=order, reason="x")


def test_order_needs_a_name_and_a_need(vol, county):
    with pytest.raises(ValidationError) as excinfo:
        order_create(
            actor=county.community,
            community=county.community_a1,
            kind="fly",
            detail="",
            requester_name="",
            requester_phone="123",
        )
    assert {"kind", "detail", "requester_name", "requester_phone"} <= set(
        excinfo.value.message_dict
    )


# --- Monitoring's home services ------------------------------------------------------------------


def test_home_service_request_arrives_as_an_order(vol, county, observation):  # noqa: F811
    request = service_request_create(
        actor=county.gridworker, observation=observation, kind="medicine", detail="降压药"
    )
    order = ServiceOrder.objects.get(home_service_ref=request.public_id)
    assert order.source == OrderSource.HOME_SERVICE and order.kind == "medicine"
    assert order.community == county.community_a1 and order.person == county.people["zhang"]
    assert Notification.objects.filter(
        recipient=county.community, title__contains="居民服务需求"
    ).exists()


def test_doctor_visits_stay_with_the_team(vol, county, observation):  # noqa: F811
    service_request_create(actor=county.gridworker, observation=observation, kind="doctor")
    assert not ServiceOrder.objects.exists()


def test_order_done_in_volunteers_marks_the_request_done(vol, county, observation):  # noqa: F811
    request = service_request_create(
        actor=county.gridworker, observation=observation, kind="groceries", detail="蔬菜"
    )
    order = ServiceOrder.objects.get(home_service_ref=request.public_id)
    order_accept(actor=vol.resident_user, order=order)
    order_done(actor=vol.resident_user, order=order, note="已放门口")
    request.refresh_from_db()
    assert request.status == ServiceStatus.DONE and "已放门口" in request.status_note


def test_request_cancelled_in_monitoring_cancels_the_order(vol, county, observation):  # noqa: F811
    request = service_request_create(
        actor=county.gridworker, observation=observation, kind="groceries"
    )
    service_request_set_status(actor=county.gridworker, request=request, status="cancelled")
    order = ServiceOrder.objects.get(home_service_ref=request.public_id)
    assert order.status == OrderStatus.CANCELLED


def test_request_done_by_the_team_closes_the_order(vol, county, observation, police):  # noqa: F811
    from bastion.monitoring.services.homeservice import service_request_assign

    request = service_request_create(actor=county.gridworker, observation=observation, kind="other")
    service_request_assign(actor=county.gridworker, request=request, user=police)
    service_request_set_status(actor=police, request=request, status="done")
    assert ServiceOrder.objects.get(home_service_ref=request.public_id).status == OrderStatus.DONE


# --- Public request and rating pages ---------------------------------------------------------------


def test_public_request_page_creates_an_order_and_gives_a_rating_link(vol, county, client):
    url = reverse("volunteers_public:request", args=[county.community_a1.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "medicine",
            "detail": "胰岛素一盒",
            "requester_name": "周先生",
            "requester_phone": "13800138000",
            "address": "松雅小区5栋101",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "/public/volunteers/rate/" in body
    order = ServiceOrder.objects.get()
    assert order.source == OrderSource.PUBLIC and order.requester_phone_masked == "138****8000"
    assert "13800138000" not in order.requester_phone_encrypted


def test_public_request_page_rejects_bad_input_without_500(vol, county, client):
    url = reverse("volunteers_public:request", args=[county.community_a1.public_id])
    response = client.post(url, {"kind": "x", "requester_phone": "abc", "detail": "\x00"})
    assert response.status_code == 422
    assert not ServiceOrder.objects.exists()


def test_public_request_page_is_off_when_the_community_says_so(vol, county, client):
    rules_save(
        actor=None,
        region=county.community_a1,
        allow_residents=True,
        cancel_deadline_hours=2,
        minutes_per_point=30,
        points_per_unit=1,
        public_requests=False,
    )
    url = reverse("volunteers_public:request", args=[county.community_a1.public_id])
    assert client.get(url).status_code == 404
    grid = reverse("volunteers_public:request", args=[county.grid_a1_1.public_id])
    assert client.get(grid).status_code == 404


def test_public_request_page_is_rate_limited(vol, county, client, settings):
    from bastion.volunteers.views import public

    url = reverse("volunteers_public:request", args=[county.community_a1.public_id])
    data = {
        "kind": "errand",
        "detail": "取快递",
        "requester_name": "吴",
        "requester_phone": "13800138001",
        "address": "1栋",
    }
    codes = [client.post(url, data).status_code for _ in range(public.REQUESTS_PER_HOUR + 1)]
    assert codes[-1] == 429 and codes[0] == 200
    assert ServiceOrder.objects.count() == public.REQUESTS_PER_HOUR


def test_rating_page_is_single_use(order, vol, county, client):
    order_dispatch(actor=county.community, order=order, person=county.people["li"])
    order.refresh_from_db()
    token = order_rating_link_issue(actor=county.community, order=order)
    url = reverse("volunteers_public:rate", args=[token])
    assert "服务完成后才能评价" in client.get(url).content.decode()
    order_done(actor=county.community, order=order)
    assert client.post(url, {"rating": "9"}).status_code == 422
    assert client.post(url, {"rating": "4", "comment": "很及时"}).status_code == 200
    order.refresh_from_db()
    assert order.rating == 4
    assert client.get(url).status_code == 404
    assert client.get(reverse("volunteers_public:rate", args=["x" * 43])).status_code == 404


def test_order_pages_for_staff_volunteer_and_outsider(order, vol, county, login, client):
    detail = reverse("volunteers:order_detail", args=[order.public_id])
    staff = login(county.community).get(detail).content.decode()
    assert "13911112222" not in staff and "139****2222" in staff and "派单" in staff
    client.logout()
    volunteer = login(vol.resident_user).get(detail).content.decode()
    assert "13911112222" not in volunteer and "我来接单" in volunteer and "孙**" in volunteer
    client.logout()
    assert login(county.outsider).get(detail).status_code == 404


def test_the_requesters_phone_is_shown_in_clear_only_to_the_assignee_and_audited(
    order, vol, county, login
):
    from bastion.core.models import AuditEntry

    url = reverse("volunteers:order_detail", args=[order.public_id])
    staff_page = login(county.community).get(url).content.decode()
    assert "13911112222" not in staff_page and "139****2222" in staff_page
    assert not AuditEntry.objects.filter(action="reveal", object_id=str(order.public_id)).exists()

    order_dispatch(actor=county.community, order=order, person=county.people["li"])
    assignee_page = login(vol.resident_user).get(url).content.decode()
    assert "13911112222" in assignee_page
    entry = AuditEntry.objects.get(action="reveal", object_id=str(order.public_id))
    assert entry.actor_id == vol.resident_user.pk and entry.changes == {"field": "requester_phone"}
