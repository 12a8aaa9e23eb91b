"""Resident service orders (点单、派单、接单、评单): a resident or a household under
observation asks for help; the community dispatches it or a volunteer accepts it; done;
the requester rates it through a single-use link."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.people.models import Person


class OrderKind(models.TextChoices):
    GROCERIES = "groceries", _("代购生活物资")
    MEDICINE = "medicine", _("代购药品")
    ERRAND = "errand", _("跑腿代办")
    OTHER = "other", _("其他")


class OrderSource(models.TextChoices):
    STAFF = "staff", _("社区代录")
    PUBLIC = "public", _("居民扫码提交")
    HOME_SERVICE = "home_service", _("居家观察服务")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("待派单")
    ASSIGNED = "assigned", _("服务中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.ASSIGNED)


class ServiceOrder(PublicIdModel, TimestampedModel):
    """One request for help from a resident, handled by a volunteer of the community."""

    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    # Where to go: the requester's grid when known, else the community.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    source = models.CharField(max_length=14, choices=OrderSource.choices)
    kind = models.CharField(max_length=10, choices=OrderKind.choices)
    detail = models.CharField(max_length=500, blank=True, default="")
    requester_name = models.CharField(max_length=60)
    requester_phone_encrypted = models.TextField(blank=True, default="")
    requester_phone_masked = models.CharField(max_length=11, blank=True, default="")
    address = models.CharField(max_length=200, blank=True, default="")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The monitoring home-service request this order came from (its public id).
    home_service_ref = models.UUIDField(null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    volunteer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    volunteer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_orders",
    )
    accepted = models.BooleanField(default=False, help_text="taken from the list by the volunteer")
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(max_length=300, blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True, default="")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=300, blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    rating_token_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "path"], name="order_status_path")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | (models.Q(rating__gte=1) & models.Q(rating__lte=5)),
                name="order_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.requester_name[:1]}**"
