"""The stored forms of a person's identifiers: ciphertext, blind index, masked display."""

from __future__ import annotations

from bastion.core import crypto
from bastion.core.masking import mask_id_number, mask_phone

ID_PURPOSE = "id"
PHONE_PURPOSE = "phone"


def id_number_index(id_number: str) -> str:
    return crypto.blind_index(id_number, purpose=ID_PURPOSE)


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, purpose=PHONE_PURPOSE)


def id_number_fields(id_number: str) -> dict[str, object]:
    """Model field values for a normalized, validated ID number ('' clears it)."""
    if not id_number:
        return {"id_number_encrypted": "", "id_number_index": None, "id_number_masked": ""}
    return {
        "id_number_encrypted": crypto.encrypt(id_number),
        "id_number_index": id_number_index(id_number),
        "id_number_masked": mask_id_number(id_number),
    }


def phone_fields(phone: str) -> dict[str, object]:
    """Model field values for a normalized, validated mobile number ('' clears it)."""
    if not phone:
        return {"phone_encrypted": "", "phone_index": "", "phone_masked": ""}
    return {
        "phone_encrypted": crypto.encrypt(phone),
        "phone_index": phone_index(phone),
        "phone_masked": mask_phone(phone),
    }


def reveal_id_number(person) -> str:
    """Decrypt; callers must have checked permission and written the audit entry."""
    return crypto.decrypt(person.id_number_encrypted)


def reveal_phone(person) -> str:
    return crypto.decrypt(person.phone_encrypted)
