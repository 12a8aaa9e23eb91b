"""The inputs of a household visit and the checks they pass before anything is written:
outcome, time, findings, materials, coordinates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.campaigns.models import (
    Campaign,
    CampaignRound,
    FindingKind,
    Material,
    Outcome,
)
from bastion.geo.models import Household
from bastion.people.models import Person

CLOCK_SKEW = dt.timedelta(minutes=5)
PEOPLE_MAX = 99
MATERIAL_MAX = 10_000
FINDINGS_MAX = 20
NOBODY_THERE = frozenset({Outcome.NOBODY_HOME, Outcome.VACANT, Outcome.MOVED_OUT})


@dataclass
class FindingInput:
    """One thing found at a visit (see FindingKind). `person` must live in the household;
    someone not on the registry is named in `person_name`."""

    kind: str
    person: Person | None = None
    person_name: str = ""
    origin: str = ""
    arrived_on: dt.date | None = None
    symptoms: str = ""
    note: str = ""


@dataclass
class MaterialInput:
    material: Material
    quantity: int = 1


def _coordinate(value, low: int, high: int, name: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[name] = [_("坐标格式不正确")]
        return None
    if not number.is_finite() or not low <= number <= high:
        errors[name] = [_("坐标超出范围")]
        return None
    return number


def check_outcome(outcome: str, people_present, errors: dict) -> None:
    if outcome not in Outcome.values:
        errors["outcome"] = [_("请选择走访结果")]
    if not isinstance(people_present, int) or not 0 <= people_present <= PEOPLE_MAX:
        errors["people_present"] = [_("在场人数应为 0 到 %(n)d") % {"n": PEOPLE_MAX}]
    elif outcome in NOBODY_THERE and people_present:
        errors["people_present"] = [_("无人在家、空置或已搬离时，在场人数应为 0")]


def _check_when(campaign: Campaign, visited_at: dt.datetime, now: dt.datetime, errors: dict):
    if timezone.is_naive(visited_at):
        errors["visited_at"] = [_("走访时间缺少时区")]
        return
    if visited_at > now + CLOCK_SKEW:
        errors["visited_at"] = [_("走访时间不能晚于现在")]
        return
    day = timezone.localdate(visited_at)
    if day < campaign.starts_on or day > campaign.ends_on:
        errors["visited_at"] = [
            _("走访日期应在排查期限 %(start)s 至 %(end)s 之内")
            % {"start": campaign.starts_on, "end": campaign.ends_on}
        ]
        return
    opened = (
        CampaignRound.objects.filter(campaign=campaign, number=campaign.current_round)
        .values_list("opened_at", flat=True)
        .first()
    )
    if opened is not None and visited_at < opened - CLOCK_SKEW:
        errors["visited_at"] = [
            _("走访时间早于第 %(n)d 轮开始的时间") % {"n": campaign.current_round}
        ]


def _check_findings(
    household: Household, findings: list[FindingInput], now: dt.datetime, errors: dict
) -> None:
    if len(findings) > FINDINGS_MAX:
        errors["findings"] = [_("一次走访最多登记 %(n)d 条情况") % {"n": FINDINGS_MAX}]
        return
    messages: list[str] = []
    for number, finding in enumerate(findings, start=1):
        where = _("第 %(n)d 条情况：") % {"n": number}
        if finding.kind not in FindingKind.values:
            messages.append(where + _("未知的情况类型"))
            continue
        if finding.person is not None and finding.person.household_id != household.pk:
            messages.append(where + _("所选人员不是本户成员"))
        if (
            finding.kind != FindingKind.OTHER
            and finding.person is None
            and not finding.person_name.strip()
        ):
            messages.append(where + _("请选择本户人员或填写姓名"))
        if finding.kind == FindingKind.RISK_ARRIVAL:
            if not finding.origin.strip():
                messages.append(where + _("请填写从哪里返回"))
            if finding.arrived_on is None:
                messages.append(where + _("请填写返回日期"))
            elif finding.arrived_on > timezone.localdate(now):
                messages.append(where + _("返回日期不能晚于今天"))
        if finding.kind == FindingKind.SYMPTOMS and not finding.symptoms.strip():
            messages.append(where + _("请填写症状（如发热、咳嗽）"))
        if len(finding.origin) > 100 or len(finding.symptoms) > 200 or len(finding.note) > 300:
            messages.append(where + _("内容过长"))
        if len(finding.person_name) > 60:
            messages.append(where + _("姓名过长"))
    if messages:
        errors["findings"] = messages


def validate_visit(
    *,
    campaign: Campaign,
    household: Household,
    outcome: str,
    people_present: int,
    findings: list[FindingInput],
    materials: list[MaterialInput],
    note: str,
    visited_at: dt.datetime,
    now: dt.datetime,
    latitude,
    longitude,
    entry_key: str,
) -> tuple[Decimal | None, Decimal | None]:
    """Check a visit's input; return its coordinates (latitude, longitude), or raise
    ValidationError with every problem found."""
    errors: dict[str, list[str]] = {}
    if campaign.closed_at is not None:
        raise ValidationError(_("排查行动已结束，不能再登记走访"))
    check_outcome(outcome, people_present, errors)
    if findings and outcome != Outcome.VISITED:
        errors["findings"] = [_("只有“已走访”的户才能登记发现的情况")]
    else:
        _check_findings(household, findings, now, errors)
    for item in materials:
        if not isinstance(item.quantity, int) or not 1 <= item.quantity <= MATERIAL_MAX:
            errors["materials"] = [_("发放数量应为 1 到 %(n)d") % {"n": MATERIAL_MAX}]
    if materials and outcome in NOBODY_THERE - {Outcome.NOBODY_HOME}:
        errors["materials"] = [_("空置或已搬离的户不能登记发放资料")]
    if len(note or "") > 500:
        errors["note"] = [_("备注不能超过 500 字")]
    texts = [note] + [f"{f.person_name}{f.origin}{f.symptoms}{f.note}" for f in findings]
    if any("\x00" in (text or "") for text in texts):
        errors["note"] = [_("内容含有不允许的空字符")]
    if len(entry_key or "") > 64:
        errors["entry_key"] = [_("表单标识过长")]
    _check_when(campaign, visited_at, now, errors)
    lat = _coordinate(latitude, -90, 90, "latitude", errors)
    lng = _coordinate(longitude, -180, 180, "longitude", errors)
    if (lat is None) != (lng is None) and "latitude" not in errors and "longitude" not in errors:
        errors["latitude"] = [_("经度和纬度需同时填写")]
    if errors:
        raise ValidationError(errors)
    return lat, lng
