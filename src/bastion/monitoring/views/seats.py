"""五包一岗位: standing seat duties a manager gives in her subtree (proposed to new teams)."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.monitoring.selectors import seats as sel
from bastion.monitoring.services.policy import seat_assignment_create, seat_assignment_delete
from bastion.monitoring.views.observations import form_errors

PAGE_SIZE = 200


class SeatDutyForm(forms.Form):
    seat_code = forms.ChoiceField(label=gettext_lazy("岗位"))
    region = forms.ChoiceField(label=gettext_lazy("负责区域"))
    user = forms.ChoiceField(label=gettext_lazy("人员"))

    def __init__(self, *args, seats, regions, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat_code"].choices = [("", "—")] + [(s.code, s.label_zh) for s in seats]
        top = regions[0].depth if regions else 0
        self.fields["region"].choices = [("", "—")] + [
            (r.code, "\u3000" * max(r.depth - top, 0) + r.name) for r in regions
        ]
        self.fields["user"].choices = [("", "—")] + [
            (str(u.public_id), f"{u.full_name} ({u.username})" if u.full_name else u.username)
            for u in users
        ]


def _form(request: HttpRequest, seats) -> SeatDutyForm:
    user = request.user
    return SeatDutyForm(
        request.POST or None,
        seats=seats,
        regions=list(sel.seat_regions(user=user).only("code", "name", "depth", "path")),
        users=list(sel.seat_candidates(user=user)[: sel.USER_CHOICES_LIMIT]),
    )


def _groups(duties) -> list[dict]:
    groups = []
    for _region_id, rows in groupby(duties, key=lambda d: d.region_id):
        rows = list(rows)
        groups.append({"region": rows[0].region, "duties": rows})
    return groups


@login_required
def seat_list(request: HttpRequest) -> HttpResponse:
    """Seat duties in the manager's subtrees, grouped by region, with the add form."""
    user = request.user
    sel.require_seat_manager(user)
    seats = sel.seat_choices()
    form = _form(request, seats)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = sel.seat_candidate_get(user=user, public_id=data["user"])
        if target is None:
            form.add_error("user", _("人员：不在您的管理范围内"))
        else:
            try:
                seat_assignment_create(
                    actor=user,
                    user=target,
                    seat_code=data["seat_code"],
                    region=sel.seat_region_get(user=user, code=data["region"]),
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("已添加岗位"))
                return redirect("monitoring:seats")
    page = Paginator(sel.seat_duty_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/seats/list.html",
        {"form": form, "page": page, "groups": _groups(page.object_list)},
        status=422 if form.errors else 200,
    )


@login_required
def seat_remove(request: HttpRequest, public_id) -> HttpResponse:
    """Confirm (GET) and end (POST) one seat duty; teams already formed keep their members."""
    duty = sel.seat_duty_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        seat_assignment_delete(actor=request.user, assignment=duty)
        messages.success(request, _("已移除岗位"))
        return redirect("monitoring:seats")
    if request.method != "GET":
        raise Http404
    return render(request, "monitoring/seats/remove.html", {"duty": duty})
