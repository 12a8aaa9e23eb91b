"""JSON errors for the API: a machine code, a message in the request's language, field errors.

Every error body has the shape {"code": "...", "message": "...", "fields": {"name": ["..."]}}.
Endpoints raise ApiError (or Django's ValidationError / Http404) and never build error
bodies themselves.
"""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def install_error_handlers(api) -> None:
    """Register the handlers on the NinjaAPI (filled in with the API infrastructure)."""
    del api
