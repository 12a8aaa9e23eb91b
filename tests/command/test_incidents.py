"""Incidents from report to closure: the receiving level by grade, each step by the right
person, the refused steps, extensions, and a complete append-only log."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bastion.access.models import Notification
from bastion.command.models import Incident, IncidentLogEntry, IncidentStatus
from bastion.command.services import incident_report
from bastion.command.services import incidents as service
from tests.command.conftest import NOW


def _dispatch(county, incident, hours=24):
    service.incident_register(actor=county.community, incident=incident, now=NOW)
    return service.incident_dispatch(
        actor=county.community,
        incident=incident,
        handler=f"region:{county.community_a1.code}",
        deadline=NOW + dt.timedelta(hours=hours),
        note="请今天处理",
        now=NOW + dt.timedelta(minutes=5),
    )


def test_the_contract_other_apps_call(county, kinds):
    params = inspect.signature(incident_report).parameters
    for name in (
        "actor", "kind", "grade", "region", "description", "person", "household",
        "linked_type", "linked_ref", "linked_label", "source", "source_ref", "photos",
    ):  # fmt: skip
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
    first = incident_report(
        actor=county.gridworker,
        kind="symptomatic_person",
        grade="general",
        region=county.grid_a1_1,
        description="入户走访发现发热",
        person=county.people["zhang"],
        household=county.people["zhang"].household,
        linked_type="campaigns.visit",
        linked_ref="9b1c6a1e-0000-4000-8000-000000000001",
        linked_label="1栋101 走访",
        source="campaigns",
        source_ref="visit-1",
    )
    again = incident_report(
        actor=county.gridworker,
        kind="symptomatic_person",
        grade="general",
        region=county.grid_a1_1,
        description="重复调用",
        source="campaigns",
        source_ref="visit-1",
    )
    assert again.pk == first.pk and first.public_id
    assert Incident.objects.count() == 1
    assert first.receiving_region == county.town_a  # general: the town receives it
    assert first.number and first.status == IncidentStatus.REPORTED


@pytest.mark.parametrize(
    ("grade", "receiver"),
    [
        ("simple", "community_a1"),
        ("general", "town_a"),
        ("prominent", "county"),
        ("major", "county"),
    ],
)
def test_the_grade_decides_the_receiving_level(county, kinds, grade, receiver):
    incident = incident_report(
        actor=county.gridworker, kind="other", grade=grade, region=county.grid_a1_1, description="x"
    )
    assert incident.receiving_region == getattr(county, receiver)


def test_outsider_cannot_report_in_another_town(county, kinds):
    with pytest.raises(Http404):
        incident_report(
            actor=county.outsider,
            kind="other",
            grade="simple",
            region=county.grid_a1_1,
            description="x",
        )
    assert not Incident.objects.exists()


def test_reporter_may_not_link_a_person_she_cannot_see(county, kinds):
    with pytest.raises(Http404):
        incident_report(
            actor=county.outsider,
            kind="other",
            grade="simple",
            region=county.grid_b1_1,
            description="x",
            person=county.people["zhang"],
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "earthquake"}, "kind"),
        ({"grade": "huge"}, "grade"),
        ({"description": ""}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"linked_type": "Campaigns Venue"}, "linked_type"),
        ({"linked_type": "campaigns.venue"}, "linked_ref"),
        ({"photos": ["not a file"]}, "photos"),
    ],
)
def test_report_refuses_bad_input(county, kinds, change, field):
    values = {"kind": "other", "grade": "simple", "description": "描述"} | change
    with pytest.raises(ValidationError) as refused:
        incident_report(actor=county.gridworker, region=county.grid_a1_1, **values)
    assert field in refused.value.message_dict
    assert not Incident.objects.exists()


def test_inactive_kind_cannot_be_reported(county, kinds):
    kinds["other"].active = False
    kinds["other"].save()
    with pytest.raises(ValidationError, match="停用"):
        incident_report(
            actor=county.gridworker,
            kind="other",
            grade="simple",
            region=county.grid_a1_1,
            description="x",
        )


def test_report_tells_the_receiving_level_only(county, incident):
    told = set(
        Notification.objects.filter(title__contains="新事件待受理").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"community"}


def test_from_report_to_archive_every_step_is_in_the_log(county, incident):
    incident = _dispatch(county, incident)

    def t(n):
        return NOW + dt.timedelta(minutes=10 * n)

    extension = service.incident_extension_request(
        actor=county.community,
        incident=incident,
        deadline=NOW + dt.timedelta(hours=48),
        reason="等物资",
        now=t(1),
    )
    service.incident_extension_decide(
        actor=county.town, extension=extension, approve=True, now=t(2)
    )
    incident = service.incident_handle(
        actor=county.community, incident=incident, note="已责令停业", now=t(3)
    )
    incident = service.incident_send_back(
        actor=county.gridworker, incident=incident, reason="仍在营业", now=t(4)
    )
    incident = service.incident_handle(
        actor=county.community, incident=incident, note="已查封", now=t(5)
    )
    incident = service.incident_verify(
        actor=county.gridworker, incident=incident, note="已核实", now=t(6)
    )
    incident = service.incident_archive(actor=county.community, incident=incident, now=t(7))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ARCHIVED
    assert incident.deadline == NOW + dt.timedelta(hours=48)
    assert incident.returned_count == 1
    log = list(incident.log.order_by("at", "id"))
    assert [(e.action, e.from_status, e.to_status) for e in log] == [
        ("report", "", "reported"),
        ("register", "reported", "registered"),
        ("dispatch", "registered", "dispatched"),
        ("extension_request", "dispatched", "dispatched"),
        ("extension_approve", "dispatched", "dispatched"),
        ("handle", "dispatched", "handled"),
        ("send_back", "handled", "dispatched"),
        ("handle", "dispatched", "handled"),
        ("verify", "handled", "closed"),
        ("archive", "closed", "archived"),
    ]
    who = [e.actor_name for e in log]
    assert who == [
        "gridworker", "community", "community", "community", "town", "community",
        "gridworker", "community", "gridworker", "community",
    ]  # fmt: skip
    assert all(e.at for e in log)
    assert log[2].details["handler"] == "松雅社区"


@pytest.mark.parametrize(
    ("stage", "step", "message"),
    [
        ("reported", "handle", "不在处置中"),
        ("reported", "verify", "尚未反馈"),
        ("reported", "dispatch", "请先受理"),
        ("reported", "archive", "尚未办结"),
        ("dispatched", "register", "无需重复受理"),
        ("dispatched", "verify", "尚未反馈"),
        ("dispatched", "dismiss", "不能再作不予受理"),
        ("closed", "handle", "已办结"),
        ("closed", "dispatch", "已办结"),
        ("archived", "archive", "已归档"),
    ],
)
def test_steps_out_of_order_are_refused(county, incident, stage, step, message):
    if stage != "reported":
        incident = _dispatch(county, incident)
    if stage in ("closed", "archived"):
        incident = service.incident_handle(
            actor=county.community, incident=incident, note="ok", now=NOW
        )
        incident = service.incident_verify(actor=county.gridworker, incident=incident, now=NOW)
    if stage == "archived":
        incident = service.incident_archive(actor=county.community, incident=incident, now=NOW)
    entries = IncidentLogEntry.objects.count()
    call = {
        "handle": lambda: service.incident_handle(
            actor=county.community, incident=incident, note="x", now=NOW
        ),
        "verify": lambda: service.incident_verify(
            actor=county.community, incident=incident, now=NOW
        ),
        "dispatch": lambda: service.incident_dispatch(
            actor=county.community,
            incident=incident,
            handler=f"region:{county.community_a1.code}",
            deadline=NOW + dt.timedelta(hours=2),
            now=NOW,
        ),
        "archive": lambda: service.incident_archive(
            actor=county.community, incident=incident, now=NOW
        ),
        "register": lambda: service.incident_register(
            actor=county.community, incident=incident, now=NOW
        ),
        "dismiss": lambda: service.incident_dismiss(
            actor=county.community, incident=incident, reason="x", now=NOW
        ),
    }[step]
    with pytest.raises(ValidationError) as refused:
        call()
    assert message in " ".join(refused.value.messages)
    assert IncidentLogEntry.objects.count() == entries


def test_who_may_take_which_step(county, incident, officer_b):
    # the grid worker reports but does not receive
    with pytest.raises(PermissionDenied):
        service.incident_register(actor=county.gridworker, incident=incident, now=NOW)
    with pytest.raises(PermissionDenied):
        service.incident_register(actor=officer_b, incident=incident, now=NOW)
    incident = _dispatch(county, incident)
    # only the handling unit reports handling
    with pytest.raises(PermissionDenied):
        service.incident_handle(actor=county.gridworker, incident=incident, note="x", now=NOW)
    incident = service.incident_handle(
        actor=county.community, incident=incident, note="ok", now=NOW
    )
    # the reporter or an inspector of the receiving level verifies; a neighbour does not
    with pytest.raises(PermissionDenied):
        service.incident_verify(actor=officer_b, incident=incident, now=NOW)
    service.incident_verify(actor=county.town, incident=incident, now=NOW)


def test_handler_must_lie_under_the_receiving_level(county, incident):
    service.incident_register(actor=county.community, incident=incident, now=NOW)
    with pytest.raises(ValidationError, match="不在受理层级"):
        service.incident_dispatch(
            actor=county.community,
            incident=incident,
            handler=f"region:{county.town_b.code}",
            deadline=NOW + dt.timedelta(hours=2),
            now=NOW,
        )
    with pytest.raises(ValidationError):
        service.incident_dispatch(
            actor=county.community,
            incident=incident,
            handler=f"region:{county.community_a1.code}",
            deadline=NOW - dt.timedelta(hours=2),
            now=NOW,
        )


def test_extension_rules(county, incident):
    incident = _dispatch(county, incident)
    with pytest.raises(ValidationError, match="晚于当前期限"):
        service.incident_extension_request(
            actor=county.community,
            incident=incident,
            deadline=NOW + dt.timedelta(hours=1),
            reason="x",
            now=NOW,
        )
    extension = service.incident_extension_request(
        actor=county.community,
        incident=incident,
        deadline=NOW + dt.timedelta(days=3),
        reason="等待物资",
        now=NOW,
    )
    with pytest.raises(ValidationError, match="待审批"):
        service.incident_extension_request(
            actor=county.community,
            incident=incident,
            deadline=NOW + dt.timedelta(days=4),
            reason="x",
            now=NOW,
        )
    with pytest.raises(PermissionDenied, match="自己"):
        service.incident_extension_decide(
            actor=county.community, extension=extension, approve=True, now=NOW
        )
    with pytest.raises(ValidationError):
        service.incident_extension_decide(
            actor=county.town, extension=extension, approve=False, note="", now=NOW
        )
    decided = service.incident_extension_decide(
        actor=county.town, extension=extension, approve=False, note="物资已到", now=NOW
    )
    assert decided.status == "rejected"
    incident.refresh_from_db()
    assert incident.deadline == NOW + dt.timedelta(hours=24)
    assert Notification.objects.filter(
        recipient=county.community, title__contains="未批准"
    ).exists()


def test_regrade_moves_the_report_to_the_level_of_the_new_grade(county, incident):
    incident = service.incident_regrade(
        actor=county.community, incident=incident, grade="general", note="涉及多个社区", now=NOW
    )
    assert incident.receiving_region == county.town_a
    with pytest.raises(PermissionDenied):
        service.incident_register(actor=county.community, incident=incident, now=NOW)
    service.incident_register(actor=county.town, incident=incident, now=NOW)


def test_organization_handler_is_its_officer(county, incident, party_tree):
    service.incident_register(actor=county.community, incident=incident, now=NOW)
    incident = service.incident_dispatch(
        actor=county.community,
        incident=incident,
        handler=f"org:{party_tree.branch_a1.code}",
        deadline=NOW + dt.timedelta(hours=4),
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        service.incident_handle(actor=party_tree.secretary_b, incident=incident, note="x", now=NOW)
    service.incident_handle(
        actor=party_tree.secretary_a, incident=incident, note="党员已上门劝导", now=NOW
    )


def test_the_log_cannot_be_edited_in_the_admin(county, incident, rf):
    """The log is append-only: the services add entries; the admin may only look."""
    from django.contrib.admin.sites import site

    request = rf.get("/")
    request.user = county.command
    admin = site._registry[IncidentLogEntry]
    entry = incident.log.get()
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, entry)
    assert not admin.has_delete_permission(request, entry)
