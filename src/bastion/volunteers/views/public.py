"""Pages without login: a community's request page (residents scan its QR code) and the
requester's single-use rating page. Both are rate limited per client address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bastion.core.audit import client_ip
from bastion.core.masking import mask_name
from bastion.core.ratelimit import rate_limit_hit
from bastion.geo.models import Region
from bastion.volunteers.forms import PublicRequestForm, RatingForm
from bastion.volunteers.models import OrderStatus
from bastion.volunteers.selectors.orders import order_for_rating_token
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS, rules_for
from bastion.volunteers.services.orders import order_create_public, order_rate
from bastion.volunteers.views.common import add_form_errors

VIEWS_PER_MINUTE = 60
REQUESTS_PER_HOUR = 5
RATINGS_PER_HOUR = 20


def _headers(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "volunteers/public/limited.html", status=429)
    response["Retry-After"] = "60"
    return _headers(response)


def _over(request: HttpRequest, bucket: str, limit: int, window: int) -> bool:
    return rate_limit_hit(
        bucket, f"ip:{client_ip(request) or 'unknown'}", limit=limit, window_seconds=window
    )


@never_cache
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, community) -> HttpResponse:
    """A resident asks the community for help; the thanks page carries their rating link."""
    if _over(request, "volunteers_public_view", VIEWS_PER_MINUTE, 60):
        return _limited(request)
    region = Region.objects.filter(public_id=community, level__in=COMMUNITY_LEVELS).first()
    if region is None or not rules_for(region.path).public_requests:
        raise Http404
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST":
        if _over(request, "volunteers_public_request", REQUESTS_PER_HOUR, 3600):
            return _limited(request)
        if form.is_valid() and not form.cleaned_data.get("website"):
            data = form.cleaned_data
            try:
                _order, token = order_create_public(
                    community=region,
                    kind=data["kind"],
                    detail=data["detail"],
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    address=data["address"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                link = request.build_absolute_uri(reverse("volunteers_public:rate", args=[token]))
                return _headers(
                    render(
                        request,
                        "volunteers/public/request_done.html",
                        {"community": region, "link": link},
                    )
                )
    status = 422 if request.method == "POST" else 200
    return _headers(
        render(
            request,
            "volunteers/public/request.html",
            {"community": region, "form": form},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rate_page(request: HttpRequest, token: str) -> HttpResponse:
    """The requester rates the service once; afterwards the link only says thank you."""
    if _over(request, "volunteers_public_view", VIEWS_PER_MINUTE, 60):
        return _limited(request)
    order = order_for_rating_token(token)
    if order is None:
        return _headers(render(request, "volunteers/public/rate_invalid.html", status=404))
    form = RatingForm(request.POST or None)
    if request.method == "POST":
        if _over(request, "volunteers_public_rate", RATINGS_PER_HOUR, 3600):
            return _limited(request)
        if form.is_valid():
            try:
                order_rate(
                    order=order,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return _headers(render(request, "volunteers/public/rate_done.html"))
    return _headers(
        render(
            request,
            "volunteers/public/rate.html",
            {
                "order": order,
                "form": form,
                "done": order.status == OrderStatus.DONE,
                "volunteer_name": mask_name(order.volunteer.name) if order.volunteer else "",
            },
            status=422 if request.method == "POST" else 200,
        )
    )
