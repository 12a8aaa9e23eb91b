"""Campaigns, coverage, the households of a campaign, and visits.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.campaigns.api.common import api_user, figures, regions_by_code
from bastion.campaigns.api.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPatchIn,
    CorrectionIn,
    CoverageOut,
    HouseholdStateOut,
    NoteIn,
    RoundOut,
    VisitIn,
    VisitOut,
)
from bastion.campaigns.models import Material, Outcome
from bastion.campaigns.selectors.campaigns import (
    STATUS_FILTERS,
    campaign_get,
    campaign_list,
    campaign_region,
    household_for_visit,
    household_rows,
    next_household,
    visit_get,
    visit_list,
)
from bastion.campaigns.selectors.coverage import coverage
from bastion.core.pagination import PageNumberPagination
from bastion.core.schemas import IsoDateTime

router = Router(tags=["campaigns"])

_VISIT_RELATED = ("campaign", "household__region", "recorded_by", "corrects")


def _campaign(request, public_id):
    return campaign_get(user=api_user(request), public_id=public_id)


@router.get("/campaigns", response=list[CampaignOut])
@paginate(PageNumberPagination, page_size=50)
def list_campaigns(request, status: str = ""):
    """Campaigns whose areas overlap the caller's scope; `status` planned / running /
    ended / closed."""
    from bastion.campaigns.selectors.campaigns import campaign_status

    qs = (
        campaign_list(user=api_user(request))
        .select_related("household_tag")
        .prefetch_related("areas__region")
        .order_by("-starts_on", "-id")
    )
    if status:
        return [c for c in qs[:500] if campaign_status(c) == status]
    return qs


@router.post("/campaigns", response={201: CampaignOut})
def create_campaign(request, payload: CampaignIn):
    from bastion.campaigns.services.campaigns import campaign_create
    from bastion.people.models import Tag

    user = api_user(request)
    tag = None
    if payload.household_tag:
        tag = Tag.objects.filter(code=payload.household_tag).first()
        if tag is None:
            raise ValidationError({"household_tag": [_("标签不存在")]})
    campaign = campaign_create(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        regions=regions_by_code(user, payload.regions),
        household_tag=tag,
        instructions=payload.instructions,
    )
    return Status(201, _campaign(request, campaign.public_id))


@router.get("/campaigns/{public_id}", response=CampaignOut)
def get_campaign(request, public_id: UUID):
    return _campaign(request, public_id)


@router.patch("/campaigns/{public_id}", response=CampaignOut)
def update_campaign(request, public_id: UUID, payload: CampaignPatchIn):
    from bastion.campaigns.services.campaigns import campaign_update

    campaign_update(
        actor=api_user(request),
        campaign=_campaign(request, public_id),
        name=payload.name,
        ends_on=payload.ends_on,
        instructions=payload.instructions,
    )
    return _campaign(request, public_id)


@router.post("/campaigns/{public_id}/rounds", response={201: RoundOut})
def open_round(request, public_id: UUID, payload: NoteIn):
    """Open the next round: every household is pending again."""
    from bastion.campaigns.services.campaigns import campaign_round_open

    round_ = campaign_round_open(
        actor=api_user(request), campaign=_campaign(request, public_id), note=payload.note
    )
    return Status(201, round_)


@router.post("/campaigns/{public_id}/close", response=CampaignOut)
def close_campaign(request, public_id: UUID, payload: NoteIn):
    from bastion.campaigns.services.campaigns import campaign_close

    campaign_close(
        actor=api_user(request), campaign=_campaign(request, public_id), note=payload.note
    )
    return _campaign(request, public_id)


def _region_ref(region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


@router.get("/campaigns/{public_id}/coverage", response=CoverageOut)
def get_coverage(
    request,
    public_id: UUID,
    region: str = "",
    round: int | None = None,  # noqa: A002 - the API's word for it
    as_of: IsoDateTime | None = None,
):
    """Households in scope, visited, pending, to revisit, refused, vacant, moved out and
    the coverage rate for a region (default: the caller's part of the campaign), with a
    row per child region. `as_of` gives the figures as they stood then."""
    user = api_user(request)
    campaign = _campaign(request, public_id)
    target = campaign_region(user=user, campaign=campaign, code=region or None)
    if round is not None and not 1 <= round <= campaign.current_round:
        raise ValidationError({"round": [_("没有第 %(n)s 轮") % {"n": round}]})
    result = coverage(user=user, campaign=campaign, region=target, round_number=round, as_of=as_of)
    return {
        "campaign": campaign.public_id,
        "region": _region_ref(target),
        "round": result.round,
        "as_of": as_of,
        "totals": figures(result.totals),
        "children": [
            {"region": _region_ref(child), "figures": figures(counts)}
            for child, counts in result.children
        ],
    }


def _state_rows(rows) -> list[dict]:
    return [
        {
            "public_id": h.public_id,
            "label": h.label,
            "grid_code": h.region.code,
            "grid_name": h.region.name,
            "status": h.state_outcome or "pending",
            "attempts": h.state_attempts or 0,
            "visit": h.state_visit_id,
        }
        for h in rows
    ]


@router.get("/campaigns/{public_id}/households", response=list[HouseholdStateOut])
@paginate(PageNumberPagination, page_size=100)
def list_households(request, public_id: UUID, region: str = "", status: str = ""):
    """The campaign's households under a region with their state this round (pending
    first, then to revisit); `status` pending / visited / nobody_home / ..."""
    user = api_user(request)
    campaign = _campaign(request, public_id)
    target = campaign_region(user=user, campaign=campaign, code=region or None)
    if status and status not in STATUS_FILTERS:
        raise ValidationError({"status": [_("未知的状态：%(s)s") % {"s": status}]})
    return _LazyRows(
        household_rows(user=user, campaign=campaign, within=target.path, status=status)
    )


class _LazyRows:
    """A queryset seen as HouseholdStateOut dicts, paged without loading more rows."""

    def __init__(self, qs):
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return _state_rows(self.qs[item])


@router.get("/campaigns/{public_id}/next", response={200: HouseholdStateOut, 204: None})
def get_next_household(request, public_id: UUID, region: str = "", after: UUID | None = None):
    """The next household the caller should knock at (pending first, then revisits);
    204 when every household in her part is settled."""
    user = api_user(request)
    campaign = _campaign(request, public_id)
    target = campaign_region(user=user, campaign=campaign, code=region or None)
    previous = None
    if after is not None:
        try:
            previous = household_for_visit(user=user, campaign=campaign, public_id=after)
        except Http404:
            previous = None
    household = next_household(user=user, campaign=campaign, within=target.path, after=previous)
    if household is None:
        return Status(204, None)
    rows = household_rows(user=user, campaign=campaign, within=target.path, perm=Perm.VISIT_RECORD)
    return _state_rows(rows.filter(pk=household.pk))[0]


def _visit(user, public_id):
    return visit_get(user=user, public_id=public_id)


def _finding_inputs(user, household, rows):
    from bastion.campaigns.services.visits import FindingInput
    from bastion.people.selectors import person_list

    members = {p.public_id: p for p in person_list(user=user, household=household)}
    inputs = []
    for number, row in enumerate(rows, start=1):
        person = None
        if row.person is not None:
            person = members.get(row.person)
            if person is None:
                raise ValidationError(
                    {f"findings.{number - 1}.person": [_("所选人员不是本户成员")]}
                )
        inputs.append(
            FindingInput(
                kind=row.kind,
                person=person,
                person_name=row.person_name,
                origin=row.origin,
                arrived_on=row.arrived_on,
                symptoms=row.symptoms,
                note=row.note,
            )
        )
    return inputs


def _material_inputs(campaign, household, rows):
    from bastion.campaigns.selectors.campaigns import ancestor_paths
    from bastion.campaigns.services.visits import MaterialInput

    found = {
        m.public_id: m
        for m in Material.objects.filter(
            public_id__in=[r.material for r in rows], path__in=ancestor_paths(household.path)
        )
        if m.campaign_id in (None, campaign.pk)
    }
    inputs = []
    for row in rows:
        if row.material not in found:
            raise ValidationError({"materials": [_("资料不存在或不属于该户所在区域")]})
        inputs.append(MaterialInput(material=found[row.material], quantity=row.quantity))
    return inputs


@router.post("/campaigns/{public_id}/visits", response={201: VisitOut})
def create_visit(request, public_id: UUID, payload: VisitIn):
    """Record a visit in the campaign's current round. Send an Idempotency-Key: a retry
    returns the first answer and never writes a second visit."""
    from bastion.campaigns.services.visits import visit_record

    user = api_user(request)
    campaign = _campaign(request, public_id)
    household = household_for_visit(user=user, campaign=campaign, public_id=payload.household)
    result = visit_record(
        actor=user,
        campaign=campaign,
        household=household,
        outcome=payload.outcome,
        people_present=payload.people_present,
        findings=_finding_inputs(user, household, payload.findings),
        materials=_material_inputs(campaign, household, payload.materials),
        note=payload.note,
        visited_at=payload.visited_at,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    visit = _visit(user, result.visit.public_id)
    visit.warnings = result.warnings
    return Status(201, visit)


@router.get("/campaigns/{public_id}/visits", response=list[VisitOut])
@paginate(PageNumberPagination, page_size=50)
def list_visits(
    request,
    public_id: UUID,
    region: str = "",
    round: int | None = None,  # noqa: A002 - the API's word for it
    outcome: str = "",
):
    user = api_user(request)
    campaign = _campaign(request, public_id)
    target = campaign_region(user=user, campaign=campaign, code=region or None)
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("未知的走访结果")]})
    return (
        visit_list(
            user=user, campaign=campaign, within=target.path, round_number=round, outcome=outcome
        )
        .select_related(*_VISIT_RELATED)
        .prefetch_related("findings__person")
        .order_by("-recorded_at", "-id")
    )


@router.get("/campaigns/{public_id}/revisits", response=list[HouseholdStateOut])
@paginate(PageNumberPagination, page_size=100)
def list_revisits(request, public_id: UUID, region: str = ""):
    """Households whose last knock this round found nobody home."""
    user = api_user(request)
    campaign = _campaign(request, public_id)
    target = campaign_region(user=user, campaign=campaign, code=region or None)
    rows = household_rows(
        user=user, campaign=campaign, within=target.path, status=Outcome.NOBODY_HOME
    )
    return _LazyRows(rows)


@router.get("/visits/{public_id}", response=VisitOut)
def get_visit(request, public_id: UUID):
    user = api_user(request)
    visit = _visit(user, public_id)
    return visit


@router.post("/visits/{public_id}/correct", response={201: VisitOut})
def correct_visit(request, public_id: UUID, payload: CorrectionIn):
    """Replace the household's latest visit of the round (the recorder or a manager)."""
    from bastion.campaigns.services.visits import visit_correct

    user = api_user(request)
    fixed = visit_correct(
        actor=user,
        visit=_visit(user, public_id),
        outcome=payload.outcome,
        people_present=payload.people_present,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, _visit(user, fixed.public_id))


@router.post("/visits/{public_id}/photo", response=VisitOut)
def attach_visit_photo(request, public_id: UUID, photo: UploadedFile = File(...)):  # noqa: B008
    """Attach the photo of a visit sent without one (images only, once, by its recorder)."""
    from bastion.campaigns.services.visits import visit_photo_attach

    user = api_user(request)
    visit_photo_attach(actor=user, visit=_visit(user, public_id), photo=photo)
    return _visit(user, public_id)
