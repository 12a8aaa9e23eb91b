"""Requests the server refuses before reading them: bodies over the size limits (413),
and JSON text carrying lone surrogates (422), which no database can store.

`RequestSizeMiddleware` answers 413 when the declared length passes
DATA_UPLOAD_MAX_MEMORY_SIZE (uploads: BASTION_MAX_IMPORT_BYTES), turns Django's
RequestDataTooBig (a body read past the limit) into a 413 too, instead of an error
page, and refuses API JSON with lone surrogates (422).
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.utils.translation import gettext as _

from bastion.core.apierrors import error_response

_SURROGATE = re.compile("[\ud800-\udfff]")


def _limit(request) -> int | None:
    base = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if base is None:
        return None
    if (request.META.get("CONTENT_TYPE") or "").startswith("multipart/form-data"):
        return base + getattr(settings, "BASTION_MAX_IMPORT_BYTES", 0)
    return base


def too_large(request):
    message = _("提交的内容太大，请减少后重试")
    if request.path.startswith(getattr(settings, "IDEMPOTENCY_PATH_PREFIX", "/api/")):
        return error_response(413, "payload_too_large", message)
    return render(request, "core/too_large.html", {"message": message}, status=413)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = _limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return too_large(request)
        if request.path.startswith(getattr(settings, "IDEMPOTENCY_PATH_PREFIX", "/api/")):
            refused = lone_surrogate_response(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        return None


def has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")


def lone_surrogate_response(request):
    """A 422 for a JSON body whose text holds a lone surrogate (\\ud800 alone: valid
    JSON, not valid text, and no database stores it); None otherwise. Cheap: the body
    is decoded only when it holds an escaped surrogate at all (emoji pairs do)."""
    if "json" not in (request.META.get("CONTENT_TYPE") or ""):
        return None
    body = request.body
    if not _ESCAPED_SURROGATE.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # the API's parser answers 400 for text that is not JSON
    if not has_lone_surrogate(data):
        return None
    return error_response(
        422,
        "validation_error",
        _("提交的文字中含有无法识别的字符，请删除后重新输入"),
        {"body": [_("提交的文字中含有无法识别的字符，请删除后重新输入")]},
    )
