"""Shared helpers of the campaigns API."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.geo.selectors import region_get


def api_user(request):
    """The authenticated caller (token user or session user)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def regions_by_code(user, codes: list[str], field: str = "regions"):
    """Visible regions for the codes in a request body (422 for an unknown one)."""
    from django.http import Http404

    regions = []
    for code in codes:
        try:
            regions.append(region_get(user=user, code=(code or "").strip()))
        except Http404 as exc:
            raise ValidationError({field: [_("区域 %(code)s 不存在") % {"code": code}]}) from exc
    return regions


def figures(counts) -> dict:
    return counts.as_dict()
