"""Configuration: task kinds, a region's volunteer rules, resident volunteers.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, region_paths
from bastion.core.pagination import PageNumberPagination
from bastion.geo.models import Level
from bastion.people.selectors import person_list
from bastion.volunteers.api.common import api_user, region_by_code
from bastion.volunteers.api.schemas import (
    KindIn,
    KindOut,
    ResidentIn,
    ResidentOut,
    RulesIn,
    RulesOut,
    VolunteersReasonIn,
)
from bastion.volunteers.models import ResidentVolunteer, TaskKind
from bastion.volunteers.selectors.places import rules_for
from bastion.volunteers.selectors.tasks import prefix_q
from bastion.volunteers.services import config as config_services

router = Router(tags=["volunteers"])


@router.get("/kinds", response=list[KindOut])
def list_kinds(request, active: bool | None = None):
    qs = TaskKind.objects.all()
    if active is not None:
        qs = qs.filter(active=active)
    return qs


@router.post("/kinds", response=KindOut)
def save_kind(request, payload: KindIn):
    """Add a kind or change the one with this code (county-level publishers)."""
    return config_services.task_kind_save(actor=api_user(request), **payload.dict())


def _rules_out(region):
    rules = rules_for(region.path)
    return {
        "region": region,
        "allow_residents": rules.allow_residents,
        "cancel_deadline_hours": rules.cancel_deadline_hours,
        "minutes_per_point": rules.minutes_per_point,
        "points_per_unit": rules.points_per_unit,
        "public_requests": rules.public_requests,
        "inherited_from": rules.source_path,
    }


def _visible_region(user, code: str):
    region = region_by_code(code)
    if not can_on_path(user, Perm.VOLUNTEER_VIEW, region.path):
        raise Http404
    return region


@router.get("/rules/{code}", response=RulesOut)
def get_rules(request, code: str):
    """The rules in force at a region (its own, an ancestor's, or the defaults)."""
    return _rules_out(_visible_region(api_user(request), code))


@router.put("/rules/{code}", response=RulesOut)
def put_rules(request, code: str, payload: RulesIn):
    user = api_user(request)
    region = _visible_region(user, code)
    config_services.rules_save(actor=user, region=region, **payload.dict())
    return _rules_out(region)


def _residents(user):
    if not has_perm(user, Perm.TASK_PUBLISH):
        return ResidentVolunteer.objects.none()
    qs = ResidentVolunteer.objects.select_related("person", "community", "home_grid", "user")
    paths = region_paths(user, Perm.TASK_PUBLISH)
    return qs if paths is None else qs.filter(prefix_q("path", paths))


@router.get("/residents", response=list[ResidentOut])
@paginate(PageNumberPagination, page_size=50)
def list_residents(request, active: bool = True):
    return _residents(api_user(request)).filter(active=active).order_by("path", "id")


@router.post("/residents", response={201: ResidentOut})
def register_resident(request, payload: ResidentIn):
    user = api_user(request)
    person = person_list(user=user).filter(public_id=payload.person).first()
    if person is None:
        raise Http404
    grid = region_by_code(payload.home_grid, field="home_grid")
    if grid.level != Level.GRID:
        raise ValidationError({"home_grid": [_("居住网格：请选择网格")]})
    login = None
    if payload.username:
        login = get_user_model().objects.filter(username=payload.username, is_active=True).first()
        if login is None:
            raise ValidationError({"username": [_("用户 %(u)s 不存在") % {"u": payload.username}]})
    resident = config_services.resident_register(
        actor=user, person=person, home_grid=grid, user=login, skills=payload.skills
    )
    return Status(201, _residents(user).get(pk=resident.pk))


@router.post("/residents/{public_id}/leave", response=ResidentOut)
def resident_leave(request, public_id: UUID, payload: VolunteersReasonIn):
    user = api_user(request)
    resident = _residents(user).filter(public_id=public_id).first()
    if resident is None:
        raise Http404
    return config_services.resident_leave(actor=user, resident=resident, reason=payload.reason)
