"""Reminders before the deadline and escalation after it, with frozen time. The jobs only
notify: what pages show is derived from the deadline whether or not they ran."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time

from bastion.access.models import Notification
from bastion.command import tasks
from bastion.command.models import DirectiveEvent, TargetAction
from bastion.command.selectors.directives import directive_completion, directive_targets
from bastion.command.services import directives as service
from bastion.command.services.deadlines import (
    incident_escalations_send,
    incident_reminders_send,
)
from bastion.command.services.incidents import incident_dispatch, incident_register
from tests.command.conftest import DEADLINE, NOW, target_of


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_no_reminder_before_the_window_opens(county, directive):
    with freeze_time(DEADLINE - dt.timedelta(hours=25)):
        assert tasks.remind_directives.call_local() == 0
    assert not any("即将到期" in t for t in _titles(county.town))


def test_open_units_are_reminded_once_inside_the_window(county, directive, officer_b):
    service.directive_target_acknowledge(
        actor=county.town, target=target_of(directive, county.town_a), now=NOW
    )
    done_b = service.directive_target_acknowledge(
        actor=officer_b, target=target_of(directive, county.town_b), now=NOW
    )
    service.directive_target_complete(actor=officer_b, target=done_b, report="完成", now=NOW)
    with freeze_time(DEADLINE - dt.timedelta(hours=23)):
        assert tasks.remind_directives.call_local() == 1
        assert tasks.remind_directives.call_local() == 0  # a second run tells nobody twice
    assert sum("即将到期" in t for t in _titles(county.town)) == 1
    assert not any("即将到期" in t for t in _titles(officer_b))  # done: no reminder
    assert not any("即将到期" in t for t in _titles(county.command))
    assert DirectiveEvent.objects.filter(action=TargetAction.REMIND).count() == 1


def test_overdue_targets_escalate_to_the_issuer_once(county, directive, officer_b):
    with freeze_time(DEADLINE - dt.timedelta(minutes=1)):
        assert tasks.escalate_directives.call_local() == 0
    with freeze_time(DEADLINE + dt.timedelta(minutes=1)):
        assert tasks.escalate_directives.call_local() == 2
        assert tasks.escalate_directives.call_local() == 0
    escalations = [t for t in _titles(county.command) if "逾期未完成" in t]
    assert escalations == ["指令逾期未完成：全面排查返乡人员（2 个单位）"]
    body = Notification.objects.get(recipient=county.command, title=escalations[0]).body
    assert "星沙街道" in body and "黄兴镇" in body
    assert not any("逾期" in t for t in _titles(county.town))


def test_done_and_cancelled_directives_do_not_escalate(county, directive, officer_b):
    target = service.directive_target_acknowledge(
        actor=county.town, target=target_of(directive, county.town_a), now=NOW
    )
    service.directive_target_complete(actor=county.town, target=target, report="完成", now=NOW)
    with freeze_time(DEADLINE + dt.timedelta(hours=1)):
        assert tasks.escalate_directives.call_local() == 1  # only town B
        service.directive_cancel(actor=county.command, directive=directive, reason="撤销")
        assert tasks.escalate_directives.call_local() == 0


def test_pages_show_overdue_even_if_the_jobs_never_ran(county, directive):
    with freeze_time(DEADLINE + dt.timedelta(hours=1)):
        completion = directive_completion(
            directive_targets(user=county.command, directive=directive)
        )
    assert completion.overdue == 2
    assert not Notification.objects.filter(title__contains="逾期").exists()


def test_returned_target_escalates_again_after_the_deadline(county, directive):
    target = service.directive_target_acknowledge(
        actor=county.town, target=target_of(directive, county.town_a), now=NOW
    )
    service.directive_target_complete(actor=county.town, target=target, report="完成", now=NOW)
    with freeze_time(DEADLINE + dt.timedelta(hours=1)):
        tasks.escalate_directives.call_local()
        service.directive_target_return(actor=county.command, target=target, reason="不完整")
        assert tasks.escalate_directives.call_local() == 1


def test_incident_deadline_reminds_the_handler_and_escalates_to_the_receiving_level(
    county, incident
):
    incident_register(actor=county.community, incident=incident, now=NOW)
    deadline = NOW + dt.timedelta(hours=8)
    incident_dispatch(
        actor=county.community,
        incident=incident,
        handler=f"region:{county.community_a1.code}",
        deadline=deadline,
        now=NOW,
    )
    assert incident_reminders_send(now=deadline - dt.timedelta(hours=5)) == 0
    assert incident_reminders_send(now=deadline - dt.timedelta(hours=3)) == 1
    assert incident_reminders_send(now=deadline - dt.timedelta(hours=2)) == 0
    assert any("即将到期" in t for t in _titles(county.community))
    assert incident_escalations_send(now=deadline + dt.timedelta(minutes=1)) == 1
    assert incident_escalations_send(now=deadline + dt.timedelta(hours=1)) == 0
    assert any("逾期未处置" in t for t in _titles(county.community))
    # the town above is not flooded with the community's overdue items
    assert not any("逾期未处置" in t for t in _titles(county.town))
    actions = list(incident.log.values_list("action", flat=True))
    assert actions[-2:] == ["remind", "escalate"]
