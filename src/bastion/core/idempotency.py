"""Idempotency-Key for POSTs under /api/v1/: a retry gets the first response, never a second write.

The first response to (user, key) is stored (2xx and 4xx; a 5xx is rolled back and not
stored, so the client may retry). A replay returns it with `Idempotent-Replay: true`;
the same key with another method, path or body gets 409 "idempotency_conflict".

A response marked `Cache-Control: no-store` (a revealed ID number, a new API key) is
never stored: the claim keeps only the fact that the request was done, and a replay
gets 409 "idempotency_result_withheld" instead of a second write or the secret.

The claim row, the view and the stored response share one transaction: a concurrent
duplicate blocks on the (user_id, key) unique index (PostgreSQL) or on the write lock
(SQLite, IMMEDIATE transactions) until the first commits, then replays it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from bastion.core.apierrors import error_response
from bastion.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replay"
MAX_KEY_LENGTH = 200
_CHUNK = 1024 * 1024


def request_fingerprint(request) -> str:
    """SHA-256 of method, path and body (multipart: fields and file contents, streamed)."""
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\n")
    digest.update(request.get_full_path().encode())
    digest.update(b"\n")
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks(_CHUNK):
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _no_store(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control.lower()


def _replay(record: IdempotencyRecord):
    from django.http import HttpResponse

    response = HttpResponse(
        bytes(record.response_body), status=record.status_code, content_type=record.content_type
    )
    response[REPLAY_HEADER] = "true"
    return response


WITHHELD = "application/x-bastion-withheld"


def _withheld():
    return error_response(
        409,
        "idempotency_result_withheld",
        _("该请求已经完成；结果含敏感信息，只显示一次，不再重发"),
    )


def _conflict():
    return error_response(
        409,
        "idempotency_conflict",
        _("该幂等键已用于另一个请求，请为新的请求生成新的键"),
        {HEADER: [_("幂等键与之前的请求内容不一致")]},
    )


class IdempotencyMiddleware:
    """Applies to POST requests under settings.IDEMPOTENCY_PATH_PREFIX with an Idempotency-Key."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = getattr(settings, "IDEMPOTENCY_PATH_PREFIX", "/api/v1/")
        self.resolve_user = import_string(settings.IDEMPOTENCY_USER_RESOLVER)

    def __call__(self, request):
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith(self.prefix):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return error_response(
                422,
                "validation_error",
                _("提交的数据有误"),
                {HEADER: [_("幂等键不能超过 %(n)d 个字符") % {"n": MAX_KEY_LENGTH}]},
            )
        user = self.resolve_user(request)
        if user is None:
            # Not authenticated: the API answers 401; nothing to remember.
            return self.get_response(request)
        fingerprint = request_fingerprint(request)
        return self._handle(request, user.pk, key, fingerprint)

    def _handle(self, request, user_id: int, key: str, fingerprint: str):
        with transaction.atomic():
            record, created = self._claim(request, user_id, key, fingerprint)
            if not created:
                if record.request_hash != fingerprint:
                    return _conflict()
                if record.content_type == WITHHELD:
                    return _withheld()
                return _replay(record)

            response = self.get_response(request)
            if response.status_code >= 500:
                # Undo the claim and whatever the failed request wrote; a retry runs afresh.
                transaction.set_rollback(True)
                return response
            if response.streaming:
                record.delete()  # a stream cannot be stored; the write itself stands
                return response
            if _no_store(response):
                # Remember that it was done, not what it said: the body holds a secret.
                record.status_code = response.status_code
                record.content_type = WITHHELD
                record.save(update_fields=["status_code", "content_type"])
                return response
            record.status_code = response.status_code
            record.response_body = response.content
            record.content_type = response.get("Content-Type", "application/json")
            record.save(update_fields=["status_code", "response_body", "content_type"])
            return response

    @staticmethod
    def _claim(request, user_id: int, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
        """Insert the placeholder, or lock and return the record that holds (user, key).

        A concurrent duplicate waits on the (user_id, key) unique index until the first
        request's transaction ends: if that committed, this one gets its record (locked
        FOR UPDATE) and replays it; if it rolled back (5xx), this one claims the key.
        """
        if connection.vendor == "postgresql":
            record = _claim_postgresql(request, user_id, key, fingerprint)
            if record is not None:
                return record, True
            return IdempotencyRecord.objects.select_for_update().get(
                user_id=user_id, key=key
            ), False
        # Portable path (SQLite): look first, then insert under a savepoint.
        record = (
            IdempotencyRecord.objects.select_for_update().filter(user_id=user_id, key=key).first()
        )
        if record is not None:
            return record, False
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=user_id,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=fingerprint,
                    status_code=0,
                    response_body=b"",
                )
        except IntegrityError:
            return IdempotencyRecord.objects.select_for_update().get(
                user_id=user_id, key=key
            ), False
        return record, True


_CLAIM_SQL = """
INSERT INTO {table} (user_id, key, method, path, request_hash, status_code, response_body,
                     content_type, created_at)
VALUES (%s, %s, %s, %s, %s, 0, %s, %s, %s)
ON CONFLICT (user_id, key) DO NOTHING
RETURNING id
"""


def _claim_postgresql(request, user_id: int, key: str, fingerprint: str):
    """One statement instead of SELECT FOR UPDATE + SAVEPOINT + INSERT + RELEASE; None when
    (user_id, key) is already held (by a committed request, after waiting for it)."""
    now = timezone.now()
    record = IdempotencyRecord(
        user_id=user_id,
        key=key,
        method=request.method,
        path=request.path[:500],
        request_hash=fingerprint,
        status_code=0,
        response_body=b"",
        created_at=now,
    )
    sql = _CLAIM_SQL.format(table=connection.ops.quote_name(IdempotencyRecord._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                user_id,
                record.key,
                record.method,
                record.path,
                fingerprint,
                record.response_body,
                record.content_type,
                now,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk = row[0]
    record._state.adding = False
    record._state.db = connection.alias
    return record
