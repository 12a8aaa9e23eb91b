"""Daily briefing pages: the archive, writing a draft, editing, publishing, the printable
page and the Word download."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm
from bastion.reports import briefing as writer
from bastion.reports import selectors, services
from bastion.reports.docx import briefing_docx, issue_line
from bastion.reports.models import Briefing, BriefingLanguage, BriefingStatus

PER_PAGE = 20


def _can_write(user, briefing: Briefing) -> bool:
    return can_on_path(user, Perm.BRIEFING_WRITE, briefing.path)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    """The archive of briefings, and the form that writes a new draft."""
    user = request.user
    if not has_perm(user, Perm.INDICATOR_VIEW):
        raise PermissionDenied
    regions = list(selectors.briefing_regions(user=user).order_by("path")[:200])
    if request.method == "POST":
        if not has_perm(user, Perm.BRIEFING_WRITE):
            raise PermissionDenied
        code = request.POST.get("region", "").strip()
        region = next((r for r in regions if r.code == code), None)
        try:
            day = dt.date.fromisoformat(request.POST.get("day", "").strip())
        except ValueError:
            day = None
        language = request.POST.get("language", BriefingLanguage.ZH)
        if region is None:
            messages.error(request, _("请选择您有权编写简报的区划"))
        elif day is None:
            messages.error(request, _("日期格式应为 YYYY-MM-DD"))
        else:
            try:
                briefing = services.briefing_generate(
                    user=user, region=region, day=day, language=language
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
            else:
                if briefing.status == BriefingStatus.PUBLISHED:
                    messages.info(request, _("该日简报已发布，以下为已发布的版本"))
                return redirect("reports:briefing_detail", public_id=briefing.public_id)
    page = Paginator(selectors.briefing_list(user=user).order_by("-day", "path"), PER_PAGE)
    return render(
        request,
        "reports/briefing_list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "regions": regions,
            "languages": BriefingLanguage.choices,
            "can_write": has_perm(user, Perm.BRIEFING_WRITE) and bool(regions),
            "yesterday": timezone.localdate() - dt.timedelta(days=1),
        },
    )


def _rendered(briefing: Briefing) -> dict:
    english = briefing.language == "en"

    def link(code: str) -> str:
        query = urlencode({"region": briefing.region.code, "as_of": briefing.day.isoformat()})
        return f"{reverse('reports:records', args=[code])}?{query}"

    return {
        "preface_html": writer.render_html(
            briefing.preface, briefing.figures, english=english, link=link
        )
        if briefing.preface
        else "",
        "sections_html": [
            (
                s["title"],
                writer.render_html(s["text"], briefing.figures, english=english, link=link),
            )
            for s in briefing.sections
        ],
        "figure_rows": [
            (
                code,
                f.get("name", ""),
                writer.format_figure(f, round_down=False, english=english),
                link(code),
            )
            for code, f in briefing.figures.items()
        ],
        "issue_line": issue_line(briefing),
        "rounding_rule": _rule(briefing),
    }


def _rule(briefing: Briefing) -> str:
    from django.utils import translation

    with translation.override(briefing.language):
        return writer.rounding_rule()


@login_required
def briefing_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The printable page of a briefing (print it from the browser)."""
    briefing = selectors.briefing_get(user=request.user, public_id=public_id)
    return render(
        request,
        "reports/briefing_detail.html",
        {
            "briefing": briefing,
            "can_write": _can_write(request.user, briefing),
            "is_draft": briefing.status == BriefingStatus.DRAFT,
            **_rendered(briefing),
        },
    )


@login_required
def briefing_edit(request: HttpRequest, public_id) -> HttpResponse:
    briefing = selectors.briefing_get(user=request.user, public_id=public_id)
    if not _can_write(request.user, briefing):
        raise PermissionDenied
    if briefing.status != BriefingStatus.DRAFT:
        messages.error(request, _("已发布的简报不能修改"))
        return redirect("reports:briefing_detail", public_id=briefing.public_id)
    errors: list[str] = []
    if request.method == "POST":
        texts = {s["key"]: request.POST.get(f"section_{s['key']}", "") for s in briefing.sections}
        try:
            services.briefing_update(
                user=request.user,
                briefing=briefing,
                title=request.POST.get("title", ""),
                preface=request.POST.get("preface", ""),
                texts=texts,
            )
        except ValidationError as exc:
            errors = _errors(exc)
            briefing.title = request.POST.get("title", "")
            briefing.preface = request.POST.get("preface", "")
            briefing.sections = [{**s, "text": texts[s["key"]]} for s in briefing.sections]
        else:
            messages.success(request, _("简报已保存"))
            return redirect("reports:briefing_detail", public_id=briefing.public_id)
    return render(
        request,
        "reports/briefing_edit.html",
        {"briefing": briefing, "errors": errors, "figure_rows": _rendered(briefing)["figure_rows"]},
    )


@login_required
@require_POST
def briefing_regenerate(request: HttpRequest, public_id) -> HttpResponse:
    briefing = selectors.briefing_get(user=request.user, public_id=public_id)
    if not _can_write(request.user, briefing):
        raise PermissionDenied
    try:
        services.briefing_generate(
            user=request.user, region=briefing.region, day=briefing.day, language=briefing.language
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("已按最新数据重新生成正文，按语已保留"))
    return redirect("reports:briefing_detail", public_id=briefing.public_id)


@login_required
@require_POST
def briefing_publish(request: HttpRequest, public_id) -> HttpResponse:
    briefing = selectors.briefing_get(user=request.user, public_id=public_id)
    if not _can_write(request.user, briefing):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("请勾选确认：发布后简报不能再修改"))
        return redirect("reports:briefing_detail", public_id=briefing.public_id)
    try:
        services.briefing_publish(user=request.user, briefing=briefing)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("简报已发布"))
    return redirect("reports:briefing_detail", public_id=briefing.public_id)


@login_required
def briefing_word(request: HttpRequest, public_id) -> HttpResponse:
    briefing = selectors.briefing_get(user=request.user, public_id=public_id)
    response = HttpResponse(
        briefing_docx(briefing),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"briefing-{briefing.region.code}-{briefing.day:%Y%m%d}-{briefing.language}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response
