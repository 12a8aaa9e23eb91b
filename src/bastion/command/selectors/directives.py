"""Scoped reads of directives and their targets.

A directive is visible to the issuing side (its issuer columns lie in the user's region or
organization grants for COMMAND_VIEW) and to every user who sees one of its targets; the
latter see only the targets they see ("a unit sees only its own targets").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region
from bastion.command.models import (
    OVERDUE,
    Directive,
    DirectiveStatus,
    DirectiveTarget,
    TargetStatus,
)
from bastion.command.selectors.common import answers_q, get_or_404, q_or_all, signed_in
from bastion.command.units import answers_for, stored_unit, visible_q

PERM = Perm.COMMAND_VIEW
STATUS_ORDER = [OVERDUE, *TargetStatus.values]


def _issuer_q(user, prefix: str = "") -> Q | None:
    return visible_q(user, PERM, region_field=f"{prefix}region_path", org_field=f"{prefix}org_path")


def _target_q(user, prefix: str = "") -> Q | None:
    return visible_q(user, PERM, region_field=f"{prefix}region_path", org_field=f"{prefix}org_path")


def directive_list(*, user, side: str = "", q: str = "", status: str = "") -> QuerySet[Directive]:
    """Directives the user sees. side="issued": those of the issuing side she sees;
    side="received": those with a target she answers for. status: active/cancelled."""
    if not signed_in(user):
        return Directive.objects.none()
    issuer = _issuer_q(user)
    target = _target_q(user)
    qs = Directive.objects.all()
    if side == "issued":
        qs = qs.filter(q_or_all(issuer))
    elif side == "received":
        answering = DirectiveTarget.objects.filter(
            answers_q(user, PERM, issuer_prefix="directive__")
        )
        qs = qs.filter(pk__in=answering.values("directive_id"))
    elif issuer is not None:
        qs = qs.filter(
            issuer | Q(pk__in=DirectiveTarget.objects.filter(target).values("directive_id"))
        )
    if status in DirectiveStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q[:60]) | Q(content__icontains=q[:60]))
    return qs


def with_completion(qs: QuerySet[Directive], *, user, now: dt.datetime | None = None) -> QuerySet:
    """Annotate each directive with counts over the targets the user sees
    (n_targets, n_done, n_overdue, n_unread)."""
    now = now or timezone.now()
    issuer = _issuer_q(user)
    target = _target_q(user, "targets__")
    seen = Q() if issuer is None else (issuer | target)
    overdue = (
        seen
        & ~Q(targets__status=TargetStatus.DONE)
        & Q(deadline__lt=now, status=DirectiveStatus.ACTIVE)
    )
    return qs.annotate(
        n_targets=Count("targets", filter=seen, distinct=True),
        n_done=Count("targets", filter=seen & Q(targets__status=TargetStatus.DONE), distinct=True),
        n_overdue=Count("targets", filter=overdue, distinct=True),
        n_unread=Count(
            "targets", filter=seen & Q(targets__status=TargetStatus.SENT), distinct=True
        ),
    )


def directive_get(*, user, public_id) -> Directive:
    return get_or_404(
        directive_list(user=user).select_related("issued_by", "decision__meeting"),
        public_id=public_id,
    )


def sees_all_targets(user, directive: Directive) -> bool:
    """The issuing side (and those above it) see every target of the directive."""
    return can_on_org_or_region(
        user, PERM, org_path=directive.org_path, region_path=directive.region_path
    )


def effective_status_expression(now: dt.datetime):
    """done / overdue (not done, past the deadline of an active directive) / the stored status."""
    return Case(
        When(status=TargetStatus.DONE, then=Value(TargetStatus.DONE)),
        When(
            directive__deadline__lt=now,
            directive__status=DirectiveStatus.ACTIVE,
            then=Value(OVERDUE),
        ),
        default=F("status"),
        output_field=CharField(),
    )


def effective_status(target: DirectiveTarget, now: dt.datetime | None = None) -> str:
    """The one-row form of `effective_status_expression`."""
    now = now or timezone.now()
    directive = target.directive
    if target.status == TargetStatus.DONE:
        return TargetStatus.DONE
    if directive.status == DirectiveStatus.ACTIVE and directive.deadline < now:
        return OVERDUE
    return target.status


def directive_targets(
    *, user, directive: Directive, status: str = "", now: dt.datetime | None = None
) -> QuerySet[DirectiveTarget]:
    """The directive's targets the user sees, with `effective` (status incl. overdue)."""
    now = now or timezone.now()
    qs = directive.targets.all()
    if not sees_all_targets(user, directive):
        qs = qs.filter(q_or_all(_target_q(user)))
    qs = qs.annotate(effective=effective_status_expression(now)).select_related("directive")
    if status in STATUS_ORDER:
        qs = qs.filter(effective=status)
    return qs.order_by("region_path", "org_path", "unit_name")


def target_list(*, user) -> QuerySet[DirectiveTarget]:
    """Every target the user sees (own targets, and all targets of directives of her issuing
    side)."""
    if not signed_in(user):
        return DirectiveTarget.objects.none()
    issuer = _issuer_q(user, "directive__")
    if issuer is None:
        return DirectiveTarget.objects.all()
    return DirectiveTarget.objects.filter(issuer | q_or_all(_target_q(user)))


def target_get(*, user, public_id) -> DirectiveTarget:
    return get_or_404(
        target_list(user=user).select_related("directive", "directive__issued_by"),
        public_id=public_id,
    )


def user_answers_target(user, target: DirectiveTarget) -> bool:
    return answers_for(user, stored_unit(target), stored_unit(target.directive, "issuer"))


@dataclass(frozen=True)
class Completion:
    """Counts of one directive's targets by effective status, for the issuer's overview."""

    total: int
    by_status: dict[str, int]
    done_late: int

    @property
    def done(self) -> int:
        return self.by_status.get(TargetStatus.DONE, 0)

    @property
    def overdue(self) -> int:
        return self.by_status.get(OVERDUE, 0)

    @property
    def rate(self) -> int:
        """Per cent of targets done (rounded down)."""
        return (100 * self.done // self.total) if self.total else 0

    def segments(self) -> list[tuple[str, int, float]]:
        """(status, count, width %) in display order, for a stacked bar."""
        return [
            (status, n, (100 * n / self.total) if self.total else 0)
            for status in (
                TargetStatus.DONE,
                TargetStatus.IN_PROGRESS,
                TargetStatus.ACKNOWLEDGED,
                TargetStatus.READ,
                TargetStatus.SENT,
                OVERDUE,
            )
            if (n := self.by_status.get(status, 0))
        ]


def directive_completion(targets: QuerySet[DirectiveTarget]) -> Completion:
    """Counts by effective status over a `directive_targets(...)` queryset (one query)."""
    rows = targets.order_by().values("effective").annotate(n=Count("pk"))
    by_status = {row["effective"]: row["n"] for row in rows}
    late = targets.filter(status=TargetStatus.DONE, done_at__gt=F("directive__deadline")).count()
    return Completion(sum(by_status.values()), by_status, late)


STAGE = {
    TargetStatus.SENT: 0,
    TargetStatus.READ: 1,
    TargetStatus.ACKNOWLEDGED: 2,
    TargetStatus.IN_PROGRESS: 3,
    TargetStatus.DONE: 4,
}


def stage_percent(status: str) -> int:
    """How far a target has come (sent 0% .. done 100%), for its bar."""
    return STAGE.get(status, 0) * 25
