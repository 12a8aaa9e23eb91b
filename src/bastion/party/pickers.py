"""Resolve what a person typed in a picker (a code, an exact name, an ID number) into one
record the user may see; ValidationError with a message for the field otherwise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.geo.models import Region
from bastion.party.models import Organization, Team
from bastion.party.selectors import member_search, organization_list


def pick_member(user, text: str, *, field: str = "member", perm: str = Perm.PARTY_VIEW):
    """A visible member by exact ID/phone number or exact full name (unique)."""
    text = (text or "").strip()
    if not text:
        return None
    found = list(member_search(user=user, q=text, perm=perm)[:5])
    exact = [m for m in found if m.person.name == text] or (
        found if any(ch.isdigit() for ch in text) else []
    )
    if not exact:
        raise ValidationError({field: [_("找不到党员：%(t)s") % {"t": text}]})
    if len(exact) > 1:
        raise ValidationError({field: [_("有多名同名党员，请填写身份证号")]})
    return exact[0]


def pick_organization(
    user, text: str, *, field: str = "organization", perm: str = Perm.PARTY_VIEW, qs=None
) -> Organization:
    """A visible organization by code or exact name (unique); an empty `text` is refused
    (callers with an optional organization check for one before calling)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: [_("请填写党组织（代码或名称）")]})
    qs = qs if qs is not None else organization_list(user=user, perm=perm)
    found = list(qs.filter(Q(code__iexact=text) | Q(name=text))[:2])
    if not found:
        raise ValidationError({field: [_("找不到党组织或不在您的管理范围：%(t)s") % {"t": text}]})
    if len(found) > 1:
        raise ValidationError({field: [_("有多个同名党组织，请填写组织代码")]})
    return found[0]


def pick_region(
    text: str, *, within: str = "", field: str = "region", levels=None
) -> Region | None:
    """A region by code or exact name, inside `within` (a region path) when given."""
    text = (text or "").strip()
    if not text:
        return None
    qs: QuerySet[Region] = Region.objects.filter(Q(code=text) | Q(name=text))
    if within:
        qs = qs.filter(path__startswith=within)
    if levels:
        qs = qs.filter(level__in=levels)
    found = list(qs[:2])
    if not found:
        raise ValidationError({field: [_("找不到区域或不在范围内：%(t)s") % {"t": text}]})
    if len(found) > 1:
        raise ValidationError({field: [_("有多个同名区域，请填写区域代码")]})
    return found[0]


def pick_team(user, text: str, *, field: str = "subject") -> Team:
    from bastion.party.selectors import team_list

    text = (text or "").strip()
    found = list(team_list(user=user).filter(name=text)[:2])
    if not found:
        raise ValidationError({field: [_("找不到队伍：%(t)s") % {"t": text}]})
    if len(found) > 1:
        raise ValidationError({field: [_("有多支同名队伍")]})
    return found[0]


def pick_user(username: str, *, field: str = "username"):
    """An active login by exact username."""
    from django.contrib.auth import get_user_model

    user = (
        get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    )
    if user is None:
        raise ValidationError({field: [_("用户 %(u)s 不存在或已停用") % {"u": username}]})
    return user
