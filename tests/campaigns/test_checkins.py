"""The venue check-in code (public page) and contact tracing (case reference, purpose,
audit, masked results, reveal under the reveal rules)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bastion.campaigns.models import CheckIn, TraceRequest
from bastion.campaigns.services.checkins import (
    checkin_record,
    checkins_purge,
    trace_request,
)
from bastion.core import crypto
from bastion.core.models import AuditEntry, IdempotencyRecord
from tests.mixins import api_post

API = "/api/v1/campaigns"


def _checkin_url(venue) -> str:
    return reverse("campaigns_public:checkin", args=[venue.checkin_code])


def test_visitor_checks_in_without_an_account(venue):
    client = Client()
    page = client.get(_checkin_url(venue))
    assert page.status_code == 200 and "星沙宾馆" in page.content.decode()
    response = client.post(_checkin_url(venue), {"name": "陈明", "phone": "139 0000 2222"})
    assert response.status_code == 200 and "登记成功" in response.content.decode()
    entry = CheckIn.objects.get()
    assert entry.phone_masked == "139****2222" and entry.name_masked == "陈*"
    assert (
        "13900002222" not in entry.phone_encrypted
        and crypto.decrypt(entry.phone_encrypted) == "13900002222"
    )
    assert entry.person is None


def test_a_visitor_on_the_registry_is_linked(county, venue):
    entry, created = checkin_record(venue=venue, name="张建国", phone="13812341234")
    assert created and entry.person == county.people["zhang"]
    again, created = checkin_record(venue=venue, name="张建国", phone="13812341234")
    assert not created and again.pk == entry.pk  # a second scan minutes later is the same visit


def test_same_phone_with_another_name_is_not_linked(county, venue):
    entry, _created = checkin_record(venue=venue, name="冒名", phone="13812341234")
    assert entry.person is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "phone": "13900002222"},
        {"name": "王五", "phone": "12345"},
        {"name": "王" * 40, "phone": "13900002222"},
    ],
)
def test_bad_checkin_input_is_a_422(venue, data):
    response = Client().post(_checkin_url(venue), data)
    assert response.status_code == 422
    assert not CheckIn.objects.exists()


def test_an_unknown_or_old_code_is_a_404(venue):
    assert Client().get(reverse("campaigns_public:checkin", args=["nope"])).status_code == 404
    assert Client().get(reverse("campaigns_public:checkin", args=["x" * 200])).status_code == 404


def test_checkin_page_is_rate_limited(venue, settings):
    settings.BASTION_CHECKIN_REQUESTS_PER_MINUTE = 3
    client = Client()
    codes = [client.get(_checkin_url(venue)).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_old_checkins_are_purged(venue):
    checkin_record(
        venue=venue, name="老记录", phone="13900003333", now=timezone.now() - dt.timedelta(days=40)
    )
    checkin_record(venue=venue, name="新记录", phone="13900004444")
    assert checkins_purge(days=28) == 1
    assert CheckIn.objects.count() == 1
    assert AuditEntry.objects.filter(action="delete", object_type="campaigns.checkin").exists()


# --- Tracing --------------------------------------------------------------------------


def _window():
    now = timezone.now()
    return now - dt.timedelta(hours=2), now


def test_contact_lookup_refuses_without_a_case_reference(county, venue):
    checkin_record(venue=venue, name="陈明", phone="13900002222")
    start, end = _window()
    with pytest.raises(ValidationError) as exc:
        trace_request(
            actor=county.town,
            venue=venue,
            window_start=start,
            window_end=end,
            case_ref="",
            purpose="密接排查",
        )
    assert "case_ref" in exc.value.message_dict
    assert not TraceRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="trace").exists()


def test_contact_lookup_with_a_case_writes_the_audit_entry(county, venue):
    checkin_record(venue=venue, name="陈明", phone="13900002222")
    start, end = _window()
    trace = trace_request(
        actor=county.town,
        venue=venue,
        window_start=start,
        window_end=end,
        case_ref="XS-2020-017",
        purpose="确诊病例密接排查",
    )
    assert trace.result_count == 1
    entry = AuditEntry.objects.get(action="trace")
    assert entry.actor == county.town and entry.object_id == str(trace.public_id)
    assert entry.reason == "确诊病例密接排查" and entry.changes["case_ref"] == [None, "XS-2020-017"]
    assert entry.path == venue.path


def test_contact_lookup_needs_the_trace_permission(county, venue):
    start, end = _window()
    with pytest.raises(PermissionDenied):
        trace_request(
            actor=county.gridworker,
            venue=venue,
            window_start=start,
            window_end=end,
            case_ref="C-1",
            purpose="密接排查",
        )
    with pytest.raises(PermissionDenied):
        trace_request(
            actor=county.community,
            venue=venue,
            window_start=start,
            window_end=end,
            case_ref="C-1",
            purpose="密接排查",
        )


@pytest.mark.parametrize(
    ("delta_start", "delta_end", "field"),
    [(0, -1, "window_end"), (-20 * 24, 0, "window_end"), (48, 50, "window_start")],
)
def test_bad_trace_windows_are_refused(county, venue, delta_start, delta_end, field):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        trace_request(
            actor=county.town,
            venue=venue,
            window_start=now + dt.timedelta(hours=delta_start),
            window_end=now + dt.timedelta(hours=delta_end),
            case_ref="C-1",
            purpose="密接排查",
        )
    assert field in exc.value.message_dict


def test_trace_api_refuses_without_case_ref_and_returns_masked_results(county, venue, api_login):
    checkin_record(venue=venue, name="陈明", phone="13900002222")
    client = api_login(county.town)
    start, end = _window()
    body = {"window_start": start.isoformat(), "window_end": end.isoformat(), "purpose": "密接排查"}
    refused = api_post(client, f"{API}/venues/{venue.public_id}/traces", body)
    assert refused.status_code == 422 and "case_ref" in refused.json()["fields"]
    created = api_post(
        client, f"{API}/venues/{venue.public_id}/traces", {**body, "case_ref": "XS-17"}
    )
    assert created.status_code == 201, created.content
    rows = client.get(f"{API}/traces/{created.json()['public_id']}/checkins").json()["items"]
    assert rows[0]["phone_masked"] == "139****2222" and "13900002222" not in str(rows)


def test_outsider_and_grid_worker_cannot_trace(county, venue, api_login, client):
    start, end = _window()
    body = {
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "case_ref": "C-9",
        "purpose": "密接排查",
    }
    assert (
        api_post(
            api_login(county.outsider), f"{API}/venues/{venue.public_id}/traces", body
        ).status_code
        == 404
    )
    client.logout()
    assert (
        api_post(
            api_login(county.gridworker), f"{API}/venues/{venue.public_id}/traces", body
        ).status_code
        == 403
    )
    assert not TraceRequest.objects.exists()


def test_reveal_needs_a_reason_is_audited_and_never_replayed(county, venue, api_login):
    checkin = checkin_record(venue=venue, name="陈明", phone="13900002222")[0]
    start, end = _window()
    trace = trace_request(
        actor=county.town,
        venue=venue,
        window_start=start,
        window_end=end,
        case_ref="XS-17",
        purpose="密接排查",
    )
    client = api_login(county.town)
    url = f"{API}/traces/{trace.public_id}/checkins/{checkin.public_id}/reveal"
    assert api_post(client, url, {"field": "phone", "reason": ""}).status_code == 422
    key = str(uuid.uuid4())
    first = api_post(
        client, url, {"field": "phone", "reason": "电话通知隔离"}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == 200 and first.json()["value"] == "13900002222"
    assert first["Cache-Control"] == "no-store"
    assert b"13900002222" not in bytes(IdempotencyRecord.objects.get(key=key).response_body)
    again = api_post(
        client, url, {"field": "phone", "reason": "电话通知隔离"}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert again.status_code == 409
    entry = AuditEntry.objects.get(action="reveal", object_id=str(checkin.public_id))
    assert entry.reason == "电话通知隔离" and entry.changes["case_ref"] == "XS-17"


def test_someone_elses_trace_is_a_404(county, venue, api_login):
    from tests.conftest import make_user

    checkin = checkin_record(venue=venue, name="陈明", phone="13900002222")[0]
    start, end = _window()
    trace = trace_request(
        actor=county.town,
        venue=venue,
        window_start=start,
        window_end=end,
        case_ref="XS-17",
        purpose="密接排查",
    )
    colleague = make_user("town2", "town_officer", county.town_a)
    client = api_login(colleague)
    assert client.get(f"{API}/traces/{trace.public_id}").status_code == 404
    url = f"{API}/traces/{trace.public_id}/checkins/{checkin.public_id}/reveal"
    assert api_post(client, url, {"field": "phone", "reason": "我也想看"}).status_code == 404


def test_trace_pages_show_masked_rows_and_reveal_on_the_page(county, venue, login):
    checkin = checkin_record(venue=venue, name="陈明", phone="13900002222")[0]
    client = login(county.town)
    url = reverse("campaigns:trace_new", args=[venue.public_id])
    local = timezone.localtime()
    window = {
        "window_start": (local - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "window_end": (local + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        "purpose": "密接排查",
    }
    form = client.post(url, {**window, "case_ref": ""})
    assert form.status_code == 422 and "必须填写病例或事件编号" in form.content.decode()
    done = client.post(url, {**window, "case_ref": "XS-18"})
    assert done.status_code == 302
    page = client.get(done.url).content.decode()
    assert "陈*" in page and "139****2222" in page and "13900002222" not in page
    trace = TraceRequest.objects.get()
    revealed = client.post(
        reverse("campaigns:trace_reveal", args=[trace.public_id, checkin.public_id]),
        {"field": "phone", "reason": "通知隔离"},
        HTTP_HX_REQUEST="true",
    )
    assert revealed.status_code == 200 and "13900002222" in revealed.content.decode()
    assert revealed["Cache-Control"] == "no-store"
