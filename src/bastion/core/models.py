"""Shared model building blocks: public ids, timestamps, and idempotency records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PublicIdModel(models.Model):
    """A model that is addressed from outside by a UUID, never by its sequential id."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed for retries.

    user_id is a plain integer so that core does not depend on the access app.
    """

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.BinaryField()
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class AuditEntry(models.Model):
    """One audited act: a change of personal data, a reveal, a login, an import.

    `changes` maps field -> [old, new] with identifiers masked; `path` is the region
    path of the object so an auditor's scope applies to the log as well.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=30, db_index=True)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    object_repr = models.CharField(max_length=200, blank=True, default="")
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"


class RateCounter(models.Model):
    """Hits of one rate-limit bucket in one fixed window, shared by every worker process.

    `key` is a SHA-256 of the caller's identity (address, token), never the identity itself.
    Used when no Redis is configured; see `core.ratelimit`.
    """

    bucket = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "key", "window_start"], name="ratecounter_unique_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.window_start}: {self.count}"


class StoredFile(PublicIdModel):
    """An uploaded photo, scan or attachment, kept privately (see `core.uploads`).

    The file lives under MEDIA_ROOT/private/ with a random name and mode 0600; it is
    served only by a view of the owning app after its scoped selector has passed.
    `path` is the region path of what the file belongs to, for scoping and purging.
    """

    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PathTally(models.Model):
    """How many rows of a tallied table lie at a region path, kept by database triggers
    (decision 0093): every insert, delete or move of a row appends (subject, path, ±n),
    and `core.tally.tally_compact` folds the rows of a path into one. Summing `n` over
    path prefixes counts a county's million residents without reading them."""

    subject = models.CharField(max_length=40)
    path = models.CharField(max_length=255)
    n = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["subject", "path"], name="path_tally_subject_path")]

    def __str__(self) -> str:
        return f"{self.subject} {self.path} {self.n:+d}"
