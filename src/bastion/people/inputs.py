"""Validated input for the person registry: what a caller may give and what it becomes.

`person_input_clean` is the one place a raw registration (a form, the API, a roster
row, the demo) is checked: ID number (GB 11643), phone, gender and birth date against
the ID, tags. Errors are ValidationErrors keyed by field, in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.core.idnumber import IdNumberError, parse_id_number
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Level, Region
from bastion.people.models import Gender, Tag

T = TypeVar("T")

NAME_MAX_LENGTH = 60  # Person.name's max_length

_GENDER_WORDS = {
    "M": Gender.MALE,
    "F": Gender.FEMALE,
    "男": Gender.MALE,
    "女": Gender.FEMALE,
    "male": Gender.MALE,
    "female": Gender.FEMALE,
}


@dataclass
class PersonInput:
    """What a form, an API call or an import row says about a person (raw, unvalidated)."""

    name: str
    id_number: str
    phone: str = ""
    gender: str = ""  # "M"/"F"/"男"/"女"; blank: derived from the ID number
    birth_date: dt.date | None = None  # blank: derived from the ID number
    grid: Region | None = None
    household_label: str = ""
    relation_to_head: str = ""
    address_text: str = ""
    tags: list[str] = field(default_factory=list)  # Tag codes (or Chinese names)


@dataclass
class CleanPerson:
    """A validated PersonInput: normalized identifiers and resolved references."""

    name: str
    id_number: str
    phone: str
    gender: str
    birth_date: dt.date
    grid: Region | None
    household_label: str
    relation_to_head: str
    address_text: str
    tags: list[Tag]


_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date_text(text: str) -> dt.date | None:
    """A date as people write it in a spreadsheet: 2020-01-23, 2020/1/23, 2020.1.23,
    2020年1月23日, 20200123 (a time after it is ignored; full-width digits accepted).
    None when it is not a date; every importer reads dates with this one function."""
    value = unicodedata.normalize("NFKC", text or "").strip().split("T")[0].split(" ")[0]
    if len(value) == 8 and value.isascii() and value.isdigit():
        parts = (value[:4], value[4:6], value[6:])
    elif match := _DATE_TEXT.fullmatch(value):
        parts = match.groups()
    else:
        return None
    try:
        return dt.date(*(int(p) for p in parts))
    except ValueError:
        return None


def parse_gender(raw: str) -> str | None:
    """'男'/'女'/'M'/'F' (any case) -> Gender value; '' -> ''; anything else -> None."""
    text = (raw or "").strip()
    if not text:
        return ""
    return _GENDER_WORDS.get(text) or _GENDER_WORDS.get(text.lower())


# The checks below are shared with the roster importer (`people.bulk`), which runs them
# per row on text cells, so a form, the API and an import row get the same rules and
# the same messages. Each returns the message, or None when the value is acceptable.


def name_error(name: str) -> str | None:
    """What is wrong with a (stripped) name."""
    if not name:
        return _("姓名不能为空")
    if len(name) > NAME_MAX_LENGTH:
        return _("姓名不能超过60个字")
    return None


def gender_error(raw: str, id_gender: str | None) -> str | None:
    """What is wrong with a stated gender, given the ID number's (None: no valid ID)."""
    gender = parse_gender(raw)
    if gender is None:
        return _("性别应为“男”或“女”")
    if gender and id_gender and gender != id_gender:
        return _("性别与身份证号不符")
    return None


def birth_date_error(born: dt.date | None, id_born: dt.date | None) -> str | None:
    """What is wrong with a stated birth date, given the ID number's (None: no valid ID)."""
    if born and id_born and born != id_born:
        return _("出生日期与身份证号不符")
    return None


def tag_index(rows: Iterable[tuple[T, str, str, str]]) -> dict[str, T]:
    """(value, code, name_zh, name_en) rows -> lookup by code, Chinese or English name."""
    index: dict[str, T] = {}
    for value, code, name_zh, name_en in rows:
        index[code] = index[name_zh] = index[name_en.lower()] = value
    return index


def tag_find(index: dict[str, T], word: str) -> T | None:
    """A tag from `tag_index` by a word as written (English names in any case)."""
    return index.get(word) or index.get(word.lower())


def unknown_tags_error(unknown: list[str]) -> str:
    return _("未知标签：%(tags)s") % {"tags": "、".join(unknown)}


def resolve_tags(values: list[str]) -> list[Tag]:
    """Tags by code or Chinese/English name; an unknown one raises ValidationError."""
    wanted = [v.strip() for v in values if v and v.strip()]
    if not wanted:
        return []
    known = tag_index((t, t.code, t.name_zh, t.name_en) for t in Tag.objects.all())
    tags: list[Tag] = []
    unknown: list[str] = []
    for value in wanted:
        tag = tag_find(known, value)
        if tag is None:
            unknown.append(value)
        elif tag not in tags:
            tags.append(tag)
    if unknown:
        raise ValidationError({"tags": unknown_tags_error(unknown)})
    return tags


def person_input_clean(data: PersonInput) -> CleanPerson:
    """Validate a PersonInput; ValidationError maps field names to Chinese messages."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if message := name_error(name):
        errors["name"] = message
    parsed = None
    try:
        parsed = parse_id_number(data.id_number or "")
    except IdNumberError as exc:
        errors["id_number"] = str(exc)
    phone = ""
    if (data.phone or "").strip():
        try:
            phone = parse_mobile(data.phone)
        except PhoneError as exc:
            errors["phone"] = str(exc)
    if message := gender_error(data.gender, parsed.gender if parsed else None):
        errors["gender"] = message
    if message := birth_date_error(data.birth_date, parsed.birth_date if parsed else None):
        errors["birth_date"] = message
    if data.grid is not None and data.grid.level != Level.GRID:
        errors["grid"] = _("所选区域不是网格")
    if data.household_label.strip() and data.grid is None:
        errors["household_label"] = _("填写户号时必须指定网格")
    tags: list[Tag] = []
    try:
        tags = resolve_tags(list(data.tags or []))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    return CleanPerson(
        name=name,
        id_number=parsed.value,
        phone=phone,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        grid=data.grid,
        household_label=data.household_label.strip(),
        relation_to_head=data.relation_to_head.strip(),
        address_text=data.address_text.strip(),
        tags=tags,
    )
