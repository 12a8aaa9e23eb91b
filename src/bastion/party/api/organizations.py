"""Organizations, temporary branches, secondments, registration rates, officers.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.http import Http404, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.pagination import PageNumberPagination
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.api.common import api_user
from bastion.party.api.schemas import (
    CloseIn,
    OfficerCreatedOut,
    OfficerIn,
    OfficerOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatchIn,
    PartyEndIn,
    RatesOut,
    SecondmentIn,
    SecondmentOut,
    ServiceTotalOut,
    TargetIn,
)
from bastion.party.pickers import pick_region, pick_user
from bastion.party.services.common import party_can

router = Router(tags=["party"])


def _rate(r) -> dict:
    return {
        "organization": r.organization,
        "employed": r.employed,
        "registered": r.registered,
        "rate": r.rate,
        "target": r.target,
        "meets_target": r.meets_target,
    }


@router.get("/organizations", response=list[OrganizationOut])
@paginate(PageNumberPagination, page_size=50)
def list_organizations(
    request,
    q: str = "",
    tier: str = "",
    sector: str = "",
    temporary: str = "",
    parent: UUID | None = None,
):
    """Organizations the caller sees; `parent` lists one organization's children."""
    user = api_user(request)
    qs = sel.organization_search(user=user, q=q, tier=tier, sector=sector, temporary=temporary)
    if parent is not None:
        qs = qs.filter(parent=sel.organization_get(user=user, public_id=parent))
    return qs


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request, payload: OrganizationIn):
    user = api_user(request)
    parent = sel.organization_get(user=user, public_id=payload.parent)
    data = payload.dict(exclude={"parent", "region"})
    org = services.organization_create(
        actor=user,
        parent=parent,
        region=pick_region(payload.region, within=parent.region_path),
        **data,
    )
    return Status(201, sel.organization_get(user=user, public_id=org.public_id))


@router.get("/organizations/{public_id}", response=OrganizationOut)
def get_organization(request, public_id: UUID):
    return sel.organization_get(user=api_user(request), public_id=public_id)


@router.patch("/organizations/{public_id}", response=OrganizationOut)
def update_organization(request, public_id: UUID, payload: OrganizationPatchIn):
    user = api_user(request)
    org = sel.organization_get(user=user, public_id=public_id)
    changes = payload.dict(exclude_unset=True)
    if "region" in changes:
        changes["region"] = pick_region(
            changes["region"], within=org.parent.region_path if org.parent else ""
        )
    services.organization_update(actor=user, organization=org, changes=changes)
    return sel.organization_get(user=user, public_id=public_id)


@router.post("/organizations/{public_id}/close", response=OrganizationOut)
def close_organization(request, public_id: UUID, payload: CloseIn):
    user = api_user(request)
    org = sel.organization_get(user=user, public_id=public_id)
    services.organization_close(
        actor=user, organization=org, closed_on=payload.closed_on, reason=payload.reason
    )
    return sel.organization_get(user=user, public_id=public_id)


@router.post("/organizations/{public_id}/target", response=OrganizationOut)
def set_target(request, public_id: UUID, payload: TargetIn):
    user = api_user(request)
    org = sel.organization_get(user=user, public_id=public_id)
    services.organization_target_set(actor=user, organization=org, target=payload.target)
    return sel.organization_get(user=user, public_id=public_id)


@router.get("/organizations/{public_id}/registration-rate", response=RatesOut)
def registration_rate(request, public_id: UUID):
    """Employed members registered at their communities, against the target; per child."""
    org = sel.organization_get(user=api_user(request), public_id=public_id)
    return {
        "rate": _rate(sel.registration_rate(organization=org)),
        "children": [_rate(r) for r in sel.registration_rates_below(organization=org)],
    }


@router.get("/organizations/{public_id}/service-cards", response=list[ServiceTotalOut])
@paginate(PageNumberPagination, page_size=100)
def service_cards(request, public_id: UUID, year: int, quarter: int):
    """The quarter's service totals of the organization's employed members."""
    user = api_user(request)
    org = sel.organization_get(user=user, public_id=public_id)
    try:
        sel.quarter_bounds(year, quarter)
    except ValueError as exc:
        raise Http404 from exc
    members = sel.member_search(user=user, organization=org, flag="employed").order_by("pk")
    totals = sel.service_totals(members=members, year=year, quarter=quarter)
    return _TotalRows(members, totals)


class _TotalRows:
    """Members as ServiceTotalOut rows; slices and counts like a queryset for @paginate."""

    def __init__(self, members, totals):
        self.members, self.totals = members, totals

    def count(self) -> int:
        return self.members.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [self._row(m) for m in self.members[item]]

    def _row(self, m) -> dict:
        hours, entries, days = self.totals.get(m.pk, (0, 0, 0))
        return {
            "member": m.public_id,
            "name": m.person.name,
            "organization": m.organization.name,
            "hours": hours,
            "entries": entries,
            "days": days,
        }


# --- Secondments --------------------------------------------------------------------------------


@router.get("/organizations/{public_id}/secondments", response=list[SecondmentOut])
@paginate(PageNumberPagination, page_size=50)
def list_secondments(request, public_id: UUID, open: bool = True):
    user = api_user(request)
    branch = sel.organization_get(user=user, public_id=public_id)
    qs = sel.secondment_list(user=user).filter(branch=branch)
    return qs.filter(ended_on__isnull=True) if open else qs


@router.post("/organizations/{public_id}/secondments", response={201: SecondmentOut})
def add_secondment(request, public_id: UUID, payload: SecondmentIn):
    user = api_user(request)
    branch = sel.organization_get(user=user, public_id=public_id)
    member = sel.member_get(user=user, public_id=payload.member)
    secondment = services.secondment_add(
        actor=user, branch=branch, member=member, started_on=payload.started_on, duty=payload.duty
    )
    return Status(201, sel.secondment_get(user=user, public_id=secondment.public_id))


@router.post("/secondments/{public_id}/end", response=SecondmentOut)
def end_secondment(request, public_id: UUID, payload: PartyEndIn):
    user = api_user(request)
    secondment = sel.secondment_get(user=user, public_id=public_id)
    services.secondment_end(actor=user, secondment=secondment, ended_on=payload.ended_on)
    return sel.secondment_get(user=user, public_id=public_id)


# --- Organization officers --------------------------------------------------------------------


def _managed(user, public_id):
    """The organization, if the caller manages it; 404 otherwise (even if she sees it)."""
    org = sel.organization_get(user=user, public_id=public_id)
    if not party_can(user, Perm.PARTY_MANAGE, org_path=org.path, region_path=org.region_path):
        raise Http404
    return org


@router.get("/organizations/{public_id}/officers", response=list[OfficerOut])
def list_officers(request, public_id: UUID):
    org = _managed(api_user(request), public_id)
    return list(sel.org_officer_grants(organization=org))


@router.post("/organizations/{public_id}/officers", response={201: OfficerCreatedOut})
def grant_officer(request, response: HttpResponse, public_id: UUID, payload: OfficerIn):
    """Grant the organization-officer role to an existing login, or (create_account)
    to a new one whose password is returned once (`no-store`: never kept for replay)."""
    user = api_user(request)
    response["Cache-Control"] = "no-store"
    org = _managed(user, public_id)
    password = None
    if payload.create_account:
        grant, password = services.org_officer_account_create(
            actor=user, organization=org, username=payload.username, full_name=payload.full_name
        )
    else:
        grant = services.org_officer_grant(
            actor=user, organization=org, user=pick_user(payload.username)
        )
    return Status(201, {"officer": grant, "password": password})


@router.api_operation(
    ["DELETE"], "/organizations/{public_id}/officers/{grant_id}", response={204: None}
)
def revoke_officer(request, public_id: UUID, grant_id: UUID):
    user = api_user(request)
    org = _managed(user, public_id)
    services.org_officer_revoke(
        actor=user, grant=sel.org_officer_grant_get(organization=org, public_id=grant_id)
    )
    return Status(204, None)
