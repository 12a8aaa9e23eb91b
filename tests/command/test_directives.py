"""Directive targets: the allowed steps, the refused ones, who may take them, read receipts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.access.models import Notification
from bastion.command.models import DirectiveEvent, DirectiveTarget, TargetAction, TargetStatus
from bastion.command.selectors.directives import effective_status
from bastion.command.services import directives as service
from bastion.command.units import region_unit
from bastion.core.models import AuditEntry
from tests.command.conftest import DEADLINE, NOW, target_of


def _walk(officer, target, *steps):
    for step in steps:
        target = {
            "ack": lambda t: service.directive_target_acknowledge(actor=officer, target=t, now=NOW),
            "progress": lambda t: service.directive_target_progress(
                actor=officer, target=t, note="已排查三个社区", now=NOW
            ),
            "done": lambda t: service.directive_target_complete(
                actor=officer, target=t, report="全部排查完毕，共登记返乡人员42人", now=NOW
            ),
        }[step](target)
    return target


def test_issue_creates_one_target_per_unit_and_tells_each_unit(county, directive, officer_b):
    assert {t.unit_name for t in directive.targets.all()} == {"星沙街道", "黄兴镇"}
    assert set(directive.targets.values_list("status", flat=True)) == {TargetStatus.SENT}
    told = set(
        Notification.objects.filter(title__contains="全面排查").values_list(
            "recipient__username", flat=True
        )
    )
    # the two town officers, not the issuing county command, not the community below
    assert told == {"town", "officer_b"}
    assert AuditEntry.objects.filter(object_id=str(directive.public_id), action="create").exists()


def test_full_way_from_sent_to_done_is_recorded_step_by_step(county, directive):
    target = target_of(directive, county.town_a)
    assert service.directive_target_read(actor=county.town, target=target, now=NOW)
    target = _walk(county.town, target, "ack", "progress", "progress", "done")
    target.refresh_from_db()
    assert target.status == TargetStatus.DONE
    assert target.report.startswith("全部排查完毕")
    assert target.read_by == county.town and target.done_by == county.town
    actions = list(
        target.events.order_by("at", "id").values_list("action", "from_status", "to_status")
    )
    assert actions == [
        (TargetAction.READ, "sent", "read"),
        (TargetAction.ACKNOWLEDGE, "read", "acknowledged"),
        (TargetAction.PROGRESS, "acknowledged", "in_progress"),
        (TargetAction.PROGRESS, "in_progress", "in_progress"),
        (TargetAction.DONE, "in_progress", "done"),
    ]


def test_acknowledging_unread_target_counts_as_read(county, directive):
    target = _walk(county.town, target_of(directive, county.town_a), "ack")
    assert target.read_at is not None and target.read_by == county.town


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ((), "progress", "请先签收"),
        ((), "done", "请先签收"),
        (("ack",), "ack", "已签收"),
        (("ack", "done"), "ack", "已完成"),
        (("ack", "done"), "progress", "已完成"),
        (("ack", "done"), "done", "不能重复"),
    ],
)
def test_steps_out_of_order_are_refused_with_a_reason(county, directive, steps, action, message):
    target = _walk(county.town, target_of(directive, county.town_a), *steps)
    before = target.status
    with pytest.raises(ValidationError) as refused:
        _walk(county.town, target, action)
    assert message in " ".join(refused.value.messages)
    target.refresh_from_db()
    assert target.status == before


def test_issuer_cannot_answer_in_the_units_place(county, directive):
    target = target_of(directive, county.town_a)
    with pytest.raises(PermissionDenied):
        service.directive_target_acknowledge(actor=county.command, target=target, now=NOW)
    assert not service.directive_target_read(actor=county.command, target=target, now=NOW)
    target.refresh_from_db()
    assert target.status == TargetStatus.SENT


def test_another_unit_cannot_answer_for_a_target(county, directive, officer_b):
    target = target_of(directive, county.town_a)
    with pytest.raises(PermissionDenied):
        service.directive_target_acknowledge(actor=officer_b, target=target, now=NOW)
    assert not service.directive_target_read(actor=officer_b, target=target, now=NOW)


def test_grid_worker_inside_the_unit_does_not_make_its_read_receipt(county, directive):
    target = target_of(directive, county.town_a)
    assert not service.directive_target_read(actor=county.gridworker, target=target, now=NOW)
    target.refresh_from_db()
    assert target.status == TargetStatus.SENT


def test_only_the_issuer_returns_a_done_target_and_the_unit_is_told(county, directive):
    target = _walk(county.town, target_of(directive, county.town_a), "ack", "done")
    with pytest.raises(PermissionDenied):
        service.directive_target_return(actor=county.town, target=target, reason="重报", now=NOW)
    returned = service.directive_target_return(
        actor=county.command, target=target, reason="台账不全，请补充", now=NOW
    )
    assert returned.status == TargetStatus.IN_PROGRESS and returned.done_at is None
    assert Notification.objects.filter(recipient=county.town, title__contains="退回").exists()
    with pytest.raises(ValidationError, match="只有已报告完成"):
        service.directive_target_return(
            actor=county.command, target=returned, reason="再退", now=NOW
        )


def test_cancelled_directive_takes_no_further_steps(county, directive):
    service.directive_cancel(actor=county.command, directive=directive, reason="部署调整", now=NOW)
    target = target_of(directive, county.town_a)
    with pytest.raises(ValidationError, match="已撤销"):
        service.directive_target_acknowledge(actor=county.town, target=target, now=NOW)
    with pytest.raises(ValidationError, match="已撤销"):
        service.directive_cancel(actor=county.command, directive=directive, reason="再撤", now=NOW)
    assert target.events.filter(action=TargetAction.CANCEL).exists()
    target = DirectiveTarget.objects.select_related("directive").get(pk=target.pk)
    assert effective_status(target, NOW + dt.timedelta(days=10)) == TargetStatus.SENT


def test_only_the_issuing_side_cancels(county, directive):
    with pytest.raises(PermissionDenied):
        service.directive_cancel(actor=county.town, directive=directive, reason="不想做")


def test_overdue_is_derived_from_the_deadline_and_never_blocks_late_completion(county, directive):
    target = _walk(county.town, target_of(directive, county.town_a), "ack")
    assert effective_status(target, NOW) == TargetStatus.ACKNOWLEDGED
    later = DEADLINE + dt.timedelta(minutes=1)
    assert effective_status(target, later) == "overdue"
    assert DirectiveTarget.objects.get(pk=target.pk).status == TargetStatus.ACKNOWLEDGED
    done = service.directive_target_complete(
        actor=county.town, target=target, report="补报完成", now=later
    )
    assert effective_status(done, later) == TargetStatus.DONE
    assert done.done_at > directive.deadline


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"content": "  "}, "content"),
        ({"deadline": NOW - dt.timedelta(hours=1)}, "deadline"),
        ({"deadline": NOW + dt.timedelta(days=400)}, "deadline"),
        ({"targets": []}, "targets"),
        ({"targets": ["region:999999999999"]}, "targets"),
        ({"targets": ["nonsense"]}, "targets"),
        ({"priority": "whenever"}, "priority"),
        ({"remind_hours": 500}, "remind_hours"),
    ],
)
def test_issue_refuses_bad_input_naming_the_field(county, county_unit, change, field):
    values = {
        "title": "测试",
        "content": "内容",
        "deadline": DEADLINE,
        "targets": [f"region:{county.town_a.code}"],
    } | change
    with pytest.raises(ValidationError) as refused:
        service.directive_issue(actor=county.command, issuer=county_unit, now=NOW, **values)
    assert field in refused.value.message_dict
    assert not DirectiveTarget.objects.exists()


def test_a_level_addresses_only_units_below_it(county):
    town = region_unit(county.town_a)
    with pytest.raises(ValidationError, match="不在"):
        service.directive_issue(
            actor=county.town,
            issuer=town,
            title="越级",
            content="内容",
            deadline=DEADLINE,
            targets=[f"region:{county.community_b1.code}"],
            now=NOW,
        )
    with pytest.raises(PermissionDenied):
        service.directive_issue(
            actor=county.town,
            issuer=region_unit(county.county),
            title="冒用",
            content="内容",
            deadline=DEADLINE,
            targets=[f"region:{county.town_a.code}"],
            now=NOW,
        )


def test_town_directive_to_its_community(county):
    directive = service.directive_issue(
        actor=county.town,
        issuer=region_unit(county.town_a),
        title="组织志愿者值守",
        content="每天两班",
        deadline=DEADLINE,
        targets=[f"region:{county.community_a1.code}"],
        now=NOW,
    )
    target = directive.targets.get()
    # the town (issuer) reads nothing; the community officer answers
    assert not service.directive_target_read(actor=county.town, target=target, now=NOW)
    assert service.directive_target_read(actor=county.community, target=target, now=NOW)
    assert DirectiveEvent.objects.filter(target=target).count() == 1


def test_directive_to_organizations_and_teams_is_answered_by_their_officers(county, party_tree):
    from bastion.party.services import team_create

    team = team_create(
        actor=None,
        kind="vanguard",
        name="松雅抗疫先锋队",
        organization=party_tree.branch_a1,
        region=county.community_a1,
    )
    directive = service.directive_issue(
        actor=county.command,
        issuer=region_unit(county.county),
        title="先锋队上岗",
        content="今晚起上岗值守",
        deadline=DEADLINE,
        targets=[f"org:{party_tree.town_a.code}", f"team:{team.public_id}"],
        now=NOW,
    )
    org_target = directive.targets.get(unit_kind="organization")
    team_target = directive.targets.get(unit_kind="team")
    secretary = party_tree.secretary_a
    service.directive_target_acknowledge(actor=secretary, target=org_target, now=NOW)
    service.directive_target_acknowledge(actor=secretary, target=team_target, now=NOW)
    # a region grant does not act for an organization unit; the other secretary neither
    with pytest.raises(PermissionDenied):
        service.directive_target_progress(actor=county.town, target=org_target, note="x", now=NOW)
    with pytest.raises(PermissionDenied):
        service.directive_target_progress(
            actor=party_tree.secretary_b, target=org_target, note="x", now=NOW
        )
