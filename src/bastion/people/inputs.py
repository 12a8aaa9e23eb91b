"""Validated input for the person registry: what a caller may give and what it becomes.

`person_input_clean` is the one place a raw registration (a form, the API, a roster
row, the demo) is checked: ID number (GB 11643), phone, gender and birth date against
the ID, tags. Errors are ValidationErrors keyed by field, in the user's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.core.idnumber import IdNumberError, parse_id_number
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Level, Region
from bastion.people.models import Gender, Tag

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


def parse_gender(raw: str) -> str | None:
    """'男'/'女'/'M'/'F' (any case) -> Gender value; '' -> ''; anything else -> None."""
    text = (raw or "").strip()
    if not text:
        return ""
    return _GENDER_WORDS.get(text) or _GENDER_WORDS.get(text.lower())


def resolve_tags(values: list[str]) -> list[Tag]:
    """Tags by code or Chinese/English name; an unknown one raises ValidationError."""
    wanted = [v.strip() for v in values if v and v.strip()]
    if not wanted:
        return []
    known = {}
    for tag in Tag.objects.all():
        known[tag.code] = tag
        known[tag.name_zh] = tag
        known[tag.name_en.lower()] = tag
    tags: list[Tag] = []
    unknown: list[str] = []
    for value in wanted:
        tag = known.get(value) or known.get(value.lower())
        if tag is None:
            unknown.append(value)
        elif tag not in tags:
            tags.append(tag)
    if unknown:
        raise ValidationError({"tags": _("未知标签：%(tags)s") % {"tags": "、".join(unknown)}})
    return tags


def person_input_clean(data: PersonInput) -> CleanPerson:
    """Validate a PersonInput; ValidationError maps field names to Chinese messages."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _("姓名不能为空")
    elif len(name) > 60:
        errors["name"] = _("姓名不能超过60个字")
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
    gender = parse_gender(data.gender)
    if gender is None:
        errors["gender"] = _("性别应为“男”或“女”")
    elif gender and parsed is not None and gender != parsed.gender:
        errors["gender"] = _("性别与身份证号不符")
    if data.birth_date and parsed is not None and data.birth_date != parsed.birth_date:
        errors["birth_date"] = _("出生日期与身份证号不符")
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
