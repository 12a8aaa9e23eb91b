"""Writes of daily briefings: generate (or regenerate) a draft, edit it, publish it.

Only holders of Perm.BRIEFING_WRITE over the briefing's region may write; a published
briefing is final (a correction is a new briefing of the next day, as on paper).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.core.audit import audit_record
from bastion.geo.models import Region
from bastion.reports import briefing as writer
from bastion.reports.models import Briefing, BriefingLanguage, BriefingStatus

MAX_TEXT = 20_000


def _require_writer(user, region: Region) -> None:
    if user is not None and not can_on_path(user, Perm.BRIEFING_WRITE, region.path):
        raise PermissionDenied(_("没有编写工作简报的权限"))


def _check_day(day: dt.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"day": [_("简报日期不能晚于今天")]})


@transaction.atomic
def briefing_generate(
    *,
    user,
    region: Region,
    day: dt.date,
    language: str = BriefingLanguage.ZH,
    scheduled: bool = False,
    reader=None,
) -> Briefing:
    """Write the draft briefing of `region` for `day` from the indicators, or rewrite the
    existing draft (its preface is kept). A published briefing is returned unchanged.

    `reader` is whose scope the figures are computed in (the user; the morning job passes
    a system reader that sees the whole region)."""
    _require_writer(user, region)
    _check_day(day)
    if language not in BriefingLanguage.values:
        raise ValidationError({"language": [_("不支持的语言")]})
    existing = (
        Briefing.objects.select_for_update()
        .filter(region=region, day=day, language=language)
        .first()
    )
    if existing is not None and existing.status == BriefingStatus.PUBLISHED:
        return existing
    as_of = writer.moment_of(day)
    with translation.override(language):
        sections, figures = writer.draft_sections(user=reader or user, region=region, as_of=as_of)
        title = writer.default_title(region, day)
    briefing = existing or Briefing(region=region, path=region.path, day=day, language=language)
    briefing.sections = sections
    briefing.figures = figures
    briefing.as_of = as_of
    briefing.scheduled = scheduled if existing is None else existing.scheduled
    if existing is None:
        briefing.title = title
        briefing.created_by = user
    briefing.save()
    audit_record(
        actor=user,
        action="briefing.generate",
        obj=briefing,
        changes={"figures": [None, len(figures)]},
    )
    return briefing


@transaction.atomic
def briefing_update(
    *, user, briefing: Briefing, title: str, preface: str, texts: dict[str, str]
) -> Briefing:
    """Staff edit the title, the preface and each section's text of a draft. Tokens must
    name figures the briefing holds, so no number loses its indicator."""
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _require_writer(user, briefing.region)
    if briefing.status != BriefingStatus.DRAFT:
        raise ValidationError({"status": [_("已发布的简报不能修改")]})
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写简报标题")]
    elif len(title) > 120:
        errors["title"] = [_("标题不能超过120个字")]
    if len(preface or "") > MAX_TEXT:
        errors["preface"] = [_("按语过长")]
    sections = []
    for section in briefing.sections:
        text = (texts.get(section["key"], section["text"]) or "").strip()
        bad = writer.unknown_tokens(text, briefing.figures)
        if bad:
            errors[section["key"]] = [
                _("未知的指标标记：%(codes)s（只能使用本简报附表中的指标）")
                % {"codes": "、".join(bad)}
            ]
        elif len(text) > MAX_TEXT:
            errors[section["key"]] = [_("正文过长")]
        sections.append({**section, "text": text})
    bad = writer.unknown_tokens(preface or "", briefing.figures)
    if bad and "preface" not in errors:
        errors["preface"] = [
            _("未知的指标标记：%(codes)s（只能使用本简报附表中的指标）") % {"codes": "、".join(bad)}
        ]
    if errors:
        raise ValidationError(errors)
    before = {"title": briefing.title, "preface": len(briefing.preface)}
    briefing.title = title
    briefing.preface = (preface or "").strip()
    briefing.sections = sections
    briefing.save()
    audit_record(
        actor=user,
        action="briefing.edit",
        obj=briefing,
        changes={
            "title": [before["title"], title],
            "preface": [before["preface"], len(briefing.preface)],
        },
    )
    return briefing


@transaction.atomic
def briefing_publish(*, user, briefing: Briefing) -> Briefing:
    """Publish a draft: it gets the next issue number of its region and language."""
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _require_writer(user, briefing.region)
    if briefing.status == BriefingStatus.PUBLISHED:
        raise ValidationError({"status": [_("该简报已发布")]})
    last = (
        Briefing.objects.filter(
            region=briefing.region,
            language=briefing.language,
            status=BriefingStatus.PUBLISHED,
        ).aggregate(n=Max("number"))["n"]
        or 0
    )
    briefing.number = last + 1
    briefing.status = BriefingStatus.PUBLISHED
    briefing.published_by = user
    briefing.published_at = timezone.now()
    briefing.save()
    audit_record(actor=user, action="briefing.publish", obj=briefing)
    return briefing


def system_reader():
    """An unsaved superuser that reads every figure, for the morning job. It has no
    password and no row in the database, so nobody can sign in as it."""
    from bastion.access.models import User

    return User(username="briefing-job", is_superuser=True, is_active=True)


def scheduled_briefings(*, day: dt.date, codes: list[str] | None = None) -> list[Briefing]:
    """Drafts of `day` for the configured regions (every county when none is named)."""
    regions = (
        Region.objects.filter(code__in=codes)
        if codes
        else Region.objects.filter(parent__isnull=True)
    )
    reader = system_reader()
    return [
        briefing_generate(user=None, region=r, day=day, scheduled=True, reader=reader)
        for r in regions.order_by("path")
    ]
