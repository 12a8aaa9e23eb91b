"""Incidents from report to closure, their log, extensions, deadlines per unit, and the
incident kinds. No `from __future__ import annotations` (ninja)."""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from bastion.command.api.common import api_user, own_files, refusals
from bastion.command.api.schemas import (
    CommandNoteIn,
    CommandReasonIn,
    DecideIn,
    DispatchIn,
    ExtensionIn,
    ExtensionOut,
    GradeIn,
    HandleIn,
    HandlerRowOut,
    IncidentDetailOut,
    IncidentIn,
    IncidentKindIn,
    IncidentKindOut,
    IncidentOut,
    LogEntryOut,
)
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["command"])


@router.get("/incident-kinds", response=list[IncidentKindOut])
def list_incident_kinds(request, active: bool = True):
    from bastion.command.selectors.incidents import incident_kinds

    return list(incident_kinds(active_only=active))


@router.post("/incident-kinds", response=IncidentKindOut)
@refusals
def save_incident_kind(request, payload: IncidentKindIn):
    """Create a kind or change the one with this code (county command only)."""
    from bastion.command.services.config import incident_kind_save

    return incident_kind_save(actor=api_user(request), **payload.dict())


def _detail(user, public_id):
    from bastion.command.selectors.incidents import incident_extensions, incident_get, incident_log

    incident = incident_get(user=user, public_id=public_id)
    incident.log_list = list(incident_log(incident))
    incident.extension_list = list(incident_extensions(incident))
    return incident


@router.get("/incidents", response=list[IncidentOut])
@paginate(PageNumberPagination, page_size=50)
def list_incidents(
    request,
    show: str = "open",
    grade: str = "",
    kind: str = "",
    handler: str = "",
    mine: bool = False,
    q: str = "",
):
    """show: open / reported / overdue / handled / closed / all."""
    from bastion.command.selectors.incidents import incident_list

    return incident_list(
        user=api_user(request), show=show, grade=grade, kind=kind, handler=handler, mine=mine, q=q
    )


@router.post("/incidents", response={201: IncidentDetailOut})
@refusals
def report_incident(request, payload: IncidentIn):
    """Report an incident at a region the caller may report at (division code)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from bastion.access.roles import Perm
    from bastion.access.scoping import restrict_by_path
    from bastion.command.services.incidents import incident_report
    from bastion.geo.models import Region
    from bastion.geo.selectors import household_get
    from bastion.people.selectors import person_get

    user = api_user(request)
    region = (
        restrict_by_path(Region.objects.all(), user, Perm.INCIDENT_REPORT)
        .filter(code=payload.region)
        .first()
    )
    if region is None:
        raise ValidationError({"region": [_("区划不存在或不在您的上报范围内")]})
    incident = incident_report(
        actor=user,
        kind=payload.kind,
        grade=payload.grade,
        region=region,
        place=payload.place,
        description=payload.description,
        person=person_get(user=user, public_id=payload.person) if payload.person else None,
        household=household_get(user=user, public_id=payload.household)
        if payload.household
        else None,
        linked_type=payload.linked_type,
        linked_ref=payload.linked_ref,
        linked_label=payload.linked_label,
        photos=own_files(user, payload.photos, field="photos"),
    )
    return Status(201, _detail(user, incident.public_id))


@router.get("/incidents/by-unit", response=list[HandlerRowOut])
def incidents_by_unit(request):
    """Per handling unit: in hand, overdue, due within a day, awaiting verification, closed."""
    from bastion.command.selectors.incidents import incidents_by_handler

    return incidents_by_handler(user=api_user(request))


@router.get("/incidents/{public_id}", response=IncidentDetailOut)
def get_incident(request, public_id: UUID):
    return _detail(api_user(request), public_id)


@router.get("/incidents/{public_id}/log", response=list[LogEntryOut])
def get_incident_log(request, public_id: UUID):
    return _detail(api_user(request), public_id).log_list


def _step(request, public_id, call):
    from bastion.command.selectors.incidents import incident_get

    user = api_user(request)
    call(user, incident_get(user=user, public_id=public_id))
    return _detail(user, public_id)


@router.post("/incidents/{public_id}/register", response=IncidentDetailOut)
@refusals
def register_incident(request, public_id: UUID, payload: CommandNoteIn):
    from bastion.command.services.incidents import incident_register

    return _step(
        request, public_id, lambda u, i: incident_register(actor=u, incident=i, note=payload.note)
    )


@router.post("/incidents/{public_id}/regrade", response=IncidentDetailOut)
@refusals
def regrade_incident(request, public_id: UUID, payload: GradeIn):
    from bastion.command.services.incidents import incident_regrade

    return _step(
        request,
        public_id,
        lambda u, i: incident_regrade(actor=u, incident=i, grade=payload.grade, note=payload.note),
    )


@router.post("/incidents/{public_id}/dismiss", response=IncidentDetailOut)
@refusals
def dismiss_incident(request, public_id: UUID, payload: CommandReasonIn):
    from bastion.command.services.incidents import incident_dismiss

    return _step(
        request,
        public_id,
        lambda u, i: incident_dismiss(actor=u, incident=i, reason=payload.reason),
    )


@router.post("/incidents/{public_id}/dispatch", response=IncidentDetailOut)
@refusals
def dispatch_incident(request, public_id: UUID, payload: DispatchIn):
    from bastion.command.services.incidents import incident_dispatch

    return _step(
        request,
        public_id,
        lambda u, i: incident_dispatch(
            actor=u,
            incident=i,
            handler=payload.handler,
            deadline=payload.deadline,
            note=payload.note,
        ),
    )


@router.post("/incidents/{public_id}/handle", response=IncidentDetailOut)
@refusals
def handle_incident(request, public_id: UUID, payload: HandleIn):
    from bastion.command.services.incidents import incident_handle

    return _step(
        request,
        public_id,
        lambda u, i: incident_handle(
            actor=u,
            incident=i,
            note=payload.note,
            photos=own_files(u, payload.photos, field="photos"),
        ),
    )


@router.post("/incidents/{public_id}/verify", response=IncidentDetailOut)
@refusals
def verify_incident(request, public_id: UUID, payload: CommandNoteIn):
    from bastion.command.services.incidents import incident_verify

    return _step(
        request, public_id, lambda u, i: incident_verify(actor=u, incident=i, note=payload.note)
    )


@router.post("/incidents/{public_id}/send-back", response=IncidentDetailOut)
@refusals
def send_back_incident(request, public_id: UUID, payload: CommandReasonIn):
    from bastion.command.services.incidents import incident_send_back

    return _step(
        request,
        public_id,
        lambda u, i: incident_send_back(actor=u, incident=i, reason=payload.reason),
    )


@router.post("/incidents/{public_id}/archive", response=IncidentDetailOut)
@refusals
def archive_incident(request, public_id: UUID):
    from bastion.command.services.incidents import incident_archive

    return _step(request, public_id, lambda u, i: incident_archive(actor=u, incident=i))


@router.post("/incidents/{public_id}/extensions", response={201: ExtensionOut})
@refusals
def request_extension(request, public_id: UUID, payload: ExtensionIn):
    from bastion.command.selectors.incidents import incident_get
    from bastion.command.services.incidents import incident_extension_request

    user = api_user(request)
    extension = incident_extension_request(
        actor=user,
        incident=incident_get(user=user, public_id=public_id),
        deadline=payload.deadline,
        reason=payload.reason,
    )
    return Status(201, extension)


@router.post("/extensions/{public_id}/decide", response=ExtensionOut)
@refusals
def decide_extension(request, public_id: UUID, payload: DecideIn):
    from bastion.command.models import IncidentExtension
    from bastion.command.selectors.common import get_or_404
    from bastion.command.selectors.incidents import incident_list
    from bastion.command.services.incidents import incident_extension_decide

    user = api_user(request)
    visible = incident_list(user=user, show="all").values("pk")
    extension = get_or_404(
        IncidentExtension.objects.filter(incident__in=visible).select_related("incident"),
        public_id=public_id,
    )
    return incident_extension_decide(
        actor=user, extension=extension, approve=payload.approve, note=payload.note
    )
