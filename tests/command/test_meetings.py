"""Meetings record decisions; a decision becomes a directive with its text filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bastion.command.models import Directive, MeetingDecision
from bastion.command.services import meetings as service
from bastion.command.units import region_unit
from tests.command.conftest import NOW


def test_meeting_keeps_its_numbered_decisions_and_attendees(county, meeting):
    assert meeting.attendee_count == 3
    assert list(meeting.decisions.values_list("number", "text")) == [
        (1, "各镇街当天完成返乡人员排查"),
        (2, "加强卡口值守"),
    ]
    added = service.meeting_decision_add(
        actor=county.command, meeting=meeting, text="每日18时报送情况"
    )
    assert added.number == 3


def test_only_the_host_level_records_or_changes_it(county, meeting):
    with pytest.raises(PermissionDenied):
        service.meeting_record(
            actor=county.town,
            host=region_unit(county.county),
            kind="special_topic",
            title="x",
            held_at=NOW,
        )
    with pytest.raises(PermissionDenied):
        service.meeting_decision_add(actor=county.town, meeting=meeting, text="越权")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"title": ""}, "title"), ({"kind": "party"}, "kind"), ({"held_at": None}, "held_at")],
)
def test_meeting_input_is_validated(county, county_unit, change, field):
    values = {"kind": "video_dispatch", "title": "调度会", "held_at": NOW} | change
    with pytest.raises(ValidationError) as refused:
        service.meeting_record(actor=county.command, host=county_unit, **values)
    assert field in refused.value.message_dict


def test_update_is_audited(county, meeting):
    from bastion.core.models import AuditEntry

    service.meeting_update(
        actor=county.command,
        meeting=meeting,
        kind=meeting.kind,
        title="第5次视频调度会（更正）",
        held_at=meeting.held_at,
        summary=meeting.summary,
        attendees=meeting.attendees,
    )
    entry = AuditEntry.objects.filter(object_id=str(meeting.public_id), action="update").get()
    assert entry.changes["title"] == ["第5次视频调度会", "第5次视频调度会（更正）"]


def test_a_decision_becomes_a_prefilled_directive(county, meeting, login):
    decision = meeting.decisions.get(number=1)
    client = login(county.command)
    page = client.get(f"/command/directives/new/?decision={decision.public_id}").content.decode()
    assert "第5次视频调度会第1条决定" in page
    assert "各镇街当天完成返乡人员排查" in page
    assert "2026-03-06T18:00" in page
    response = client.post(
        "/command/directives/new/",
        {
            "decision": str(decision.public_id),
            "issuer": f"region:{county.county.code}",
            "title": "第5次视频调度会第1条决定",
            "content": decision.text,
            "priority": "urgent",
            "deadline": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "remind_hours": "12",
            "targets": [f"region:{county.town_a.code}"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    directive = Directive.objects.get()
    assert directive.decision == decision
    assert MeetingDecision.objects.get(pk=decision.pk).directives.get() == directive
    detail = client.get(f"/command/meetings/{meeting.public_id}/").content.decode()
    assert directive.title in detail


def test_decision_from_a_meeting_out_of_scope_is_404(county, meeting, login):
    decision = meeting.decisions.get(number=1)
    response = login(county.town).get(f"/command/directives/new/?decision={decision.public_id}")
    assert response.status_code == 404


def test_due_date_must_be_a_date(county, county_unit):
    with pytest.raises(ValidationError):
        service.meeting_record(
            actor=county.command,
            host=county_unit,
            kind="special_topic",
            title="专题会",
            held_at=NOW,
            decisions=[{"text": "x", "due_on": "tomorrow"}],
        )
    assert service.meeting_record(
        actor=county.command,
        host=county_unit,
        kind="special_topic",
        title="专题会",
        held_at=NOW,
        decisions=[{"text": "x", "due_on": dt.date(2026, 3, 9)}],
    ).decisions.get().due_on == dt.date(2026, 3, 9)
