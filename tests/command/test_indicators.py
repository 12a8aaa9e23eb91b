"""The command indicators: each figure for a scope and an as-of time, later records left out."""

from __future__ import annotations

import datetime as dt

from bastion.command.models import DailyForm
from bastion.command.services import directives as directive_service
from bastion.command.services import incidents as incident_service
from bastion.command.services.dailyforms import daily_report_file
from bastion.command.services.notices import notice_mark_read, notice_revise
from bastion.core.indicators import Scope, all_indicators
from tests.command.conftest import DEADLINE, NOW, SHANGHAI, target_of


def value(code, user, as_of, region=None):
    indicator = all_indicators()[code]
    return indicator.count(Scope(user=user, region_path=region.path if region else None), as_of)


def records(code, user, as_of, region=None):
    indicator = all_indicators()[code]
    return list(
        indicator.records(Scope(user=user, region_path=region.path if region else None), as_of)
    )


def test_every_command_indicator_is_registered():
    codes = {c for c in all_indicators() if c.startswith("command_")}
    assert codes == {
        "command_directives_issued",
        "command_directive_completion_rate",
        "command_directive_targets_overdue",
        "command_notices_unread",
        "command_incidents_open",
        "command_incidents_overdue",
        "command_incidents_closed_in_time",
        "command_daily_forms_missing",
    }


def test_directive_figures(county, directive, officer_b):
    target = directive_service.directive_target_acknowledge(
        actor=county.town, target=target_of(directive, county.town_a), now=NOW
    )
    directive_service.directive_target_complete(
        actor=county.town, target=target, report="完成", now=NOW + dt.timedelta(hours=1)
    )
    before, after = NOW - dt.timedelta(minutes=1), DEADLINE + dt.timedelta(hours=1)
    assert value("command_directives_issued", county.command, before) == 0
    assert value("command_directives_issued", county.command, NOW) == 1
    assert (
        value("command_directive_completion_rate", county.command, NOW + dt.timedelta(minutes=30))
        == 0
    )
    assert value("command_directive_completion_rate", county.command, after) == 50
    assert value("command_directive_targets_overdue", county.command, NOW) == 0
    assert [
        t.unit_name for t in records("command_directive_targets_overdue", county.command, after)
    ] == ["黄兴镇"]
    # the town sees its own target only; narrowed to town B the county sees one
    assert value("command_directive_completion_rate", county.town, after) == 100
    assert value("command_directive_targets_overdue", county.command, after, county.town_b) == 1
    assert value("command_directives_issued", county.outsider, after) == 0


def test_notices_unread_follow_the_version_in_force(county, notice, officer_b):
    notice_mark_read(actor=county.town, notice=notice, now=NOW + dt.timedelta(hours=1))
    assert value("command_notices_unread", county.command, NOW + dt.timedelta(minutes=30)) == 2
    assert value("command_notices_unread", county.command, NOW + dt.timedelta(hours=2)) == 1
    notice_revise(
        actor=county.command,
        notice=notice,
        body="新版",
        change_note="修订",
        now=NOW + dt.timedelta(hours=3),
    )
    assert value("command_notices_unread", county.command, NOW + dt.timedelta(hours=2)) == 1
    assert value("command_notices_unread", county.command, NOW + dt.timedelta(hours=4)) == 2
    assert value("command_notices_unread", county.town, NOW + dt.timedelta(hours=4)) == 1


def test_incident_figures(county, incident, kinds):
    t = [NOW + dt.timedelta(hours=h) for h in range(8)]
    incident_service.incident_register(actor=county.community, incident=incident, now=t[1])
    incident_service.incident_dispatch(
        actor=county.community,
        incident=incident,
        handler=f"region:{county.community_a1.code}",
        deadline=t[3],
        now=t[1],
    )
    incident_service.incident_handle(
        actor=county.community, incident=incident, note="已处置", now=t[4]
    )
    incident_service.incident_verify(actor=county.gridworker, incident=incident, now=t[5])
    major = incident_service.incident_report(
        actor=county.community,
        kind="other",
        grade="major",
        region=county.grid_a1_2,
        description="聚集",
        now=t[2],
    )
    assert value("command_incidents_open", county.command, t[0]) == 1
    open_then = all_indicators()["command_incidents_open"].breakdown(
        Scope(user=county.command), t[2]
    )
    assert ("major", "重大", 1) in open_then and ("simple", "简易", 1) in open_then
    assert value("command_incidents_overdue", county.command, t[2]) == 0
    assert value("command_incidents_overdue", county.command, t[3] + dt.timedelta(minutes=30)) == 1
    assert value("command_incidents_overdue", county.command, t[4] + dt.timedelta(minutes=1)) == 0
    assert (
        value("command_incidents_closed_in_time", county.command, t[6]) == 0
    )  # closed after the deadline
    assert [i.pk for i in records("command_incidents_open", county.command, t[6])] == [major.pk]
    assert value("command_incidents_open", county.outsider, t[6]) == 0


def test_incident_closed_within_deadline(county, incident):
    incident_service.incident_register(actor=county.community, incident=incident, now=NOW)
    incident_service.incident_dispatch(
        actor=county.community,
        incident=incident,
        handler=f"region:{county.community_a1.code}",
        deadline=NOW + dt.timedelta(hours=5),
        now=NOW,
    )
    incident_service.incident_handle(
        actor=county.community, incident=incident, note="ok", now=NOW + dt.timedelta(hours=1)
    )
    incident_service.incident_verify(
        actor=county.gridworker, incident=incident, now=NOW + dt.timedelta(hours=2)
    )
    assert (
        value("command_incidents_closed_in_time", county.command, NOW + dt.timedelta(hours=3)) == 1
    )
    assert (
        value("command_incidents_closed_in_time", county.command, NOW + dt.timedelta(hours=1)) == 0
    )


def test_daily_forms_missing_counts_units_past_the_deadline_hour(county, daily_form):
    DailyForm.objects.filter(pk=daily_form.pk).update(created_at=NOW - dt.timedelta(days=1))
    daily_report_file(
        actor=county.community,
        form=daily_form,
        region=county.community_a1,
        values={"meetings_held": 1},
        now=NOW,
    )
    morning = dt.datetime(2026, 3, 5, 11, 0, tzinfo=SHANGHAI)
    evening = dt.datetime(2026, 3, 5, 19, 0, tzinfo=SHANGHAI)
    assert value("command_daily_forms_missing", county.command, morning) == 0
    assert [r.name for r in records("command_daily_forms_missing", county.command, evening)] == [
        "黄兴村"
    ]
    assert value("command_daily_forms_missing", county.town, evening) == 0
