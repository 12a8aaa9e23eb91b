"""Helpers of the party API: the caller, and lookups that answer 404 out of scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.people.selectors import looks_like_identifier


def api_user(request):
    """The authenticated caller (token user or session user)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def refuse_identifier_in_url(q: str, *, endpoint: str) -> None:
    """ID and phone numbers are searched with a POST body (docs/decisions/0007)."""
    if looks_like_identifier(q):
        raise ValidationError(
            {"q": [_("按身份证号或手机号查找请使用 POST %(e)s") % {"e": endpoint}]}
        )
