"""Campaigns: create, change, open a new round, close."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import Campaign, CampaignArea, CampaignKind, CampaignRound
from bastion.campaigns.selectors.campaigns import campaign_can_manage
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.people.models import Tag

NAME_MAX = 100
MAX_DAYS = 366
MAX_ROUNDS = 20


def common_path(paths: list[str]) -> str:
    """The deepest region path that every path in `paths` lies under."""
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    return common


def _clean_areas(actor, regions: list[Region]) -> list[Region]:
    regions = list({r.pk: r for r in regions if r is not None}.values())
    if not regions:
        raise ValidationError({"regions": [_("请至少选择一个排查区域")]})
    for region in regions:
        if not can_on_path(actor, Perm.CAMPAIGN_MANAGE, region.path):
            raise PermissionDenied(_("%(name)s不在您可管理的范围内") % {"name": region.name})
    # A region under another chosen region adds nothing; keep the outer one.
    regions.sort(key=lambda r: r.path)
    kept: list[Region] = []
    for region in regions:
        if not any(region.path.startswith(k.path) for k in kept):
            kept.append(region)
    return kept


def _check_period(starts_on, ends_on) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if starts_on is None:
        errors["starts_on"] = [_("请填写开始日期")]
    if ends_on is None:
        errors["ends_on"] = [_("请填写结束日期")]
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = [_("结束日期不能早于开始日期")]
        elif (ends_on - starts_on).days > MAX_DAYS:
            errors["ends_on"] = [_("排查期限不能超过 %(n)d 天") % {"n": MAX_DAYS}]
    return errors


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    regions: list[Region],
    household_tag: Tag | None = None,
    instructions: str = "",
    now: dt.datetime | None = None,
) -> Campaign:
    """Create a campaign over `regions` (each under the actor's CAMPAIGN_MANAGE) with its
    first round open. PermissionDenied for a region outside the actor's reach."""
    now = now or timezone.now()
    errors = _check_period(starts_on, ends_on)
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("名称不能为空")]
    if kind not in CampaignKind.values:
        errors["kind"] = [_("未知的排查类型：%(kind)s") % {"kind": kind}]
    if errors:
        raise ValidationError(errors)
    areas = _clean_areas(actor, regions)
    campaign = Campaign(
        name=name[:NAME_MAX],
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        household_tag=household_tag,
        instructions=(instructions or "").strip(),
        path=common_path([r.path for r in areas]),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    campaign.full_clean()
    campaign.save()
    CampaignArea.objects.bulk_create(
        [CampaignArea(campaign=campaign, region=r, path=r.path) for r in areas]
    )
    CampaignRound.objects.create(
        campaign=campaign,
        number=1,
        opened_at=now,
        opened_by=campaign.created_by,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=campaign,
        changes={
            "name": [None, campaign.name],
            "kind": [None, kind],
            "period": [None, f"{starts_on}..{ends_on}"],
            "areas": [None, [r.code for r in areas]],
            "tag": [None, household_tag.code if household_tag else ""],
        },
    )
    return campaign


def _require_manager(actor, campaign: Campaign) -> None:
    if not campaign_can_manage(actor, campaign):
        raise PermissionDenied(_("只有负责该排查区域的干部可以修改排查行动"))


@transaction.atomic
def campaign_update(
    *,
    actor,
    campaign: Campaign,
    name: str | None = None,
    ends_on: dt.date | None = None,
    instructions: str | None = None,
) -> Campaign:
    """Rename, extend or shorten the period, or rewrite the instructions. Areas, kind and
    the household tag stay as created (they define what the visits counted)."""
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    changes: dict[str, list] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": [_("名称不能为空")]})
        if name != campaign.name:
            changes["name"] = [campaign.name, name[:NAME_MAX]]
            campaign.name = name[:NAME_MAX]
    if ends_on is not None and ends_on != campaign.ends_on:
        errors = _check_period(campaign.starts_on, ends_on)
        if errors:
            raise ValidationError(errors)
        changes["ends_on"] = [campaign.ends_on.isoformat(), ends_on.isoformat()]
        campaign.ends_on = ends_on
    if instructions is not None and instructions.strip() != campaign.instructions:
        changes["instructions"] = [bool(campaign.instructions), True]
        campaign.instructions = instructions.strip()
    if not changes:
        return campaign
    if campaign.closed_at is not None:
        raise ValidationError(_("排查行动已结束，不能再修改"))
    campaign.full_clean()
    campaign.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=campaign, changes=changes)
    return campaign


@transaction.atomic
def campaign_round_open(
    *, actor, campaign: Campaign, note: str = "", now: dt.datetime | None = None
) -> CampaignRound:
    """Open the next round: every household starts again as pending; earlier rounds keep
    their visits and figures."""
    _require_manager(actor, campaign)
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closed_at is not None:
        raise ValidationError(_("排查行动已结束，不能再开启新一轮"))
    if timezone.localdate(now) > campaign.ends_on:
        raise ValidationError(_("排查期限已过，请先延长结束日期"))
    if campaign.current_round >= MAX_ROUNDS:
        raise ValidationError(_("最多 %(n)d 轮") % {"n": MAX_ROUNDS})
    number = campaign.current_round + 1
    round_ = CampaignRound.objects.create(
        campaign=campaign,
        number=number,
        opened_at=now,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=(note or "").strip()[:300],
    )
    campaign.current_round = number
    campaign.save(update_fields=["current_round", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=campaign,
        changes={"round": [number - 1, number]},
        reason=round_.note,
    )
    return round_


@transaction.atomic
def campaign_close(
    *, actor, campaign: Campaign, note: str = "", now: dt.datetime | None = None
) -> Campaign:
    """End a campaign: no more visits; its figures stay as they are."""
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closed_at is not None:
        return campaign
    campaign.closed_at = now or timezone.now()
    campaign.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    campaign.save(update_fields=["closed_at", "closed_by", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=campaign,
        changes={"closed": [False, True]},
        reason=(note or "").strip()[:500],
    )
    return campaign
