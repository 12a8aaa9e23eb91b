"""What every party service shares: who the actor is, and the one permission rule.

A record is out of the actor's sight when she holds no Perm.PARTY_VIEW on its
organization path or region path: Http404, as for reads. In sight but without the
permission the write needs: PermissionDenied (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region, can_on_path
from bastion.geo.models import Level

COMMUNITY_LEVELS = (Level.COMMUNITY, Level.VILLAGE)


def is_system(actor) -> bool:
    """The demo generator and management commands act as a superuser or with actor None."""
    return actor is None or getattr(actor, "is_superuser", False)


def user_or_none(actor):
    """The actor to store in a `recorded_by` column (None for the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def party_can(actor, perm: str, *, org_path: str, region_path: str = "") -> bool:
    """May `actor` do `perm` on a record at this organization path / region path?"""
    if is_system(actor):
        return True
    return can_on_org_or_region(actor, perm, org_path=org_path, region_path=region_path)


def require(actor, perm: str, *, org_path: str, region_path: str = "") -> None:
    """Pass, or PermissionDenied (seen but not allowed), or Http404 (not seen)."""
    if party_can(actor, perm, org_path=org_path, region_path=region_path):
        return
    if perm != Perm.PARTY_VIEW and party_can(
        actor, Perm.PARTY_VIEW, org_path=org_path, region_path=region_path
    ):
        raise PermissionDenied
    raise Http404


def require_at_community(actor, perm: str, *, path: str, org_path: str = "") -> None:
    """Community work (confirming registrations, service entries): `perm` on the region
    `path`; 403 when the actor sees the record but may not, 404 otherwise."""
    if is_system(actor) or can_on_path(actor, perm, path):
        return
    if party_can(actor, Perm.PARTY_VIEW, org_path=org_path, region_path=path):
        raise PermissionDenied
    raise Http404


def clean(value: str | None, limit: int) -> str:
    """Stripped text cut to the column's length."""
    return (value or "").strip()[:limit]


def insert_select(model, columns: list[str], qs) -> int:
    """INSERT INTO model (columns) SELECT ...: one set-based statement for rows derived
    from `qs` (a values_list in `columns` order); returns the rows written."""
    sql, params = qs.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}", params)  # noqa: S608 - identifiers from the model, values bound
        return cursor.rowcount


def save_audited(record, *, actor, action: str, update_fields: list[str] | None = None, **audit):
    """Save `record` and write its audit entry in one transaction (the audit entry's
    object is `record` unless `audit` names another with `obj=`)."""
    from bastion.core.audit import audit_record

    with transaction.atomic():
        record.save(update_fields=update_fields) if update_fields else record.save()
        audit.setdefault("obj", record)
        audit_record(actor=actor, action=action, **audit)
    return record
