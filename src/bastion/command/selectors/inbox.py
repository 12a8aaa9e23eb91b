"""A unit's inbox: the directives and notices addressed to the units the user answers for,
unread first, then newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.command.models import (
    OVERDUE,
    OVERDUE_LABEL,
    DirectiveStatus,
    DirectiveTarget,
    NoticeStatus,
    NoticeTarget,
    TargetStatus,
)
from bastion.command.selectors.common import answers_q, signed_in
from bastion.command.selectors.directives import effective_status_expression

PERM = Perm.COMMAND_VIEW
LIMIT = 500  # per kind: an inbox is read, not archived


@dataclass(frozen=True)
class InboxItem:
    kind: str  # "directive" or "notice"
    public_id: str
    title: str
    kind_label: str
    unit_name: str
    issuer_name: str
    at: dt.datetime
    unread: bool
    status: str
    status_label: str
    deadline: dt.datetime | None
    priority: str
    link: str


def _directive_targets(user, now):
    return (
        DirectiveTarget.objects.filter(
            answers_q(user, PERM, issuer_prefix="directive__"),
            directive__status=DirectiveStatus.ACTIVE,
        )
        .annotate(effective=effective_status_expression(now))
        .select_related("directive")
    )


def _notice_targets(user):
    return NoticeTarget.objects.filter(
        answers_q(user, PERM, issuer_prefix="notice__"), notice__status=NoticeStatus.PUBLISHED
    ).select_related("notice")


def inbox_counts(*, user) -> dict[str, int]:
    """Unread directives and notices of the user's units (two counts)."""
    if not signed_in(user):
        return {"directives": 0, "notices": 0}
    now = timezone.now()
    return {
        "directives": _directive_targets(user, now).filter(status=TargetStatus.SENT).count(),
        "notices": _notice_targets(user)
        .filter(read_version__lt=F("notice__current_version"))
        .count(),
    }


def inbox(*, user, unread_only: bool = False, now: dt.datetime | None = None) -> list[InboxItem]:
    if not signed_in(user):
        return []
    now = now or timezone.now()
    targets = _directive_targets(user, now)
    notices = _notice_targets(user)
    if unread_only:
        targets = targets.filter(status=TargetStatus.SENT)
        notices = notices.filter(read_version__lt=F("notice__current_version"))
    items: list[InboxItem] = []
    labels = dict(TargetStatus.choices) | {OVERDUE: OVERDUE_LABEL}
    for t in targets.order_by("-directive__issued_at")[:LIMIT]:
        d = t.directive
        items.append(
            InboxItem(
                kind="directive",
                public_id=str(t.public_id),
                title=d.title,
                kind_label=str(d.get_priority_display()),
                unit_name=t.unit_name,
                issuer_name=d.issuer_name,
                at=d.issued_at,
                unread=t.status == TargetStatus.SENT,
                status=t.effective,
                status_label=str(labels.get(t.effective, t.effective)),
                deadline=d.deadline,
                priority=d.priority,
                link=reverse("command:target_detail", args=[t.public_id]),
            )
        )
    for t in notices.order_by("-notice__published_at")[:LIMIT]:
        n = t.notice
        unread = t.read_version < n.current_version
        items.append(
            InboxItem(
                kind="notice",
                public_id=str(n.public_id),
                title=n.title,
                kind_label=str(n.get_kind_display()),
                unit_name=t.unit_name,
                issuer_name=n.issuer_name,
                at=n.updated_at if n.current_version > 1 else n.published_at,
                unread=unread,
                status="unread" if unread else "read",
                status_label=_unread_label(n.current_version) if unread else _("已阅"),
                deadline=None,
                priority="",
                link=reverse("command:notice_detail", args=[n.public_id]),
            )
        )
    items.sort(key=lambda item: (not item.unread, -item.at.timestamp()))
    return items


def _unread_label(version: int) -> str:
    return _("未阅（第%(n)d版）") % {"n": version} if version > 1 else _("未阅")
