"""Scoped reads of the access app: my tokens, my inbox, the audit log for auditors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from bastion.access.models import ApiToken, Notification
from bastion.access.roles import Perm
from bastion.access.scoping import has_perm, restrict_by_path
from bastion.core.models import AuditEntry


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user, public_id) -> ApiToken:
    try:
        return api_token_list(user=user).get(public_id=public_id)
    except (ApiToken.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def notification_list(*, user, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get(*, user, public_id) -> Notification:
    try:
        return notification_list(user=user).get(public_id=public_id)
    except (Notification.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def notification_unread_count(*, user) -> int:
    return notification_list(user=user, unread=True).count()


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_list(*, user, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """Audit entries under the auditor's region paths; Http404 for anyone without AUDIT_VIEW."""
    if not has_perm(user, Perm.AUDIT_VIEW):
        raise Http404
    f = filters or AuditFilters()
    qs = restrict_by_path(AuditEntry.objects.all(), user, Perm.AUDIT_VIEW)
    if f.actor:
        name = f.actor.strip()
        qs = qs.filter(Q(actor__username=name) | Q(actor_name=name))
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id.strip())
    if f.date_from:
        qs = qs.filter(at__gte=_local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_local_midnight(f.date_to + dt.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def _local_midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
