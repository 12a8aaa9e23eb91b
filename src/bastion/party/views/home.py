"""The party landing page: the figures of the user's scope and what waits for her."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.indicators import Scope
from bastion.party import indicators
from bastion.party.selectors import (
    exemplar_list,
    member_of_user,
    recipient_list,
    registration_queue,
    renewal_queue,
)

GROUPS = [
    (
        "organizations",
        [
            "party_organizations",
            "party_temporary_branches_open",
            "party_members",
            "party_medical_members",
            "party_liaison_groups",
        ],
    ),
    ("registration", ["party_employed_registered", "party_registration_rate"]),
    (
        "teams",
        [
            "party_vanguard_teams",
            "party_volunteer_teams",
            "party_medical_teams",
            "party_responsibility_zones",
            "party_vanguard_posts",
        ],
    ),
    ("calls", ["party_calls", "party_call_response_rate", "party_exemplars_published"]),
    ("fees", ["party_fees_granted", "party_fees_spent", "party_fees_left"]),
]


def _as_of(request: HttpRequest) -> dt.datetime:
    raw = request.GET.get("as_of", "").strip()
    now = timezone.now()
    if not raw:
        return now
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        messages.warning(request, _("截止日期格式应为 YYYY-MM-DD，已按今天统计"))
        return now
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time.max)), now)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Figures for the user's scope as of a day, with links to the records behind each."""
    user = request.user
    if not has_perm(user, Perm.PARTY_VIEW):
        if member_of_user(user) is not None:
            return redirect("party:me")
        raise Http404
    as_of = _as_of(request)
    scope = Scope(user=user)
    by_code = {i.code: i for i in indicators.INDICATORS}
    english = (request.LANGUAGE_CODE or "").startswith("en")
    groups = []
    for key, codes in GROUPS:
        rows = []
        for code in codes:
            indicator = by_code[code]
            rows.append(
                {
                    "code": code,
                    "name": indicator.name_en if english else indicator.name_zh,
                    "unit": indicator.unit_en if english else indicator.unit_zh,
                    "value": indicator.count(scope, as_of),
                }
            )
        groups.append({"key": key, "rows": rows})
    waiting = {
        "registrations": registration_queue(user=user).count()
        if has_perm(user, Perm.REGISTRATION_CONFIRM)
        else 0,
        "renewals": renewal_queue(user=user).count()
        if has_perm(user, Perm.REGISTRATION_CONFIRM)
        else 0,
        "exemplars": exemplar_list(user=user, perm=Perm.EXEMPLAR_REVIEW)
        .filter(status="nominated")
        .count()
        if has_perm(user, Perm.EXEMPLAR_REVIEW)
        else 0,
        "calls": recipient_list(user=user)
        .filter(
            organization__isnull=False,
            answered_at__isnull=True,
            mobilization__closed_at__isnull=True,
        )
        .count(),
    }
    return render(
        request,
        "party/home.html",
        {
            "tab": "party:home",
            "groups": groups,
            "as_of": as_of,
            "as_of_day": timezone.localdate(as_of),
            "waiting": waiting,
            "can_review": has_perm(user, Perm.EXEMPLAR_REVIEW),
            "can_confirm": has_perm(user, Perm.REGISTRATION_CONFIRM),
        },
    )
