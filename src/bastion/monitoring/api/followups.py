"""Follow-ups of one observation: list, record, correct.

A follow-up is addressed by `ref`, its entry number within the observation (1, 2, ...),
so no sequential database id leaves the server. Recording is idempotent through the
central Idempotency-Key middleware: a phone that retries gets the first response.
"""

from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Router

from bastion.core.audit import client_ip
from bastion.monitoring.api.common import api_user, get_or_404, observation_for
from bastion.monitoring.api.schemas import FollowUpIn, FollowUpOut

router = Router(tags=["monitoring"])


def _entries(observation) -> list:
    """The observation's follow-ups in entry order, each with its `ref` number."""
    from bastion.monitoring.models import FollowUp

    rows = list(
        FollowUp.objects.filter(observation=observation)
        .select_related("recorded_by")
        .order_by("id")
    )
    refs = {row.pk: n for n, row in enumerate(rows, start=1)}
    for row in rows:
        row.ref = str(refs[row.pk])
        row.corrects_ref = str(refs[row.corrects_id]) if row.corrects_id in refs else None
    return rows


def _out(row) -> dict:
    return {
        "ref": row.ref,
        "observed_at": row.observed_at,
        "entered_at": row.entered_at,
        "local_date": row.local_date,
        "source": row.source,
        "recorded_by": row.recorded_by.username if row.recorded_by_id else None,
        "temperature": row.temperature,
        "symptoms": row.symptoms,
        "other_symptom": row.other_symptom,
        "at_home": row.at_home,
        "contact": row.contact,
        "note": row.note,
        "corrects": row.corrects_ref,
        "abnormal": row.abnormal,
    }


def _ref_of(observation, pk: int | None) -> str | None:
    from bastion.monitoring.models import FollowUp

    if pk is None:
        return None
    return str(FollowUp.objects.filter(observation=observation, id__lte=pk).count())


def _created(observation, followup) -> dict:
    """The new entry's shape without reloading the whole ledger (one COUNT per ref)."""
    followup.ref = _ref_of(observation, followup.pk)
    followup.corrects_ref = _ref_of(observation, followup.corrects_id)
    return _out(followup)


@router.get("/{public_id}/followups", response=list[FollowUpOut])
def list_followups(request, public_id: UUID):
    """Every entry, corrections included, in the order they were entered."""
    observation = observation_for(api_user(request), public_id)
    return [_out(row) for row in _entries(observation)]


def _observation_for_write(user, public_id):
    """The observation with only what recording needs joined (the hot path): read by its
    public id, then checked against the same visibility rule as `observation_list`
    (no query for a region grant; one for a team seat). Missing or out of scope: 404."""
    from bastion.monitoring.models import Observation
    from bastion.monitoring.selectors.observations import observation_visible_to

    qs = Observation.objects.select_related("policy", "person").order_by()
    observation = get_or_404(qs, public_id=public_id)
    if not observation_visible_to(user, observation):
        raise Http404
    return observation


def _record(request, public_id: UUID, payload: FollowUpIn, corrects_ref: str | None = None):
    from bastion.monitoring.services.followups import followup_record

    user = api_user(request)
    observation = _observation_for_write(user, public_id)
    corrects = None
    if corrects_ref is not None:
        corrects = next((r for r in _entries(observation) if r.ref == corrects_ref), None)
        if corrects is None:
            raise Http404
    followup = followup_record(
        actor=user,
        observation=observation,
        observed_at=payload.observed_at or timezone.now(),
        temperature=payload.temperature,
        symptoms=payload.symptoms,
        at_home=payload.at_home,
        contact=payload.contact,
        note=payload.note,
        other_symptom=payload.other_symptom,
        source="team",
        corrects=corrects,
        ip_address=client_ip(request),
    )
    return 201, _created(observation, followup)


@router.post("/{public_id}/followups", response={201: FollowUpOut})
def record_followup(request, public_id: UUID, payload: FollowUpIn):
    """Record a check. Send an `Idempotency-Key` header: a retry never creates a second entry."""
    return _record(request, public_id, payload)


@router.post("/{public_id}/followups/{ref}/correct", response={201: FollowUpOut})
def correct_followup(request, public_id: UUID, ref: str, payload: FollowUpIn):
    """A correction is a new entry that replaces entry `ref` in the schedule."""
    return _record(request, public_id, payload, corrects_ref=ref)
