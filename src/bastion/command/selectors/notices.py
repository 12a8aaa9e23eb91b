"""Scoped reads of notices and their receipts.

A notice is visible to the issuing side, to users who see one of its target units, and to
users working inside a target unit (a grid worker reads the measures sent to her community;
only users answering for the unit make its read receipt)."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region, org_paths_for, region_paths
from bastion.command.models import Notice, NoticeStatus, NoticeTarget, NoticeVersion
from bastion.command.selectors.common import get_or_404, q_or_all, signed_in
from bastion.command.units import answers_for, stored_unit, visible_q

PERM = Perm.COMMAND_VIEW


def _ancestors(paths: list[str]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found.update(path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0)
    return found


def _inside_q(user) -> Q:
    """Targets whose unit contains one of the user's grants (she works inside the unit)."""
    regions = region_paths(user, PERM) or []
    orgs = org_paths_for(user, PERM) or []
    return Q(unit_kind="region", region_path__in=_ancestors(regions)) | (
        ~Q(unit_kind="region") & Q(org_path__in=_ancestors(orgs))
    )


def notice_list(
    *, user, kind: str = "", q: str = "", include_withdrawn: bool = False
) -> QuerySet[Notice]:
    if not signed_in(user):
        return Notice.objects.none()
    issuer = visible_q(user, PERM)
    qs = Notice.objects.all()
    if issuer is not None:
        targets = NoticeTarget.objects.filter(q_or_all(visible_q(user, PERM)) | _inside_q(user))
        qs = qs.filter(issuer | Q(pk__in=targets.values("notice_id")))
    if not include_withdrawn:
        qs = qs.exclude(status=NoticeStatus.WITHDRAWN)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(title__icontains=q[:60])
    return qs


def notice_target_list(*, user) -> QuerySet[NoticeTarget]:
    """Every notice target the user sees: her units' own, and all the targets of notices of
    her issuing side."""
    if not signed_in(user):
        return NoticeTarget.objects.none()
    issuer = visible_q(user, PERM, region_field="notice__region_path", org_field="notice__org_path")
    if issuer is None:
        return NoticeTarget.objects.all()
    return NoticeTarget.objects.filter(issuer | q_or_all(visible_q(user, PERM)))


def with_receipts(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    """Annotate n_targets and n_read (units that read the current version)."""
    return qs.annotate(
        n_targets=Count("targets", distinct=True),
        n_read=Count(
            "targets",
            filter=Q(targets__read_version__gte=F("current_version")),
            distinct=True,
        ),
    )


def notice_get(*, user, public_id) -> Notice:
    return get_or_404(
        notice_list(user=user, include_withdrawn=True).select_related("published_by"),
        public_id=public_id,
    )


def sees_all_receipts(user, notice: Notice) -> bool:
    return can_on_org_or_region(
        user, PERM, org_path=notice.org_path, region_path=notice.region_path
    )


def notice_targets(*, user, notice: Notice, unread_only: bool = False) -> QuerySet[NoticeTarget]:
    """The notice's targets the user sees (all of them for the issuing side)."""
    qs = notice.targets.all()
    if not sees_all_receipts(user, notice):
        qs = qs.filter(q_or_all(visible_q(user, PERM)))
    if unread_only:
        qs = qs.filter(read_version__lt=notice.current_version)
    return qs.order_by("read_version", "region_path", "org_path", "unit_name")


def notice_versions(notice: Notice) -> QuerySet[NoticeVersion]:
    return notice.versions.prefetch_related("attachments").select_related("published_by")


def user_answering_targets(user, notice: Notice) -> list[NoticeTarget]:
    issuer = stored_unit(notice, "issuer")
    return [t for t in notice.targets.all() if answers_for(user, stored_unit(t), issuer)]
