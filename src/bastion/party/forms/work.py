"""Forms of teams, zones, posts, liaison groups, cadre observations, calls, fees and
exemplars."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.party.forms.common import (
    MemberPick,
    MultiFileField,
    OrgPick,
    RegionPick,
    date_field,
    text_area,
)
from bastion.party.models import CadreRating, CallAudience, ExemplarKind, TeamKind


class TeamForm(forms.Form):
    organization = OrgPick(label=_("组建党组织"))
    kind = forms.ChoiceField(label=_("队伍类型"), choices=TeamKind.choices)
    name = forms.CharField(label=_("队伍名称"), max_length=120)
    region = RegionPick(label=_("服务区域"))
    purpose = forms.CharField(label=_("任务"), max_length=300, required=False)
    leader = MemberPick(label=_("队长"), required=False)
    formed_on = date_field(_("组建日期"), required=False)


class TeamEditForm(TeamForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organization"]
        del self.fields["formed_on"]


class SeatForm(forms.Form):
    member = MemberPick()
    role = forms.CharField(label=_("队内职责"), max_length=40, required=False)


class DisbandForm(forms.Form):
    on = date_field(_("解散日期"))


class AnsweredForm(forms.Form):
    organization = OrgPick(label=_("设立党组织"))
    name = forms.CharField(label=_("名称"), max_length=120)
    member = MemberPick(label=_("负责党员"))
    place = forms.CharField(label=_("范围或地点"), max_length=200, required=False)
    region = RegionPick(label=_("所在区域"))
    duties = forms.CharField(label=_("职责"), max_length=300, required=False)
    started_on = date_field(_("设立日期"), required=False)


class ReassignForm(forms.Form):
    member = MemberPick(label=_("新的负责党员"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class LiaisonGroupForm(forms.Form):
    organization = OrgPick(label=_("所属党委"))
    number = forms.IntegerField(label=_("组号"), min_value=1, max_value=999)
    name = forms.CharField(label=_("名称"), max_length=60, required=False)
    leader = forms.CharField(label=_("组长"), max_length=60, required=False)
    members_text = forms.CharField(label=_("成员"), max_length=300, required=False)
    focus = forms.CharField(label=_("联点重点"), max_length=300, required=False)
    formed_on = date_field(_("成立日期"), required=False)


class PairForm(forms.Form):
    unit = OrgPick(label=_("联点单位"))


class GroupUserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)


class VisitForm(forms.Form):
    unit = forms.ChoiceField(label=_("走访单位"))
    visited_on = date_field(_("走访日期"))
    participants = forms.CharField(label=_("参加人员"), max_length=200, required=False)
    findings = text_area(_("发现的情况"))
    follow_up = text_area(_("后续措施"), required=False, rows=3)
    attachments = MultiFileField(label=_("附件（照片、PDF等）"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *units]


class CadreObservationForm(forms.Form):
    unit = OrgPick(label=_("干部所在单位"))
    cadre_name = forms.CharField(label=_("干部姓名"), max_length=60)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    group = forms.ChoiceField(label=_("联点小组"), required=False)
    observed_on = date_field(_("观察日期"))
    situation = forms.CharField(label=_("场合或任务"), max_length=200)
    performance = text_area(_("表现情况"))
    rating = forms.ChoiceField(label=_("评价"), choices=CadreRating.choices)
    evidence = MultiFileField(label=_("佐证材料"))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—"), *groups]


class CallForm(forms.Form):
    organization = OrgPick(label=_("发出号召的党组织"))
    title = forms.CharField(label=_("标题"), max_length=120)
    body = text_area(_("号召内容"), rows=6)
    audience = forms.ChoiceField(label=_("号召对象"), choices=CallAudience.choices)
    respond_by = date_field(_("响应截止日期"), required=False)


class RespondForm(forms.Form):
    answer = forms.CharField(label=_("响应"), max_length=300, required=False)
    acted = forms.BooleanField(label=_("已采取行动"), required=False)
    action = forms.CharField(label=_("采取的行动"), max_length=300, required=False)
    people_count = forms.IntegerField(
        label=_("参与人数"), min_value=0, max_value=1_000_000, required=False
    )


class GrantForm(forms.Form):
    grantor = OrgPick(label=_("下拨党委"))
    organization = OrgPick(label=_("接收党组织"))
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)
    granted_on = date_field(_("下拨日期"))


class ExpenseForm(forms.Form):
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    spent_on = date_field(_("支出日期"))
    description = forms.CharField(label=_("支出事项"), max_length=300)
    receipt = forms.FileField(label=_("票据（照片或PDF）"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


class AdjustForm(forms.Form):
    delta = forms.CharField(
        label=_("调整金额（元）"), max_length=20, help_text=_("增加填正数，减少填负数，如 -500")
    )
    reason = forms.CharField(label=_("调整原因"), max_length=300)


class ExemplarForm(forms.Form):
    nominating_org = OrgPick(label=_("推荐党组织"))
    kind = forms.ChoiceField(label=_("典型类别"), choices=ExemplarKind.choices)
    subject = forms.CharField(
        label=_("推荐对象"),
        max_length=120,
        help_text=_("个人填姓名或身份证号；队伍填队伍名称；党组织填代码或全称"),
    )
    title = forms.CharField(label=_("标题"), max_length=120)
    deed = text_area(_("先进事迹"), max_length=10000, rows=8)
    photo = forms.FileField(label=_("照片"), required=False)
    evidence = MultiFileField(label=_("证明材料"))


class ExemplarEditForm(forms.Form):
    subject_name = forms.CharField(label=_("公开署名"), max_length=120)
    title = forms.CharField(label=_("标题"), max_length=120)
    deed = text_area(_("先进事迹"), max_length=10000, rows=8)
    photo = forms.FileField(label=_("更换照片"), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"), choices=[("approve", _("通过")), ("reject", _("不通过"))]
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
