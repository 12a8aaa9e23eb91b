"""`incident_report`: how anyone in the field, and other apps, report an incident
(decision 0065)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, restrict_households, restrict_people
from bastion.command.models import (
    Incident,
    IncidentAction,
    IncidentGrade,
    IncidentKind,
)
from bastion.command.services.common import (
    Checks,
    actor_name,
    actor_or_none,
    clean_files,
    clean_text,
    is_system,
    local_date,
    now_or,
)
from bastion.command.services.incident_rules import (
    DESCRIPTION_MAX,
    LINKED_TYPE,
    _audit,
    _log,
    _tell,
)
from bastion.command.units import (
    own_users,
    receiving_region,
    region_unit,
)
from bastion.core.audit import Action
from bastion.geo.models import Region

# --- Report -------------------------------------------------------------------------------


def _clean_link(linked_type: str, linked_ref: str, linked_label: str) -> tuple[str, str, str]:
    linked_type = clean_text(
        linked_type, field="linked_type", label=_("关联记录类型"), max_length=40, required=False
    )
    if linked_type and not LINKED_TYPE.match(linked_type):
        raise ValidationError({"linked_type": [_("关联记录类型应形如 campaigns.venue")]})
    linked_ref = clean_text(
        linked_ref, field="linked_ref", label=_("关联记录编号"), max_length=64, required=False
    )
    linked_label = clean_text(
        linked_label, field="linked_label", label=_("关联记录名称"), max_length=120, required=False
    )
    if linked_type and not linked_ref:
        raise ValidationError({"linked_ref": [_("请填写关联记录编号")]})
    return linked_type, linked_ref, linked_label


def _visible(restrict, record, actor) -> bool:
    return restrict(type(record).objects.filter(pk=record.pk), actor).exists()


def incident_report(
    *,
    actor,
    kind: str,
    grade: str,
    region,
    description: str,
    person=None,
    household=None,
    linked_type: str = "",
    linked_ref: str = "",
    linked_label: str = "",
    source: str = "",
    source_ref: str = "",
    photos=(),
    place: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """Report an incident at `region` (a grid, village, community or town).

    Idempotent per (source, source_ref) when source_ref is given: a second call returns
    the first incident. Http404 when the actor may not report at that region, or may not
    see the linked person or household. Another app links its own record with
    linked_type ("campaigns.venue"), linked_ref (its public id) and linked_label.
    """
    now = now_or(now)
    if not isinstance(region, Region):
        raise ValidationError({"region": [_("请选择事件发生的区划")]})
    if not is_system(actor) and not can_on_path(actor, Perm.INCIDENT_REPORT, region.path):
        raise Http404
    source = clean_text(source, field="source", label=_("来源"), max_length=30, required=False)
    source_ref = clean_text(
        source_ref, field="source_ref", label=_("来源编号"), max_length=64, required=False
    )
    if source_ref:
        existing = Incident.objects.filter(source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    checks = Checks()
    kind_row = IncidentKind.objects.filter(code=kind, active=True).first()
    if kind_row is None:
        checks.fail("kind", _("事件类型不存在或已停用：%(kind)s") % {"kind": str(kind)[:40]})
    if grade not in IncidentGrade.values:
        checks.fail("grade", _("请选择事件等级（简易、一般、突出、重大）"))
    values = {
        "description": checks.text(
            description, field="description", label=_("事件描述"), max_length=DESCRIPTION_MAX
        ),
        "place": checks.text(
            place, field="place", label=_("具体地点"), max_length=200, required=False
        ),
        "link": checks.run(lambda: _clean_link(linked_type, linked_ref, linked_label)),
        "photos": checks.run(lambda: clean_files(photos, field="photos"), []),
    }
    checks.done()
    if not is_system(actor):
        # The linked person or household must be one the reporter may see.
        if person is not None and not _visible(restrict_people, person, actor):
            raise Http404
        if household is not None and not _visible(restrict_households, household, actor):
            raise Http404
    receiving = receiving_region(region, grade)
    linked = values["link"]
    incident = Incident(
        kind=kind_row,
        grade=grade,
        region=region,
        path=region.path,
        place=values["place"],
        description=values["description"],
        person=person,
        household=household,
        linked_type=linked[0],
        linked_ref=linked[1],
        linked_label=linked[2],
        source=source,
        source_ref=source_ref,
        reported_by=actor_or_none(actor),
        reporter_name=actor_name(actor),
        reported_at=now,
        receiving_region=receiving,
        receiving_path=receiving.path,
    )
    incident.full_clean(exclude=["number"], validate_constraints=False)
    try:
        with transaction.atomic():
            incident.save()
            incident.number = f"{local_date(now):%Y%m%d}-{incident.pk:06d}"
            incident.save(update_fields=["number"])
            if values["photos"]:
                incident.photos.set(values["photos"])
            _log(incident, action=IncidentAction.REPORT, actor=actor, now=now, before="")
            _audit(actor, incident, {"status": [None, incident.status]}, action=Action.CREATE)
            level = (
                "danger" if grade in (IncidentGrade.PROMINENT, IncidentGrade.MAJOR) else "warning"
            )
            title = _("新事件待受理：%(kind)s（%(grade)s）%(place)s") % {
                "kind": kind_row.name_zh,
                "grade": incident.get_grade_display(),
                "place": region.name,
            }
            _tell(
                own_users(region_unit(receiving), perm=Perm.INCIDENT_HANDLE), title, incident, level
            )
    except IntegrityError:
        if not source_ref:
            raise
        return Incident.objects.get(source=source, source_ref=source_ref)
    return incident
