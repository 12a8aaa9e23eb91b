"""Shared model building blocks: public ids, timestamps, and idempotency records."""

from __future__ import annotations

import uuid

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
