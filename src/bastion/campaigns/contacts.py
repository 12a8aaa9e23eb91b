"""Contact phone numbers of venues and partner companies: stored like a person's
(encrypted, masked for display; revealed only with a reason, audited)."""

from __future__ import annotations

from bastion.core import crypto
from bastion.core.masking import mask_phone
from bastion.core.phone import PhoneError, parse_mobile


def contact_fields(phone: str) -> dict:
    """Model values for a validated mobile number ('' clears it)."""
    return {
        "contact_phone_encrypted": crypto.encrypt(phone),
        "contact_phone_masked": mask_phone(phone),
    }


def clean_phone(raw: str, field: str, errors: dict) -> str:
    """The 11-digit number, '' when blank; a message in `errors[field]` when malformed."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return parse_mobile(raw)
    except PhoneError as exc:
        errors[field] = [str(exc)]
        return ""
