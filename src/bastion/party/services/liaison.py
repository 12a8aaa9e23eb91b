"""Liaison groups (联点小组): form them, pair them with key units, log their visits; and
the cadre observations (近距离观察识别干部) they write, which only holders of
Perm.CADRE_OBSERVE may write or read (everyone else: 404)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import ANY, upload_store
from bastion.party.models import (
    CadreObservation,
    CadreRating,
    LiaisonGroup,
    LiaisonPairing,
    LiaisonVisit,
    Organization,
    PartyMember,
)
from bastion.party.services.common import (
    clean,
    is_system,
    party_can,
    require,
    save_audited,
    user_or_none,
)

MAX_ATTACHMENTS = 10
GROUP_EDITABLE = ("name", "leader", "members_text", "focus")


def _store(files, *, actor, path: str, field: str) -> list:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({field: [_("最多上传%(n)d个附件") % {"n": MAX_ATTACHMENTS}]})
    return [upload_store(file=f, actor=actor, allowed=ANY, path=path, field=field) for f in files]


def liaison_group_create(
    *,
    actor,
    organization: Organization,
    number: int,
    name: str,
    leader: str = "",
    members_text: str = "",
    focus: str = "",
    formed_on: dt.date | None = None,
) -> LiaisonGroup:
    """Form a liaison group of the organization department of `organization`."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    if not isinstance(number, int) or number < 1:
        raise ValidationError({"number": [_("组号必须是正整数")]})
    if LiaisonGroup.objects.filter(organization=organization, number=number).exists():
        raise ValidationError({"number": [_("第%(n)d联点小组已存在") % {"n": number}]})
    group = LiaisonGroup(
        organization=organization,
        org_path=organization.path,
        region_path=organization.region_path,
        number=number,
        name=clean(name, 60) or _("第%(n)d联点小组") % {"n": number},
        leader=clean(leader, 60),
        members_text=clean(members_text, 300),
        focus=clean(focus, 300),
        formed_on=formed_on or timezone.localdate(),
    )
    group.full_clean(validate_constraints=False)
    try:
        save_audited(
            group,
            actor=actor,
            action=Action.CREATE,
            path=group.region_path,
            changes={"number": [None, number], "name": [None, group.name]},
        )
    except IntegrityError as exc:
        raise ValidationError({"number": [_("第%(n)d联点小组已存在") % {"n": number}]}) from exc
    return group


def liaison_group_update(*, actor, group: LiaisonGroup, changes: dict) -> LiaisonGroup:
    require(actor, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path)
    unknown = set(changes) - set(GROUP_EDITABLE)
    if unknown:
        raise ValidationError({k: [_("该字段不能修改")] for k in sorted(unknown)})
    limits = {"name": 60, "leader": 60, "members_text": 300, "focus": 300}
    audit = {}
    for field, value in changes.items():
        value = clean(value, limits[field])
        if field == "name" and not value:
            raise ValidationError({"name": [_("请填写名称")]})
        if getattr(group, field) != value:
            audit[field] = [getattr(group, field), value]
            setattr(group, field, value)
    if audit:
        with transaction.atomic():
            group.save()
            audit_record(
                actor=actor, action=Action.UPDATE, obj=group, path=group.region_path, changes=audit
            )
    return group


def liaison_group_user_add(*, actor, group: LiaisonGroup, user) -> LiaisonGroup:
    """Let a login record the group's visits (and see the group)."""
    require(actor, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path)
    if not user.is_active:
        raise ValidationError({"user": [_("该用户已停用")]})
    if group.users.filter(pk=user.pk).exists():
        raise ValidationError({"user": [_("该用户已在小组中")]})
    with transaction.atomic():
        group.users.add(user)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=group,
            path=group.region_path,
            changes={"user": [None, user.username]},
        )
    return group


def liaison_group_user_remove(*, actor, group: LiaisonGroup, user) -> LiaisonGroup:
    require(actor, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path)
    with transaction.atomic():
        group.users.remove(user)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=group,
            path=group.region_path,
            changes={"user": [user.username, None]},
        )
    return group


def liaison_pair(
    *, actor, group: LiaisonGroup, unit: Organization, started_on: dt.date | None = None
) -> LiaisonPairing:
    """Pair the group with a key unit it will visit."""
    require(actor, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path)
    if not party_can(actor, Perm.PARTY_VIEW, org_path=unit.path, region_path=unit.region_path):
        raise Http404
    if group.dissolved_on is not None:
        raise ValidationError({"group": [_("该联点小组已撤销")]})
    pairing = LiaisonPairing(group=group, unit=unit, started_on=started_on or timezone.localdate())
    try:
        save_audited(
            pairing,
            actor=actor,
            action=Action.UPDATE,
            obj=group,
            path=group.region_path,
            changes={"unit": [None, unit.code]},
        )
    except IntegrityError as exc:
        raise ValidationError({"unit": [_("该单位已是本组的联点单位")]}) from exc
    return pairing


def liaison_unpair(*, actor, pairing: LiaisonPairing, ended_on: dt.date | None = None) -> None:
    group = pairing.group
    require(actor, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path)
    if pairing.ended_on is not None:
        raise ValidationError({"unit": [_("已解除联点")]})
    ended_on = ended_on or timezone.localdate()
    with transaction.atomic():
        pairing.ended_on = max(ended_on, pairing.started_on)
        pairing.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=group,
            path=group.region_path,
            changes={"unit": [pairing.unit.code, None]},
        )


def _may_record(actor, group: LiaisonGroup) -> None:
    """Group users and the group's managers record visits; viewers get 403."""
    if is_system(actor) or group.users.filter(pk=actor.pk).exists():
        return
    require(actor, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path)


def liaison_visit_record(
    *,
    actor,
    group: LiaisonGroup,
    unit: Organization,
    visited_on: dt.date,
    findings: str,
    participants: str = "",
    follow_up: str = "",
    attachments=(),
) -> LiaisonVisit:
    """Log a visit of the group to a unit: what they found, what follows."""
    _may_record(actor, group)
    errors: dict[str, list[str]] = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("走访日期不能晚于今天")]
    if not (findings or "").strip():
        errors["findings"] = [_("请填写发现的情况")]
    if not group.pairings.filter(unit=unit).exists():
        errors["unit"] = [_("该单位不是本组的联点单位")]
    if errors:
        raise ValidationError(errors)
    visit = LiaisonVisit(
        group=group,
        unit=unit,
        org_path=unit.path,
        region_path=unit.region_path,
        visited_on=visited_on,
        participants=clean(participants, 200),
        findings=(findings or "").strip()[:5000],
        follow_up=(follow_up or "").strip()[:5000],
        recorded_by=user_or_none(actor),
    )
    visit.full_clean()
    with transaction.atomic():
        stored = _store(attachments, actor=actor, path=unit.region_path, field="attachments")
        visit.save()
        if stored:
            visit.attachments.add(*stored)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=visit,
            object_repr=f"{group.name} → {unit.name}",
            path=unit.region_path,
            changes={"visited_on": [None, visited_on.isoformat()], "attachments": len(stored)},
        )
    return visit


# --- Cadre observations ------------------------------------------------------------------------


def _require_cadre(actor, *, org_path: str, region_path: str) -> None:
    """Everyone without Perm.CADRE_OBSERVE there: 404, never 403."""
    if not party_can(actor, Perm.CADRE_OBSERVE, org_path=org_path, region_path=region_path):
        raise Http404


def cadre_observation_record(
    *,
    actor,
    unit: Organization,
    cadre_name: str,
    observed_on: dt.date,
    situation: str,
    performance: str,
    rating: str,
    position: str = "",
    group: LiaisonGroup | None = None,
    cadre_member: PartyMember | None = None,
    evidence=(),
) -> CadreObservation:
    """Note how a cadre of `unit` performed at the front, with evidence files."""
    _require_cadre(actor, org_path=unit.path, region_path=unit.region_path)
    errors: dict[str, list[str]] = {}
    if not clean(cadre_name, 60):
        errors["cadre_name"] = [_("请填写干部姓名")]
    if not clean(situation, 200):
        errors["situation"] = [_("请填写观察的场合或任务")]
    if not (performance or "").strip():
        errors["performance"] = [_("请填写表现情况")]
    if rating not in CadreRating.values:
        errors["rating"] = [_("请选择评价")]
    if observed_on > timezone.localdate():
        errors["observed_on"] = [_("观察日期不能晚于今天")]
    if group is not None and group.dissolved_on is not None and group.dissolved_on < observed_on:
        errors["group"] = [_("该联点小组已撤销")]
    if errors:
        raise ValidationError(errors)
    if cadre_member is not None and not party_can(
        actor, Perm.PARTY_VIEW, org_path=cadre_member.org_path, region_path=cadre_member.region_path
    ):
        raise Http404
    observation = CadreObservation(
        group=group,
        cadre_name=clean(cadre_name, 60),
        cadre_member=cadre_member,
        position=clean(position, 100),
        unit=unit,
        org_path=unit.path,
        region_path=unit.region_path,
        observed_on=observed_on,
        situation=clean(situation, 200),
        performance=performance.strip()[:5000],
        rating=rating,
        recorded_by=user_or_none(actor),
    )
    observation.full_clean()
    with transaction.atomic():
        stored = _store(evidence, actor=actor, path="", field="evidence")
        observation.save()
        if stored:
            observation.evidence.add(*stored)
        # The audit trail names neither the cadre nor the note: auditors read it too.
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=observation,
            object_repr=str(observation.public_id),
            path="",
            changes={"evidence": len(stored)},
        )
    return observation


def cadre_observation_view_allowed(actor) -> None:
    """PermissionDenied is never used here: no CADRE_OBSERVE anywhere means 404."""
    from bastion.access.scoping import has_perm

    if not (is_system(actor) or has_perm(actor, Perm.CADRE_OBSERVE)):
        raise Http404
