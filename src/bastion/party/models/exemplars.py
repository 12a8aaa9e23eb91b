"""Exemplars (先进典型): nominated with the deed and evidence, reviewed, published.

Only approved stories that are published (and not withdrawn) appear on the public
column; evidence stays private to the reviewers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.party.models.organizations import Organization, PartyMember
from bastion.party.models.teams import Team


class ExemplarKind(models.TextChoices):
    PERSON = "person", _("个人")
    TEAM = "team", _("队伍")
    ORGANIZATION = "organization", _("党组织")


class ExemplarStatus(models.TextChoices):
    NOMINATED = "nominated", _("待审核")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("未通过")


class Exemplar(PublicIdModel, TimestampedModel):
    """An exemplary deed of a member, a team or an organization."""

    kind = models.CharField(max_length=12, choices=ExemplarKind.choices)
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominating_org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="exemplar_nominations"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    subject_name = models.CharField(max_length=120)
    title = models.CharField(max_length=120)
    deed = models.TextField()
    photo = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=ExemplarStatus.choices, default=ExemplarStatus.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(status="approved"),
                name="exemplar_published_only_when_approved",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="person", member__isnull=False)
                    | models.Q(kind="team", team__isnull=False)
                    | models.Q(kind="organization", subject_org__isnull=False)
                ),
                name="exemplar_subject_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return (
            self.status == ExemplarStatus.APPROVED
            and self.published_at is not None
            and self.withdrawn_at is None
        )
