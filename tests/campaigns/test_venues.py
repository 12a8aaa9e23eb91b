"""Venues, inspections with checklists, commitment letters, kinds, QR codes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bastion.campaigns.models import Commitment, Inspection
from bastion.campaigns.selectors.venues import venue_list
from bastion.campaigns.services.venues import (
    commitment_record,
    commitment_withdraw,
    inspection_record,
    venue_create,
    venue_kind_save,
)
from bastion.core.models import AuditEntry
from tests.campaigns.conftest import png_bytes
from tests.mixins import api_post

API = "/api/v1/campaigns"


def test_venue_contact_phone_is_stored_encrypted_and_shown_masked(county, venue, login):
    assert venue.contact_phone_masked == "137****5678"
    assert "13712345678" not in venue.contact_phone_encrypted
    page = (
        login(county.community)
        .get(reverse("campaigns:venue", args=[venue.public_id]))
        .content.decode()
    )
    assert "137****5678" in page and "13712345678" not in page


def test_revealing_the_venue_phone_needs_a_reason_and_is_audited(county, venue, login):
    client = login(county.community)
    url = reverse("campaigns:venue_contact", args=[venue.public_id])
    assert client.post(url, {"reason": ""}).status_code == 422
    response = client.post(url, {"reason": "通知整改"})
    assert response.status_code == 200 and "13712345678" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="reveal", object_id=str(venue.public_id))
    assert entry.reason == "通知整改" and "13712345678" not in str(entry.changes)


def test_inspection_keeps_the_checklist_as_it_was_asked(county, venue, kinds):
    inspection, _w = inspection_record(
        actor=county.gridworker, venue=venue, result="compliant", passed_items=["住客实名登记"]
    )
    venue_kind_save(
        actor=county.command, kind=kinds["hotel"], name_zh="酒店宾馆", checklist=["新检查项"]
    )
    inspection.refresh_from_db()
    assert inspection.checklist[0] == {"item": "住客实名登记", "ok": True}
    assert any(row["ok"] is False for row in inspection.checklist)
    assert "新检查项" not in [row["item"] for row in inspection.checklist]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"result": "rectify"}, "rectify_by"),
        ({"result": "rectify", "rectify_by": dt.date(2000, 1, 1)}, "rectify_by"),
        ({"result": "compliant", "rectify_by": dt.date(2099, 1, 1)}, "rectify_by"),
        ({"result": "great"}, "result"),
        ({"result": "compliant", "passed_items": ["不存在的项"]}, "passed_items"),
        (
            {"result": "compliant", "inspected_at": timezone.now() + dt.timedelta(days=1)},
            "inspected_at",
        ),
    ],
)
def test_bad_inspections_are_refused(county, venue, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=county.gridworker, venue=venue, **kwargs)
    assert field in exc.value.message_dict
    assert not Inspection.objects.exists()


def test_reinspection_follows_the_first_and_the_venue_shows_the_latest(county, venue):
    first, _w = inspection_record(
        actor=county.gridworker,
        venue=venue,
        result="rectify",
        rectify_by=timezone.localdate() + dt.timedelta(days=3),
    )
    row = venue_list(user=county.community, status="rectify").get()
    assert row.last_result == "rectify"
    inspection_record(actor=county.gridworker, venue=venue, result="compliant", follows=first)
    assert venue_list(user=county.community, status="compliant").get().pk == venue.pk
    assert not venue_list(user=county.community, status="rectify").exists()


def test_overdue_rectification_is_listed(county, venue):
    inspection_record(
        actor=county.gridworker,
        venue=venue,
        result="rectify",
        rectify_by=timezone.localdate() - dt.timedelta(days=1),
        now=timezone.now() - dt.timedelta(days=3),
        inspected_at=timezone.now() - dt.timedelta(days=3),
    )
    assert list(venue_list(user=county.command, status="overdue")) == [venue]


def test_inspection_page_takes_photos_and_refuses_bad_ones(county, venue, login):
    client = login(county.gridworker)
    url = reverse("campaigns:inspection_new", args=[venue.public_id])
    bad = io.BytesIO(b"MZ\x90\x00 an executable")
    bad.name = "photo.jpg"
    response = client.post(url, {"result": "compliant", "photos": [bad]})
    assert response.status_code == 422 and not Inspection.objects.exists()
    response = client.post(
        url, {"result": "compliant", "passed_items": ["住客实名登记"], "photos": [png_bytes()]}
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    photo = inspection.photos.get()
    served = client.get(
        reverse("campaigns:inspection_photo", args=[inspection.public_id, photo.public_id])
    )
    assert served.status_code == 200


def test_commitment_letter_with_a_scan_and_its_status_on_the_venue_page(county, venue, login):
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    pdf.name = "letter.pdf"
    letter = commitment_record(
        actor=county.gridworker,
        venue=venue,
        signed_by="刘老板",
        signed_on=timezone.localdate(),
        scan=pdf,
    )
    client = login(county.community)
    page = client.get(reverse("campaigns:venue", args=[venue.public_id])).content.decode()
    assert "已签" in page and "刘老板" in page
    scan = client.get(reverse("campaigns:commitment_scan", args=[letter.public_id]))
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"
    with pytest.raises(PermissionDenied):
        commitment_withdraw(actor=county.gridworker, commitment=letter, reason="签错了场所")
    commitment_withdraw(actor=county.community, commitment=letter, reason="签错了场所")
    page = client.get(reverse("campaigns:venue", args=[venue.public_id])).content.decode()
    assert "未签" in page


def test_commitment_refuses_a_future_date_and_a_bad_scan(county, venue):
    with pytest.raises(ValidationError):
        commitment_record(
            actor=county.gridworker,
            venue=venue,
            signed_by="刘",
            signed_on=timezone.localdate() + dt.timedelta(days=2),
        )
    text = io.BytesIO(b"hello")
    text.name = "a.pdf"
    with pytest.raises(ValidationError):
        commitment_record(
            actor=county.gridworker,
            venue=venue,
            signed_by="刘",
            signed_on=timezone.localdate(),
            scan=text,
        )
    assert not Commitment.objects.exists()


def test_commitment_api_takes_multipart(county, venue, api_login):
    client = api_login(county.gridworker)
    response = client.post(
        f"{API}/venues/{venue.public_id}/commitments",
        {"signed_by": "刘老板", "signed_on": "2020-02-01", "scan": png_bytes()},
    )
    assert response.status_code == 201, response.content
    assert response.json()["has_scan"] is True


def test_outsider_gets_404_for_the_venue_everywhere(county, venue, login):
    client = login(county.outsider)
    for name in ("venue", "venue_qr", "inspection_new", "commitment_new", "trace_new"):
        assert (
            client.get(reverse(f"campaigns:{name}", args=[venue.public_id])).status_code == 404
        ), name
    assert (
        client.post(
            reverse("campaigns:venue_contact", args=[venue.public_id]), {"reason": "想看看"}
        ).status_code
        == 404
    )


def test_grid_worker_cannot_register_a_venue(county, kinds):
    with pytest.raises(PermissionDenied):
        venue_create(
            actor=county.gridworker, kind=kinds["ktv"], name="星沙KTV", region=county.grid_a1_1
        )


def test_duplicate_venue_name_in_a_grid_is_refused(county, venue, kinds):
    with pytest.raises(ValidationError):
        venue_create(
            actor=county.community, kind=kinds["hotel"], name="星沙宾馆", region=county.grid_a1_1
        )


def test_only_the_county_edits_venue_kinds(county, kinds, api_login):
    body = {"code": "bathhouse", "name_zh": "洗浴中心", "checklist": ["暂停营业", "消毒"]}
    assert api_post(api_login(county.town), f"{API}/venue-kinds", body).status_code == 403
    response = api_post(api_login(county.command), f"{API}/venue-kinds", body)
    assert response.status_code == 201 and response.json()["checklist"] == ["暂停营业", "消毒"]


def test_qr_poster_carries_the_checkin_link_and_reissue_kills_the_old_code(
    county, venue, login, client
):
    staff = login(county.community)
    page = staff.get(reverse("campaigns:venue_qr", args=[venue.public_id])).content.decode()
    old = reverse("campaigns_public:checkin", args=[venue.checkin_code])
    assert "<svg" in page and old in page
    staff.post(reverse("campaigns:venue_qr_reissue", args=[venue.public_id]))
    staff.logout()
    assert Client().get(old).status_code == 404


def test_venue_list_query_count_is_pinned(
    county, venue, kinds, login, django_assert_max_num_queries
):
    for n in range(5):
        venue_create(
            actor=county.community,
            kind=kinds["mahjong"],
            name=f"棋牌室{n}",
            region=county.grid_a1_2,
        )
    client = login(county.community)
    client.get(reverse("campaigns:venues"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("campaigns:venues"))
    assert response.content.decode().count("棋牌室") >= 5
