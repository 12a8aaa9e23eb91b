"""Observation pages: list, observation page (team, extensions, actions), register form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.models import User
from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm
from bastion.core.audit import client_ip
from bastion.geo.selectors import region_get
from bastion.monitoring import forms_observations as forms
from bastion.monitoring.selectors.observations import (
    household_observations,
    observation_can_change,
    observation_get,
    observation_list,
    observation_team,
)
from bastion.monitoring.services.observations import (
    observation_end,
    observation_extend,
    observation_register,
    observation_release,
    release_blockers,
)
from bastion.monitoring.services.team import team_candidate_get, team_candidates, team_set
from bastion.people.selectors import person_get, person_list
from bastion.people.services import PersonInput

PAGE_SIZE = 30
SEARCH_KEY = "monitoring_observation_q"


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (unknown keys become form-wide errors)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(key if key in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def observation_list_view(request: HttpRequest) -> HttpResponse:
    """Observations in scope; name/ID/phone search is posted and kept in the session."""
    if request.method == "POST":
        request.session[SEARCH_KEY] = (request.POST.get("q") or "").strip()[:60]
        return redirect(request.get_full_path())
    form = forms.ListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    q = request.session.get(SEARCH_KEY, "")
    region = filters.get("region") or None
    qs = observation_list(
        user=request.user,
        status=filters.get("status") or None,
        # the region's subtree by path prefix (a code trimmed of zeros would also match
        # neighbouring towns); a region the user cannot see is a 404
        region_path=region_get(user=request.user, code=region).path if region else None,
        policy=filters.get("category"),
        q=q,
    )
    page = Paginator(qs.order_by("path", "starts_on", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "monitoring/observations/list.html",
        {
            "form": form,
            "page": page,
            "q_shown": q if q and not any(ch.isdigit() for ch in q) else "",
            "searched": bool(q),
            "can_register": has_perm(request.user, Perm.PERSON_CHANGE),
            "can_manage_seats": has_perm(request.user, Perm.ASSIGNMENT_MANAGE),
        },
    )


@login_required
def observation_detail(request: HttpRequest, public_id) -> HttpResponse:
    observation = observation_get(user=request.user, public_id=public_id)
    return _detail(request, observation)


def _detail(request, observation, *, forms_with_errors: dict | None = None, status: int = 200):
    team = observation_team(observation)
    seated = {m.seat_id: m for m in team}
    seats = [
        (seat, seated.get(seat.pk))
        for seat in observation.policy.team_template.roles.order_by("order", "id")
    ]
    can_change = observation_can_change(request.user, observation)
    context = {
        "observation": observation,
        "person": observation.person,
        "seats": seats,
        "candidates": _candidates(observation) if can_change else [],
        "family": household_observations(user=request.user, observation=observation),
        "housemates": _housemates(request.user, observation),
        "extensions": list(observation.extensions.select_related("created_by").order_by("id")),
        "can_change": can_change,
        "is_release_seat": any(
            m.seat.confirms_release and m.user_id == request.user.pk for m in team
        ),
        "blockers": release_blockers(observation) if observation.status == "active" else [],
        "end_form": forms.EndForm(),
        "extend_form": forms.ExtendForm(),
        "release_form": forms.ReleaseForm(),
    }
    context.update(forms_with_errors or {})
    return render(request, "monitoring/observations/detail.html", context, status=status)


def _housemates(user, observation):
    if not observation.household_id:
        return []
    return list(
        person_list(user=user, household=observation.household)
        .exclude(pk=observation.person_id)
        .order_by("name", "id")
    )


CANDIDATES_SHOWN = 200


def _candidates(observation) -> list[User]:
    """The users the seat dropdowns offer (team_candidates, the rule team_set applies)."""
    return list(
        team_candidates(observation=observation)
        .only("id", "public_id", "username", "full_name")
        .order_by("full_name", "username", "id")[:CANDIDATES_SHOWN]
    )


def _changeable(request, public_id):
    observation = observation_get(user=request.user, public_id=public_id)
    if not observation_can_change(request.user, observation):
        raise Http404
    return observation


@login_required
@require_POST
def observation_team_edit(request: HttpRequest, public_id) -> HttpResponse:
    observation = _changeable(request, public_id)
    members: dict[str, User | None] = {}
    seated = {m.seat_id: m.user for m in observation_team(observation)}
    for seat in observation.policy.team_template.roles.all():
        raw = request.POST.get(f"seat_{seat.code}")
        if raw is None:
            continue
        if raw == "":
            members[seat.code] = None
            continue
        current = seated.get(seat.pk)
        if current is not None and str(current.public_id) == raw:
            continue  # unchanged (kept even if its holder would not be offered today)
        user = team_candidate_get(observation=observation, public_id=raw)
        if user is None:
            messages.error(request, _("%(seat)s：请选择有效的人员") % {"seat": seat.label_zh})
            return redirect("monitoring:observation", observation.public_id)
        members[seat.code] = user
    try:
        team_set(actor=request.user, observation=observation, members=members)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("责任组已更新"))
    return redirect("monitoring:observation", observation.public_id)


@login_required
@require_POST
def observation_release_view(request: HttpRequest, public_id) -> HttpResponse:
    observation = observation_get(user=request.user, public_id=public_id)
    form = forms.ReleaseForm(request.POST)
    if form.is_valid():
        try:
            observation_release(
                actor=request.user, observation=observation, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已解除观察"))
    return redirect("monitoring:observation", observation.public_id)


def _observation_action(request, public_id, form_class, form_key: str, act, done: str):
    """Validate `form_class`, call `act(observation, cleaned_data)`, redirect or re-render."""
    observation = _changeable(request, public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(observation, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("monitoring:observation", observation.public_id)
    return _detail(request, observation, forms_with_errors={form_key: form}, status=422)


@login_required
@require_POST
def observation_end_view(request: HttpRequest, public_id) -> HttpResponse:
    return _observation_action(
        request,
        public_id,
        forms.EndForm,
        "end_form",
        lambda obs, data: observation_end(
            actor=request.user, observation=obs, reason=data["reason"], note=data["note"]
        ),
        _("观察已提前结束"),
    )


@login_required
@require_POST
def observation_extend_view(request: HttpRequest, public_id) -> HttpResponse:
    return _observation_action(
        request,
        public_id,
        forms.ExtendForm,
        "extend_form",
        lambda obs, data: observation_extend(
            actor=request.user, observation=obs, days=data["days"], reason=data["reason"]
        ),
        _("观察期已延长"),
    )


@login_required
def observation_register_view(request: HttpRequest) -> HttpResponse:
    """?person=<uuid> registers an existing person; otherwise the new-person fields apply.
    Posting `pick` searches people in scope (the search text stays out of the URL)."""
    user = request.user
    if not has_perm(user, Perm.PERSON_CHANGE):
        raise Http404
    existing = None
    if request.GET.get("person"):
        existing = person_get(user=user, public_id=request.GET["person"], perm=Perm.PERSON_CHANGE)
    picks = []
    pick_form = forms.PersonPickForm()
    if request.method == "POST" and "pick" in request.POST:
        pick_form = forms.PersonPickForm(request.POST)
        if pick_form.is_valid():
            picks = list(
                person_list(
                    user=user, q=pick_form.cleaned_data["q"], perm=Perm.PERSON_CHANGE
                ).order_by("name", "id")[:20]
            )
        form = forms.RegisterForm(user=user, existing=existing, initial=_initial(request))
    elif request.method == "POST":
        form = forms.RegisterForm(request.POST, user=user, existing=existing)
        if form.is_valid():
            observation = _register(request, form, existing)
            if observation is not None:
                messages.success(request, _("已登记观察"))
                return redirect("monitoring:observation", observation.public_id)
    else:
        form = forms.RegisterForm(user=user, existing=existing, initial=_initial(request))
    return render(
        request,
        "monitoring/observations/register.html",
        {"form": form, "existing": existing, "picks": picks, "pick_form": pick_form},
        status=422 if request.method == "POST" and form.errors else 200,
    )


def _initial(request) -> dict:
    initial = {}
    for key in ("origin", "arrived_on", "transport", "transport_number", "policy"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    return initial


def _register(request, form, existing):
    data = form.cleaned_data
    person_data = None
    if existing is None:
        person_data = PersonInput(
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            grid=data["grid"],
            household_label=data["household_label"],
        )
    elif not can_on_path(request.user, Perm.PERSON_CHANGE, existing.path or "\0"):
        raise Http404
    try:
        return observation_register(
            actor=request.user,
            policy=data["policy"],
            origin=data["origin"],
            person=existing,
            person_data=person_data,
            arrived_on=data["arrived_on"],
            last_contact_on=data["last_contact_on"],
            transport=data["transport"],
            transport_number=data["transport_number"],
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        form_errors(form, exc)
    except PermissionDenied:
        form.add_error("grid", _("不在您的管辖范围"))
    return None
