"""What a visit found: the findings saved with it, arrivals logged with monitoring, and
the incident raised for people with symptoms (and its retry)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import FindingKind, HouseholdVisit, VisitFinding
from bastion.campaigns.services import links
from bastion.campaigns.services.common import is_recorder
from bastion.campaigns.services.visits.validation import FindingInput
from bastion.core.masking import mask_name
from bastion.geo.models import Household


def _person_label(row: FindingInput) -> str:
    return mask_name(row.person.name if row.person is not None else row.person_name.strip())


def findings_save(*, actor, visit, household, rows: list[FindingInput]) -> list[str]:
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
