"""Small helpers the campaigns services share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.core.uploads import private_root

REASON_MIN = 4


def user_or_none(actor):
    """The actor as a user to store on a record (None for the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def is_recorder(actor, recorded_by_id: int | None) -> bool:
    return recorded_by_id is not None and recorded_by_id == getattr(actor, "pk", None)


def clean_reason(reason: str, *, message: str = "", field: str = "reason") -> str:
    """The stripped reason; ValidationError({field: message}) when shorter than REASON_MIN.
    `message` has a %(n)d for the minimum length."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        text = message or _("请填写原因（至少 %(n)d 个字）")
        raise ValidationError({field: [text % {"n": REASON_MIN}]})
    return reason


def discard_files(stored) -> None:
    """Remove files stored for a write that did not commit (their rows roll back)."""
    for item in stored:
        if item is not None:
            (private_root() / item.storage_name).unlink(missing_ok=True)
