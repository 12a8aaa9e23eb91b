"""Configuration pages: resident volunteers, a community's rules and public-request QR
code, and the county's list of task kinds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, region_paths
from bastion.geo.models import Region
from bastion.people.selectors import looks_like_identifier, person_list
from bastion.volunteers.forms import KindForm, ResidentForm, RulesForm
from bastion.volunteers.models import ResidentVolunteer, TaskKind
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS, rules_for
from bastion.volunteers.selectors.tasks import prefix_q
from bastion.volunteers.services import config as config_services
from bastion.volunteers.views.common import add_form_errors
from bastion.volunteers.views.tasks import qr_svg


def _require_publisher(user) -> list[str] | None:
    if not has_perm(user, Perm.TASK_PUBLISH):
        raise PermissionDenied(_("只有社区工作人员可以管理志愿者"))
    return region_paths(user, Perm.TASK_PUBLISH)


@login_required
def resident_index(request: HttpRequest) -> HttpResponse:
    paths = _require_publisher(request.user)
    qs = ResidentVolunteer.objects.select_related("person", "home_grid", "community", "user")
    if paths is not None:
        qs = qs.filter(prefix_q("path", paths))
    show = request.GET.get("show", "active")
    if show != "all":
        qs = qs.filter(active=True)
    q = request.GET.get("q", "").strip()[:30]
    if q and not looks_like_identifier(q):
        qs = qs.filter(person__name__icontains=q)
    page = Paginator(qs.order_by("path", "person__name", "id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/config/residents.html", {"page": page, "show": show, "q": q})


@login_required
def resident_new(request: HttpRequest) -> HttpResponse:
    """Find a person in the registry (by name), then register them with a home grid."""
    _require_publisher(request.user)
    q = request.GET.get("q", "").strip()[:30]
    people = []
    if q and not looks_like_identifier(q):
        people = list(person_list(user=request.user, q=q).order_by("name", "id")[:30])
    form = ResidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = person_list(user=request.user).filter(public_id=data["person"]).first()
        grid = Region.objects.filter(code=data["home_grid"]).first()
        login = None
        if data["username"]:
            login = (
                get_user_model()
                .objects.filter(username=data["username"].strip(), is_active=True)
                .first()
            )
            if login is None:
                form.add_error("username", _("用户 %(u)s 不存在") % {"u": data["username"]})
        if person is None:
            form.add_error(None, _("请先搜索并选择一位居民"))
        if form.errors:
            return render(
                request,
                "volunteers/config/resident_form.html",
                {"form": form, "q": q, "people": people},
            )
        try:
            config_services.resident_register(
                actor=request.user,
                person=person,
                home_grid=grid,
                user=login,
                skills=[s for s in data["skills"].replace("，", ",").split(",") if s.strip()],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(n)s 为居民志愿者") % {"n": person.name})
            return redirect("volunteers:resident_index")
    return render(
        request, "volunteers/config/resident_form.html", {"form": form, "q": q, "people": people}
    )


@login_required
@require_POST
def resident_leave(request: HttpRequest, public_id) -> HttpResponse:
    paths = _require_publisher(request.user)
    qs = ResidentVolunteer.objects.select_related("community", "person")
    if paths is not None:
        qs = qs.filter(prefix_q("path", paths))
    resident = qs.filter(public_id=public_id).first()
    if resident is None:
        raise Http404
    config_services.resident_leave(
        actor=request.user, resident=resident, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("已停止 %(n)s 的志愿者身份") % {"n": resident.person.name})
    return redirect("volunteers:resident_index")


@login_required
def community(request: HttpRequest, code: str) -> HttpResponse:
    """A community's (or town's) volunteer rules and its public request QR code."""
    region = Region.objects.filter(code=code).exclude(level="grid").first()
    if region is None or not can_on_path(request.user, Perm.VOLUNTEER_VIEW, region.path):
        raise Http404
    may_edit = can_on_path(request.user, Perm.TASK_PUBLISH, region.path)
    rules = rules_for(region.path)
    form = RulesForm(
        request.POST or None,
        initial={
            "allow_residents": rules.allow_residents,
            "cancel_deadline_hours": rules.cancel_deadline_hours,
            "minutes_per_point": rules.minutes_per_point,
            "points_per_unit": rules.points_per_unit,
            "public_requests": rules.public_requests,
        },
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("只有本级工作人员可以修改规则"))
        if form.is_valid():
            try:
                config_services.rules_save(actor=request.user, region=region, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("规则已保存，对新的认领和确认生效"))
                return redirect("volunteers:community", region.code)
    context = {"region": region, "form": form, "rules": rules, "may_edit": may_edit}
    if region.level in COMMUNITY_LEVELS and rules.public_requests:
        link = request.build_absolute_uri(
            reverse("volunteers_public:request", args=[region.public_id])
        )
        context.update(public_link=link, public_qr=qr_svg(link))
    return render(request, "volunteers/config/community.html", context)


@login_required
def communities(request: HttpRequest) -> HttpResponse:
    paths = region_paths(request.user, Perm.VOLUNTEER_VIEW)
    if paths is not None and not paths:
        raise Http404
    qs = Region.objects.filter(level__in=COMMUNITY_LEVELS)
    if paths is not None:
        qs = qs.filter(prefix_q("path", paths))
    page = Paginator(qs.select_related("parent").order_by("path"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/config/communities.html", {"page": page})


@login_required
def kinds(request: HttpRequest) -> HttpResponse:
    """The task kinds; county-level publishers add and change them."""
    may_edit = config_services.can_edit_kinds(request.user) and has_perm(
        request.user, Perm.TASK_PUBLISH
    )
    code = request.GET.get("edit", "")
    editing = TaskKind.objects.filter(code=code).first() if code else None
    initial = (
        {
            "code": editing.code,
            "name_zh": editing.name_zh,
            "name_en": editing.name_en,
            "order": editing.order,
            "active": editing.active,
        }
        if editing
        else None
    )
    form = KindForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("只有县级可以修改任务类型"))
        if form.is_valid():
            try:
                config_services.task_kind_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("已保存任务类型"))
                return redirect("volunteers:kinds")
    return render(
        request,
        "volunteers/config/kinds.html",
        {"kinds": TaskKind.objects.all(), "form": form, "may_edit": may_edit, "editing": editing},
    )
