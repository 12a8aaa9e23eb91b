"""Household visits: record one (idempotent per form token), correct one, and keep the
per-household state of each round in step with the ledger.

A household may get any number of "nobody home" visits in a round and then one
conclusive visit (visited, refused, vacant, moved out); after that only a correction of
that latest visit is accepted. Visits of one household are serialized by a row lock on
the household (SQLite: the IMMEDIATE write transaction).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import (
    CONCLUSIVE,
    Campaign,
    CampaignRound,
    CoverageCount,
    DistributionAction,
    FindingKind,
    HouseholdVisit,
    Material,
    MaterialDistribution,
    Outcome,
    VisitFinding,
    VisitState,
)
from bastion.campaigns.selectors.campaigns import campaign_households
from bastion.campaigns.services import links
from bastion.campaigns.services.common import (
    clean_reason,
    discard_files,
    is_recorder,
    user_or_none,
)
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.core.uploads import IMAGES, upload_store
from bastion.geo.models import Household
from bastion.people.models import Person

logger = logging.getLogger("bastion.campaigns")

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


@dataclass
class VisitResult:
    visit: HouseholdVisit
    created: bool
    warnings: list[str] = field(default_factory=list)


# --- Validation ----------------------------------------------------------------------------


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


def _check_outcome(outcome: str, people_present, errors: dict) -> None:
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


def _validate(
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
    errors: dict[str, list[str]] = {}
    if campaign.closed_at is not None:
        raise ValidationError(_("排查行动已结束，不能再登记走访"))
    _check_outcome(outcome, people_present, errors)
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


# --- Recording -----------------------------------------------------------------------------


def visit_record(
    *,
    actor,
    campaign: Campaign,
    household: Household,
    outcome: str,
    people_present: int = 0,
    findings: list[FindingInput] | tuple = (),
    materials: list[MaterialInput] | tuple = (),
    note: str = "",
    photo=None,
    visited_at: dt.datetime | None = None,
    latitude=None,
    longitude=None,
    entry_key: str = "",
    now: dt.datetime | None = None,
) -> VisitResult:
    """Record a visit in the campaign's current round.

    Http404 when the household is not in the campaign or not in the actor's VISIT_RECORD
    scope; ValidationError for bad input, a closed campaign, or a household already
    settled this round. With an `entry_key` the actor already used, the first visit is
    returned (created=False) and nothing is written.
    """
    now = now or timezone.now()
    visited_at = visited_at or now
    findings = list(findings)
    materials = list(materials)
    note = (note or "").strip()
    entry_key = (entry_key or "").strip()
    lat, lng = _validate(
        campaign=campaign,
        household=household,
        outcome=outcome,
        people_present=people_present,
        findings=findings,
        materials=materials,
        note=note,
        visited_at=visited_at,
        now=now,
        latitude=latitude,
        longitude=longitude,
        entry_key=entry_key,
    )
    if (
        not campaign_households(user=actor, campaign=campaign, perm=Perm.VISIT_RECORD)
        .filter(pk=household.pk)
        .exists()
    ):
        raise Http404
    recorder = user_or_none(actor)
    stored = None
    try:
        with transaction.atomic():
            Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").get()
            if entry_key and recorder is not None:
                existing = HouseholdVisit.objects.filter(
                    recorded_by=recorder, entry_key=entry_key
                ).first()
                if existing is not None:
                    return VisitResult(visit=existing, created=False)
            state = (
                VisitState.objects.select_for_update()
                .filter(campaign=campaign, round=campaign.current_round, household=household)
                .first()
            )
            if state is not None and state.outcome in CONCLUSIVE:
                raise ValidationError(
                    {
                        "outcome": [
                            _("该户第 %(n)d 轮已登记为“%(outcome)s”；如有错误请更正那条记录")
                            % {
                                "n": campaign.current_round,
                                "outcome": Outcome(state.outcome).label,
                            }
                        ]
                    }
                )
            if photo is not None:
                stored = upload_store(
                    file=photo, actor=actor, allowed=IMAGES, path=household.path, field="photo"
                )
            visit = HouseholdVisit(
                campaign=campaign,
                household=household,
                round=campaign.current_round,
                path=household.path,
                outcome=outcome,
                people_present=people_present,
                note=note,
                photo=stored,
                visited_at=visited_at,
                recorded_at=now,
                recorded_by=recorder,
                latitude=lat,
                longitude=lng,
                entry_key=entry_key,
            )
            visit.full_clean(exclude=["campaign", "household", "photo", "recorded_by"])
            visit.save()
            _state_advance(state=state, visit=visit)
            _hand_out(visit=visit, household=household, materials=materials, actor=recorder)
            warnings = _findings_save(actor=actor, visit=visit, household=household, rows=findings)
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=visit,
                object_repr=f"{household.label} · {visit.get_outcome_display()}",
                changes={
                    "campaign": [None, str(campaign.public_id)],
                    "household": [None, str(household.public_id)],
                    "round": [None, visit.round],
                    "outcome": [None, outcome],
                    "findings": [None, [f.kind for f in findings]],
                },
            )
    except BaseException:
        discard_files([stored])
        raise
    return VisitResult(visit=visit, created=True, warnings=warnings)


def _state_advance(*, state: VisitState | None, visit: HouseholdVisit) -> None:
    """Point the household's state at `visit` and move it between the grid's counters."""
    if state is None:
        VisitState.objects.create(
            campaign_id=visit.campaign_id,
            round=visit.round,
            household_id=visit.household_id,
            path=visit.path,
            outcome=visit.outcome,
            visit=visit,
            attempts=0 if visit.corrects_id else 1,
        )
        _count_move(visit=visit, old=None, new=visit.outcome)
        return
    old = state.outcome
    state.outcome = visit.outcome
    state.visit = visit
    if visit.corrects_id is None:
        state.attempts += 1
    state.save(update_fields=["outcome", "visit", "attempts"])
    _count_move(visit=visit, old=old, new=visit.outcome)


def _count_move(*, visit: HouseholdVisit, old: str | None, new: str) -> None:
    """-1 on the old outcome's counter, +1 on the new one's, in a fixed order (outcome
    code) so that two visits in one grid never wait on each other's rows crosswise."""
    if old == new:
        return
    moves = sorted([(new, 1)] + ([(old, -1)] if old else []))
    for outcome, delta in moves:
        key = {
            "campaign_id": visit.campaign_id,
            "round": visit.round,
            "path": visit.path,
            "outcome": outcome,
        }
        if CoverageCount.objects.filter(**key).update(n=F("n") + delta):
            continue
        try:
            with transaction.atomic():
                CoverageCount.objects.create(n=delta, **key)
        except IntegrityError:  # created by a concurrent visit in the same grid
            CoverageCount.objects.filter(**key).update(n=F("n") + delta)


def _hand_out(*, visit, household, materials: list[MaterialInput], actor) -> None:
    MaterialDistribution.objects.bulk_create(
        [
            MaterialDistribution(
                material=item.material,
                action=DistributionAction.HANDED_OUT,
                quantity=item.quantity,
                region_id=household.region_id,
                path=household.path,
                place=household.label[:200],
                distributed_on=timezone.localdate(visit.visited_at),
                recorded_at=visit.recorded_at,
                recorded_by=actor,
                visit=visit,
            )
            for item in materials
        ]
    )


def _person_label(row: FindingInput) -> str:
    return mask_name(row.person.name if row.person is not None else row.person_name.strip())


def _findings_save(*, actor, visit, household, rows: list[FindingInput]) -> list[str]:
    """Save the findings; log arrivals with monitoring; raise one incident for everyone
    with symptoms. Returns warnings for the person entering the visit."""
    warnings: list[str] = []
    saved: list[VisitFinding] = []
    for row in rows:
        finding = VisitFinding(
            visit=visit,
            kind=row.kind,
            person=row.person,
            person_name="" if row.person is not None else row.person_name.strip(),
            origin=row.origin.strip(),
            arrived_on=row.arrived_on,
            symptoms=row.symptoms.strip(),
            note=row.note.strip(),
        )
        if row.kind == FindingKind.RISK_ARRIVAL and row.person is not None:
            try:
                finding.arrival_ref = links.arrival_log(
                    actor=actor, person=row.person, origin=finding.origin, arrived_on=row.arrived_on
                )
            except ValidationError as exc:
                raise ValidationError({"findings": exc.messages}) from exc
            if not finding.arrival_ref:
                warnings.append(_("未启用居家观察模块，返回信息只保存在走访记录中"))
        saved.append(finding)
    VisitFinding.objects.bulk_create(saved)
    if any(f.kind == FindingKind.SYMPTOMS for f in saved):
        if not _incident_for(actor=actor, visit=visit, household=household, findings=saved):
            warnings.append(_("有症状人员未能自动上报为事件，请在走访记录页重试或电话报告"))
    return warnings


def _incident_for(*, actor, visit, household, findings: list[VisitFinding]) -> str:
    """Raise (or find again: idempotent per visit) the incident for the visit's
    symptomatic people and remember its id on their findings."""
    sick = [f for f in findings if f.kind == FindingKind.SYMPTOMS]
    people = "；".join(
        f"{mask_name(f.person.name if f.person else f.person_name)}（{f.symptoms}）" for f in sick
    )
    description = _("入户走访发现有症状人员：%(people)s。户：%(household)s") % {
        "people": people,
        "household": household.label,
    }
    ref = links.incident_raise(
        actor=actor,
        kind="symptomatic_person",
        region=household.region,
        description=description,
        source_ref=str(visit.public_id),
        person=next((f.person for f in sick if f.person is not None), None),
        household=household,
        linked_type="campaigns.visit",
        linked_ref=str(visit.public_id),
        linked_label=household.label,
        photos=(visit.photo,) if visit.photo_id else (),
    )
    if ref:
        VisitFinding.objects.filter(pk__in=[f.pk for f in sick if f.pk]).update(incident_ref=ref)
        for finding in sick:
            finding.incident_ref = ref
    return ref


def visit_incident_retry(*, actor, visit: HouseholdVisit) -> str:
    """Raise the incident of a visit whose first attempt did not go through."""
    if not can_on_path(actor, Perm.VISIT_RECORD, visit.path) and not is_recorder(
        actor, visit.recorded_by_id
    ):
        raise PermissionDenied  # before anything that tells the caller about the record
    findings = list(visit.findings.all())
    if not any(f.kind == FindingKind.SYMPTOMS for f in findings):
        raise ValidationError(_("这次走访没有登记有症状人员"))
    with transaction.atomic():
        household = Household.objects.select_related("region").get(pk=visit.household_id)
        return _incident_for(actor=actor, visit=visit, household=household, findings=findings)


# --- Corrections ---------------------------------------------------------------------------


@transaction.atomic
def visit_correct(
    *,
    actor,
    visit: HouseholdVisit,
    outcome: str,
    reason: str,
    people_present: int = 0,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> HouseholdVisit:
    """Replace the household's latest visit of the round by a corrected one (a new entry
    pointing at it). Findings, arrivals and incidents of the original stay as they are.
    The recorder of the visit, or a campaign manager over its place, may correct it."""
    now = now or timezone.now()
    if not is_recorder(actor, visit.recorded_by_id) and not can_on_path(
        actor, Perm.CAMPAIGN_MANAGE, visit.path
    ):
        raise PermissionDenied(_("只有录入人或排查负责人可以更正走访记录"))
    campaign = visit.campaign
    errors: dict[str, list[str]] = {}
    if campaign.closed_at is not None:
        raise ValidationError(_("排查行动已结束，不能再更正"))
    _check_outcome(outcome, people_present, errors)
    try:
        reason = clean_reason(reason, message=_("请填写更正原因（至少 %(n)d 个字）"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    note = visit.note if note is None else note.strip()
    if len(note) > 500:
        errors["note"] = [_("备注不能超过 500 字")]
    if not errors and outcome == visit.outcome and people_present == visit.people_present:
        errors["outcome"] = [_("更正后的结果与原记录相同")]
    if errors:
        raise ValidationError(errors)
    Household.objects.select_for_update().filter(pk=visit.household_id).values_list("pk").get()
    state = (
        VisitState.objects.select_for_update()
        .filter(campaign=campaign, round=visit.round, household_id=visit.household_id)
        .first()
    )
    if state is None or state.visit_id != visit.pk:
        raise ValidationError(_("只能更正该户本轮最新的一条走访记录"))
    correction = HouseholdVisit(
        campaign=campaign,
        household_id=visit.household_id,
        round=visit.round,
        path=visit.path,
        outcome=outcome,
        people_present=people_present,
        note=note,
        visited_at=visit.visited_at,
        recorded_at=now,
        recorded_by=user_or_none(actor),
        latitude=visit.latitude,
        longitude=visit.longitude,
        corrects=visit,
        correction_reason=reason[:300],
    )
    correction.save()
    _state_advance(state=state, visit=correction)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=correction,
        changes={"corrects": [None, str(visit.public_id)], "outcome": [visit.outcome, outcome]},
        reason=reason,
    )
    return correction


# --- The state projection ---------------------------------------------------------------


@transaction.atomic
def visit_states_rebuild(*, campaign: Campaign) -> int:
    """Recompute the campaign's VisitState rows and coverage counters from its visit
    ledger (after a restore or a bulk load); returns how many states it wrote."""
    visits = HouseholdVisit.objects.filter(campaign=campaign)
    replaced = visits.filter(corrects__isnull=False).values("corrects_id")
    latest = (
        visits.exclude(pk__in=replaced)
        .order_by()
        .values("round", "household_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    attempts = {
        (row["round"], row["household_id"]): row["n"]
        for row in visits.filter(corrects__isnull=True)
        .order_by()
        .values("round", "household_id")
        .annotate(n=Count("id"))
    }
    VisitState.objects.filter(campaign=campaign).delete()
    rows = [
        VisitState(
            campaign=campaign,
            round=visit.round,
            household_id=visit.household_id,
            path=visit.path,
            outcome=visit.outcome,
            visit_id=visit.pk,
            attempts=max(1, attempts.get((visit.round, visit.household_id), 1)),
        )
        for visit in HouseholdVisit.objects.filter(pk__in=latest)
        .only("id", "round", "household_id", "path", "outcome")
        .iterator(chunk_size=5000)
    ]
    VisitState.objects.bulk_create(rows, batch_size=2000)
    CoverageCount.objects.filter(campaign=campaign).delete()
    counts = (
        VisitState.objects.filter(campaign=campaign)
        .order_by()
        .values("round", "path", "outcome")
        .annotate(n=Count("id"))
    )
    CoverageCount.objects.bulk_create(
        [CoverageCount(campaign=campaign, **row) for row in counts], batch_size=2000
    )
    return len(rows)


def visit_photo_attach(*, actor, visit: HouseholdVisit, photo) -> HouseholdVisit:
    """Attach the photo of a visit entered without one (a phone that sent the form
    first and the picture when the signal came back). Only its recorder, only once."""
    if not is_recorder(actor, visit.recorded_by_id):
        raise PermissionDenied(_("只有录入人可以补传照片"))
    if visit.photo_id is not None:
        raise ValidationError({"photo": [_("这条走访记录已有照片")]})
    stored = upload_store(file=photo, actor=actor, allowed=IMAGES, path=visit.path, field="photo")
    try:
        with transaction.atomic():
            updated = HouseholdVisit.objects.filter(pk=visit.pk, photo__isnull=True).update(
                photo=stored
            )
            if not updated:
                raise ValidationError({"photo": [_("这条走访记录已有照片")]})
            audit_record(
                actor=actor, action=Action.UPDATE, obj=visit, changes={"photo": [False, True]}
            )
    except BaseException:
        discard_files([stored])
        raise
    visit.photo = stored
    return visit
