"""Home services (居家服务) for households under observation: groceries, medicine, a
doctor's visit, other errands.

A request is assigned to a user: today a member of the observation's team. The
volunteers app will add volunteer assignment (a claimable task linked to the request)
through its own service; `assigned_to` stays the user who answers for the request.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from bastion.access.services import notify
from bastion.core.audit import Action, audit_record
from bastion.core.i18n import Msg
from bastion.core.masking import mask_name
from bastion.monitoring.models import (
    Observation,
    ObservationStatus,
    ServiceKind,
    ServiceRequest,
    ServiceStatus,
    TeamMember,
)
from bastion.monitoring.selectors.observations import observation_can_change

# Allowed status moves; done and cancelled are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    ServiceStatus.OPEN: frozenset({ServiceStatus.ASSIGNED, ServiceStatus.CANCELLED}),
    ServiceStatus.ASSIGNED: frozenset(
        {ServiceStatus.IN_PROGRESS, ServiceStatus.DONE, ServiceStatus.CANCELLED}
    ),
    ServiceStatus.IN_PROGRESS: frozenset({ServiceStatus.DONE, ServiceStatus.CANCELLED}),
    ServiceStatus.DONE: frozenset(),
    ServiceStatus.CANCELLED: frozenset(),
}
OPEN_STATUSES = (ServiceStatus.OPEN, ServiceStatus.ASSIGNED, ServiceStatus.IN_PROGRESS)


def service_can_handle(user, observation: Observation) -> bool:
    """Team members of the observation, or users who may change people on its path."""
    return observation_can_change(user, observation)


def _link(request: ServiceRequest) -> str:
    return reverse("monitoring:service_list") + f"#s-{request.public_id}"


def _title(request: ServiceRequest, text) -> Msg:
    """The notification title, kept untranslated (core.i18n) for each reader's language."""
    return Msg(
        gettext_noop("%(name)s：%(kind)s %(text)s"),
        name=mask_name(request.observation.person.name),
        kind=ServiceKind(request.kind).label,
        text=text,
    )


def service_request_create(
    *,
    actor,
    observation: Observation,
    kind: str,
    detail: str = "",
    from_self_report: bool = False,
) -> ServiceRequest:
    """Open a request. `actor` is None for a request made on the self-report page
    (from_self_report=True); otherwise the actor must be on the team or hold
    PERSON_CHANGE over the observation's path. The team is notified.
    """
    if from_self_report:
        if observation.status != ObservationStatus.ACTIVE:
            raise Http404
    elif not service_can_handle(actor, observation):
        raise Http404
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": [_("请选择服务类型")]})
    request = ServiceRequest(
        observation=observation,
        path=observation.path,
        kind=kind,
        detail=(detail or "").strip()[:500],
        from_self_report=from_self_report,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=request,
            changes={"kind": [None, kind], "status": [None, ServiceStatus.OPEN]},
        )
        title = _title(request, gettext_lazy("新的居家服务请求"))
        members = TeamMember.objects.filter(observation=observation).select_related("user")
        notified: set[int] = set()
        for member in members:
            if member.user_id in notified or member.user_id == getattr(actor, "pk", None):
                continue
            notified.add(member.user_id)
            notify(recipient=member.user, title=title, link=_link(request))
        _to_volunteers("order_from_home_service", request=request)
    return request


def _to_volunteers(name: str, **kwargs) -> None:
    """Tell the volunteers app (when installed): a new request becomes a service order
    there; a request done or cancelled here closes that order."""
    if apps.is_installed("bastion.volunteers"):
        from bastion.volunteers.services import orders

        getattr(orders, name)(**kwargs)


def service_request_assign(*, actor, request: ServiceRequest, user) -> ServiceRequest:
    """Assign (or reassign) an unfinished request to a member of the observation's team."""
    observation = request.observation
    if not service_can_handle(actor, observation):
        raise Http404
    if request.status not in OPEN_STATUSES:
        raise ValidationError({"status": [_("该服务请求已结束，不能再指派")]})
    if not TeamMember.objects.filter(observation=observation, user=user).exists():
        raise ValidationError({"user": [_("只能指派给该人员的责任组成员")]})
    old_user = request.assigned_to
    old_status = request.status
    with transaction.atomic():
        request.assigned_to = user
        if request.status == ServiceStatus.OPEN:
            request.status = ServiceStatus.ASSIGNED
        request.full_clean()
        request.save(update_fields=["assigned_to", "status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=request,
            changes={
                "assigned_to": [str(old_user) if old_user else None, str(user)],
                "status": [old_status, request.status],
            },
        )
        notify(
            recipient=user, title=_title(request, gettext_lazy("已指派给您")), link=_link(request)
        )
    return request


def service_request_set_status(
    *, actor, request: ServiceRequest, status: str, note: str = "", system: bool = False
) -> ServiceRequest:
    """Move a request along open -> assigned -> in_progress -> done (or cancelled).

    `system=True` is the volunteers app reporting the order done (no actor; any
    unfinished request may become done)."""
    if not system and not service_can_handle(actor, request.observation):
        raise Http404
    if status not in ServiceStatus.values:
        raise ValidationError({"status": [_("未知状态：%(status)s") % {"status": status}]})
    if status == ServiceStatus.ASSIGNED:
        raise ValidationError({"status": [_("请通过指派操作设置处理人")]})
    allowed = TRANSITIONS[request.status]
    if system and request.status in OPEN_STATUSES:
        allowed = allowed | {ServiceStatus.DONE}
    if status not in allowed:
        raise ValidationError(
            {
                "status": [
                    _("不能从“%(old)s”变为“%(new)s”")
                    % {"old": request.get_status_display(), "new": ServiceStatus(status).label}
                ]
            }
        )
    if status == ServiceStatus.IN_PROGRESS and request.assigned_to_id is None:
        raise ValidationError({"status": [_("请先指派处理人")]})
    old_status = request.status
    with transaction.atomic():
        request.status = status
        request.status_note = (note or "").strip()[:300]
        if status in (ServiceStatus.DONE, ServiceStatus.CANCELLED):
            request.done_at = timezone.now()
        request.full_clean()
        request.save(update_fields=["status", "status_note", "done_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=request,
            changes={"status": [old_status, status]},
            reason=request.status_note,
        )
        if request.assigned_to_id and request.assigned_to_id != getattr(actor, "pk", None):
            notify(
                recipient=request.assigned_to,
                title=_title(request, ServiceStatus(request.status).label),
                link=_link(request),
            )
        if status in (ServiceStatus.DONE, ServiceStatus.CANCELLED):
            _to_volunteers("order_follow_home_service", request=request)
    return request


def service_request_done_by_volunteers(*, public_id, note: str = "") -> ServiceRequest | None:
    """The volunteers app finished the order this request became: mark it done here."""
    request = (
        ServiceRequest.objects.select_related("observation").filter(public_id=public_id).first()
    )
    if request is None or request.status not in OPEN_STATUSES:
        return request
    return service_request_set_status(
        actor=None, request=request, status=ServiceStatus.DONE, note=note, system=True
    )
