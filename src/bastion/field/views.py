"""Field pages (an app shell the service worker keeps), the service worker and the web
app manifest, and the office's pages for entries in conflict."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bastion.field.models import ConflictStatus, EntryKind
from bastion.field.selectors import conflict_get, conflict_list
from bastion.field.services import can_resolve, conflict_resolve

HERE = Path(__file__).resolve().parent
PAGES = [
    ("home", "field:home", gettext_lazy("外勤首页")),
    ("today", "field:today", gettext_lazy("今日随访")),
    ("visits", "field:visits", gettext_lazy("入户走访")),
    ("tasks", "field:tasks", gettext_lazy("我的任务")),
    ("incident", "field:incident", gettext_lazy("事件上报")),
]
ASSETS = [
    "field/field.css",
    "field/field.js",
    "field/icons/icon-192.png",
    "field/icons/icon-512.png",
]
# Files whose content makes a new cache version (and so a new service worker).
_VERSIONED = [
    HERE / "static/field/field.js",
    HERE / "static/field/field.css",
    HERE / "templates/field/shell.html",
    HERE / "templates/field/sw.js",
    HERE / "views.py",
    HERE / "locale/en/LC_MESSAGES/django.mo",
]


@lru_cache(maxsize=1)
def cache_version() -> str:
    digest = hashlib.sha256()
    for path in _VERSIONED:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _strings() -> dict:
    return {
        "online": _("在线"),
        "offline": _("离线：记录先保存在手机上"),
        "saved_at": _("名单保存于 %(time)s"),
        "waiting": _("%(n)s 条待发送"),
        "nothing_waiting": _("没有待发送的记录"),
        "send_now": _("立即发送"),
        "pending": _("待发送"),
        "rejected": _("被退回"),
        "conflict": _("冲突，已交办公室"),
        "fix": _("修改"),
        "discard": _("放弃"),
        "acknowledge": _("知道了"),
        "confirm_discard": _("放弃这条记录？放弃后无法恢复。"),
        "confirm_logout": _("还有 %(n)s 条记录未发送，退出后将从手机上删除。确定退出？"),
        "record": _("登记"),
        "close": _("收起"),
        "save_send": _("保存并发送"),
        "save_offline": _("保存（联网后自动发送）"),
        "loading": _("正在加载今天的名单…"),
        "no_data_offline": _("手机上还没有今天的名单，请联网后打开本页"),
        "no_followups": _("今天没有需要随访的人员"),
        "no_campaigns": _("当前没有进行中的排查行动"),
        "no_households": _("本轮没有需要走访的住户"),
        "no_tasks": _("没有已认领的任务"),
        "no_incident": _("你没有可上报事件的区划"),
        "round": _("第 %(n)s 轮"),
        "temperature": _("体温（℃）"),
        "symptoms": _("症状"),
        "at_home": _("是否在家"),
        "yes_home": _("在家"),
        "not_home": _("不在家"),
        "contact": _("联系情况"),
        "note": _("备注"),
        "outcome": _("走访结果"),
        "people_present": _("在家人数"),
        "checkin_code": _("签到码"),
        "checkin_code_hint": _("扫描现场二维码得到的链接或签到码"),
        "check_kind": _("签到或签退"),
        "check_in": _("签到"),
        "check_out": _("签退"),
        "checked_in": _("已签到"),
        "checked_out": _("已签退"),
        "incident_kind": _("事件类型"),
        "grade": _("等级"),
        "description": _("事件描述"),
        "place": _("具体地点"),
        "region": _("发生区划"),
        "kinds": {value: str(label) for value, label in EntryKind.choices},
        "states": {
            "abnormal": _("异常"),
            "overdue": _("已超时"),
            "due": _("待随访"),
            "done": _("今日已完成"),
        },
        "outcomes": {
            "pending": _("待走访"),
            "visited": _("已走访"),
            "nobody_home": _("无人在家"),
            "refused": _("拒绝配合"),
            "vacant": _("空置房"),
            "moved_out": _("已搬离"),
        },
    }


def _page_urls() -> list[dict]:
    return [{"name": n, "url": reverse(u), "label": str(label)} for n, u, label in PAGES]


def _shell(request: HttpRequest, page: str) -> HttpResponse:
    title = next(str(label) for name, _u, label in PAGES if name == page)
    config = {
        "page": page,
        "day": "/api/v1/field/day",
        "entries": "/api/v1/field/entries",
        "sw": reverse("field:sw"),
        "scope": reverse("field:home"),
        "pages": _page_urls(),
    }
    response = render(
        request,
        "field/shell.html",
        {
            "page": page,
            "title": title,
            "pages": _page_urls(),
            "config": config,
            "strings": _strings(),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


def _shell_view(page: str):
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        return _shell(request, page)

    view.__name__ = f"field_{page}"
    return view


home = _shell_view("home")
today = _shell_view("today")
visits = _shell_view("visits")
tasks = _shell_view("tasks")
incident = _shell_view("incident")


def precache_urls() -> list[str]:
    return (
        [p["url"] for p in _page_urls()] + [reverse("field:manifest")] + [static(a) for a in ASSETS]
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, from the field pages' own path so its scope covers them."""
    body = render_to_string(
        "field/sw.js",
        {
            "version": f"{cache_version()}-{get_language()}",
            "precache_json": json.dumps(precache_urls()),
            "pages_json": json.dumps([p["url"] for p in _page_urls()]),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("field:home")
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    scope = reverse("field:home")
    data = {
        "name": _("堡垒外勤"),
        "short_name": _("外勤"),
        "description": _("网格员、村医和志愿者的离线外勤页面"),
        "lang": get_language(),
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {
                "src": static("field/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },  # fmt: skip
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


# --- The office: entries in conflict ------------------------------------------------------------


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ConflictStatus.OPEN)
    if status not in ("", *ConflictStatus.values):
        status = ConflictStatus.OPEN
    page = Paginator(conflict_list(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "field/conflicts.html",
        {"page_obj": page, "status": status, "statuses": ConflictStatus.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def conflict_detail(request: HttpRequest, public_id) -> HttpResponse:
    conflict = conflict_get(user=request.user, public_id=public_id)
    error = ""
    if request.method == "POST":
        try:
            conflict_resolve(
                actor=request.user, conflict=conflict, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("已标记为已处理"))
            return redirect("field:conflicts")
    return render(
        request,
        "field/conflict_detail.html",
        {
            "conflict": conflict,
            "data": sorted(conflict.data.items()),
            "can_resolve": can_resolve(request.user, conflict)
            and conflict.status == ConflictStatus.OPEN,
            "error": error,
        },
    )
