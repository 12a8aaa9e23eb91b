"""Users, scoped role assignments, responsibility assignments, audit, tokens, notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.access.roles import Role
from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Household, Region
from bastion.people.models import Person


class User(PublicIdModel, AbstractUser):
    """A person who logs in. Roles come from RoleAssignment, not from Django groups."""

    full_name = models.CharField(max_length=60, blank=True, default="")
    # Set when a manager issues the password (a new account, a reset): the user must
    # choose her own before doing anything else (PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(PublicIdModel, TimestampedModel):
    """A role held over a region subtree, or over an organization subtree.

    `org_path` is the materialized path of a party organization; it is a string so
    that access does not depend on the party app, which comes later in the chain.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    org_path = models.CharField(max_length=255, blank=True, default="")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "org_path"], name="role_assignment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(region__isnull=False) | ~models.Q(org_path=""),
                name="role_assignment_has_scope",
            ),
        ]


class AssignmentKind(models.TextChoices):
    GRID = "grid", _("包片")
    HOUSEHOLD = "household", _("包户")
    PERSON = "person", _("包人")


class Assignment(PublicIdModel, TimestampedModel):
    """包片、包户、包人: a user answers for a grid, a household or a person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField(max_length=10, choices=AssignmentKind.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE)
    path = models.CharField(max_length=255, db_index=True)
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="grid",
                        region__isnull=False,
                        household__isnull=True,
                        person__isnull=True,
                    )
                    | models.Q(kind="household", household__isnull=False, person__isnull=True)
                    | models.Q(kind="person", person__isnull=False, household__isnull=True)
                ),
                name="assignment_target_matches_kind",
            ),
        ]


class ApiToken(PublicIdModel, TimestampedModel):
    """A personal API token for scripts and phones; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Notification(PublicIdModel):
    """An in-app message to one user; other apps create them through access.services.notify."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    title = models.CharField(max_length=200)  # in the default language (Chinese)
    body = models.TextField(blank=True, default="")
    # The untranslated message behind title/body (core.i18n.Msg), shown in the
    # reader's language; empty for texts given as plain strings.
    title_message = models.JSONField(default=dict, blank=True)
    body_message = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True, default="")
    level = models.CharField(max_length=10, default="info")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    @property
    def display_title(self) -> str:
        from bastion.core.i18n import render_stored

        return render_stored(self.title_message, self.title)[:200]

    @property
    def display_body(self) -> str:
        from bastion.core.i18n import render_stored

        return render_stored(self.body_message, self.body)
