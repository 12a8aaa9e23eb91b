"""Shared helpers of the supplies API: the caller, lookups of things bodies name (items by
code, units by code, regions by code, records by public id) within the caller's scope."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from bastion.supplies.selectors.catalogue import item_by_code


def api_user(request):
    """The authenticated caller (token user or session user)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def item_named(user, value: str, *, field: str):
    """An item by code or name; ValidationError naming the field when there is none."""
    item = item_by_code(user=user, code=value)
    if item is None:
        raise ValidationError({field: [_("物资“%(i)s”不在目录中") % {"i": (value or "")[:40]}]})
    return item


def unit_named(value, *, field: str):
    """A unit by code or Chinese name (None when omitted); a field error otherwise."""
    from bastion.supplies.services.common import resolve_unit

    if not value:
        return None
    try:
        return resolve_unit(value, label=_("单位"))
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def region_for(user, perm: str, code: str | None, *, field: str = "region"):
    """A county/town region where the caller holds `perm` (the only one when omitted)."""
    from bastion.supplies.selectors.common import regions_for

    regions = regions_for(user, perm)
    if code:
        region = regions.filter(code=code.strip()).first()
        if region is None:
            raise ValidationError(
                {field: [_("区划“%(c)s”不存在或不在您的范围内") % {"c": code[:20]}]}
            )
        return region
    first = regions.first()
    if first is None:
        raise ValidationError({field: [_("请指定区划")]})
    return first


def one_of(qs, public_id, *, field: str | None = None):
    """A record of `qs` (already scoped) by public id: 404, or a field error in a body."""
    try:
        return qs.get(public_id=public_id)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        if field is None:
            raise Http404 from exc
        raise ValidationError({field: [_("不存在或不在您的范围内")]}) from exc
