"""Forms of the access pages. Labels and messages are Chinese msgids."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from bastion.access.services import REVEAL_REASON_MIN


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。注意：连续多次输错将暂时锁定登录。"),
        "inactive": _("该账号已停用"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")

    def get_invalid_login_error(self):
        from bastion.access.loginlimit import LIMITED_ATTR, login_window_minutes

        if getattr(self.request, LIMITED_ATTR, False):
            return forms.ValidationError(
                _("从这个网络地址尝试登录过于频繁，请 %(minutes)d 分钟后再试。"),
                code="rate_limited",
                params={"minutes": login_window_minutes()},
            )
        return super().get_invalid_login_error()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10个字符，不能全是数字，不能是常见密码。"),
    )
    new_password2 = forms.CharField(
        label=_("再输一遍新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") != data.get("new_password1"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态口令"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("有效天数（留空为长期有效）"), min_value=1, max_value=3650, required=False
    )


REVEAL_FIELD_CHOICES = [("id_number", _("身份证号")), ("phone", _("手机号"))]


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("查看项目"), choices=REVEAL_FIELD_CHOICES)
    reason = forms.CharField(
        label=_("查看原因"),
        min_length=REVEAL_REASON_MIN,
        max_length=500,
        error_messages={
            "required": _("请填写查看原因"),
            "min_length": _("查看原因至少需要 %(limit_value)d 个字"),
        },
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=60)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    ACTIONS = [
        ("", _("全部")),
        ("create", _("新建")),
        ("update", _("修改")),
        ("delete", _("删除")),
        ("merge", _("合并")),
        ("reveal", _("查看敏感信息")),
        ("import", _("导入")),
        ("login", _("登录")),
        ("login_failed", _("登录失败")),
        ("grant", _("授权")),
        ("revoke", _("撤销")),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = self.ACTIONS
