"""JSON errors for the API: a machine code, a message in the request's language, field errors."""

from __future__ import annotations


def install_error_handlers(api) -> None:
    return None
