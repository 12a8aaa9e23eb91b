"""Venues and their kinds, inspections and commitment letters."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, region_paths
from bastion.campaigns.contacts import clean_phone, contact_fields
from bastion.campaigns.models import (
    Commitment,
    Inspection,
    InspectionResult,
    Venue,
    VenueKind,
)
from bastion.campaigns.services import links
from bastion.campaigns.services.common import clean_reason, discard_files, user_or_none
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import IMAGES, SCANS, upload_store
from bastion.geo.models import Level, Region

CLOCK_SKEW = dt.timedelta(minutes=5)
CHECKLIST_MAX = 30
PHOTOS_MAX = 6
RECTIFY_MAX_DAYS = 90
_KIND_CODE = re.compile(r"[a-z][a-z0-9_]{1,29}")


# --- Venue kinds (county command) -----------------------------------------------------


def may_edit_kinds(actor) -> bool:
    """Kinds and checklists are county-wide: CAMPAIGN_MANAGE held at a county."""
    paths = region_paths(actor, Perm.CAMPAIGN_MANAGE)
    return paths is None or any(p.count("/") == 1 for p in paths)


def _clean_checklist(items) -> list[str]:
    if isinstance(items, str):
        items = items.splitlines()
    cleaned: list[str] = []
    for item in items or []:
        text = str(item).strip()
        if text and text not in cleaned:
            cleaned.append(text[:100])
    if len(cleaned) > CHECKLIST_MAX:
        raise ValidationError({"checklist": [_("检查项最多 %(n)d 条") % {"n": CHECKLIST_MAX}]})
    return cleaned


@transaction.atomic
def venue_kind_save(
    *,
    actor,
    kind: VenueKind | None = None,
    code: str = "",
    name_zh: str,
    name_en: str = "",
    checklist,
    order: int = 100,
    active: bool = True,
) -> VenueKind:
    """Create a kind (kind=None, with a new `code`) or change one (its code stays)."""
    if not may_edit_kinds(actor):
        raise PermissionDenied(_("只有县指挥部可以修改场所类型"))
    errors: dict[str, list[str]] = {}
    name_zh = (name_zh or "").strip()
    if not name_zh:
        errors["name_zh"] = [_("名称不能为空")]
    creating = kind is None
    if creating:
        code = (code or "").strip()
        if not _KIND_CODE.fullmatch(code):
            errors["code"] = [_("代码应为 2-30 位小写字母、数字或下划线，以字母开头")]
        elif VenueKind.objects.filter(code=code).exists():
            errors["code"] = [_("代码 %(code)s 已存在") % {"code": code}]
    try:
        items = _clean_checklist(checklist)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        items = []
    if errors:
        raise ValidationError(errors)
    before = None if creating else (kind.name_zh, list(kind.checklist), kind.active)
    kind = kind or VenueKind(code=code)
    kind.name_zh = name_zh[:40]
    kind.name_en = (name_en or "").strip()[:60]
    kind.checklist = items
    kind.order = max(0, min(int(order or 0), 999))
    kind.active = bool(active)
    kind.full_clean()
    kind.save()
    audit_record(
        actor=actor,
        action=Action.CREATE if creating else Action.UPDATE,
        obj=kind,
        changes={
            "name": [None if before is None else before[0], kind.name_zh],
            "checklist": [None if before is None else len(before[1]), len(items)],
            "active": [None if before is None else before[2], kind.active],
        },
    )
    return kind


# --- Venues ---------------------------------------------------------------------------


def new_checkin_code() -> str:
    return secrets.token_urlsafe(12)


def _check_grid(actor, region: Region | None, errors: dict) -> None:
    if region is None:
        errors["region"] = [_("请选择所在网格")]
    elif region.level != Level.GRID:
        errors["region"] = [_("场所必须登记到网格")]
    elif not can_on_path(actor, Perm.CAMPAIGN_MANAGE, region.path):
        raise PermissionDenied(_("该网格不在您可管理的范围内"))


@transaction.atomic
def venue_create(
    *,
    actor,
    kind: VenueKind,
    name: str,
    region: Region,
    address: str = "",
    responsible_name: str = "",
    contact_phone: str = "",
) -> Venue:
    """Register a venue in a grid under the actor's CAMPAIGN_MANAGE; its check-in code
    is issued at once."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("场所名称不能为空")]
    if kind is None or not kind.active:
        errors["kind"] = [_("请选择场所类型")]
    _check_grid(actor, region, errors)
    phone = clean_phone(contact_phone, "contact_phone", errors)
    if not errors and Venue.objects.filter(region=region, name=name).exists():
        errors["name"] = [_("该网格已有同名场所")]
    if errors:
        raise ValidationError(errors)
    venue = Venue(
        kind=kind,
        name=name[:100],
        address=(address or "").strip()[:200],
        region=region,
        path=region.path,
        responsible_name=(responsible_name or "").strip()[:60],
        checkin_code=new_checkin_code(),
        created_by=user_or_none(actor),
        **contact_fields(phone),
    )
    venue.full_clean(exclude=["kind", "region", "created_by"])
    venue.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=venue,
        changes={
            "name": [None, venue.name],
            "kind": [None, kind.code],
            "grid": [None, region.code],
        },
    )
    return venue


def _require_manage(actor, venue: Venue) -> None:
    if not can_on_path(actor, Perm.CAMPAIGN_MANAGE, venue.path):
        raise PermissionDenied(_("只有村社区及以上干部可以修改场所信息"))


@transaction.atomic
def venue_update(
    *,
    actor,
    venue: Venue,
    kind: VenueKind | None = None,
    name: str | None = None,
    address: str | None = None,
    responsible_name: str | None = None,
    contact_phone: str | None = None,
) -> Venue:
    """Change a venue's kind, name, address or responsible person (it stays in its grid)."""
    _require_manage(actor, venue)
    errors: dict[str, list[str]] = {}
    changes: dict[str, list] = {}
    if kind is not None and kind.pk != venue.kind_id:
        changes["kind"] = [venue.kind.code, kind.code]
        venue.kind = kind
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = [_("场所名称不能为空")]
        elif name != venue.name:
            if Venue.objects.filter(region_id=venue.region_id, name=name).exists():
                errors["name"] = [_("该网格已有同名场所")]
            changes["name"] = [venue.name, name]
            venue.name = name[:100]
    for attr, value, limit in (
        ("address", address, 200),
        ("responsible_name", responsible_name, 60),
    ):
        if value is not None and value.strip() != getattr(venue, attr):
            changes[attr] = [bool(getattr(venue, attr)), True]
            setattr(venue, attr, value.strip()[:limit])
    if contact_phone is not None:
        phone = clean_phone(contact_phone, "contact_phone", errors)
        fields = contact_fields(phone)
        if fields["contact_phone_masked"] != venue.contact_phone_masked:
            changes["contact_phone"] = [venue.contact_phone_masked, fields["contact_phone_masked"]]
            for attr, value in fields.items():
                setattr(venue, attr, value)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return venue
    venue.full_clean(exclude=["kind", "region", "created_by"])
    venue.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=venue, changes=changes)
    return venue


@transaction.atomic
def venue_close(*, actor, venue: Venue, reason: str, now: dt.datetime | None = None) -> Venue:
    """Take a venue off the registry (gone out of business); its records stay."""
    _require_manage(actor, venue)
    reason = clean_reason(reason, message=_("请填写注销原因（至少 %(n)d 个字）"))
    if venue.closed_at is None:
        venue.closed_at = now or timezone.now()
        venue.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=venue,
            changes={"closed": [False, True]},
            reason=reason,
        )
    return venue


@transaction.atomic
def venue_checkin_code_reissue(*, actor, venue: Venue) -> Venue:
    """A new check-in code: the old printed QR code stops working."""
    _require_manage(actor, venue)
    venue.checkin_code = new_checkin_code()
    venue.save(update_fields=["checkin_code", "updated_at"])
    audit_record(
        actor=actor, action=Action.UPDATE, obj=venue, changes={"checkin_code": ["", "new"]}
    )
    return venue


# --- Inspections ----------------------------------------------------------------------


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


# --- Commitment letters ------------------------------------------------------------------


def commitment_record(
    *,
    actor,
    venue: Venue,
    signed_by: str,
    signed_on: dt.date,
    signer_role: str = "",
    scan=None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Record a signed commitment letter with its scanned copy (image or PDF)."""
    now = now or timezone.now()
    if not can_on_path(actor, Perm.VISIT_RECORD, venue.path):
        raise PermissionDenied(_("没有登记承诺书的权限"))
    errors: dict[str, list[str]] = {}
    signed_by = (signed_by or "").strip()
    if not signed_by:
        errors["signed_by"] = [_("请填写签署人")]
    elif len(signed_by) > 60:
        errors["signed_by"] = [_("签署人姓名过长")]
    if signed_on is None:
        errors["signed_on"] = [_("请填写签署日期")]
    elif signed_on > timezone.localdate(now):
        errors["signed_on"] = [_("签署日期不能晚于今天")]
    if venue.closed_at is not None:
        errors["venue"] = [_("该场所已注销")]
    if errors:
        raise ValidationError(errors)
    stored = (
        upload_store(file=scan, actor=actor, allowed=SCANS, path=venue.path, field="scan")
        if scan is not None
        else None
    )
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                venue=venue,
                path=venue.path,
                signed_by=signed_by,
                signer_role=(signer_role or "").strip()[:40],
                signed_on=signed_on,
                scan=stored,
                recorded_by=user_or_none(actor),
                created_at=now,
            )
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=commitment,
                object_repr=f"{venue.name} · {signed_on}",
                changes={"venue": [None, str(venue.public_id)], "scan": [None, bool(stored)]},
            )
    except BaseException:
        discard_files([stored] if stored else [])
        raise
    return commitment


@transaction.atomic
def commitment_withdraw(
    *, actor, commitment: Commitment, reason: str, now: dt.datetime | None = None
) -> Commitment:
    """Mark a letter as withdrawn (entered for the wrong venue, signed by the wrong
    person); it stays on file with the reason."""
    if not can_on_path(actor, Perm.CAMPAIGN_MANAGE, commitment.path):
        raise PermissionDenied(_("只有村社区及以上干部可以作废承诺书"))
    reason = clean_reason(reason, message=_("请填写作废原因（至少 %(n)d 个字）"))
    if commitment.withdrawn_at is not None:
        return commitment
    commitment.withdrawn_at = now or timezone.now()
    commitment.withdrawn_reason = reason[:300]
    commitment.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=commitment,
        changes={"withdrawn": [False, True]},
        reason=reason,
    )
    return commitment
