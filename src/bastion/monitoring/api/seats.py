"""Standing seat duties (五包一岗位): list, add and remove inside the caller's subtrees for
Perm.ASSIGNMENT_MANAGE; out of scope (or no such permission) answers 404.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.core.pagination import PageNumberPagination
from bastion.monitoring.api.common import api_user
from bastion.monitoring.api.schemas import SeatDutyIn, SeatDutyOut

router = Router(tags=["monitoring"])


@router.get("", response=list[SeatDutyOut])
@paginate(PageNumberPagination, page_size=50)
def list_seat_duties(request, region: str | None = None):
    """Seat duties in the caller's subtrees (optionally under one region code), by region."""
    from bastion.monitoring.selectors.seats import seat_duty_list, seat_region_get

    user = api_user(request)
    region_path = seat_region_get(user=user, code=region).path if region else ""
    return seat_duty_list(user=user, region_path=region_path)


@router.post("", response={201: SeatDutyOut})
def create_seat_duty(request, payload: SeatDutyIn):
    """`user` (username) fills `seat_code` for observations under `region` (code)."""
    from bastion.monitoring.selectors import seats as sel
    from bastion.monitoring.services.policy import seat_assignment_create

    user = api_user(request)
    sel.require_seat_manager(user)
    region = sel.seat_region_get(user=user, code=payload.region)
    target = sel.seat_candidate_get(user=user, username=payload.user)
    if target is None:
        raise ValidationError(
            {"user": _("用户 %(u)s 不存在或不在您的管理范围内") % {"u": payload.user}}
        )
    duty = seat_assignment_create(
        actor=user, user=target, seat_code=payload.seat_code, region=region
    )
    return Status(201, sel.seat_duty_list(user=user).get(pk=duty.pk))


@router.api_operation(["DELETE"], "/{public_id}", response={204: None})
def delete_seat_duty(request, public_id: UUID):
    """End a standing duty; teams already formed keep their members."""
    from bastion.monitoring.selectors.seats import seat_duty_get
    from bastion.monitoring.services.policy import seat_assignment_delete

    user = api_user(request)
    seat_assignment_delete(actor=user, assignment=seat_duty_get(user=user, public_id=public_id))
    return Status(204, None)
