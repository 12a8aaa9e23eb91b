"""Exemplars (先进典型): nominated by an organization with the deed, evidence and a
photo; reviewed and published by holders of Perm.EXEMPLAR_REVIEW; withdrawn if need be.

Published text goes to a page without login, so no ID number or phone number may be
in it: nomination and publication refuse text that looks like one, and the public page
blanks any that slipped through (`redact_identifiers`).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import ANY, IMAGES, upload_store
from bastion.party.models import (
    Exemplar,
    ExemplarKind,
    ExemplarStatus,
    Organization,
    PartyMember,
    Team,
)
from bastion.party.services.common import clean, party_can, require, user_or_none

# An 18- or 15-digit ID number, or a mainland mobile number (also written 138-1234-5678).
IDENTIFIER_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?![0-9A-Za-z])"
)
MAX_EVIDENCE = 10
EDITABLE = ("title", "deed", "subject_name")


def redact_identifiers(text: str) -> str:
    """The text with anything that looks like an ID or phone number blanked."""
    return IDENTIFIER_PATTERN.sub("＊＊＊", text or "")


def _check_text(fields: dict[str, str]) -> None:
    errors = {
        name: [_("不能包含身份证号或手机号：公开栏目不得出现个人号码")]
        for name, value in fields.items()
        if IDENTIFIER_PATTERN.search(value or "")
    }
    if errors:
        raise ValidationError(errors)


def _subject(actor, kind: str, member, team, subject_org) -> tuple[str, dict]:
    """The subject's display name and the model fields naming it; 404 if not visible."""
    target = {ExemplarKind.PERSON: member, ExemplarKind.TEAM: team}.get(
        kind, subject_org if kind == ExemplarKind.ORGANIZATION else None
    )
    if kind not in ExemplarKind.values:
        raise ValidationError({"kind": [_("请选择典型类别")]})
    if target is None:
        raise ValidationError({"subject": [_("请选择推荐对象")]})
    if isinstance(target, PartyMember):
        org_path, region_path, name = target.org_path, target.region_path, target.person.name
    elif isinstance(target, Team):
        org_path, region_path, name = target.org_path, target.region_path, target.name
    else:
        org_path, region_path, name = target.path, target.region_path, target.name
    if not party_can(actor, Perm.PARTY_VIEW, org_path=org_path, region_path=region_path):
        raise Http404
    fields = {
        "member": target if kind == ExemplarKind.PERSON else None,
        "team": target if kind == ExemplarKind.TEAM else None,
        "subject_org": target if kind == ExemplarKind.ORGANIZATION else None,
    }
    return name, fields


def exemplar_nominate(
    *,
    actor,
    nominating_org: Organization,
    kind: str,
    title: str,
    deed: str,
    member: PartyMember | None = None,
    team: Team | None = None,
    subject_org: Organization | None = None,
    subject_name: str = "",
    photo=None,
    evidence=(),
) -> Exemplar:
    """Nominate a member, a team or an organization with the deed, a photo and evidence."""
    require(
        actor,
        Perm.PARTY_MANAGE,
        org_path=nominating_org.path,
        region_path=nominating_org.region_path,
    )
    name, subject_fields = _subject(actor, kind, member, team, subject_org)
    title, deed = clean(title, 120), (deed or "").strip()[:10000]
    subject_name = clean(subject_name, 120) or name
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("请填写标题")]
    if len(deed) < 20:
        errors["deed"] = [_("请写明事迹（至少20个字）")]
    evidence = list(evidence or [])
    if len(evidence) > MAX_EVIDENCE:
        errors["evidence"] = [_("最多上传%(n)d个证明材料") % {"n": MAX_EVIDENCE}]
    if errors:
        raise ValidationError(errors)
    _check_text({"title": title, "deed": deed, "subject_name": subject_name})
    exemplar = Exemplar(
        kind=kind,
        nominating_org=nominating_org,
        org_path=nominating_org.path,
        region_path=nominating_org.region_path,
        subject_name=subject_name,
        title=title,
        deed=deed,
        nominated_by=user_or_none(actor),
        **subject_fields,
    )
    exemplar.full_clean(exclude=["photo"])
    with transaction.atomic():
        if photo is not None:
            exemplar.photo = upload_store(
                file=photo, actor=actor, allowed=IMAGES, path=exemplar.region_path, field="photo"
            )
        stored = [
            upload_store(
                file=f, actor=actor, allowed=ANY, path=exemplar.region_path, field="evidence"
            )
            for f in evidence
        ]
        exemplar.save()
        if stored:
            exemplar.evidence.add(*stored)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=exemplar,
            path=exemplar.region_path,
            changes={"kind": [None, kind], "title": [None, title]},
        )
    return exemplar


def exemplar_edit(*, actor, exemplar: Exemplar, changes: dict, photo=None) -> Exemplar:
    """Reviewers edit the text (and photo) before publication; the nominating
    organization may while it waits for review."""
    reviewer = party_can(
        actor, Perm.EXEMPLAR_REVIEW, org_path=exemplar.org_path, region_path=exemplar.region_path
    )
    if not reviewer:
        require(
            actor, Perm.PARTY_MANAGE, org_path=exemplar.org_path, region_path=exemplar.region_path
        )
        if exemplar.status != ExemplarStatus.NOMINATED:
            raise ValidationError({"status": [_("已审核的典型只能由审核人修改")]})
    if exemplar.published_at is not None and exemplar.withdrawn_at is None:
        raise ValidationError({"status": [_("已发布的典型请先撤下再修改")]})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: [_("该字段不能修改")] for k in sorted(unknown)})
    limits = {"title": 120, "subject_name": 120, "deed": 10000}
    values = {k: clean(v, limits[k]) for k, v in changes.items()}
    for key in ("title", "subject_name"):
        if key in values and not values[key]:
            raise ValidationError({key: [_("不能为空")]})
    if "deed" in values and len(values["deed"]) < 20:
        raise ValidationError({"deed": [_("请写明事迹（至少20个字）")]})
    _check_text(values)
    audit = {
        k: [getattr(exemplar, k)[:50], v[:50]]
        for k, v in values.items()
        if getattr(exemplar, k) != v
    }
    with transaction.atomic():
        for key, value in values.items():
            setattr(exemplar, key, value)
        if photo is not None:
            exemplar.photo = upload_store(
                file=photo, actor=actor, allowed=IMAGES, path=exemplar.region_path, field="photo"
            )
            audit["photo"] = [None, "new"]
        if audit:
            exemplar.save()
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=exemplar,
                path=exemplar.region_path,
                changes=audit,
            )
    return exemplar


def _require_reviewer(actor, exemplar: Exemplar) -> None:
    require(
        actor, Perm.EXEMPLAR_REVIEW, org_path=exemplar.org_path, region_path=exemplar.region_path
    )


def exemplar_review(*, actor, exemplar: Exemplar, approve: bool, note: str = "") -> Exemplar:
    """Approve or turn down a nomination."""
    _require_reviewer(actor, exemplar)
    if exemplar.status != ExemplarStatus.NOMINATED:
        raise ValidationError({"status": [_("该典型已审核")]})
    if not approve and not clean(note, 300):
        raise ValidationError({"note": [_("未通过时请说明原因")]})
    new = ExemplarStatus.APPROVED if approve else ExemplarStatus.REJECTED
    with transaction.atomic():
        exemplar.status = new
        exemplar.reviewed_by = user_or_none(actor)
        exemplar.reviewed_at = timezone.now()
        exemplar.review_note = clean(note, 300)
        exemplar.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=exemplar,
            path=exemplar.region_path,
            changes={"status": [ExemplarStatus.NOMINATED, new]},
            reason=exemplar.review_note,
        )
    return exemplar


def exemplar_publish(*, actor, exemplar: Exemplar) -> Exemplar:
    """Put an approved story on the public column."""
    _require_reviewer(actor, exemplar)
    if exemplar.status != ExemplarStatus.APPROVED:
        raise ValidationError({"status": [_("只有审核通过的典型可以发布")]})
    if exemplar.published_at is not None and exemplar.withdrawn_at is None:
        raise ValidationError({"status": [_("该典型已发布")]})
    _check_text(
        {"title": exemplar.title, "deed": exemplar.deed, "subject_name": exemplar.subject_name}
    )
    with transaction.atomic():
        exemplar.published_at = timezone.now()
        exemplar.withdrawn_at = None
        exemplar.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=exemplar,
            path=exemplar.region_path,
            changes={"published": [False, True]},
        )
    return exemplar


def exemplar_withdraw(*, actor, exemplar: Exemplar, reason: str) -> Exemplar:
    """Take a published story off the public column."""
    _require_reviewer(actor, exemplar)
    if exemplar.published_at is None or exemplar.withdrawn_at is not None:
        raise ValidationError({"status": [_("该典型未在公开栏目中")]})
    if not clean(reason, 300):
        raise ValidationError({"reason": [_("请填写撤下原因")]})
    with transaction.atomic():
        exemplar.withdrawn_at = timezone.now()
        exemplar.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=exemplar,
            path=exemplar.region_path,
            changes={"published": [True, False]},
            reason=clean(reason, 500),
        )
    return exemplar
