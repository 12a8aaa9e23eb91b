"""Notices: read receipts per unit, versions that make units unread again, the inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.command.models import NoticeReceipt, NoticeTarget
from bastion.command.selectors.inbox import inbox, inbox_counts
from bastion.command.selectors.notices import notice_list
from bastion.command.services import directives as directive_service
from bastion.command.services import notices as service
from tests.command.conftest import NOW, target_of


def _read(notice) -> dict[str, int]:
    return dict(notice.targets.values_list("unit_name", "read_version"))


def test_opening_makes_the_units_receipt_once(county, notice):
    assert service.notice_mark_read(actor=county.town, notice=notice, now=NOW) == 1
    assert service.notice_mark_read(actor=county.town, notice=notice, now=NOW) == 0
    assert _read(notice) == {"星沙街道": 1, "黄兴镇": 0}
    receipt = NoticeReceipt.objects.get()
    assert receipt.read_by == county.town and receipt.version == 1


def test_issuer_and_people_inside_the_unit_make_no_receipt(county, notice):
    assert service.notice_mark_read(actor=county.command, notice=notice, now=NOW) == 0
    assert service.notice_mark_read(actor=county.gridworker, notice=notice, now=NOW) == 0
    assert service.notice_mark_read(actor=county.community, notice=notice, now=NOW) == 0
    assert not NoticeReceipt.objects.exists()


def test_grid_worker_reads_the_measures_sent_to_her_town(county, notice):
    assert notice in notice_list(user=county.gridworker)
    assert notice not in notice_list(user=county.outsider.__class__.objects.get(username="nobody"))


def test_a_new_version_makes_every_unit_unread_again(county, notice, officer_b):
    service.notice_mark_read(actor=county.town, notice=notice, now=NOW)
    service.notice_mark_read(actor=officer_b, notice=notice, now=NOW)
    version = service.notice_revise(
        actor=county.command,
        notice=notice,
        body="一、……（修订）",
        change_note="补充第七条",
        now=NOW,
    )
    assert version.number == 2
    notice.refresh_from_db()
    assert notice.current_version == 2
    assert NoticeTarget.objects.filter(read_version__lt=2).count() == 2
    service.notice_mark_read(actor=county.town, notice=notice, now=NOW + dt.timedelta(hours=1))
    assert _read(notice) == {"星沙街道": 2, "黄兴镇": 1}
    assert NoticeReceipt.objects.count() == 3


def test_only_the_issuing_side_revises_adds_units_and_withdraws(county, notice):
    with pytest.raises(PermissionDenied):
        service.notice_revise(actor=county.town, notice=notice, body="x", change_note="x")
    with pytest.raises(PermissionDenied):
        service.notice_withdraw(actor=county.town, notice=notice, reason="x")
    added = service.notice_add_targets(
        actor=county.command,
        notice=notice,
        targets=[f"region:{county.community_a1.code}", f"region:{county.town_a.code}"],
    )
    assert added == 1
    notice = service.notice_withdraw(actor=county.command, notice=notice, reason="已被新文件替代")
    with pytest.raises(ValidationError, match="已撤回"):
        service.notice_revise(actor=county.command, notice=notice, body="x", change_note="y")
    assert service.notice_mark_read(actor=county.town, notice=notice) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"kind": "memo"}, "kind"),
        ({"targets": []}, "targets"),
    ],
)
def test_publish_refuses_bad_input(county, county_unit, change, field):
    values = {
        "kind": "notice",
        "title": "通知",
        "body": "正文",
        "targets": [f"region:{county.town_a.code}"],
    } | change
    with pytest.raises(ValidationError) as refused:
        service.notice_publish(actor=county.command, issuer=county_unit, **values)
    assert field in refused.value.message_dict


def test_inbox_lists_unread_first_for_the_unit_only(county, directive, notice, officer_b):
    target = target_of(directive, county.town_a)
    directive_service.directive_target_read(actor=county.town, target=target, now=NOW)
    items = inbox(user=county.town, now=NOW)
    assert [(i.kind, i.unread) for i in items] == [("notice", True), ("directive", False)]
    assert inbox_counts(user=county.town) == {"directives": 0, "notices": 1}
    assert inbox_counts(user=officer_b) == {"directives": 1, "notices": 1}
    # the issuing county command has nothing in its inbox; the outsider neither
    assert inbox(user=county.command) == []
    assert inbox(user=county.outsider) == []
    assert [i.title for i in inbox(user=county.town, unread_only=True)] == ["六条防控措施"]
