"""Notices, measure packages and guides: publish to units, revise (a new version makes every
unit unread again), add units, withdraw, and read receipts per unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.services import notify
from bastion.command.models import (
    Notice,
    NoticeKind,
    NoticeReceipt,
    NoticeStatus,
    NoticeTarget,
    NoticeVersion,
)
from bastion.command.services.common import (
    Checks,
    actor_name,
    actor_or_none,
    clean_files,
    clean_text,
    is_system,
    now_or,
)
from bastion.command.units import (
    Unit,
    acts_for_unit,
    answers_for,
    resolve_targets,
    stored_unit,
    users_answering,
)
from bastion.core.audit import Action, audit_record

BODY_MAX = 20000


def notice_link(notice: Notice) -> str:
    return reverse("command:notice_detail", args=[notice.public_id])


def _require_issuer(actor, issuer: Unit) -> None:
    if not is_system(actor) and not acts_for_unit(actor, Perm.DIRECTIVE_ISSUE, issuer):
        raise PermissionDenied(_("只有发布单位可以执行此操作"))


def _tell(units: list[Unit], issuer: Unit, title: str, link: str) -> None:
    for users in users_answering(units, issuer=issuer).values():
        for user in users:
            notify(recipient=user, title=title, link=link)


def notice_publish(
    *,
    actor,
    issuer: Unit,
    kind: str,
    title: str,
    body: str,
    targets: Iterable[str],
    attachments: Iterable = (),
    now: dt.datetime | None = None,
    notify_units: bool = True,
) -> Notice:
    """Publish version 1 of a notice from `issuer` to the units named by `targets`."""
    now = now_or(now)
    _require_issuer(actor, issuer)
    checks = Checks()
    values = {
        "title": checks.text(title, field="title", label=_("标题"), max_length=120),
        "body": checks.text(body, field="body", label=_("正文"), max_length=BODY_MAX),
        "targets": checks.run(lambda: resolve_targets(issuer, targets), []),
        "attachments": checks.run(lambda: clean_files(attachments), []),
    }
    if kind not in NoticeKind.values:
        checks.fail("kind", _("请选择文件类型"))
    checks.done()
    notice = Notice(
        **issuer.issuer_columns(),
        kind=kind,
        title=values["title"],
        published_by=actor_or_none(actor),
        published_at=now,
    )
    notice.full_clean()
    with transaction.atomic():
        notice.save()
        version = NoticeVersion.objects.create(
            notice=notice,
            number=1,
            body=values["body"],
            published_at=now,
            published_by=actor_or_none(actor),
        )
        if values["attachments"]:
            version.attachments.set(values["attachments"])
        NoticeTarget.objects.bulk_create(
            [
                NoticeTarget(notice=notice, added_at=now, **unit.target_columns())
                for unit in values["targets"]
            ]
        )
        audit_record(
            actor=actor_or_none(actor),
            action=Action.CREATE,
            obj=notice,
            path=notice.region_path,
            changes={"title": [None, notice.title], "targets": [None, len(values["targets"])]},
        )
        if notify_units:
            text = _("新%(kind)s：%(title)s") % {
                "kind": notice.get_kind_display(),
                "title": notice.title,
            }
            _tell(values["targets"], issuer, text, notice_link(notice))
    return notice


def _require_published(notice: Notice) -> None:
    if notice.status == NoticeStatus.WITHDRAWN:
        raise ValidationError({"__all__": [_("该文件已撤回，不能再修改")]})


def notice_revise(
    *,
    actor,
    notice: Notice,
    body: str,
    change_note: str,
    title: str = "",
    attachments: Iterable = (),
    now: dt.datetime | None = None,
) -> NoticeVersion:
    """Publish a new version; every unit has to read it again and is told."""
    now = now_or(now)
    issuer = stored_unit(notice, "issuer")
    _require_issuer(actor, issuer)
    body = clean_text(body, field="body", label=_("正文"), max_length=BODY_MAX)
    change_note = clean_text(change_note, field="change_note", label=_("修订说明"), max_length=300)
    title = clean_text(title, field="title", label=_("标题"), max_length=120, required=False)
    files = clean_files(attachments)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_published(locked)
        number = locked.current_version + 1
        version = NoticeVersion.objects.create(
            notice=locked,
            number=number,
            body=body,
            change_note=change_note,
            published_at=now,
            published_by=actor_or_none(actor),
        )
        if files:
            version.attachments.set(files)
        changes = {"version": [locked.current_version, number]}
        locked.current_version = number
        if title and title != locked.title:
            changes["title"] = [locked.title, title]
            locked.title = title
        locked.save(update_fields=["current_version", "title", "updated_at"])
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked,
            path=locked.region_path,
            changes=changes,
            reason=change_note,
        )
        units = [stored_unit(t) for t in locked.targets.all()]
        text = _("文件已修订（第%(n)d版）：%(title)s") % {"n": number, "title": locked.title}
        _tell(units, issuer, text, notice_link(locked))
    return version


def notice_add_targets(
    *, actor, notice: Notice, targets: Iterable[str], now: dt.datetime | None = None
) -> int:
    """Send a published notice to more units; returns how many were added."""
    now = now_or(now)
    issuer = stored_unit(notice, "issuer")
    _require_issuer(actor, issuer)
    units = resolve_targets(issuer, targets)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_published(locked)
        existing = set(locked.targets.values_list("unit_key", flat=True))
        new = [u for u in units if u.key not in existing]
        NoticeTarget.objects.bulk_create(
            [NoticeTarget(notice=locked, added_at=now, **u.target_columns()) for u in new]
        )
        if new:
            audit_record(
                actor=actor_or_none(actor),
                action=Action.UPDATE,
                obj=locked,
                path=locked.region_path,
                changes={"targets_added": [None, [u.key for u in new]]},
            )
            text = _("新%(kind)s：%(title)s") % {
                "kind": locked.get_kind_display(),
                "title": locked.title,
            }
            _tell(new, issuer, text, notice_link(locked))
    return len(new)


def notice_withdraw(
    *, actor, notice: Notice, reason: str, now: dt.datetime | None = None
) -> Notice:
    now = now_or(now)
    _require_issuer(actor, stored_unit(notice, "issuer"))
    reason = clean_text(reason, field="reason", label=_("撤回理由"), max_length=300)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_published(locked)
        locked.status = NoticeStatus.WITHDRAWN
        locked.withdrawn_at = now
        locked.withdraw_reason = reason
        locked.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked,
            path=locked.region_path,
            changes={"status": [NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN]},
            reason=reason,
        )
    return locked


def notice_mark_read(*, actor, notice: Notice, now: dt.datetime | None = None) -> int:
    """Record that the actor's units have read the current version (only units she answers
    for; the issuing level reading its own notice changes nothing). Returns receipts made."""
    if is_system(actor) or notice.status != NoticeStatus.PUBLISHED:
        return 0
    now = now_or(now)
    issuer = stored_unit(notice, "issuer")
    unread = [
        t
        for t in notice.targets.filter(read_version__lt=notice.current_version)
        if answers_for(actor, stored_unit(t), issuer)
    ]
    made = 0
    for target in unread:
        with transaction.atomic():
            updated = NoticeTarget.objects.filter(
                pk=target.pk, read_version__lt=notice.current_version
            ).update(read_version=notice.current_version, read_at=now)
            if not updated:
                continue
            NoticeReceipt.objects.create(
                target=target,
                version=notice.current_version,
                read_at=now,
                read_by=actor,
                reader_name=actor_name(actor),
            )
        made += 1
    return made


__all__ = [
    "notice_add_targets",
    "notice_mark_read",
    "notice_publish",
    "notice_revise",
    "notice_withdraw",
]
