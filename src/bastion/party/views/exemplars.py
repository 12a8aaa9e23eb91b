"""Exemplar pages: nominate, review, publish, withdraw; and the public column (no login,
rate limited) that shows only approved, published stories."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import client_ip
from bastion.core.ratelimit import rate_limit_hit
from bastion.core.uploads import upload_response
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import work as forms
from bastion.party.models import ExemplarKind, ExemplarStatus
from bastion.party.pickers import pick_member, pick_organization, pick_team
from bastion.party.services.common import party_can
from bastion.party.views.common import (
    attempt,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)

TAB = "party:exemplars"
PUBLIC_PAGE_SIZE = 12


@login_required
def exemplar_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (has_perm(user, Perm.PARTY_VIEW) or has_perm(user, Perm.EXEMPLAR_REVIEW)):
        raise Http404
    status = request.GET.get("status", "")
    status = status if status in ExemplarStatus.values else ""
    q = request.GET.get("q", "")
    qs = sel.exemplar_search(user=user, q=q, status=status)
    return render(
        request,
        "party/exemplars/list.html",
        {
            "tab": TAB,
            "page": page_of(request, qs),
            "status": status,
            "statuses": ExemplarStatus.choices,
            "q": q,
            "can_nominate": has_perm(user, Perm.PARTY_MANAGE),
        },
    )


def _subject(user, kind: str, text: str) -> dict:
    if kind == ExemplarKind.PERSON:
        return {"member": pick_member(user, text, field="subject")}
    if kind == ExemplarKind.TEAM:
        return {"team": pick_team(user, text)}
    if kind == ExemplarKind.ORGANIZATION:
        return {"subject_org": pick_organization(user, text, field="subject")}
    raise ValidationError({"kind": [_("请选择典型类别")]})


@login_required
def exemplar_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_MANAGE)
    form = forms.ExemplarForm(request.POST or None, request.FILES or None)
    exemplar = submitted(
        request,
        form,
        lambda d: services.exemplar_nominate(
            actor=user,
            nominating_org=pick_organization(
                user, d["nominating_org"], field="nominating_org", perm=Perm.PARTY_MANAGE
            ),
            kind=d["kind"],
            title=d["title"],
            deed=d["deed"],
            photo=d["photo"],
            evidence=d["evidence"],
            **_subject(user, d["kind"], d["subject"]),
        ),
    )
    if exemplar:
        return done(request, _("已推荐，等待审核"), "party:exemplar_detail", exemplar.public_id)
    return form_page(
        request,
        form,
        title=_("推荐先进典型"),
        submit=_("推荐"),
        cancel=reverse("party:exemplars"),
        intro=_("事迹将在审核通过后公开发布，请勿填写身份证号、手机号等个人号码。"),
        multipart=True,
        tab=TAB,
    )


def _may_edit(user, exemplar) -> bool:
    """Reviewers edit the text; the nominating side while it waits for review
    (services.exemplar_edit)."""
    if party_can(
        user, Perm.EXEMPLAR_REVIEW, org_path=exemplar.org_path, region_path=exemplar.region_path
    ):
        return True
    return exemplar.status == ExemplarStatus.NOMINATED and party_can(
        user, Perm.PARTY_MANAGE, org_path=exemplar.org_path, region_path=exemplar.region_path
    )


@login_required
def exemplar_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    exemplar = sel.exemplar_get(user=user, public_id=public_id)
    reviewer = party_can(
        user, Perm.EXEMPLAR_REVIEW, org_path=exemplar.org_path, region_path=exemplar.region_path
    )
    review_form = forms.ReviewForm(request.POST if "review" in request.POST else None)
    withdraw_form = forms.ReasonForm(request.POST if "withdraw" in request.POST else None)
    if request.method == "POST":
        if not reviewer:
            raise Http404
        if submitted(
            request,
            review_form,
            lambda d: services.exemplar_review(
                actor=user, exemplar=exemplar, approve=d["decision"] == "approve", note=d["note"]
            ),
        ):
            return done(request, _("已审核"), "party:exemplar_detail", exemplar.public_id)
        if "publish" in request.POST:
            return attempt(
                request,
                lambda: services.exemplar_publish(actor=user, exemplar=exemplar),
                _("已发布到先进典型专栏"),
                "party:exemplar_detail",
                exemplar.public_id,
            )
        if submitted(
            request,
            withdraw_form,
            lambda d: services.exemplar_withdraw(actor=user, exemplar=exemplar, reason=d["reason"]),
        ):
            return done(request, _("已从专栏撤下"), "party:exemplar_detail", exemplar.public_id)
    bound = [f for f in (review_form, withdraw_form) if f.is_bound and f.errors]
    return render(
        request,
        "party/exemplars/detail.html",
        {
            "tab": TAB,
            "e": exemplar,
            "reviewer": reviewer,
            "can_edit": _may_edit(user, exemplar),
            "review_form": review_form,
            "withdraw_form": withdraw_form,
        },
        status=422 if bound else 200,
    )


@login_required
def exemplar_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    exemplar = sel.exemplar_get(user=user, public_id=public_id)
    if not _may_edit(user, exemplar):
        raise Http404
    form = forms.ExemplarEditForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "subject_name": exemplar.subject_name,
            "title": exemplar.title,
            "deed": exemplar.deed,
        },
    )
    if submitted(
        request,
        form,
        lambda d: services.exemplar_edit(
            actor=user,
            exemplar=exemplar,
            changes={k: d[k] for k in ("subject_name", "title", "deed")},
            photo=d["photo"],
        ),
    ):
        return done(request, _("已保存"), "party:exemplar_detail", exemplar.public_id)
    return form_page(
        request,
        form,
        title=_("修改先进典型"),
        submit=_("保存"),
        cancel=reverse("party:exemplar_detail", args=[exemplar.public_id]),
        multipart=True,
        tab=TAB,
    )


@login_required
def exemplar_file(request: HttpRequest, public_id, file_id) -> HttpResponse:
    """The photo or an evidence file, for those who see the nomination."""
    exemplar = sel.exemplar_get(user=request.user, public_id=public_id)
    if exemplar.photo and str(exemplar.photo.public_id) == str(file_id):
        return upload_response(exemplar.photo)
    stored = exemplar.evidence.filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    return upload_response(stored)


# --- The public column -----------------------------------------------------------------------


def _limited(request: HttpRequest) -> HttpResponse | None:
    limit = getattr(settings, "BASTION_PUBLIC_REQUESTS_PER_MINUTE", 120)
    if rate_limit_hit("party_public", client_ip(request) or "-", limit=limit, window_seconds=60):
        response = render(request, "party/public/limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    return None


@require_GET
def public_column(request: HttpRequest) -> HttpResponse:
    """先进典型专栏: approved, published stories; no login, no personal numbers."""
    if (limited := _limited(request)) is not None:
        return limited
    page = page_of(request, sel.public_exemplar_list(), PUBLIC_PAGE_SIZE)
    stories = [(e, services.redact_identifiers(e.deed)) for e in page.object_list]
    return render(request, "party/public/column.html", {"page": page, "stories": stories})


@require_GET
def public_story(request: HttpRequest, public_id) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    exemplar = sel.public_exemplar_get(public_id)
    return render(
        request,
        "party/public/story.html",
        {
            "e": exemplar,
            "deed": services.redact_identifiers(exemplar.deed),
            "title": services.redact_identifiers(exemplar.title),
            "name": services.redact_identifiers(exemplar.subject_name),
        },
    )


@require_GET
def public_photo(request: HttpRequest, public_id) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    exemplar = sel.public_exemplar_get(public_id)
    if exemplar.photo is None:
        raise Http404
    response = upload_response(exemplar.photo)
    response["Cache-Control"] = "public, max-age=3600"
    return response
