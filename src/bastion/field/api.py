"""Field mode API at /api/v1/field/: the day's bundle, one queued entry at a time, and the
office's list of entries in conflict.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

import datetime as dt
import json
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from bastion.core.idempotency import HEADER
from bastion.core.pagination import PageNumberPagination
from bastion.field.models import ConflictStatus
from bastion.field.selectors import conflict_get, conflict_list, day_bundle
from bastion.field.services import conflict_resolve, entry_parse, entry_submit

router = Router(tags=["field"])


def _user(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class AcceptedOut(Schema):
    status: str
    record: dict


class ConflictOut(Schema):
    public_id: UUID
    kind: str
    kind_label: str
    reason: str
    reason_label: str
    target_label: str
    status: str
    status_label: str
    submitted_by: str
    queued_at: dt.datetime | None
    received_at: dt.datetime
    resolution: str
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return obj.get_reason_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_submitted_by(obj) -> str:
        return obj.user.get_username()


class ConflictReplyOut(Schema):
    code: str
    message: str
    fields: dict
    conflict: ConflictOut


class ResolveIn(Schema):
    note: str = ""


@router.get("/day", response=dict)
def get_day(request):
    """What the field pages keep offline for today: people due, the households of the
    current campaign rounds, claimed tasks, the choices behind the forms. Masked names only."""
    return day_bundle(user=_user(request))


def conflict_message(conflict) -> str:
    return _("%(reason)s：这条记录已交办公室处理，不会丢失") % {
        "reason": conflict.get_reason_display()
    }


@router.post("/entries", response={201: AcceptedOut, 409: ConflictReplyOut})
def submit_entry(request):
    """One entry of the phone's queue, with its `Idempotency-Key` (required): 201 when
    written; 422/404 with the reason when refused; 409 `field_conflict` when the server's
    data moved on (the entry is kept for the office). A retry replays the first answer."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise ValidationError({HEADER: [_("缺少幂等键")]})
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("请求体不是有效的 JSON")) from None
    entry = entry_parse(body)
    result = entry_submit(actor=_user(request), key=key, entry=entry)
    if result.status == "conflict":
        conflict = result.conflict
        return Status(
            409,
            {
                "code": "field_conflict",
                "message": conflict_message(conflict),
                "fields": {},
                "conflict": conflict,
            },
        )
    return Status(201, {"status": "accepted", "record": result.record})


@router.get("/conflicts", response=list[ConflictOut])
@paginate(PageNumberPagination, page_size=50)
def list_conflicts(request, status: str = ConflictStatus.OPEN):
    """Entries in conflict under the caller's office (and the caller's own)."""
    if status not in ("", *ConflictStatus.values):
        raise ValidationError({"status": [_("未知的状态：%(s)s") % {"s": status}]})
    return conflict_list(user=_user(request), status=status)


@router.get("/conflicts/{public_id}", response=ConflictOut)
def get_conflict(request, public_id: UUID):
    return conflict_get(user=_user(request), public_id=public_id)


@router.post("/conflicts/{public_id}/resolve", response=ConflictOut)
def resolve_conflict(request, public_id: UUID, payload: ResolveIn):
    """Close an entry in conflict with what the office did (the office only)."""
    user = _user(request)
    conflict = conflict_get(user=user, public_id=public_id)
    return conflict_resolve(actor=user, conflict=conflict, note=payload.note)
