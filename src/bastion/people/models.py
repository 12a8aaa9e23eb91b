"""The person registry: one Person per human, identifiers encrypted with a blind index."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Household, Region


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    UNKNOWN = "U", _("未知")


class Tag(models.Model):
    """A care tag: elderly living alone, chronic illness, pregnant, disabled, ..."""

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(max_length=40)
    name_en = models.CharField(max_length=60)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Person(PublicIdModel, TimestampedModel):
    """Everyone the system knows (实有人口).

    The ID number and phone are stored Fernet-encrypted; `id_number_index` (HMAC) is
    unique, so the same human cannot be registered twice. `*_masked` hold the display
    form so lists never decrypt. `region`/`path` are the grid the person lives in.
    """

    name = models.CharField(max_length=60)
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(null=True, blank=True)
    id_number_encrypted = models.TextField(blank=True, default="")
    id_number_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    id_number_masked = models.CharField(max_length=18, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    phone_masked = models.CharField(max_length=11, blank=True, default="")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(max_length=20, blank=True, default="")
    address_text = models.CharField(max_length=255, blank=True, default="")
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")

    class Meta:
        ordering = ["path", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"
