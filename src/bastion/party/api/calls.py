"""Mobilization calls, party-fee grants and their ledgers, exemplars.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

import datetime as dt
from uuid import UUID

from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.pagination import PageNumberPagination
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.api.common import api_user
from bastion.party.api.schemas import (
    AdjustIn,
    CallDetailOut,
    CallIn,
    CallOut,
    ExemplarOut,
    FeeEntryOut,
    FeeGrantDetailOut,
    FeeGrantIn,
    FeeGrantOut,
    PartyReasonIn,
    RecipientOut,
    RespondIn,
    ReviewIn,
)
from bastion.party.models import ExemplarKind, FeeEntryKind
from bastion.party.pickers import pick_organization, pick_team
from bastion.party.selectors.mobilization import STATE_FILTERS
from bastion.party.services.mobilization import can_respond

router = Router(tags=["party"])


# --- Calls ---------------------------------------------------------------------------------------


def _call_get(user, public_id):
    call = sel.mobilizations_with_counts(user=user).filter(public_id=public_id).first()
    if call is None:
        raise Http404
    return call


def _call_detail(user, call) -> dict:
    counts = sel.mobilization_counts(user=user, mobilization=call)
    return {
        "call": call,
        "counts": {
            "recipients": counts.recipients,
            "seen": counts.seen,
            "answered": counts.answered,
            "acted": counts.acted,
            "people": counts.people,
            "response_rate": counts.response_rate,
        },
    }


@router.get("/calls", response=list[CallOut])
@paginate(PageNumberPagination, page_size=50)
def list_calls(request):
    """Calls sent by, or addressed to, organizations the caller sees (with all-recipient counts)."""
    return sel.mobilizations_with_counts(user=api_user(request))


@router.post("/calls", response={201: CallDetailOut})
def send_call(request, payload: CallIn):
    user = api_user(request)
    call = services.mobilization_send(
        actor=user,
        organization=pick_organization(user, payload.organization, perm=Perm.PARTY_MANAGE),
        title=payload.title,
        body=payload.body,
        audience=payload.audience,
        respond_by=payload.respond_by,
    )
    return Status(201, _call_detail(user, _call_get(user, call.public_id)))


@router.get("/calls/{public_id}", response=CallDetailOut)
def get_call(request, public_id: UUID):
    """The call with counts over the recipients the caller sees (all for the sender)."""
    user = api_user(request)
    return _call_detail(user, _call_get(user, public_id))


@router.get("/calls/{public_id}/recipients", response=list[RecipientOut])
@paginate(PageNumberPagination, page_size=100)
def list_recipients(request, public_id: UUID, state: str = ""):
    user = api_user(request)
    call = sel.mobilization_get(user=user, public_id=public_id)
    qs = sel.recipient_list(user=user, mobilization=call).order_by("org_path", "pk")
    if state:
        if state not in STATE_FILTERS:
            raise Http404
        qs = qs.filter(**STATE_FILTERS[state])
    return qs


@router.post("/calls/{public_id}/recipients/{key}/respond", response=RecipientOut)
def respond(request, public_id: UUID, key: str, payload: RespondIn):
    """Answer for a recipient organization one manages, or for oneself as a member."""
    user = api_user(request)
    call = sel.mobilization_get(user=user, public_id=public_id)
    recipient = sel.recipient_get(user=user, mobilization=call, key=key)
    return services.mobilization_respond(actor=user, recipient=recipient, **payload.dict())


@router.post("/calls/{public_id}/recipients/{key}/seen", response=RecipientOut)
def mark_seen(request, public_id: UUID, key: str):
    user = api_user(request)
    call = sel.mobilization_get(user=user, public_id=public_id)
    recipient = sel.recipient_get(user=user, mobilization=call, key=key)
    if not can_respond(user, recipient):
        raise Http404
    return services.mobilization_mark_seen(actor=user, recipient=recipient)


@router.post("/calls/{public_id}/close", response=CallDetailOut)
def close_call(request, public_id: UUID):
    user = api_user(request)
    call = sel.mobilization_get(user=user, public_id=public_id)
    services.mobilization_close(actor=user, mobilization=call)
    return _call_detail(user, _call_get(user, public_id))


# --- Party fees ---------------------------------------------------------------------------------


@router.get("/fee-grants", response=list[FeeGrantOut])
@paginate(PageNumberPagination, page_size=50)
def list_grants(request):
    """Grants the caller sees, with granted / spent / balance from the ledger."""
    return sel.fee_grant_list(user=api_user(request))


@router.post("/fee-grants", response={201: FeeGrantDetailOut})
def create_grant(request, payload: FeeGrantIn):
    user = api_user(request)
    grant = services.fee_grant_create(
        actor=user,
        grantor=pick_organization(user, payload.grantor, field="grantor", perm=Perm.PARTY_FEES),
        organization=pick_organization(user, payload.organization),
        amount=payload.amount,
        purpose=payload.purpose,
        granted_on=payload.granted_on,
        document_no=payload.document_no,
    )
    return Status(201, sel.fee_grant_get(user=user, public_id=grant.public_id))


@router.get("/fee-grants/{public_id}", response=FeeGrantDetailOut)
def get_grant(request, public_id: UUID):
    return sel.fee_grant_get(user=api_user(request), public_id=public_id)


@router.post("/fee-grants/{public_id}/expenses", response={201: FeeEntryOut})
def record_expense(
    request,
    public_id: UUID,
    amount: str = Form(...),  # noqa: B008 - ninja's declaration style
    spent_on: dt.date = Form(...),  # noqa: B008
    description: str = Form(...),  # noqa: B008
    receipt: UploadedFile = File(None),  # noqa: B008
):
    """An expense against the grant, with a receipt (photo or PDF); refused (422, nothing
    written) when it is more than the balance."""
    user = api_user(request)
    grant = sel.fee_grant_get(user=user, public_id=public_id)
    entry = services.fee_expense_record(
        actor=user,
        grant=grant,
        amount=amount,
        spent_on=spent_on,
        description=description,
        receipt=receipt,
    )
    return Status(201, entry)


@router.post("/fee-entries/{public_id}/reverse", response={201: FeeEntryOut})
def reverse_expense(request, public_id: UUID, payload: PartyReasonIn):
    user = api_user(request)
    entry = sel.fee_entry_get(user=user, public_id=public_id)
    if entry.kind != FeeEntryKind.EXPENSE:
        raise Http404
    return Status(
        201, services.fee_expense_reverse(actor=user, expense=entry, reason=payload.reason)
    )


@router.post("/fee-grants/{public_id}/adjust", response={201: FeeEntryOut})
def adjust_grant(request, public_id: UUID, payload: AdjustIn):
    user = api_user(request)
    grant = sel.fee_grant_get(user=user, public_id=public_id)
    return Status(
        201,
        services.fee_grant_adjust(
            actor=user, grant=grant, delta=payload.delta, reason=payload.reason
        ),
    )


# --- Exemplars ---------------------------------------------------------------------------------


@router.get("/exemplars", response=list[ExemplarOut])
@paginate(PageNumberPagination, page_size=50)
def list_exemplars(request, status: str = "", q: str = ""):
    return sel.exemplar_search(user=api_user(request), q=q, status=status)


@router.post("/exemplars", response={201: ExemplarOut})
def nominate(
    request,
    nominating_org: str = Form(...),  # noqa: B008 - ninja's declaration style
    kind: str = Form(...),  # noqa: B008
    subject: str = Form(...),  # noqa: B008 - member public id, team name or organization code
    title: str = Form(...),  # noqa: B008
    deed: str = Form(...),  # noqa: B008
    photo: UploadedFile = File(None),  # noqa: B008
    evidence: list[UploadedFile] = File(None),  # noqa: B008
):
    user = api_user(request)
    subject_fields = {}
    if kind == ExemplarKind.PERSON:
        try:
            subject_fields["member"] = sel.member_get(user=user, public_id=UUID(subject))
        except ValueError as exc:
            raise Http404 from exc
    elif kind == ExemplarKind.TEAM:
        subject_fields["team"] = pick_team(user, subject)
    elif kind == ExemplarKind.ORGANIZATION:
        subject_fields["subject_org"] = pick_organization(user, subject, field="subject")
    exemplar = services.exemplar_nominate(
        actor=user,
        nominating_org=pick_organization(
            user, nominating_org, field="nominating_org", perm=Perm.PARTY_MANAGE
        ),
        kind=kind,
        title=title,
        deed=deed,
        photo=photo,
        evidence=evidence or [],
        **subject_fields,
    )
    return Status(201, sel.exemplar_get(user=user, public_id=exemplar.public_id))


@router.get("/exemplars/{public_id}", response=ExemplarOut)
def get_exemplar(request, public_id: UUID):
    return sel.exemplar_get(user=api_user(request), public_id=public_id)


@router.post("/exemplars/{public_id}/review", response=ExemplarOut)
def review(request, public_id: UUID, payload: ReviewIn):
    user = api_user(request)
    exemplar = sel.exemplar_get(user=user, public_id=public_id)
    services.exemplar_review(
        actor=user, exemplar=exemplar, approve=payload.approve, note=payload.note
    )
    return sel.exemplar_get(user=user, public_id=public_id)


@router.post("/exemplars/{public_id}/publish", response=ExemplarOut)
def publish(request, public_id: UUID):
    user = api_user(request)
    services.exemplar_publish(actor=user, exemplar=sel.exemplar_get(user=user, public_id=public_id))
    return sel.exemplar_get(user=user, public_id=public_id)


@router.post("/exemplars/{public_id}/withdraw", response=ExemplarOut)
def withdraw(request, public_id: UUID, payload: PartyReasonIn):
    user = api_user(request)
    services.exemplar_withdraw(
        actor=user, exemplar=sel.exemplar_get(user=user, public_id=public_id), reason=payload.reason
    )
    return sel.exemplar_get(user=user, public_id=public_id)
