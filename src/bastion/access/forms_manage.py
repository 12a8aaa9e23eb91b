"""Forms of the user and assignment management pages. Labels are Chinese msgids."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.access import selectors_people as sel
from bastion.access.roles import Role
from bastion.access.services_users import grantable_roles

INDENT = "\u3000"  # an ideographic space


def region_label(region) -> str:
    """A region indented by depth, for a select box that reads like the tree."""
    return INDENT * region.depth + f"{region.name}（{region.code}）"


def _region_choices(user) -> list[tuple[str, str]]:
    return [(r.code, region_label(r)) for r in sel.manageable_regions(user=user)]


def _role_choices(user) -> list[tuple[str, str]]:
    return [(r, Role(r).label) for r in grantable_roles(user)]


class GrantForm(forms.Form):
    """A role and a region picked from the manager's subtree; the service has the last word."""

    role = forms.ChoiceField(label=_("角色"))
    region = forms.ChoiceField(label=_("区域"))

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(manager)
        self.fields["region"].choices = _region_choices(manager)


class UserCreateForm(GrantForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("用于登录，可用字母、数字和 @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    email = forms.EmailField(label=_("电子邮箱（选填）"), required=False)

    field_order = ["username", "full_name", "email", "role", "region"]
