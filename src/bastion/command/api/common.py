"""Shared helpers of the command API: the caller, refusals as 403 with their message,
uploaded files named by public id."""

from __future__ import annotations

import functools
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from bastion.core.apierrors import ApiError
from bastion.core.models import StoredFile


def api_user(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def refusals(view):
    """A service's PermissionDenied becomes 403 with the service's own message."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc) or _("没有权限执行此操作")) from exc

    return wrapper


def own_files(user, ids: list[uuid.UUID], *, field: str = "attachments") -> list[StoredFile]:
    """Files the caller uploaded (POST /uploads), by public id; 422 for any other."""
    if not ids:
        return []
    found = {f.public_id: f for f in StoredFile.objects.filter(public_id__in=ids, uploaded_by=user)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: [_("附件不存在或不是您上传的：%(ids)s") % {"ids": "、".join(missing[:3])}]}
        )
    return [found[i] for i in ids]


def unit_row(unit) -> dict:
    return {"key": unit.key, "kind": unit.kind, "name": unit.name}
