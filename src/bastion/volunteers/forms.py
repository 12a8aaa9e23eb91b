"""Forms of the volunteers pages. Choices are built per request from what the user may do."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.geo.models import Level, Region
from bastion.party.models import Tier
from bastion.party.selectors import organization_list, team_list
from bastion.volunteers.models import (
    AttendanceOutcome,
    LocationKind,
    OrderKind,
    PublisherKind,
    RiskLevel,
    TaskKind,
)
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS
from bastion.volunteers.services.tasks import Publisher, TaskInput

MAX_CHOICES = 500
WEEKDAYS = [
    ("0", gettext_lazy("周一")),
    ("1", gettext_lazy("周二")),
    ("2", gettext_lazy("周三")),
    ("3", gettext_lazy("周四")),
    ("4", gettext_lazy("周五")),
    ("5", gettext_lazy("周六")),
    ("6", gettext_lazy("周日")),
]
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _prefix_filter(qs, field: str, paths):
    from bastion.volunteers.selectors.tasks import prefix_q

    return qs if paths is None else qs.filter(prefix_q(field, paths))


def publisher_choices(user) -> list[tuple[str, str]]:
    """(value, label) of every community, team and temporary branch the user publishes for."""
    paths = region_paths(user, Perm.TASK_PUBLISH)
    communities = _prefix_filter(
        Region.objects.filter(level__in=COMMUNITY_LEVELS), "path", paths
    ).order_by("path")[:MAX_CHOICES]
    choices = [(f"community:{r.code}", r.name) for r in communities]
    for team in team_list(user=user, perm=Perm.TASK_PUBLISH).filter(disbanded_on__isnull=True)[
        :MAX_CHOICES
    ]:
        choices.append((f"team:{team.public_id}", _("队伍：%(n)s") % {"n": team.name}))
    branches = organization_list(user=user, perm=Perm.TASK_PUBLISH).filter(
        tier=Tier.TEMPORARY_BRANCH, closed_on__isnull=True
    )[:MAX_CHOICES]
    for org in branches:
        choices.append((f"branch:{org.public_id}", _("临时党支部：%(n)s") % {"n": org.name}))
    return choices


def publisher_from_value(user, value: str) -> Publisher | None:
    """The Publisher a choice value names, if the user may choose it."""
    kind, _sep, key = (value or "").partition(":")
    try:
        if kind == "community":
            region = Region.objects.filter(code=key, level__in=COMMUNITY_LEVELS).first()
            return Publisher(PublisherKind.COMMUNITY, community=region) if region else None
        if kind == "team":
            team = team_list(user=user, perm=Perm.TASK_PUBLISH).filter(public_id=key).first()
            return Publisher(PublisherKind.TEAM, team=team) if team else None
        if kind == "branch":
            org = organization_list(user=user, perm=Perm.TASK_PUBLISH).filter(public_id=key).first()
            return Publisher(PublisherKind.TEMPORARY_BRANCH, organization=org) if org else None
    except ValidationError:
        return None
    return None


def place_choices(user) -> list[tuple[str, str]]:
    """Grids, communities and towns where the user may publish (the publisher's area is
    checked again by the service)."""
    paths = region_paths(user, Perm.TASK_PUBLISH)
    qs = Region.objects.filter(level__in=[Level.GRID, *COMMUNITY_LEVELS, Level.TOWN,
                                          Level.SUBDISTRICT])  # fmt: skip
    if paths is not None:
        from bastion.access.scoping import org_paths_for

        if not paths and org_paths_for(user, Perm.TASK_PUBLISH):
            paths = [o.region_path for o in organization_list(user=user, perm=Perm.TASK_PUBLISH)
                     if o.region_path]  # fmt: skip
        qs = _prefix_filter(qs, "path", paths)
    indent = {Level.GRID: "　　", Level.COMMUNITY: "　", Level.VILLAGE: "　"}
    return [
        (r.code, f"{indent.get(r.level, '')}{r.name}") for r in qs.order_by("path")[:MAX_CHOICES]
    ]


def kind_choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in TaskKind.objects.filter(active=True)]


class TaskForm(forms.Form):
    """One task, or a recurring series when `recurring` is ticked."""

    publisher = forms.ChoiceField(label=gettext_lazy("发布方"))
    title = forms.CharField(label=gettext_lazy("任务标题"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("任务类型"))
    location_kind = forms.ChoiceField(
        label=gettext_lazy("地点类型"),
        choices=LocationKind.choices,
        initial=LocationKind.GRID,
        widget=forms.RadioSelect,
    )
    region = forms.ChoiceField(label=gettext_lazy("网格 / 社区"))
    address = forms.CharField(label=gettext_lazy("详细地址"), max_length=200, required=False)
    recurring = forms.BooleanField(label=gettext_lazy("按模板重复发布（每天或每周固定时段）"),
                                   required=False)  # fmt: skip
    starts_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"), required=False, widget=_DATETIME, input_formats=_DT_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"), required=False, widget=_DATETIME, input_formats=_DT_FORMATS
    )
    first_day = forms.DateField(label=gettext_lazy("首日"), required=False, widget=_DATE)
    last_day = forms.DateField(label=gettext_lazy("末日"), required=False, widget=_DATE)
    start_time = forms.TimeField(label=gettext_lazy("每班开始"), required=False, widget=_TIME)
    end_time = forms.TimeField(
        label=gettext_lazy("每班结束"),
        required=False,
        widget=_TIME,
        help_text=gettext_lazy("结束早于开始表示跨夜到次日"),
    )
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("重复于（不选则每天）"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    slots = forms.IntegerField(label=gettext_lazy("名额"), min_value=1, max_value=1000, initial=2)
    skills = forms.CharField(
        label=gettext_lazy("技能要求"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("多项用逗号分隔，如：驾驶，医护"),
    )
    risk_level = forms.ChoiceField(
        label=gettext_lazy("风险等级"), choices=RiskLevel.choices, initial=RiskLevel.LOW
    )
    risk_note = forms.CharField(label=gettext_lazy("风险说明"), max_length=300, required=False)
    protection = forms.CharField(
        label=gettext_lazy("提供的防护"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("如：口罩、手套、防护服、测温枪"),
    )
    description = forms.CharField(
        label=gettext_lazy("任务说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))  # fmt: skip
    leader = forms.CharField(
        label=gettext_lazy("任务负责人（用户名）"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("负责人可在现场为志愿者签到签退、确认时长"),
    )
    reason = forms.CharField(
        label=gettext_lazy("变更说明（将通知已认领的志愿者）"), max_length=300, required=False
    )

    def __init__(self, *args, user, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.editing = editing
        self.fields["kind"].choices = kind_choices()
        self.fields["region"].choices = place_choices(user)
        if editing is None:
            self.fields["publisher"].choices = publisher_choices(user)
            del self.fields["reason"]
        else:
            for name in ("publisher", "recurring", "first_day", "last_day", "start_time",
                         "end_time", "weekdays"):  # fmt: skip
                del self.fields[name]

    def clean_leader(self):
        from django.contrib.auth import get_user_model

        username = (self.cleaned_data.get("leader") or "").strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("用户 %(u)s 不存在") % {"u": username})
        return user

    def clean(self):
        data = super().clean()
        if self.editing is None and "publisher" in data:
            publisher = publisher_from_value(self.user, data["publisher"])
            if publisher is None:
                self.add_error("publisher", _("请选择发布方"))
            data["publisher_obj"] = publisher
        if data.get("recurring"):
            for name in ("first_day", "last_day", "start_time", "end_time"):
                if not data.get(name):
                    self.add_error(name, _("重复发布时必填"))
        else:
            for name in ("starts_at", "ends_at"):
                if not data.get(name):
                    self.add_error(name, _("请填写时间"))
        return data

    def task_input(self) -> TaskInput:
        data = self.cleaned_data
        region = Region.objects.filter(code=data.get("region")).first()
        skills = [s.strip() for s in (data.get("skills") or "").replace("，", ",").split(",")]
        return TaskInput(
            title=data["title"],
            kind=data["kind"],
            location_kind=data["location_kind"],
            region=region,
            slots=data["slots"],
            address=data.get("address", ""),
            description=data.get("description", ""),
            skills=[s for s in skills if s],
            risk_level=data["risk_level"],
            risk_note=data.get("risk_note", ""),
            protection=data.get("protection", ""),
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            leader=data.get("leader"),
        )

    @classmethod
    def initial_for(cls, task) -> dict:
        from bastion.volunteers.services.tasks import task_contact_phone

        return {
            "title": task.title,
            "kind": task.kind.code,
            "location_kind": task.location_kind,
            "region": task.region.code,
            "address": task.address,
            "starts_at": timezone.localtime(task.starts_at),
            "ends_at": timezone.localtime(task.ends_at),
            "slots": task.slots,
            "skills": "，".join(task.skills),
            "risk_level": task.risk_level,
            "risk_note": task.risk_note,
            "protection": task.protection,
            "description": task.description,
            "contact_name": task.contact_name,
            "contact_phone": task_contact_phone(task),
            "leader": task.leader.username if task.leader_id else "",
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=300)


class ConfirmHoursForm(forms.Form):
    hours = forms.DecimalField(
        label=gettext_lazy("服务时长（小时）"), min_value=0, max_value=24, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)


class CorrectForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("出勤"), choices=AttendanceOutcome.choices, widget=forms.RadioSelect
    )
    hours = forms.DecimalField(
        label=gettext_lazy("服务时长（小时）"),
        min_value=0,
        max_value=24,
        decimal_places=2,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("更正原因"), max_length=300)


class OrderForm(forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("社区"))
    kind = forms.ChoiceField(label=gettext_lazy("服务类型"), choices=OrderKind.choices)
    detail = forms.CharField(
        label=gettext_lazy("需求"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("要买什么、多少、什么时候送到"),
    )
    requester_name = forms.CharField(label=gettext_lazy("求助人姓名"), max_length=60)
    requester_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "tel"}))  # fmt: skip
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        paths = region_paths(user, Perm.TASK_PUBLISH)
        qs = _prefix_filter(Region.objects.filter(level__in=COMMUNITY_LEVELS), "path", paths)
        self.fields["community"].choices = [
            (r.code, r.name) for r in qs.order_by("path")[:MAX_CHOICES]
        ]


class PublicRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("需要什么帮助"), choices=OrderKind.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=gettext_lazy("具体需求"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("如：大米10斤、降压药一盒（请带好医保卡）"),
    )
    requester_name = forms.CharField(label=gettext_lazy("您的称呼"), max_length=60)
    requester_phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20,
                                      widget=forms.TextInput(attrs={"inputmode": "tel"}))  # fmt: skip
    address = forms.CharField(label=gettext_lazy("地址（小区、楼栋、门牌号）"), max_length=200)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # left empty by people


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("评分"),
        choices=[(str(i), "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("想说的话（可不填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RulesForm(forms.Form):
    allow_residents = forms.BooleanField(
        label=gettext_lazy("接受居民志愿者（非党员）认领任务和接单"), required=False
    )
    cancel_deadline_hours = forms.IntegerField(
        label=gettext_lazy("取消认领截止：任务开始前（小时）"), min_value=0, max_value=168
    )
    minutes_per_point = forms.IntegerField(
        label=gettext_lazy("积分规则：每服务（分钟）"), min_value=5, max_value=480
    )
    points_per_unit = forms.IntegerField(label=gettext_lazy("计（分）"), min_value=1, max_value=100)
    public_requests = forms.BooleanField(
        label=gettext_lazy("开放居民扫码提交服务需求"), required=False
    )


class KindForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("代码"), max_length=30)
    name_zh = forms.CharField(label=gettext_lazy("中文名称"), max_length=40)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=60, required=False)
    order = forms.IntegerField(
        label=gettext_lazy("排序"), min_value=0, max_value=32000, initial=100
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


class ResidentForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    home_grid = forms.ChoiceField(label=gettext_lazy("居住网格"))
    username = forms.CharField(
        label=gettext_lazy("登录账号（可不填）"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("填写后，该居民可用此账号在手机上认领任务、扫码签到"),
    )
    skills = forms.CharField(label=gettext_lazy("特长"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        paths = region_paths(user, Perm.TASK_PUBLISH)
        qs = _prefix_filter(Region.objects.filter(level=Level.GRID), "path", paths)
        self.fields["home_grid"].choices = [
            (r.code, r.name) for r in qs.order_by("path")[:MAX_CHOICES]
        ]


def local_now_rounded() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
