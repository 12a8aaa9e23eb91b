"""Teams, responsibility zones, vanguard posts, liaison groups and their visits, cadre
observations (404 without Perm.CADRE_OBSERVE).

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

import datetime as dt
from uuid import UUID

from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.pagination import PageNumberPagination
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.api.common import api_user
from bastion.party.api.schemas import (
    AnsweredIn,
    AnsweredOut,
    CadreObservationOut,
    DisbandIn,
    LiaisonGroupIn,
    LiaisonGroupOut,
    PartyEndIn,
    PartyTeamIn,
    PartyVisitOut,
    ReassignIn,
    SeatIn,
    TeamDetailOut,
    TeamOut,
    TeamPatchIn,
    UnitIn,
)
from bastion.party.pickers import pick_organization, pick_region

router = Router(tags=["party"])


def _member(user, public_id):
    return sel.member_get(user=user, public_id=public_id) if public_id else None


# --- Teams --------------------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut])
@paginate(PageNumberPagination, page_size=50)
def list_teams(request, kind: str = "", q: str = "", active: bool = True):
    return sel.team_search(user=api_user(request), q=q, kind=kind, active=active)


@router.post("/teams", response={201: TeamDetailOut})
def create_team(request, payload: PartyTeamIn):
    user = api_user(request)
    org = pick_organization(user, payload.organization, perm=Perm.PARTY_MANAGE)
    team = services.team_create(
        actor=user,
        organization=org,
        kind=payload.kind,
        name=payload.name,
        region=pick_region(payload.region, within=org.region_path),
        purpose=payload.purpose,
        leader=_member(user, payload.leader),
        formed_on=payload.formed_on,
    )
    return Status(201, sel.team_get(user=user, public_id=team.public_id))


@router.get("/teams/{public_id}", response=TeamDetailOut)
def get_team(request, public_id: UUID):
    return sel.team_get(user=api_user(request), public_id=public_id)


@router.patch("/teams/{public_id}", response=TeamDetailOut)
def update_team(request, public_id: UUID, payload: TeamPatchIn):
    user = api_user(request)
    team = sel.team_get(user=user, public_id=public_id)
    changes = payload.dict(exclude_unset=True)
    if "region" in changes:
        changes["region"] = pick_region(changes["region"], within=team.organization.region_path)
    if "leader" in changes:
        changes["leader"] = _member(user, changes["leader"])
    services.team_update(actor=user, team=team, changes=changes)
    return sel.team_get(user=user, public_id=public_id)


@router.post("/teams/{public_id}/members", response={201: TeamDetailOut})
def add_team_member(request, public_id: UUID, payload: SeatIn):
    user = api_user(request)
    team = sel.team_get(user=user, public_id=public_id)
    member = sel.member_get(user=user, public_id=payload.member)
    services.team_member_add(actor=user, team=team, person=member.person, role=payload.role)
    return Status(201, sel.team_get(user=user, public_id=public_id))


@router.api_operation(["DELETE"], "/teams/{public_id}/members/{person_id}", response={204: None})
def remove_team_member(request, public_id: UUID, person_id: UUID):
    """Take a person (by the person's public id) off the team."""
    user = api_user(request)
    team = sel.team_get(user=user, public_id=public_id)
    services.team_member_remove(actor=user, seat=sel.team_seat_get(team=team, person_id=person_id))
    return Status(204, None)


@router.post("/teams/{public_id}/disband", response=TeamDetailOut)
def disband_team(request, public_id: UUID, payload: DisbandIn):
    user = api_user(request)
    team = sel.team_get(user=user, public_id=public_id)
    services.team_disband(actor=user, team=team, on=payload.on)
    return sel.team_get(user=user, public_id=public_id)


# --- Zones and posts ------------------------------------------------------------------------------

_ANSWERED = {
    "zones": (sel.zone_list, sel.zone_get, services.zone_create, "area"),
    "posts": (sel.post_list, sel.post_get, services.post_create, "site"),
}


def _answered_routes(kind: str) -> None:
    list_, get, create, place = _ANSWERED[kind]

    @router.get(f"/{kind}", response=list[AnsweredOut], operation_id=f"party_list_{kind}")
    @paginate(PageNumberPagination, page_size=50)
    def list_answered(request, active: bool = True):
        return list_(user=api_user(request), active=active)

    @router.post(f"/{kind}", response={201: AnsweredOut}, operation_id=f"party_create_{kind}")
    def create_answered(request, payload: AnsweredIn):
        user = api_user(request)
        org = pick_organization(user, payload.organization, perm=Perm.PARTY_MANAGE)
        record = create(
            actor=user,
            organization=org,
            member=sel.member_get(user=user, public_id=payload.member),
            name=payload.name,
            region=pick_region(payload.region, within=org.region_path),
            duties=payload.duties,
            started_on=payload.started_on,
            **{place: payload.place},
        )
        return Status(201, get(user=user, public_id=record.public_id))

    @router.get(f"/{kind}/{{public_id}}", response=AnsweredOut, operation_id=f"party_get_{kind}")
    def get_answered(request, public_id: UUID):
        return get(user=api_user(request), public_id=public_id)

    @router.post(
        f"/{kind}/{{public_id}}/reassign",
        response=AnsweredOut,
        operation_id=f"party_reassign_{kind}",
    )
    def reassign_answered(request, public_id: UUID, payload: ReassignIn):
        user = api_user(request)
        record = get(user=user, public_id=public_id)
        services.answered_reassign(
            actor=user,
            record=record,
            member=sel.member_get(user=user, public_id=payload.member),
            reason=payload.reason,
        )
        return get(user=user, public_id=public_id)

    @router.post(
        f"/{kind}/{{public_id}}/end", response=AnsweredOut, operation_id=f"party_end_{kind}"
    )
    def end_answered(request, public_id: UUID, payload: PartyEndIn):
        user = api_user(request)
        record = get(user=user, public_id=public_id)
        services.answered_end(actor=user, record=record, ended_on=payload.ended_on)
        return get(user=user, public_id=public_id)


_answered_routes("zones")
_answered_routes("posts")


# --- Liaison groups ----------------------------------------------------------------------------


def _groups(user):
    return sel.liaison_group_list(user=user).prefetch_related("pairings__unit")


@router.get("/liaison-groups", response=list[LiaisonGroupOut])
@paginate(PageNumberPagination, page_size=50)
def list_groups(request):
    return _groups(api_user(request))


@router.post("/liaison-groups", response={201: LiaisonGroupOut})
def create_group(request, payload: LiaisonGroupIn):
    user = api_user(request)
    group = services.liaison_group_create(
        actor=user,
        organization=pick_organization(user, payload.organization, perm=Perm.PARTY_MANAGE),
        **payload.dict(exclude={"organization"}),
    )
    return Status(201, sel.liaison_group_get(user=user, public_id=group.public_id))


@router.get("/liaison-groups/{public_id}", response=LiaisonGroupOut)
def get_group(request, public_id: UUID):
    user = api_user(request)
    return sel.liaison_group_get(user=user, public_id=public_id)


@router.post("/liaison-groups/{public_id}/units", response={201: LiaisonGroupOut})
def pair_unit(request, public_id: UUID, payload: UnitIn):
    user = api_user(request)
    group = sel.liaison_group_get(user=user, public_id=public_id)
    services.liaison_pair(
        actor=user, group=group, unit=pick_organization(user, payload.unit, field="unit")
    )
    return Status(201, sel.liaison_group_get(user=user, public_id=public_id))


@router.get("/liaison-groups/{public_id}/visits", response=list[PartyVisitOut])
@paginate(PageNumberPagination, page_size=50)
def list_visits(request, public_id: UUID):
    user = api_user(request)
    group = sel.liaison_group_get(user=user, public_id=public_id)
    return sel.liaison_visit_list(user=user, group=group)


@router.post("/liaison-groups/{public_id}/visits", response={201: PartyVisitOut})
def record_visit(
    request,
    public_id: UUID,
    unit: str = Form(...),  # noqa: B008 - ninja's declaration style
    visited_on: dt.date = Form(...),  # noqa: B008
    findings: str = Form(...),  # noqa: B008
    participants: str = Form(""),  # noqa: B008
    follow_up: str = Form(""),  # noqa: B008
    attachments: list[UploadedFile] = File(None),  # noqa: B008
):
    """A visit of the group to one of its units (code), with optional attachments."""
    user = api_user(request)
    group = sel.liaison_group_get(user=user, public_id=public_id)
    pairing = group.pairings.filter(unit__code=unit.strip()).select_related("unit").first()
    if pairing is None:
        raise Http404
    visit = services.liaison_visit_record(
        actor=user,
        group=group,
        unit=pairing.unit,
        visited_on=visited_on,
        findings=findings,
        participants=participants,
        follow_up=follow_up,
        attachments=attachments or [],
    )
    return Status(201, sel.liaison_visit_get(user=user, public_id=visit.public_id))


# --- Cadre observations --------------------------------------------------------------------------


def _require_cadre(user) -> None:
    if not has_perm(user, Perm.CADRE_OBSERVE):
        raise Http404


@router.get("/cadre-observations", response=list[CadreObservationOut])
@paginate(PageNumberPagination, page_size=50)
def list_cadre_observations(request, q: str = ""):
    """Only for the organization department (Perm.CADRE_OBSERVE); everyone else: 404."""
    user = api_user(request)
    _require_cadre(user)
    return sel.cadre_observation_list(user=user, q=q).prefetch_related("evidence")


@router.post("/cadre-observations", response={201: CadreObservationOut})
def record_cadre_observation(
    request,
    unit: str = Form(...),  # noqa: B008 - ninja's declaration style
    cadre_name: str = Form(...),  # noqa: B008
    observed_on: dt.date = Form(...),  # noqa: B008
    situation: str = Form(...),  # noqa: B008
    performance: str = Form(...),  # noqa: B008
    rating: str = Form(...),  # noqa: B008
    position: str = Form(""),  # noqa: B008
    group: UUID | None = Form(None),  # noqa: B008
    evidence: list[UploadedFile] = File(None),  # noqa: B008
):
    user = api_user(request)
    _require_cadre(user)
    observation = services.cadre_observation_record(
        actor=user,
        unit=pick_organization(user, unit, field="unit"),
        cadre_name=cadre_name,
        observed_on=observed_on,
        situation=situation,
        performance=performance,
        rating=rating,
        position=position,
        group=sel.liaison_group_get(user=user, public_id=group) if group else None,
        evidence=evidence or [],
    )
    return Status(201, sel.cadre_observation_get(user=user, public_id=observation.public_id))


@router.get("/cadre-observations/{public_id}", response=CadreObservationOut)
def get_cadre_observation(request, public_id: UUID):
    user = api_user(request)
    _require_cadre(user)
    return sel.cadre_observation_get(user=user, public_id=public_id)
