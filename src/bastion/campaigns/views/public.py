"""The venue check-in page (场所码): no login, rate limited per address and per venue."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.forms.venues import CheckInForm
from bastion.campaigns.services.checkins import checkin_record, checkin_venue, retention_days
from bastion.core.audit import client_ip
from bastion.core.ratelimit import rate_limit_hit


def _limits() -> tuple[int, int]:
    per_ip = getattr(settings, "BASTION_CHECKIN_REQUESTS_PER_MINUTE", 30)
    per_venue = getattr(settings, "BASTION_CHECKIN_SUBMISSIONS_PER_MINUTE", 120)
    return per_ip, per_venue


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"campaigns/checkin/{template}", context, status=status)
    # same-origin, not no-referrer: with no-referrer the browser posts `Origin: null` and
    # the CSRF check refuses the form.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    if status == 429:
        response["Retry-After"] = "60"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, code: str) -> HttpResponse:
    per_ip, per_venue = _limits()
    if rate_limit_hit(
        "checkin_ip", client_ip(request) or "unknown", limit=per_ip, window_seconds=60
    ):
        return _page(request, "limited.html", {}, status=429)
    venue = checkin_venue(code)
    if venue is None:
        return _page(request, "invalid.html", {}, status=404)
    form = CheckInForm(request.POST or None)
    context = {"venue": venue, "form": form, "retention_days": retention_days()}
    if request.method == "POST":
        if rate_limit_hit(
            "checkin_venue", str(venue.public_id), limit=per_venue, window_seconds=60
        ):
            return _page(request, "limited.html", {}, status=429)
        if form.is_valid():
            try:
                entry, created = checkin_record(
                    venue=venue, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return _page(
                    request,
                    "done.html",
                    {
                        "venue": venue,
                        "at": timezone.localtime(entry.at),
                        "repeat": not created,
                        "name_masked": entry.name_masked,
                    },
                )
        return _page(request, "page.html", context, status=422)
    return _page(request, "page.html", context)
