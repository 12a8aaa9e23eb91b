"""person_register / person_update: create, merge, conflicts, derived fields, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from bastion.core.idnumber import make_id_number
from bastion.core.models import AuditEntry
from bastion.geo.models import Household
from bastion.people.identity import reveal_id_number, reveal_phone
from bastion.people.models import Person
from bastion.people.services import PersonInput, person_register, person_update

ID_M = make_id_number("430121", dt.date(1985, 3, 14), 123)  # odd: male
ID_F = make_id_number("430121", dt.date(1990, 7, 1), 124)  # even: female


def _data(county, **kw) -> PersonInput:
    base = {"name": "刘德华", "id_number": ID_M, "grid": county.grid_a1_1}
    base.update(kw)
    return PersonInput(**base)


def test_register_creates_person_with_derived_gender_and_birth_date(county):
    result = person_register(actor=county.gridworker, data=_data(county, phone="13700001234"))
    person = result.person
    assert result.created and result.conflicts == []
    assert person.gender == "M" and person.birth_date == dt.date(1985, 3, 14)
    assert reveal_id_number(person) == ID_M and reveal_phone(person) == "13700001234"
    assert person.path == county.grid_a1_1.path
    assert person.id_number_masked == ID_M[:6] + "********" + ID_M[-4:]


def test_register_lowercase_x_and_spaces_are_normalized(county):
    number = next(
        make_id_number("430121", dt.date(1970, 1, d), 11)
        for d in range(1, 29)
        if make_id_number("430121", dt.date(1970, 1, d), 11).endswith("X")
    )
    raw = " " + number[:-1] + "x "
    result = person_register(actor=None, data=_data(county, id_number=raw))
    assert reveal_id_number(result.person) == number


def test_register_twice_merges_and_fills_blanks(county):
    first = person_register(actor=None, data=_data(county)).person
    result = person_register(
        actor=None, data=_data(county, phone="13700001234", address_text="星沙大道1号")
    )
    assert not result.created and result.person.pk == first.pk
    assert Person.objects.filter(name="刘德华").count() == 1
    result.person.refresh_from_db()
    assert result.person.phone_masked == "137****1234"
    assert result.person.address_text == "星沙大道1号"


def test_merge_keeps_different_values_and_reports_masked_conflicts(county):
    person_register(actor=None, data=_data(county, phone="13700001234"))
    result = person_register(
        actor=None,
        data=_data(county, name="刘德", phone="13900009999", grid=county.grid_a1_2),
    )
    fields = {c["field"]: c for c in result.conflicts}
    assert set(fields) == {"name", "phone", "grid"}
    assert fields["phone"] == {
        "field": "phone",
        "existing": "137****1234",
        "incoming": "139****9999",
    }
    person = Person.objects.get(pk=result.person.pk)
    assert person.name == "刘德华" and person.region == county.grid_a1_1
    assert reveal_phone(person) == "13700001234"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"gender": "女"}, "gender"),
        ({"gender": "x"}, "gender"),
        ({"birth_date": dt.date(1985, 3, 15)}, "birth_date"),
        ({"id_number": ID_M[:-1] + ("0" if ID_M[-1] != "0" else "1")}, "id_number"),
        ({"id_number": "4301"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"name": "  "}, "name"),
        ({"tags": ["nonexistent"]}, "tags"),
        ({"grid": None, "household_label": "1栋"}, "household_label"),
    ],
)
def test_register_rejects_bad_input_with_field_key(county, kw, field):
    with pytest.raises(ValidationError) as info:
        person_register(actor=None, data=_data(county, **kw))
    assert field in info.value.message_dict
    assert Person.objects.filter(name="刘德华").count() == 0


def test_register_rejects_grid_that_is_not_a_grid(county):
    with pytest.raises(ValidationError) as info:
        person_register(actor=None, data=_data(county, grid=county.community_a1))
    assert "grid" in info.value.message_dict


def test_gender_agreeing_with_id_is_accepted(county):
    person = person_register(
        actor=None, data=_data(county, id_number=ID_F, gender="女", birth_date=dt.date(1990, 7, 1))
    ).person
    assert person.gender == "F"


def test_household_found_or_created_by_label(county):
    existing = Household.objects.get(region=county.grid_a1_1, label="1栋101")
    a = person_register(actor=None, data=_data(county, household_label="1栋101")).person
    assert a.household == existing
    b = person_register(
        actor=None, data=_data(county, id_number=ID_F, household_label="9栋909")
    ).person
    assert b.household.label == "9栋909" and b.household.region == county.grid_a1_1
    assert Household.objects.filter(region=county.grid_a1_1, label="9栋909").count() == 1


def test_tags_by_code_or_chinese_name(county):
    person = person_register(actor=None, data=_data(county, tags=["chronic", "独居老人"])).person
    assert sorted(person.tags.values_list("code", flat=True)) == ["chronic", "elderly_alone"]


def test_audit_entries_hold_masked_values_only(county):
    person = person_register(
        actor=county.gridworker, data=_data(county, phone="13700001234"), ip_address="10.0.0.1"
    ).person
    person_register(actor=county.gridworker, data=_data(county, phone="13900009999"))
    person_update(actor=county.gridworker, person=person, changes={"phone": "13600005555"})
    entries = AuditEntry.objects.filter(object_id=str(person.public_id)).order_by("id")
    assert [e.action for e in entries] == ["create", "merge", "update"]
    assert entries[0].ip_address == "10.0.0.1" and entries[0].actor == county.gridworker
    dumped = json.dumps([e.changes for e in entries], ensure_ascii=False) + "".join(
        e.object_repr for e in entries
    )
    for secret in (ID_M, "13700001234", "13900009999", "13600005555"):
        assert secret not in dumped
    assert entries[2].changes["phone"] == ["137****1234", "136****5555"]


def test_update_changes_fields_and_moves_household_with_grid(county):
    person = person_register(actor=None, data=_data(county, household_label="1栋101")).person
    updated = person_update(
        actor=county.community,
        person=person,
        changes={"grid": county.grid_a1_2, "household_label": "2栋201", "name": "刘德华2"},
    )
    assert updated.region == county.grid_a1_2 and updated.path == county.grid_a1_2.path
    assert updated.household.label == "2栋201" and updated.household.region == county.grid_a1_2
    assert updated.name == "刘德华2"


def test_update_rejects_id_number_change_and_bad_phone(county):
    person = person_register(actor=None, data=_data(county)).person
    with pytest.raises(ValidationError) as info:
        person_update(actor=None, person=person, changes={"id_number": ID_F})
    assert "id_number" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        person_update(actor=None, person=person, changes={"phone": "123"})
    assert "phone" in info.value.message_dict


def test_update_replaces_tags_and_clears_phone(county):
    person = person_register(
        actor=None, data=_data(county, phone="13700001234", tags=["chronic"])
    ).person
    person_update(actor=None, person=person, changes={"tags": ["disabled"], "phone": ""})
    person.refresh_from_db()
    assert list(person.tags.values_list("code", flat=True)) == ["disabled"]
    assert person.phone_index == "" and person.phone_encrypted == ""
