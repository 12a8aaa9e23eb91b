"""Observations: list, read, register, release, end, extend, team, self-report link.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, region_paths
from bastion.core.apierrors import ApiError
from bastion.core.audit import client_ip
from bastion.core.pagination import PageNumberPagination
from bastion.geo.selectors import region_get
from bastion.monitoring.api.common import (
    api_user,
    observation_for,
    policy_by_category,
)
from bastion.monitoring.api.schemas import (
    EndIn,
    ExtendIn,
    ObservationIn,
    ObservationOut,
    ReleaseIn,
    SelfReportLinkOut,
    TeamIn,
    TeamSeatOut,
)

router = Router(tags=["monitoring"])

_RELATED = ("person", "policy", "region", "risk_area")


@router.get("", response=list[ObservationOut])
@paginate(PageNumberPagination, page_size=50)
def list_observations(
    request, status: str | None = None, region: str | None = None, category: str = "", q: str = ""
):
    """Observations the caller may see, filtered by status, region code, category or name."""
    from bastion.monitoring.selectors.observations import observation_list

    user = api_user(request)
    region_path = region_get(user=user, code=region).path if region else None
    policy = policy_by_category(category) if category else None
    qs = observation_list(user=user, status=status, region_path=region_path, policy=policy, q=q)
    return qs.select_related(*_RELATED)


@router.get("/{public_id}", response=ObservationOut)
def get_observation(request, public_id: UUID):
    return observation_for(api_user(request), public_id)


def _grid_for_new_person(user, code: str | None):
    if not code:
        if region_paths(user, Perm.PERSON_CHANGE) is None:
            return None
        raise ValidationError({"person_data.grid": _("请指定网格")})
    grid = region_get(user=user, code=code.strip())
    if not can_on_path(user, Perm.PERSON_CHANGE, grid.path):
        raise ApiError(403, "forbidden", _("您没有在此网格登记人员的权限"))
    return grid


def _risk_area(public_id):
    from bastion.monitoring.models import RiskArea

    if public_id is None:
        return None
    try:
        return RiskArea.objects.get(public_id=public_id)
    except RiskArea.DoesNotExist as exc:
        raise ValidationError({"risk_area": _("风险地区不存在")}) from exc


@router.post("", response={201: ObservationOut})
def register_observation(request, payload: ObservationIn):
    """Put an existing person (`person`) or a new one (`person_data`) under observation."""
    from bastion.monitoring.services.observations import observation_register
    from bastion.people.selectors import person_get
    from bastion.people.services import PersonInput

    user = api_user(request)
    if (payload.person is None) == (payload.person_data is None):
        raise ValidationError({"person": _("请指定已登记人员，或填写新人员信息（二选一）")})
    person = person_data = None
    if payload.person is not None:
        person = person_get(user=user, public_id=payload.person)
        if not can_on_path(user, Perm.PERSON_CHANGE, person.path):
            raise ApiError(403, "forbidden", _("您没有在此网格登记观察对象的权限"))
    else:
        data = payload.person_data
        person_data = PersonInput(
            name=data.name,
            id_number=data.id_number,
            phone=data.phone,
            gender=data.gender,
            birth_date=data.birth_date,
            grid=_grid_for_new_person(user, data.grid),
            household_label=data.household_label,
            relation_to_head=data.relation_to_head,
            address_text=data.address_text,
        )
    observation = observation_register(
        actor=user,
        policy=policy_by_category(payload.category),
        origin=payload.origin,
        person=person,
        person_data=person_data,
        arrived_on=payload.arrived_on,
        last_contact_on=payload.last_contact_on,
        transport=payload.transport,
        transport_number=payload.transport_number,
        risk_area=_risk_area(payload.risk_area),
        ip_address=client_ip(request),
    )
    return Status(201, observation_for(user, observation.public_id))


@router.post("/{public_id}/release", response=ObservationOut)
def release_observation(request, public_id: UUID, payload: ReleaseIn):
    from bastion.monitoring.services.observations import observation_release

    user = api_user(request)
    observation = observation_for(user, public_id)
    observation_release(actor=user, observation=observation, note=payload.note)
    return observation_for(user, public_id)


@router.post("/{public_id}/end", response=ObservationOut)
def end_observation(request, public_id: UUID, payload: EndIn):
    from bastion.monitoring.services.observations import observation_end

    user = api_user(request)
    observation = observation_for(user, public_id)
    observation_end(actor=user, observation=observation, reason=payload.reason, note=payload.note)
    return observation_for(user, public_id)


@router.post("/{public_id}/extend", response=ObservationOut)
def extend_observation(request, public_id: UUID, payload: ExtendIn):
    from bastion.monitoring.services.observations import observation_extend

    user = api_user(request)
    observation = observation_for(user, public_id)
    observation_extend(
        actor=user, observation=observation, days=payload.days, reason=payload.reason
    )
    return observation_for(user, public_id)


def _team(observation) -> list[dict]:
    from bastion.monitoring.selectors.observations import observation_team

    members = {m.seat_id: m.user for m in observation_team(observation)}
    seats = observation.policy.team_template.roles.all()
    return [
        {
            "code": seat.code,
            "label_zh": seat.label_zh,
            "label_en": seat.label_en,
            "confirms_release": seat.confirms_release,
            "user": members[seat.pk].username if seat.pk in members else None,
            "full_name": members[seat.pk].full_name if seat.pk in members else None,
        }
        for seat in seats
    ]


@router.get("/{public_id}/team", response=list[TeamSeatOut])
def get_team(request, public_id: UUID):
    return _team(observation_for(api_user(request), public_id))


@router.put("/{public_id}/team", response=list[TeamSeatOut])
def set_team(request, public_id: UUID, payload: TeamIn):
    """Fill the seats: {"members": {"village_doctor": "username", "police": null, ...}}."""
    from bastion.monitoring.services.team import (
        not_a_candidate_error,
        team_candidate_get,
        team_set,
    )

    user = api_user(request)
    observation = observation_for(user, public_id)
    if not can_on_path(user, Perm.PERSON_CHANGE, observation.path):
        raise ApiError(403, "forbidden", _("您没有调整此责任组的权限"))
    codes = set(observation.policy.team_template.roles.values_list("code", flat=True))
    unknown = sorted(set(payload.members) - codes)
    if unknown:
        raise ValidationError({"members": _("未知的岗位：%(c)s") % {"c": "、".join(unknown)}})
    seats = {s.code: s.label_zh for s in observation.policy.team_template.roles.all()}
    members, errors = {}, {}
    for code, name in payload.members.items():
        members[code] = None
        if name:
            members[code] = team_candidate_get(observation=observation, username=name)
            if members[code] is None:  # unknown and ineligible look alike
                errors[f"members.{code}"] = not_a_candidate_error(seats[code], name)
    if errors:
        raise ValidationError(errors)
    team_set(actor=user, observation=observation, members=members)
    return _team(observation)


@router.post("/{public_id}/selfreport-token", response={201: SelfReportLinkOut})
def issue_selfreport_token(request, public_id: UUID):
    """A new personal self-report link (the previous link stops working)."""
    from bastion.monitoring.services.selfreport import selfreport_token_issue

    user = api_user(request)
    observation = observation_for(user, public_id)
    token = selfreport_token_issue(actor=user, observation=observation)
    link = reverse("selfreport:page", args=[token])
    return Status(201, {"url": request.build_absolute_uri(link), "token": token})
