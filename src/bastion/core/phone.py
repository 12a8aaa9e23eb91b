"""Mainland China mobile numbers: 11 digits starting 1[3-9]; +86 / 0086 prefixes accepted."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = str.maketrans("", "", " -\u3000()")


class PhoneError(ValueError):
    """The phone number is malformed; str(error) is a message for the user."""


def parse_mobile(raw: str) -> str:
    """Return the 11-digit mobile number or raise PhoneError (full-width digits accepted)."""
    value = unicodedata.normalize("NFKC", raw).strip().translate(_SEPARATORS)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not _MOBILE.fullmatch(value) or not value.isascii():
        raise PhoneError(_("手机号应为以13至19开头的11位数字"))
    return value
