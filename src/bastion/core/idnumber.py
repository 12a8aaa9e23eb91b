"""Resident ID numbers (GB 11643-1999): 18 characters, MOD 11-2 check character.

Layout: 6-digit division code, 8-digit birth date (YYYYMMDD), 3-digit sequence
(odd for men, even for women), 1 check character (0-9 or X).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
MALE, FEMALE = "M", "F"


class IdNumberError(ValueError):
    """The ID number is malformed; str(error) is a message for the user."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # MALE or FEMALE


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


# What an ID number typed into a numeric Excel cell becomes: 15 significant digits at
# most, shown in scientific notation. The last digits are lost; never guess them.
_EXCEL_NUMBER = re.compile(r"\d(?:\.\d+)?E\+?\d+")


def normalize(raw: str) -> str:
    """NFKC (full-width digits and letters become ASCII), spaces removed, x upper-cased."""
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate and decode an ID number, raising IdNumberError with a user-facing reason."""
    value = normalize(raw)
    if _EXCEL_NUMBER.fullmatch(value):
        raise IdNumberError(_("身份证号被Excel存成了数字，请把该列设为文本后重新填写"))
    if len(value) != 18:
        raise IdNumberError(_("身份证号应为18位，实际为%(n)d位") % {"n": len(value)})
    if not value[:17].isdigit() or not value[:17].isascii():
        raise IdNumberError(_("身份证号前17位必须是数字"))
    last = value[17]
    if not (last.isdigit() and last.isascii()) and last != "X":
        raise IdNumberError(_("身份证号最后一位必须是数字或X"))
    if check_char(value[:17]) != last:
        raise IdNumberError(_("身份证号校验位错误"))
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError(_("身份证号中的出生日期不存在")) from exc
    today = today or dt.date.today()  # noqa: DTZ011 - calendar date is enough here
    if born > today or born.year < 1880:
        raise IdNumberError(_("身份证号中的出生日期超出合理范围"))
    gender = MALE if int(value[16]) % 2 == 1 else FEMALE
    return IdNumber(value=value, birth_date=born, gender=gender)


def make_id_number(division: str, born: dt.date, sequence: int) -> str:
    """Build a valid ID number (demo data and tests): sequence 0..999, odd means male."""
    first17 = f"{division[:6]}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
