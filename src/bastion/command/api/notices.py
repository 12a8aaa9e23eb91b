"""Notices: list, publish, read (opening marks the caller's units read), versions, units,
withdraw, receipts. No `from __future__ import annotations` (ninja)."""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from bastion.command.api.common import api_user, own_files, refusals
from bastion.command.api.schemas import (
    CommandReasonIn,
    NoticeDetailOut,
    NoticeIn,
    NoticeOut,
    NoticeVersionIn,
    ReceiptOut,
    TargetsIn,
)
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["command"])


def _notice(user, public_id):
    from bastion.command.selectors.common import get_or_404
    from bastion.command.selectors.notices import notice_list, with_receipts

    notice = get_or_404(
        with_receipts(notice_list(user=user, include_withdrawn=True)), public_id=public_id
    )
    notice.versions_list = list(notice.versions.prefetch_related("attachments").order_by("-number"))
    return notice


@router.get("/notices", response=list[NoticeOut])
@paginate(PageNumberPagination, page_size=50)
def list_notices(request, kind: str = "", q: str = ""):
    from bastion.command.selectors.notices import notice_list, with_receipts

    return with_receipts(notice_list(user=api_user(request), kind=kind, q=q)).order_by(
        "-published_at", "-id"
    )


@router.post("/notices", response={201: NoticeDetailOut})
@refusals
def publish_notice(request, payload: NoticeIn):
    from bastion.command.services.notices import notice_publish
    from bastion.command.units import issuing_unit

    user = api_user(request)
    notice = notice_publish(
        actor=user,
        issuer=issuing_unit(user, payload.issuer),
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        targets=payload.targets,
        attachments=own_files(user, payload.attachments),
    )
    return Status(201, _notice(user, notice.public_id))


@router.get("/notices/{public_id}", response=NoticeDetailOut)
def get_notice(request, public_id: UUID):
    """Opening a notice records that the caller's units (those she answers for) read it."""
    from bastion.command.selectors.notices import notice_get
    from bastion.command.services.notices import notice_mark_read

    user = api_user(request)
    notice_mark_read(actor=user, notice=notice_get(user=user, public_id=public_id))
    return _notice(user, public_id)


@router.post("/notices/{public_id}/versions", response={201: NoticeDetailOut})
@refusals
def revise_notice(request, public_id: UUID, payload: NoticeVersionIn):
    from bastion.command.selectors.notices import notice_get
    from bastion.command.services.notices import notice_revise

    user = api_user(request)
    notice_revise(
        actor=user,
        notice=notice_get(user=user, public_id=public_id),
        body=payload.body,
        change_note=payload.change_note,
        title=payload.title,
        attachments=own_files(user, payload.attachments),
    )
    return Status(201, _notice(user, public_id))


@router.post("/notices/{public_id}/targets", response=NoticeDetailOut)
@refusals
def add_notice_targets(request, public_id: UUID, payload: TargetsIn):
    from bastion.command.selectors.notices import notice_get
    from bastion.command.services.notices import notice_add_targets

    user = api_user(request)
    notice_add_targets(
        actor=user, notice=notice_get(user=user, public_id=public_id), targets=payload.targets
    )
    return _notice(user, public_id)


@router.post("/notices/{public_id}/withdraw", response=NoticeDetailOut)
@refusals
def withdraw_notice(request, public_id: UUID, payload: CommandReasonIn):
    from bastion.command.selectors.notices import notice_get
    from bastion.command.services.notices import notice_withdraw

    user = api_user(request)
    notice_withdraw(
        actor=user, notice=notice_get(user=user, public_id=public_id), reason=payload.reason
    )
    return _notice(user, public_id)


@router.get("/notices/{public_id}/receipts", response=list[ReceiptOut])
@paginate(PageNumberPagination, page_size=100)
def list_receipts(request, public_id: UUID, unread: bool = False):
    """Read receipts per unit the caller sees (every unit for the issuing side)."""
    from bastion.command.selectors.notices import notice_get, notice_targets

    user = api_user(request)
    notice = notice_get(user=user, public_id=public_id)
    rows = notice_targets(user=user, notice=notice, unread_only=unread)
    return [
        {
            "unit_key": t.unit_key,
            "unit_kind": t.unit_kind,
            "unit_name": t.unit_name,
            "read_version": t.read_version,
            "read_at": t.read_at,
            "current": t.read_version >= notice.current_version,
        }
        for t in rows
    ]
