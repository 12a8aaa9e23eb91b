"""A roster row and a form/API registration are judged by the same rules and messages.

`people.bulk` validates text cells on the import's hot path; `people.inputs` validates a
PersonInput. Both call the checks in `people.inputs`; these tests catch them drifting.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from bastion.core.idnumber import make_id_number
from bastion.people.bulk import EncodeContext, encode_chunk
from bastion.people.importing import _tag_map
from bastion.people.inputs import PersonInput, person_input_clean, resolve_tags, tag_find

MAN = make_id_number("430121", dt.date(1980, 5, 6), 11)
KEYS = ("name", "id_number", "gender", "birth_date", "tags")

CASES = {
    "blank name": ("", MAN, "", "", ""),
    "long name": ("长" * 61, MAN, "", "", ""),
    "bad id": ("陈一", MAN[:-1] + ("0" if MAN[-1] != "0" else "1"), "", "", ""),
    "unknown gender": ("陈一", MAN, "未知", "", ""),
    "gender against id": ("陈一", MAN, "女", "", ""),
    "birth date against id": ("陈一", MAN, "", "1980-05-07", ""),
    "unknown tags": ("陈一", MAN, "", "", "慢性病、不存在、nope"),
}


def _bulk_messages(texts: tuple[str, ...], language: str) -> dict[str, str]:
    ctx = EncodeContext(
        keys=KEYS,
        labels={k: k for k in KEYS},  # column label = field name, to compare with the form
        fernet_key=settings.FIELD_ENCRYPTION_KEYS[0],
        index_key=settings.BLIND_INDEX_KEY.encode(),
        grids={"G1": (1, "1/", "网格一")},
        grid_names={},
        tags=_tag_map(),
        default_grid="G1",
        created_at=timezone.now().isoformat(),
        today=timezone.localdate(),
        language=language,
    )
    chunk = encode_chunk(ctx, [(2, list(texts))])
    assert not chunk.valid
    ((_row, _texts, errors),) = chunk.rejected
    return dict(errors)


def _form_messages(texts: tuple[str, ...], language: str) -> dict[str, str]:
    name, id_number, gender, birth, tags = texts
    data = PersonInput(
        name=name,
        id_number=id_number,
        gender=gender,
        birth_date=dt.date.fromisoformat(birth) if birth else None,
        tags=tags.split("、") if tags else [],
    )
    with translation.override(language), pytest.raises(ValidationError) as exc:
        person_input_clean(data)
    return {field: messages[0] for field, messages in exc.value.message_dict.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(CASES))
def test_roster_row_and_form_reject_the_same_fields_with_the_same_messages(case, language):
    texts = CASES[case]
    bulk = _bulk_messages(texts, language)
    form = _form_messages(texts, language)
    assert bulk == form
    assert all(bulk.values())


@pytest.mark.django_db
def test_tag_names_resolve_alike_in_the_form_and_the_import():
    words = ["elderly_alone", "独居老人", "ELDERLY LIVING ALONE"]
    by_form = {tag.pk for tag in resolve_tags(words)}
    index = _tag_map()
    by_import = {tag_find(index, w) for w in words}
    assert len(by_form) == 1
    assert by_form == by_import
