"""Home-service requests: lifecycle, rules, notifications, pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bastion.access.models import Notification
from bastion.core.models import AuditEntry
from bastion.monitoring.models import ServiceStatus
from bastion.monitoring.services.homeservice import (
    service_request_assign,
    service_request_create,
    service_request_set_status,
)


@pytest.fixture
def request_(observation, county):
    return service_request_create(
        actor=county.gridworker, observation=observation, kind="groceries", detail="大米 10 斤"
    )


def test_lifecycle_open_assigned_in_progress_done(request_, county, doctor, police):
    assert request_.status == ServiceStatus.OPEN
    Notification.objects.all().delete()
    service_request_assign(actor=county.gridworker, request=request_, user=police)
    assert request_.status == ServiceStatus.ASSIGNED
    assert Notification.objects.filter(recipient=police).count() == 1
    service_request_set_status(actor=police, request=request_, status="in_progress", note="已出发")
    service_request_set_status(actor=doctor, request=request_, status="done", note="已送达")
    request_.refresh_from_db()
    assert request_.status == ServiceStatus.DONE and request_.done_at is not None
    assert Notification.objects.filter(recipient=police).count() == 2  # done told by doctor
    changes = AuditEntry.objects.filter(object_id=str(request_.public_id))
    assert changes.count() == 4  # create, assign, in progress, done


def test_finished_request_cannot_move(request_, county, police):
    service_request_set_status(actor=county.gridworker, request=request_, status="cancelled")
    with pytest.raises(ValidationError):
        service_request_set_status(actor=county.gridworker, request=request_, status="done")
    with pytest.raises(ValidationError):
        service_request_assign(actor=county.gridworker, request=request_, user=police)


def test_in_progress_needs_an_assignee(request_, county):
    with pytest.raises(ValidationError):
        service_request_set_status(actor=county.gridworker, request=request_, status="in_progress")


def test_assignee_must_be_on_the_team(request_, county):
    with pytest.raises(ValidationError):
        service_request_assign(actor=county.gridworker, request=request_, user=county.community)


def test_self_report_request_has_no_actor(observation):
    created = service_request_create(
        actor=None, observation=observation, kind="medicine", from_self_report=True
    )
    assert created.from_self_report and created.requested_by is None


def test_outsider_cannot_create(observation, county):
    with pytest.raises(Http404):
        service_request_create(actor=county.outsider, observation=observation, kind="other")


def test_service_pages(request_, observation, county, police, login, django_assert_max_num_queries):
    client = login(county.gridworker)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("monitoring:service_list"))
    body = response.content.decode()
    assert response.status_code == 200 and "张**" in body and "张建国" not in body
    url = reverse("monitoring:service_assign", args=[request_.public_id])
    assert client.post(url, {"user": str(police.public_id)}).status_code == 302
    url = reverse("monitoring:service_status", args=[request_.public_id])
    client.post(url, {"status": "in_progress", "note": "处理中"})
    request_.refresh_from_db()
    assert request_.assigned_to == police and request_.status == ServiceStatus.IN_PROGRESS
    url = reverse("monitoring:service_create", args=[observation.public_id])
    assert client.post(url, {"kind": "doctor", "detail": "头痛"}).status_code == 302
    assert observation.services.count() == 2


def test_outsider_gets_404_for_services(request_, observation, county, login):
    client = login(county.outsider)
    for name, public_id in [
        ("service_assign", request_.public_id),
        ("service_status", request_.public_id),
        ("service_create", observation.public_id),
    ]:
        url = reverse(f"monitoring:{name}", args=[public_id])
        assert client.post(url, {"status": "done", "kind": "other"}).status_code == 404
    body = client.get(reverse("monitoring:service_list")).content.decode()
    assert str(request_.public_id) not in body


@pytest.mark.parametrize("chosen", ["not-a-uuid", "", "outsider"])
def test_assigning_someone_outside_the_team_is_refused(request_, county, login, chosen):
    client = login(county.gridworker)
    value = str(county.outsider.public_id) if chosen == "outsider" else chosen
    url = reverse("monitoring:service_assign", args=[request_.public_id])
    response = client.post(url, {"user": value}, follow=True)
    assert "请选择责任组成员" in response.content.decode()
    request_.refresh_from_db()
    assert request_.assigned_to is None


def test_a_refused_status_change_is_flashed_not_saved(request_, county, login):
    client = login(county.gridworker)
    url = reverse("monitoring:service_status", args=[request_.public_id])
    response = client.post(url, {"status": "no-such-status"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("monitoring:service_list")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    request_.refresh_from_db()
    assert request_.status == ServiceStatus.OPEN
