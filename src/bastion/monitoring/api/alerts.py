"""Alerts (list, acknowledge, resolve) and home-service requests (list, create, assign, status).

Both are read through the alerts selectors (scoped by the caller's observations).
No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from bastion.core.pagination import PageNumberPagination
from bastion.monitoring.api.common import (
    api_user,
    observation_for,
    user_by_username,
)
from bastion.monitoring.api.schemas import (
    AlertOut,
    AssignIn,
    MonitoringNoteIn,
    ServiceRequestIn,
    ServiceRequestOut,
    StatusIn,
)

router = Router(tags=["monitoring"])


@router.get("/alerts", response=list[AlertOut])
@paginate(PageNumberPagination, page_size=50)
def list_alerts(request, open: bool | None = None, kind: str = "", observation: UUID | None = None):
    """Alerts on the caller's observations; `open=true` keeps the unresolved ones."""
    from bastion.monitoring.selectors.alerts import alert_list

    user = api_user(request)
    qs = alert_list(user=user, open_only=bool(open), kind=kind or None)
    if open is False:
        qs = qs.filter(resolved_at__isnull=False)
    if observation is not None:
        qs = qs.filter(observation=observation_for(user, observation))
    return qs


def _alert(user, public_id):
    from bastion.monitoring.selectors.alerts import alert_get

    return alert_get(user=user, public_id=public_id)


@router.post("/alerts/{public_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request, public_id: UUID, payload: MonitoringNoteIn):
    from bastion.monitoring.services.alerts import alert_acknowledge

    user = api_user(request)
    alert_acknowledge(actor=user, alert=_alert(user, public_id), note=payload.note)
    return _alert(user, public_id)


@router.post("/alerts/{public_id}/resolve", response=AlertOut)
def resolve_alert(request, public_id: UUID, payload: MonitoringNoteIn):
    from bastion.monitoring.services.alerts import alert_resolve

    user = api_user(request)
    alert_resolve(actor=user, alert=_alert(user, public_id), note=payload.note)
    return _alert(user, public_id)


@router.get("/services", response=list[ServiceRequestOut])
@paginate(PageNumberPagination, page_size=50)
def list_service_requests(request, status: str = "", observation: UUID | None = None):
    from bastion.monitoring.selectors.alerts import service_list

    user = api_user(request)
    target = observation_for(user, observation) if observation is not None else None
    qs = service_list(user=user, observation=target)
    if status:
        qs = qs.filter(status=status)
    return qs


def _service(user, public_id):
    from bastion.monitoring.selectors.alerts import service_get

    return service_get(user=user, public_id=public_id)


@router.post("/services", response={201: ServiceRequestOut})
def create_service_request(request, payload: ServiceRequestIn):
    from bastion.monitoring.services.homeservice import service_request_create

    user = api_user(request)
    observation = observation_for(user, payload.observation)
    created = service_request_create(
        actor=user, observation=observation, kind=payload.kind, detail=payload.detail
    )
    return Status(201, _service(user, created.public_id))


@router.post("/services/{public_id}/assign", response=ServiceRequestOut)
def assign_service_request(request, public_id: UUID, payload: AssignIn):
    from bastion.monitoring.services.homeservice import service_request_assign

    user = api_user(request)
    service_request_assign(
        actor=user, request=_service(user, public_id), user=user_by_username(payload.user)
    )
    return _service(user, public_id)


@router.post("/services/{public_id}/status", response=ServiceRequestOut)
def set_service_request_status(request, public_id: UUID, payload: StatusIn):
    from bastion.monitoring.services.homeservice import service_request_set_status

    user = api_user(request)
    service_request_set_status(
        actor=user, request=_service(user, public_id), status=payload.status, note=payload.note
    )
    return _service(user, public_id)
