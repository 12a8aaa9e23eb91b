"""Background jobs of the access app. Nothing's correctness depends on them having run."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient (once); True when a mail was sent."""
    from bastion.access.models import Notification

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    if not notification.recipient.email:
        return False
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{notification.link}".strip()
    send_mail(
        subject=notification.title,
        message=body,
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@db_task(retries=3, retry_delay=60)
def email_notification(notification_id: int) -> bool:
    return send_notification_email(notification_id)


def purge_idempotency_records(older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Delete idempotency records past their replay window; returns how many."""
    from bastion.core.models import IdempotencyRecord

    cutoff = timezone.now() - older_than
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records_hourly() -> int:
    return purge_idempotency_records()
