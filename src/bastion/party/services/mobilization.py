"""Mobilization calls (号召): an organization sends a call to the organizations and/or
members below it; each recipient is marked seen when opened, answers, and reports what
it did. Counts and the response rate are derived from the recipients."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, CharField, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.models import RoleAssignment
from bastion.access.roles import Perm, Role
from bastion.core.audit import Action, audit_record
from bastion.party.models import (
    CallAudience,
    MemberStatus,
    Mobilization,
    MobilizationRecipient,
    Organization,
    PartyMember,
)
from bastion.party.services.common import (
    clean,
    insert_select,
    is_system,
    party_can,
    require,
    user_or_none,
)

NOTIFY_LIMIT = 2000  # logins notified of one call; the rest see it on their call list


RECIPIENT_COLUMNS = [
    "mobilization_id",
    "organization_id",
    "member_id",
    "org_path",
    "region_path",
    "answer",
    "action",
]


def _insert_recipients(call: Mobilization, organization: Organization, audience: str) -> int:
    """Every open organization and/or every member below `organization`, set-based."""
    constants = {
        "m": Value(call.pk, output_field=BigIntegerField()),
        "blank_answer": Value("", output_field=CharField()),
        "blank_action": Value("", output_field=CharField()),
        "none": Value(None, output_field=BigIntegerField()),
    }
    total = 0
    if audience in (CallAudience.ORGANIZATIONS, CallAudience.BOTH):
        orgs = (
            Organization.objects.filter(path__startswith=organization.path, closed_on__isnull=True)
            .exclude(pk=organization.pk)
            .annotate(**constants)
            .values_list("m", "pk", "none", "path", "region_path", "blank_answer", "blank_action")
        )
        total += insert_select(MobilizationRecipient, RECIPIENT_COLUMNS, orgs)
    if audience in (CallAudience.MEMBERS, CallAudience.BOTH):
        members = (
            PartyMember.objects.filter(org_path__startswith=organization.path)
            .exclude(status=MemberStatus.LEFT)
            .annotate(**constants)
            .values_list(
                "m", "none", "pk", "org_path", "region_path", "blank_answer", "blank_action"
            )
        )
        total += insert_select(MobilizationRecipient, RECIPIENT_COLUMNS, members)
    return total


def mobilization_send(
    *,
    actor,
    organization: Organization,
    title: str,
    body: str,
    audience: str,
    respond_by: dt.date | None = None,
    notify_logins: bool = True,
    sent_at: dt.datetime | None = None,
) -> Mobilization:
    """Send a call from `organization` to every open organization and/or every member
    below it; the recipients are fixed now."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    errors: dict[str, list[str]] = {}
    if not clean(title, 120):
        errors["title"] = [_("请填写标题")]
    if not (body or "").strip():
        errors["body"] = [_("请填写号召内容")]
    if audience not in CallAudience.values:
        errors["audience"] = [_("请选择号召对象")]
    sent_at = sent_at or timezone.now()
    if respond_by is not None and respond_by < timezone.localdate(sent_at):
        errors["respond_by"] = [_("响应截止日期不能早于今天")]
    if organization.closed_on is not None:
        errors["organization"] = [_("该党组织已撤销")]
    if errors:
        raise ValidationError(errors)
    call = Mobilization(
        organization=organization,
        org_path=organization.path,
        region_path=organization.region_path,
        title=clean(title, 120),
        body=body.strip()[:10000],
        audience=audience,
        respond_by=respond_by,
        sent_by=user_or_none(actor),
        sent_at=sent_at,
    )
    call.full_clean()
    with transaction.atomic():
        call.save()
        total = _insert_recipients(call, organization, audience)
        if total == 0:
            raise ValidationError({"audience": [_("下级没有可以接收号召的党组织或党员")]})
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=call,
            path=organization.region_path,
            changes={"title": [None, call.title], "recipients": total, "audience": audience},
        )
        if notify_logins:
            transaction.on_commit(lambda: _notify(call))
    return call


def _notify(call: Mobilization) -> None:
    """Tell the recipients who have a login: members themselves, officers of recipient
    organizations."""
    from bastion.access.services import notify

    link = reverse("party:call_detail", args=[call.public_id])
    member_users = list(
        PartyMember.objects.filter(
            pk__in=call.recipients.filter(member__isnull=False).values("member_id"),
            user__isnull=False,
            user__is_active=True,
        ).values_list("user_id", flat=True)[:NOTIFY_LIMIT]
    )
    org_paths = set(
        call.recipients.filter(organization__isnull=False).values_list("org_path", flat=True)
    )
    officer_users = {
        user_id
        for user_id, path in RoleAssignment.objects.filter(
            role=Role.ORG_OFFICER, user__is_active=True
        ).values_list("user_id", "org_path")
        if path in org_paths
    }
    from django.contrib.auth import get_user_model

    recipients = get_user_model().objects.filter(pk__in=[*member_users, *officer_users])
    for user in recipients[:NOTIFY_LIMIT]:
        notify(recipient=user, title=_("新的号召：%(t)s") % {"t": call.title}, link=link)


def can_respond(actor, recipient: MobilizationRecipient) -> bool:
    """The member themself, or whoever manages the recipient organization / member."""
    if is_system(actor):
        return True
    if recipient.member_id is not None and recipient.member.user_id == getattr(actor, "pk", None):
        return True
    return party_can(
        actor, Perm.PARTY_MANAGE, org_path=recipient.org_path, region_path=recipient.region_path
    )


def mobilization_mark_seen(*, actor, recipient: MobilizationRecipient) -> MobilizationRecipient:
    """The recipient opened the call (first time only; no audit entry for a read). A
    viewer who cannot respond for the recipient does not mark it seen."""
    if recipient.seen_at is None and can_respond(actor, recipient):
        now = timezone.now()
        MobilizationRecipient.objects.filter(pk=recipient.pk, seen_at__isnull=True).update(
            seen_at=now
        )
        recipient.seen_at = now
    return recipient


def mobilization_respond(
    *,
    actor,
    recipient: MobilizationRecipient,
    answer: str = "",
    acted: bool = False,
    action: str = "",
    people_count: int | None = None,
) -> MobilizationRecipient:
    """Record the recipient's answer and, once done, what they did (and with how many)."""
    if not can_respond(actor, recipient):
        require(
            actor, Perm.PARTY_MANAGE, org_path=recipient.org_path, region_path=recipient.region_path
        )
    if recipient.mobilization.closed_at is not None:
        raise ValidationError({"mobilization": [_("该号召已结束")]})
    answer, action = clean(answer, 300), clean(action, 300)
    errors: dict[str, list[str]] = {}
    if not answer and not acted:
        errors["answer"] = [_("请填写响应内容")]
    if acted and not action:
        errors["action"] = [_("请填写采取的行动")]
    if people_count is not None and (people_count < 0 or people_count > 1_000_000):
        errors["people_count"] = [_("人数应在0到1000000之间")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changes: dict = {}
    with transaction.atomic():
        recipient = (
            MobilizationRecipient.objects.select_for_update()
            .select_related("mobilization")
            .get(pk=recipient.pk)
        )
        if recipient.mobilization.closed_at is not None:
            raise ValidationError({"mobilization": [_("该号召已结束")]})
        recipient.seen_at = recipient.seen_at or now
        if answer:
            changes["answer"] = [recipient.answer, answer]
            recipient.answer = answer
            recipient.answered_at = recipient.answered_at or now
        if acted:
            changes["action"] = [recipient.action, action]
            recipient.action = action
            recipient.acted_at = recipient.acted_at or now
            recipient.answered_at = recipient.answered_at or now
        if people_count is not None:
            changes["people_count"] = [recipient.people_count, people_count]
            recipient.people_count = people_count
        recipient.responded_by = user_or_none(actor)
        recipient.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="party.mobilizationrecipient",
            object_id=str(recipient.mobilization.public_id),
            object_repr=recipient.mobilization.title[:200],
            path=recipient.region_path,
            changes=changes,
        )
    return recipient


def mobilization_close(*, actor, mobilization: Mobilization) -> Mobilization:
    """Stop taking responses (the counts stay as they are)."""
    require(
        actor,
        Perm.PARTY_MANAGE,
        org_path=mobilization.org_path,
        region_path=mobilization.region_path,
    )
    if mobilization.closed_at is not None:
        raise ValidationError({"mobilization": [_("该号召已结束")]})
    with transaction.atomic():
        mobilization.closed_at = timezone.now()
        mobilization.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=mobilization,
            path=mobilization.region_path,
            changes={"closed": [False, True]},
        )
    return mobilization


def recipient_visible(actor, recipient: MobilizationRecipient) -> bool:
    return party_can(
        actor, Perm.PARTY_VIEW, org_path=recipient.org_path, region_path=recipient.region_path
    )
