"""JSON errors for the API: a machine code, a message in the request's language, field errors.

Every error body has the shape {"code": "...", "message": "...", "fields": {"name": ["..."]}}.
Endpoints raise ApiError (or Django's ValidationError / Http404) and never build error
bodies themselves.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("bastion.api")

# Fields named in a ValidationError without a field go under this key.
NON_FIELD = "__all__"


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    """A plain Django JSON error response (for middleware, outside the NinjaAPI)."""
    return HttpResponse(
        json.dumps(error_body(code, message, fields), ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
    return {NON_FIELD: [str(m) for m in exc.messages]}


_LOCATIONS = ("body", "query", "path", "header", "cookie", "form", "file")


def _field_path(loc) -> str:
    """ninja's location ("body", "payload", "name") -> "name"; nested parts joined with "."."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        if where in ("body", "form") and len(parts) > 1:
            parts.pop(0)  # the operation's parameter name, e.g. "payload"
    return ".".join(parts) or NON_FIELD


def ninja_validation_fields(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_path(error.get("loc", ())), []).append(_translate_pydantic(error))
    return fields


def _translate_pydantic(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("必填项")
    if kind in ("json_invalid", "value_error.jsondecode"):
        return _("请求体不是有效的 JSON")
    if kind.endswith("_parsing") or kind.endswith("_type"):
        return _("格式不正确")
    if kind == "string_too_long":
        return _("内容过长")
    if kind == "string_too_short":
        return _("内容过短")
    return str(error.get("msg", _("格式不正确")))


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "throttled",
}


def _http_message(status: int) -> str:
    messages = {
        400: _("请求有误"),
        401: _("请先登录，或提供有效的访问令牌"),
        403: _("没有权限执行此操作"),
        404: _("未找到该记录"),
        405: _("不支持该请求方法"),
        409: _("请求与当前状态冲突"),
        413: _("请求内容过大"),
        422: _("提交的数据有误"),
        429: _("请求过于频繁，请稍后重试"),
    }
    return messages.get(status, _("请求失败"))


def install_error_handlers(api) -> None:
    """Register the JSON error handlers on the NinjaAPI."""

    def respond(request, status: int, code: str, message: str, fields=None):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc: DjangoValidationError):
        return respond(
            request, 422, "validation_error", _("提交的数据有误"), django_validation_fields(exc)
        )

    @api.exception_handler(NinjaValidationError)
    def on_ninja_validation(request, exc: NinjaValidationError):
        return respond(
            request, 422, "validation_error", _("提交的数据有误"), ninja_validation_fields(exc)
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return respond(request, 404, "not_found", _("未找到该记录"))

    @api.exception_handler(AuthenticationError)
    def on_not_authenticated(request, exc: AuthenticationError):
        message = exc.message if exc.message != "Unauthorized" else _http_message(401)
        return respond(request, 401, "not_authenticated", message)

    @api.exception_handler(AuthorizationError)
    def on_not_authorized(request, exc: AuthorizationError):
        message = exc.message if exc.message != "Forbidden" else _http_message(403)
        return respond(request, 403, "forbidden", message)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc: PermissionDenied):
        return respond(request, 403, "forbidden", _http_message(403))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        status = exc.status_code
        code = _HTTP_CODES.get(status, "error")
        # ninja's own English messages are replaced; ours (already translated) are kept.
        message = exc.message if _is_ours(exc.message) else _http_message(status)
        return respond(request, status, code, message)

    @api.exception_handler(Exception)
    def on_unexpected(request, exc: Exception):
        if _is_nul_character_error(exc):
            # PostgreSQL cannot store U+0000 in text; the write was rolled back.
            return respond(
                request, 422, "validation_error", _("提交的内容含有不允许的空字符（\\u0000）")
            )
        from bastion.core.unavailable import is_database_unavailable, unavailable_response

        if is_database_unavailable(exc):
            logger.warning("database unavailable on %s %s: %s", request.method, request.path,
                           type(exc).__name__)  # fmt: skip
            return unavailable_response(request)
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return respond(request, 500, "server_error", _("服务器内部错误，请稍后重试"))


def _is_nul_character_error(exc: Exception) -> bool:
    """PostgreSQL (psycopg) refuses text with NUL characters: a DataError or a ValueError."""
    from django.db import DataError

    return isinstance(exc, (ValueError, DataError)) and "NUL (0x00)" in str(exc)


def _is_ours(message: str) -> bool:
    """Our messages are Chinese msgids (or their translation); ninja's are fixed English."""
    return message not in {
        "Unauthorized",
        "Forbidden",
        "Too many requests.",
        "CSRF check Failed",
        "Not Found",
    } and not message.startswith("Cannot parse request body")
