"""Shared helpers of the monitoring API: the caller, scoped lookups, permission checks."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from bastion.access.roles import Role
from bastion.access.scoping import scope_of
from bastion.core.apierrors import ApiError


def api_user(request):
    """The authenticated caller (token user or session user)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def is_county_command(user) -> bool:
    scope = scope_of(user)
    return scope.superuser or Role.COUNTY_COMMAND in scope.roles


def require_county_command(user) -> None:
    """Policies and risk areas are the county command's: others get 403."""
    if not is_county_command(user):
        raise ApiError(403, "forbidden", _("只有县指挥部可以修改此配置"))


def observation_for(user, public_id):
    """The observation if the caller may see it; Http404 otherwise."""
    from bastion.monitoring.selectors.observations import observation_get

    return observation_get(user=user, public_id=public_id)


def visible_observations(user):
    from bastion.monitoring.selectors.observations import observation_list

    return observation_list(user=user)


def user_by_username(username: str, *, field: str = "user"):
    """A target user named in a request body; 422 when there is no such active user."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: _("用户 %(u)s 不存在") % {"u": username}})
    return user


def policy_by_category(category: str):
    from bastion.monitoring.models import Policy

    policy = Policy.objects.filter(category=category, active=True).first()
    if policy is None:
        raise ValidationError({"category": _("观察类别 %(c)s 不存在或已停用") % {"c": category}})
    return policy


def get_or_404(qs, **lookup):
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
