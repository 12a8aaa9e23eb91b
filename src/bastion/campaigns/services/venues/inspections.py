"""Venue inspections against the kind's checklist, their photos, and the violation
incident a failed one raises."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import Inspection, InspectionResult, Venue, VenueKind
from bastion.campaigns.services import links
from bastion.campaigns.services.common import discard_files, user_or_none
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import IMAGES, upload_store

CLOCK_SKEW = dt.timedelta(minutes=5)
PHOTOS_MAX = 6
RECTIFY_MAX_DAYS = 90


def _answers(kind: VenueKind, answers) -> list[dict]:
    """The kind's checklist with the inspector's answers (missing answers are "no")."""
    ticked = set(answers or [])
    return [{"item": item, "ok": item in ticked} for item in kind.checklist]


def _store_all(files, *, actor, allowed, path: str, field: str) -> list:
    stored = []
    try:
        for upload in files:
            stored.append(
                upload_store(file=upload, actor=actor, allowed=allowed, path=path, field=field)
            )
    except BaseException:
        discard_files(stored)
        raise
    return stored


def inspection_record(
    *,
    actor,
    venue: Venue,
    result: str,
    passed_items=(),
    rectify_by: dt.date | None = None,
    note: str = "",
    photos=(),
    follows: Inspection | None = None,
    inspected_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[Inspection, list[str]]:
    """Record an inspection against the venue kind's checklist (`passed_items` are the
    items found in order). A failed inspection (rectify, closed) raises a venue-violation
    incident. Returns the inspection and warnings for the inspector."""
    now = now or timezone.now()
    inspected_at = inspected_at or now
    if not can_on_path(actor, Perm.VISIT_RECORD, venue.path):
        raise PermissionDenied(_("没有登记场所检查的权限"))
    errors: dict[str, list[str]] = {}
    if venue.closed_at is not None:
        raise ValidationError(_("该场所已注销，不能再登记检查"))
    if result not in InspectionResult.values:
        errors["result"] = [_("请选择检查结论")]
    if timezone.is_naive(inspected_at) or inspected_at > now + CLOCK_SKEW:
        errors["inspected_at"] = [_("检查时间不能晚于现在")]
    today = timezone.localdate(now)
    if result == InspectionResult.RECTIFY:
        if rectify_by is None:
            errors["rectify_by"] = [_("限期整改须填写整改期限")]
        elif rectify_by < today or (rectify_by - today).days > RECTIFY_MAX_DAYS:
            errors["rectify_by"] = [_("整改期限应在今天到 %(n)d 天之内") % {"n": RECTIFY_MAX_DAYS}]
    elif rectify_by is not None:
        errors["rectify_by"] = [_("只有限期整改才填写整改期限")]
    unknown = set(passed_items or []) - set(venue.kind.checklist)
    if unknown:
        errors["passed_items"] = [
            _("检查项不属于该场所类型：%(items)s") % {"items": "、".join(unknown)}
        ]
    if follows is not None and follows.venue_id != venue.pk:
        errors["follows"] = [_("复查对象必须是本场所的检查")]
    if len(note or "") > 500:
        errors["note"] = [_("备注不能超过 500 字")]
    photos = list(photos or [])
    if len(photos) > PHOTOS_MAX:
        errors["photos"] = [_("最多上传 %(n)d 张照片") % {"n": PHOTOS_MAX}]
    if errors:
        raise ValidationError(errors)
    warnings: list[str] = []
    stored = _store_all(photos, actor=actor, allowed=IMAGES, path=venue.path, field="photos")
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                venue=venue,
                path=venue.path,
                inspected_at=inspected_at,
                recorded_at=now,
                inspector=user_or_none(actor),
                checklist=_answers(venue.kind, passed_items),
                result=result,
                rectify_by=rectify_by if result == InspectionResult.RECTIFY else None,
                note=(note or "").strip(),
                follows=follows,
            )
            if stored:
                inspection.photos.set(stored)
            if result != InspectionResult.COMPLIANT:
                inspection.incident_ref = _violation_incident(
                    actor=actor, venue=venue, inspection=inspection, photos=stored
                )
                if inspection.incident_ref:
                    inspection.save(update_fields=["incident_ref"])
                else:
                    warnings.append(_("未能自动上报场所违规事件，请在检查记录页重试"))
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=inspection,
                object_repr=f"{venue.name} · {inspection.get_result_display()}",
                changes={"venue": [None, str(venue.public_id)], "result": [None, result]},
            )
    except BaseException:
        discard_files(stored)
        raise
    return inspection, warnings


def _violation_incident(*, actor, venue: Venue, inspection: Inspection, photos=()) -> str:
    failed = "、".join(inspection.failed_items) or _("（未勾选检查项）")
    description = _("场所检查结论：%(result)s。未落实：%(failed)s。%(note)s") % {
        "result": inspection.get_result_display(),
        "failed": failed,
        "note": inspection.note,
    }
    return links.incident_raise(
        actor=actor,
        kind="venue_violation",
        region=venue.region,
        description=description.strip(),
        source_ref=str(inspection.public_id),
        linked_type="campaigns.venue",
        linked_ref=str(venue.public_id),
        linked_label=venue.name,
        photos=photos,
    )


def inspection_incident_retry(*, actor, inspection: Inspection) -> str:
    """Raise the incident of a failed inspection whose first attempt did not go through."""
    if not can_on_path(actor, Perm.VISIT_RECORD, inspection.path):
        raise PermissionDenied  # before anything that tells the caller about the record
    if inspection.result == InspectionResult.COMPLIANT:
        raise ValidationError(_("合格的检查不需要上报事件"))
    with transaction.atomic():
        ref = _violation_incident(
            actor=actor,
            venue=inspection.venue,
            inspection=inspection,
            photos=list(inspection.photos.all()),
        )
        if ref and ref != inspection.incident_ref:
            inspection.incident_ref = ref
            inspection.save(update_fields=["incident_ref"])
    return ref


def inspection_photos_add(*, actor, inspection: Inspection, photos) -> Inspection:
    """Add photos to an inspection (up to PHOTOS_MAX in all), by someone who may inspect."""
    if not can_on_path(actor, Perm.VISIT_RECORD, inspection.path):
        raise PermissionDenied(_("没有登记场所检查的权限"))
    photos = list(photos or [])
    if not photos:
        raise ValidationError({"photos": [_("请选择照片")]})
    if inspection.photos.count() + len(photos) > PHOTOS_MAX:
        raise ValidationError({"photos": [_("最多上传 %(n)d 张照片") % {"n": PHOTOS_MAX}]})
    stored = _store_all(photos, actor=actor, allowed=IMAGES, path=inspection.path, field="photos")
    try:
        with transaction.atomic():
            inspection.photos.add(*stored)
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=inspection,
                changes={"photos": [None, len(stored)]},
            )
    except BaseException:
        discard_files(stored)
        raise
    return inspection
