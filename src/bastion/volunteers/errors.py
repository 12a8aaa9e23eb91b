"""One shape for refusals: a ValidationError naming the field, with a machine code.

`exc.code` lets the API answer with a specific status and code (task_full -> 409, …)
and tests assert the reason without parsing the message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse(field: str, message: str, code: str = "invalid") -> ValidationError:
    """A ValidationError {field: [message]} carrying `code`."""
    exc = ValidationError({field: [ValidationError(message, code=code)]})
    exc.code = code
    return exc
