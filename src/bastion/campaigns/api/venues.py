"""Venue kinds, venues, inspections, commitment letters, check-in codes and contact
tracing (case reference, purpose, audited, masked; reveal with a reason, never stored
for idempotent replay).

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from bastion.campaigns.api.common import api_user, regions_by_code
from bastion.campaigns.api.schemas import (
    CampaignsRevealIn,
    CampaignsRevealOut,
    CheckinCodeOut,
    CheckInOut,
    CommitmentOut,
    InspectionIn,
    InspectionOut,
    ReasonIn,
    TraceIn,
    TraceOut,
    VenueIn,
    VenueKindIn,
    VenueKindOut,
    VenueKindPatchIn,
    VenueOut,
    VenuePatchIn,
)
from bastion.campaigns.models import CheckIn, VenueKind
from bastion.campaigns.selectors.venues import (
    commitment_get,
    commitment_list,
    inspection_get,
    inspection_list,
    trace_checkins,
    trace_get,
    trace_list,
    venue_get,
    venue_kind_get,
    venue_kinds,
    venue_list,
)
from bastion.core.audit import client_ip
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["campaigns"])


def _kind(code: str, field: str = "kind") -> VenueKind:
    kind = VenueKind.objects.filter(code=code).first()
    if kind is None:
        raise ValidationError({field: [_("场所类型 %(code)s 不存在") % {"code": code}]})
    return kind


# --- Kinds ----------------------------------------------------------------------------


@router.get("/venue-kinds", response=list[VenueKindOut])
def list_venue_kinds(request):
    return list(venue_kinds())


@router.post("/venue-kinds", response={201: VenueKindOut})
def create_venue_kind(request, payload: VenueKindIn):
    from bastion.campaigns.services.venues import venue_kind_save

    kind = venue_kind_save(actor=api_user(request), **payload.dict())
    return Status(201, kind)


@router.patch("/venue-kinds/{public_id}", response=VenueKindOut)
def update_venue_kind(request, public_id: UUID, payload: VenueKindPatchIn):
    from bastion.campaigns.services.venues import venue_kind_save

    kind = venue_kind_get(public_id=public_id)
    data = payload.dict(exclude_unset=True)
    return venue_kind_save(
        actor=api_user(request),
        kind=kind,
        name_zh=data.get("name_zh", kind.name_zh),
        name_en=data.get("name_en", kind.name_en),
        checklist=data.get("checklist", kind.checklist),
        order=data.get("order", kind.order),
        active=data.get("active", kind.active),
    )


# --- Venues ----------------------------------------------------------------------------


@router.get("/venues", response=list[VenueOut])
@paginate(PageNumberPagination, page_size=50)
def list_venues(request, region: str = "", kind: str = "", q: str = "", status: str = ""):
    """Venues in scope; `status` never_inspected / compliant / rectify / overdue /
    closed / unsigned."""
    user = api_user(request)
    within = regions_by_code(user, [region], "region")[0].path if region else None
    return venue_list(user=user, within=within, kind=kind, q=q[:50], status=status)


@router.post("/venues", response={201: VenueOut})
def create_venue(request, payload: VenueIn):
    from bastion.campaigns.services.venues import venue_create

    user = api_user(request)
    venue = venue_create(
        actor=user,
        kind=_kind(payload.kind),
        name=payload.name,
        region=regions_by_code(user, [payload.grid], "grid")[0],
        address=payload.address,
        responsible_name=payload.responsible_name,
        contact_phone=payload.contact_phone,
    )
    return Status(201, venue_get(user=user, public_id=venue.public_id))


@router.get("/venues/{public_id}", response=VenueOut)
def get_venue(request, public_id: UUID):
    return venue_get(user=api_user(request), public_id=public_id)


@router.patch("/venues/{public_id}", response=VenueOut)
def update_venue(request, public_id: UUID, payload: VenuePatchIn):
    from bastion.campaigns.services.venues import venue_update

    user = api_user(request)
    data = payload.dict(exclude_unset=True)
    venue_update(
        actor=user,
        venue=venue_get(user=user, public_id=public_id),
        kind=_kind(data["kind"]) if data.get("kind") else None,
        name=data.get("name"),
        address=data.get("address"),
        responsible_name=data.get("responsible_name"),
        contact_phone=data.get("contact_phone"),
    )
    return venue_get(user=user, public_id=public_id)


@router.post("/venues/{public_id}/close", response=VenueOut)
def close_venue(request, public_id: UUID, payload: ReasonIn):
    from bastion.campaigns.services.venues import venue_close

    user = api_user(request)
    venue_close(actor=user, venue=venue_get(user=user, public_id=public_id), reason=payload.reason)
    return venue_get(user=user, public_id=public_id)


@router.get("/venues/{public_id}/checkin-code", response=CheckinCodeOut)
def get_checkin_code(request, public_id: UUID):
    """The address the venue's printed QR code opens."""
    venue = venue_get(user=api_user(request), public_id=public_id)
    if venue.closed_at is not None:
        raise Http404
    return {
        "url": request.build_absolute_uri(
            reverse("campaigns_public:checkin", args=[venue.checkin_code])
        )
    }


@router.post("/venues/{public_id}/checkin-code", response=CheckinCodeOut)
def reissue_checkin_code(request, public_id: UUID):
    """A new code; the old printed one stops working."""
    from bastion.campaigns.services.venues import venue_checkin_code_reissue

    user = api_user(request)
    venue_checkin_code_reissue(actor=user, venue=venue_get(user=user, public_id=public_id))
    return get_checkin_code(request, public_id)


# --- Inspections ---------------------------------------------------------------------


@router.get("/venues/{public_id}/inspections", response=list[InspectionOut])
@paginate(PageNumberPagination, page_size=50)
def list_inspections(request, public_id: UUID):
    user = api_user(request)
    return inspection_list(user=user, venue=venue_get(user=user, public_id=public_id))


@router.post("/venues/{public_id}/inspections", response={201: InspectionOut})
def create_inspection(request, public_id: UUID, payload: InspectionIn):
    """Record an inspection; a failed one (rectify, closed) raises a venue-violation
    incident with the command. Photos: POST /inspections/{id}/photos."""
    from bastion.campaigns.services.venues import inspection_record

    user = api_user(request)
    venue = venue_get(user=user, public_id=public_id)
    follows = None
    if payload.follows is not None:
        try:
            follows = inspection_get(user=user, public_id=payload.follows)
        except Http404 as exc:
            raise ValidationError({"follows": [_("复查对象不存在")]}) from exc
    inspection, warnings = inspection_record(
        actor=user,
        venue=venue,
        result=payload.result,
        passed_items=payload.passed_items,
        rectify_by=payload.rectify_by,
        note=payload.note,
        follows=follows,
        inspected_at=payload.inspected_at,
    )
    out = inspection_get(user=user, public_id=inspection.public_id)
    out.warnings = warnings
    return Status(201, out)


@router.get("/inspections/{public_id}", response=InspectionOut)
def get_inspection(request, public_id: UUID):
    return inspection_get(user=api_user(request), public_id=public_id)


@router.post("/inspections/{public_id}/photos", response=InspectionOut)
def add_inspection_photos(
    request,
    public_id: UUID,
    photos: list[UploadedFile] = File(...),  # noqa: B008 - ninja's declaration style
):
    """Add photos (images only, at most 6 per inspection)."""
    from bastion.campaigns.services.venues import inspection_photos_add

    user = api_user(request)
    inspection_photos_add(
        actor=user, inspection=inspection_get(user=user, public_id=public_id), photos=photos
    )
    return inspection_get(user=user, public_id=public_id)


# --- Commitment letters ------------------------------------------------------------------


@router.get("/venues/{public_id}/commitments", response=list[CommitmentOut])
def list_commitments(request, public_id: UUID):
    user = api_user(request)
    return list(commitment_list(user=user, venue=venue_get(user=user, public_id=public_id)))


@router.post("/venues/{public_id}/commitments", response={201: CommitmentOut})
def create_commitment(
    request,
    public_id: UUID,
    signed_by: Form[str],
    signed_on: Form[dt.date],
    signer_role: Form[str] = "",
    scan: UploadedFile | None = File(None),  # noqa: B008 - ninja's declaration style
):
    """A signed commitment letter, multipart: fields and the scan (image or PDF)."""
    from bastion.campaigns.services.venues import commitment_record

    user = api_user(request)
    commitment = commitment_record(
        actor=user,
        venue=venue_get(user=user, public_id=public_id),
        signed_by=signed_by,
        signer_role=signer_role,
        signed_on=signed_on,
        scan=scan,
    )
    return Status(201, commitment_get(user=user, public_id=commitment.public_id))


@router.post("/commitments/{public_id}/withdraw", response=CommitmentOut)
def withdraw_commitment(request, public_id: UUID, payload: ReasonIn):
    from bastion.campaigns.services.venues import commitment_withdraw

    user = api_user(request)
    commitment_withdraw(
        actor=user, commitment=commitment_get(user=user, public_id=public_id), reason=payload.reason
    )
    return commitment_get(user=user, public_id=public_id)


# --- Contact tracing -------------------------------------------------------------------


@router.post("/venues/{public_id}/traces", response={201: TraceOut})
def create_trace(request, public_id: UUID, payload: TraceIn):
    """Who checked in at the venue in a window. Needs Perm.CONTACT_TRACE, a case
    reference and a purpose (refused without them); audited. Read the masked check-ins
    at GET /traces/{id}/checkins."""
    from bastion.campaigns.services.checkins import trace_request

    user = api_user(request)
    trace = trace_request(
        actor=user,
        venue=venue_get(user=user, public_id=public_id),
        window_start=payload.window_start,
        window_end=payload.window_end,
        case_ref=payload.case_ref,
        purpose=payload.purpose,
        ip_address=client_ip(request),
    )
    return Status(201, trace)


@router.get("/traces", response=list[TraceOut])
@paginate(PageNumberPagination, page_size=50)
def list_traces(request):
    """The caller's own tracing requests."""
    return trace_list(user=api_user(request))


@router.get("/traces/{public_id}", response=TraceOut)
def get_trace(request, public_id: UUID):
    return trace_get(user=api_user(request), public_id=public_id)


@router.get("/traces/{public_id}/checkins", response=list[CheckInOut])
@paginate(PageNumberPagination, page_size=100)
def list_trace_checkins(request, public_id: UUID):
    """The check-ins the request covers, masked."""
    return trace_checkins(trace_get(user=api_user(request), public_id=public_id))


@router.post("/traces/{public_id}/checkins/{checkin_id}/reveal", response=CampaignsRevealOut)
def reveal_checkin(
    request, response: HttpResponse, public_id: UUID, checkin_id: UUID, payload: CampaignsRevealIn
):
    """One clear name or phone of the request's check-ins, with a reason (audited;
    answered with Cache-Control: no-store, so an idempotent retry never replays it)."""
    from bastion.campaigns.services.checkins import checkin_reveal

    response["Cache-Control"] = "no-store"
    user = api_user(request)
    trace = trace_get(user=user, public_id=public_id)
    checkin = CheckIn.objects.filter(public_id=checkin_id).first()
    if checkin is None:
        raise Http404
    value = checkin_reveal(
        actor=user,
        trace=trace,
        checkin=checkin,
        field=payload.field,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"value": value}
