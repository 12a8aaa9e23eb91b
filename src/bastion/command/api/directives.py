"""Directives, their targets and the unit inbox.

Opening a target (GET /targets/{id}) as a user who answers for its unit marks it read,
as the page does. No `from __future__ import annotations`: @paginate reads annotations.
"""

from uuid import UUID

from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.command.api.common import api_user, own_files, refusals, unit_row
from bastion.command.api.schemas import (
    CommandNoteIn,
    CommandReasonIn,
    DirectiveDetailOut,
    DirectiveIn,
    DirectiveOut,
    InboxItemOut,
    ReportIn,
    StepIn,
    TargetDetailOut,
    TargetOut,
    UnitOut,
)
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["command"])


@router.get("/units", response=list[UnitOut])
def list_units(request, issuer: str = ""):
    """Without `issuer`: the levels the caller issues from. With it: the units that level
    addresses (towns, villages, communities, organizations, teams)."""
    from bastion.command.selectors.units import target_groups
    from bastion.command.units import issuing_unit, issuing_units

    user = api_user(request)
    if not issuer:
        return [unit_row(u) for u in issuing_units(user)]
    _groups, units = target_groups([issuing_unit(user, issuer)])
    return [unit_row(u) for u in units]


def _detail(user, directive):
    from bastion.command.selectors.directives import directive_completion, directive_targets

    completion = directive_completion(directive_targets(user=user, directive=directive))
    return {
        **{
            f: getattr(directive, f)
            for f in (
                "public_id",
                "title",
                "content",
                "priority",
                "status",
                "deadline",
                "remind_hours",
                "issued_at",
                "issuer_key",
                "issuer_name",
                "cancel_reason",
            )
        },
        "decision": directive.decision.public_id if directive.decision_id else None,
        "attachments": list(directive.attachments.all()),
        "completion": {
            "total": completion.total,
            "done": completion.done,
            "overdue": completion.overdue,
            "done_late": completion.done_late,
            "rate": completion.rate,
            "by_status": completion.by_status,
        },
    }


@router.get("/directives", response=list[DirectiveOut])
@paginate(PageNumberPagination, page_size=50)
def list_directives(request, side: str = "", status: str = "", q: str = ""):
    """side: issued / received / (all the caller sees); counts are over the targets she sees."""
    from bastion.command.selectors.directives import directive_list, with_completion

    user = api_user(request)
    qs = directive_list(
        user=user, side=side if side in ("issued", "received") else "", status=status, q=q
    )
    return with_completion(qs, user=user).order_by("-issued_at", "-id")


@router.post("/directives", response={201: DirectiveDetailOut})
@refusals
def issue_directive(request, payload: DirectiveIn):
    from bastion.command.selectors.directives import directive_get
    from bastion.command.selectors.meetings import decision_get
    from bastion.command.services.directives import directive_issue
    from bastion.command.units import issuing_unit

    user = api_user(request)
    decision = decision_get(user=user, public_id=payload.decision) if payload.decision else None
    directive = directive_issue(
        actor=user,
        issuer=issuing_unit(user, payload.issuer),
        title=payload.title,
        content=payload.content,
        priority=payload.priority,
        deadline=payload.deadline,
        remind_hours=payload.remind_hours,
        targets=payload.targets,
        attachments=own_files(user, payload.attachments),
        decision=decision,
    )
    return Status(201, _detail(user, directive_get(user=user, public_id=directive.public_id)))


@router.get("/directives/{public_id}", response=DirectiveDetailOut)
def get_directive(request, public_id: UUID):
    from bastion.command.selectors.directives import directive_get

    user = api_user(request)
    return _detail(user, directive_get(user=user, public_id=public_id))


@router.get("/directives/{public_id}/targets", response=list[TargetOut])
@paginate(PageNumberPagination, page_size=100)
def list_targets(request, public_id: UUID, status: str = ""):
    """The directive's targets the caller sees (all of them for the issuing side)."""
    from bastion.command.selectors.directives import directive_get, directive_targets

    user = api_user(request)
    directive = directive_get(user=user, public_id=public_id)
    return directive_targets(user=user, directive=directive, status=status)


@router.post("/directives/{public_id}/cancel", response=DirectiveDetailOut)
@refusals
def cancel_directive(request, public_id: UUID, payload: CommandReasonIn):
    from bastion.command.selectors.directives import directive_get
    from bastion.command.services.directives import directive_cancel

    user = api_user(request)
    directive_cancel(
        actor=user, directive=directive_get(user=user, public_id=public_id), reason=payload.reason
    )
    return _detail(user, directive_get(user=user, public_id=public_id))


def _target(user, public_id):
    from bastion.command.selectors.directives import effective_status, target_get

    target = target_get(user=user, public_id=public_id)
    target.effective = effective_status(target, timezone.now())
    return target


@router.get("/targets/{public_id}", response=TargetDetailOut)
def get_target(request, public_id: UUID):
    from bastion.command.selectors.directives import target_get, user_answers_target
    from bastion.command.services.directives import directive_target_read

    user = api_user(request)
    target = target_get(user=user, public_id=public_id)
    if user_answers_target(user, target):
        directive_target_read(actor=user, target=target)
    return _target(user, public_id)


def _step(request, public_id, call):
    from bastion.command.selectors.directives import target_get

    user = api_user(request)
    call(user, target_get(user=user, public_id=public_id))
    return _target(user, public_id)


@router.post("/targets/{public_id}/acknowledge", response=TargetDetailOut)
@refusals
def acknowledge_target(request, public_id: UUID, payload: CommandNoteIn):
    from bastion.command.services.directives import directive_target_acknowledge

    return _step(
        request,
        public_id,
        lambda u, t: directive_target_acknowledge(actor=u, target=t, note=payload.note),
    )


@router.post("/targets/{public_id}/progress", response=TargetDetailOut)
@refusals
def report_progress(request, public_id: UUID, payload: StepIn):
    from bastion.command.services.directives import directive_target_progress

    return _step(
        request,
        public_id,
        lambda u, t: directive_target_progress(
            actor=u, target=t, note=payload.note, attachments=own_files(u, payload.attachments)
        ),
    )


@router.post("/targets/{public_id}/complete", response=TargetDetailOut)
@refusals
def report_done(request, public_id: UUID, payload: ReportIn):
    from bastion.command.services.directives import directive_target_complete

    return _step(
        request,
        public_id,
        lambda u, t: directive_target_complete(
            actor=u, target=t, report=payload.report, attachments=own_files(u, payload.attachments)
        ),
    )


@router.post("/targets/{public_id}/return", response=TargetDetailOut)
@refusals
def return_target(request, public_id: UUID, payload: CommandReasonIn):
    from bastion.command.services.directives import directive_target_return

    return _step(
        request,
        public_id,
        lambda u, t: directive_target_return(actor=u, target=t, reason=payload.reason),
    )


@router.get("/inbox", response=list[InboxItemOut])
@paginate(PageNumberPagination, page_size=50)
def get_inbox(request, unread: bool = False):
    """Directives and notices addressed to the caller's units, unread first."""
    from bastion.command.selectors.inbox import inbox

    return inbox(user=api_user(request), unread_only=unread)
