"""Writes to the organization tree: create, edit, close a temporary branch, second
members to it, set the registration target, grant the organization officer role."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.party.models import (
    MemberStatus,
    Organization,
    PartyMember,
    Secondment,
    Tier,
)
from bastion.party.services.common import (
    clean,
    is_system,
    party_can,
    require,
    save_audited,
    user_or_none,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
LEAF_TIERS = (Tier.BRANCH, Tier.TEMPORARY_BRANCH)
ORGANIZATION_EDITABLE = (
    "name",
    "sector",
    "region",
    "secretary",
    "site_kind",
    "site_name",
    "purpose",
    "opened_on",
)


def _check_region(parent: Organization | None, region: Region | None) -> None:
    if region is not None and parent is not None and parent.region_path:
        if not region.path.startswith(parent.region_path):
            raise ValidationError(
                {
                    "region": [
                        _("所在区域必须在上级党组织所在区域（%(r)s）之内") % {"r": parent.region}
                    ]
                }
            )


def organization_create(
    *,
    actor,
    code: str,
    name: str,
    tier: str,
    sector: str,
    parent: Organization | None,
    region: Region | None = None,
    secretary: str = "",
    site_kind: str = "",
    site_name: str = "",
    purpose: str = "",
    opened_on: dt.date | None = None,
) -> Organization:
    """Create an organization under `parent` (None only for a county committee).

    A temporary branch needs a parent, a site kind and an opening date.
    """
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ValidationError({"code": [_("组织代码只能包含字母、数字、-和_，最长40位")]})
    if parent is None and not is_system(actor):
        raise ValidationError({"parent": [_("请选择上级党组织")]})
    if parent is not None:
        require(actor, Perm.PARTY_MANAGE, org_path=parent.path, region_path=parent.region_path)
        if parent.tier in LEAF_TIERS:
            raise ValidationError({"parent": [_("党支部下不能再设党组织")]})
        if parent.closed_on is not None:
            raise ValidationError({"parent": [_("上级党组织已撤销")]})
    _check_region(parent, region)
    if tier == Tier.TEMPORARY_BRANCH:
        errors = {}
        if parent is None:
            errors["parent"] = [_("临时党支部必须有上级党组织")]
        if not site_kind:
            errors["site_kind"] = [_("请选择临时党支部的设立地点类型")]
        if opened_on is None:
            errors["opened_on"] = [_("请填写成立日期")]
        if errors:
            raise ValidationError(errors)
    elif site_kind or opened_on:
        site_kind, opened_on = "", None
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("组织代码 %(code)s 已存在") % {"code": code}]})
    org = Organization(
        code=code,
        name=clean(name, 120),
        tier=tier,
        sector=sector,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
        region=region,
        region_path=region.path if region else "",
        secretary=clean(secretary, 60),
        site_kind=site_kind or "",
        site_name=clean(site_name, 120),
        purpose=clean(purpose, 300),
        opened_on=opened_on,
    )
    org.full_clean(validate_unique=False)
    try:
        save_audited(
            org,
            actor=actor,
            action=Action.CREATE,
            path=org.region_path,
            changes={"code": [None, code], "tier": [None, tier], "name": [None, org.name]},
        )
    except IntegrityError as exc:
        raise ValidationError({"code": [_("组织代码 %(code)s 已存在") % {"code": code}]}) from exc
    return org


def organization_update(*, actor, organization: Organization, changes: dict) -> Organization:
    """Change an organization's name, sector, region, secretary or (temporary branch)
    site, purpose and opening date. Code, tier and parent stay: the tree hangs on them."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    unknown = set(changes) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ValidationError({k: [_("该字段不能修改")] for k in sorted(unknown)})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    temporary_only = {"site_kind", "opened_on"} & set(changes)
    if temporary_only and not org.is_temporary:
        raise ValidationError({k: [_("只有临时党支部有此项")] for k in sorted(temporary_only)})
    if "region" in changes:
        _check_region(org.parent, changes["region"])
    audit: dict[str, list] = {}
    limits = {"name": 120, "secretary": 60, "site_name": 120, "purpose": 300}
    for field in ORGANIZATION_EDITABLE:
        if field not in changes:
            continue
        value = changes[field]
        if field in limits:
            value = clean(value, limits[field])
        old = getattr(org, field)
        if old == value:
            continue
        audit[field] = [_shown(old), _shown(value)]
        setattr(org, field, value)
        if field == "region":
            org.region_path = value.path if value else ""
    if not audit:
        return org
    if org.is_temporary and org.closed_on and org.opened_on and org.closed_on < org.opened_on:
        raise ValidationError({"opened_on": [_("成立日期不能晚于撤销日期")]})
    org.full_clean(validate_unique=False)
    with transaction.atomic():
        org.save()
        audit_record(
            actor=actor, action=Action.UPDATE, obj=org, path=org.region_path, changes=audit
        )
    return org


def _shown(value):
    if isinstance(value, Region):
        return value.code
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def organization_close(
    *, actor, organization: Organization, closed_on: dt.date, reason: str = ""
) -> Organization:
    """Close a temporary branch; its open secondments end the same day."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    if not organization.is_temporary:
        raise ValidationError({"closed_on": [_("只有临时党支部可以撤销")]})
    if organization.closed_on is not None:
        raise ValidationError({"closed_on": [_("该临时党支部已撤销")]})
    if organization.opened_on and closed_on < organization.opened_on:
        raise ValidationError({"closed_on": [_("撤销日期不能早于成立日期")]})
    with transaction.atomic():
        organization.closed_on = closed_on
        organization.full_clean(validate_unique=False)
        organization.save(update_fields=["closed_on", "updated_at"])
        ended = Secondment.objects.filter(branch=organization, ended_on__isnull=True)
        # A secondment that starts after the closing day ends on its first day.
        ended.filter(started_on__gt=closed_on).update(ended_on=F("started_on"))
        count = ended.update(ended_on=closed_on)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=organization,
            path=organization.region_path,
            changes={"closed_on": [None, closed_on.isoformat()], "secondments_ended": count},
            reason=clean(reason, 500),
        )
    return organization


def organization_target_set(
    *, actor, organization: Organization, target: int | None
) -> Organization:
    """Set the share (percent) of employed members the organization aims to have
    registered at their communities; None clears it."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    if target is not None and not 0 <= int(target) <= 100:
        raise ValidationError({"target": [_("目标报到率应在0到100之间")]})
    old = organization.registration_target
    if old == target:
        return organization
    with transaction.atomic():
        organization.registration_target = target
        organization.save(update_fields=["registration_target", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=organization,
            path=organization.region_path,
            changes={"registration_target": [old, target]},
        )
    return organization


# --- Secondments to temporary branches ----------------------------------------------------


def secondment_add(
    *,
    actor,
    branch: Organization,
    member: PartyMember,
    started_on: dt.date | None = None,
    duty: str = "",
) -> Secondment:
    """Second a member to an open temporary branch (they keep their own organization)."""
    require(actor, Perm.PARTY_MANAGE, org_path=branch.path, region_path=branch.region_path)
    if not party_can(
        actor, Perm.PARTY_VIEW, org_path=member.org_path, region_path=member.region_path
    ):
        raise Http404
    started_on = started_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not branch.is_temporary:
        errors["branch"] = [_("只能选派到临时党支部")]
    elif branch.closed_on is not None:
        errors["branch"] = [_("该临时党支部已撤销")]
    elif branch.opened_on and started_on < branch.opened_on:
        errors["started_on"] = [_("选派日期不能早于临时党支部成立日期")]
    if member.status == MemberStatus.LEFT:
        errors["member"] = [_("该党员已转出或离开")]
    if errors:
        raise ValidationError(errors)
    secondment = Secondment(
        branch=branch,
        member=member,
        org_path=branch.path,
        region_path=branch.region_path,
        duty=clean(duty, 100),
        started_on=started_on,
        recorded_by=user_or_none(actor),
    )
    secondment.full_clean(validate_constraints=False)
    try:
        save_audited(
            secondment,
            actor=actor,
            action=Action.CREATE,
            object_repr=f"{member.person.name} → {branch.name}",
            path=branch.region_path,
            changes={"branch": [None, branch.code], "started_on": [None, str(started_on)]},
        )
    except IntegrityError as exc:
        raise ValidationError({"member": [_("该党员已在此临时党支部")]}) from exc
    return secondment


def secondment_end(*, actor, secondment: Secondment, ended_on: dt.date) -> Secondment:
    """End a secondment (the member returns to their own organization's work)."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=secondment.org_path, region_path=secondment.region_path
    )
    if secondment.ended_on is not None:
        raise ValidationError({"ended_on": [_("该选派已结束")]})
    if ended_on < secondment.started_on:
        raise ValidationError({"ended_on": [_("结束日期不能早于选派日期")]})
    with transaction.atomic():
        secondment.ended_on = ended_on
        secondment.save(update_fields=["ended_on", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=secondment,
            object_repr=str(secondment.member.person.name),
            path=secondment.region_path,
            changes={"ended_on": [None, ended_on.isoformat()]},
        )
    return secondment
