"""The person API: scoped lists and reads with masked identifiers, register/merge, update."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from bastion.core.idnumber import make_id_number
from bastion.core.models import AuditEntry
from bastion.people.identity import reveal_id_number, reveal_phone
from bastion.people.models import Person, Tag
from tests.mixins import (
    MISSING_UUID,
    APIReadTests,
    APIUpdateTests,
    api_login_client,
    api_patch,
    api_post,
    items,
)

PEOPLE = "/api/v1/people"
NEW_ID = make_id_number("430121", dt.date(1988, 8, 8), 135)
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


@pytest.fixture(autouse=True)
def chinese_messages():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def api_login(client):
    return lambda user: api_login_client(client, user)


class TestPersonAPI(APIReadTests, APIUpdateTests):
    list_url = PEOPLE
    persona = "gridworker"
    list_max_queries = 11
    update_persona = "gridworker"
    viewer_persona = "auditor"  # sees everyone, changes no one
    update_payload = {"relation_to_head": "户主"}

    def detail_key(self, county) -> str:
        return str(county.people["zhang"].public_id)

    def visible_keys(self, county) -> set[str]:
        return {str(county.people[k].public_id) for k in ("zhang", "li")}

    def hidden_keys(self, county) -> set[str]:
        return {str(county.people[k].public_id) for k in ("wang", "zhao")}

    def updated_value(self, county):
        return Person.objects.get(pk=county.people["zhang"].pk).relation_to_head


# --- reading --------------------------------------------------------------------


def test_identifiers_are_masked_in_lists_and_details(county, api_login):
    zhang = county.people["zhang"]
    client = api_login(county.gridworker)
    response = client.get(PEOPLE)
    detail = client.get(f"{PEOPLE}/{zhang.public_id}")
    for body in (response.content.decode(), detail.content.decode()):
        assert reveal_id_number(zhang) not in body
        assert reveal_phone(zhang) not in body
    person = detail.json()
    assert MASKED_ID.match(person["id_number_masked"])
    assert person["phone_masked"] == "138****1234"
    assert not {"id", "id_number", "phone", "id_number_encrypted", "id_number_index"} & set(person)
    assert person["grid_code"] == county.grid_a1_1.code
    assert person["household"]["label"] == "1栋101"


def test_list_filters(county, api_login):
    client = api_login(county.command)

    def names(**params):
        return {p["name"] for p in items(client.get(PEOPLE, params))}

    assert names(region=county.community_a1.code) == {"张建国", "李秀英", "王小明"}
    assert names(region=county.town_b.code) == {"赵大海"}
    household = county.people["wang"].household
    assert names(household=str(household.public_id)) == {"王小明"}
    assert names(tag="elderly_alone") == {"李秀英"}
    assert names(q="建国") == {"张建国"}

    def searched(**body):
        response = client.post(f"{PEOPLE}/search", body, content_type="application/json")
        return {p["name"] for p in items(response)}

    assert searched(q=reveal_id_number(county.people["zhao"])) == {"赵大海"}
    assert searched(q="139 0000 1111") == {"赵大海"}
    assert searched(q="建国", region=county.community_a1.code) == {"张建国"}


def test_team_member_lists_only_the_person_she_answers_for(county, api_login):
    client = api_login(county.teammember)
    assert [p["name"] for p in items(client.get(PEOPLE))] == ["王小明"]
    assert client.get(f"{PEOPLE}/{county.people['zhang'].public_id}").status_code == 404


def test_volunteer_sees_no_people(county, api_login):
    client = api_login(county.volunteer)
    assert items(client.get(PEOPLE)) == []
    assert client.get(f"{PEOPLE}/{county.people['li'].public_id}").status_code == 404


def test_outsider_gets_404_filtering_by_a_region_or_household_out_of_scope(county, api_login):
    client = api_login(county.outsider)
    assert client.get(PEOPLE, {"region": county.grid_a1_1.code}).status_code == 404
    household = county.people["zhang"].household
    assert client.get(PEOPLE, {"household": str(household.public_id)}).status_code == 404


def test_list_query_count_does_not_grow_with_rows(county, api_login, django_assert_max_num_queries):
    from tests.conftest import make_person

    tag = Tag.objects.get(code="elderly_alone")
    for n in range(30):
        make_person(county.grid_a1_1, f"居民{n}").tags.add(tag)
    client = api_login(county.command)
    with django_assert_max_num_queries(11):
        rows = items(client.get(PEOPLE))
    assert len(rows) == 34
    assert sum("elderly_alone" in p["tags"] for p in rows) == 31


def test_bad_household_id_is_a_validation_error(county, api_login):
    response = api_login(county.command).get(PEOPLE, {"household": "not-a-uuid"})
    assert response.status_code == 422


# --- registering ----------------------------------------------------------------


def register(client, county, **extra):
    payload = {
        "name": "刘德华",
        "id_number": NEW_ID,
        "phone": "+86 137 0000 1234",
        "grid": county.grid_a1_1.code,
        "household_label": "1栋101",
        "tags": ["elderly_alone"],
        **extra,
    }
    return api_post(client, PEOPLE, payload, REMOTE_ADDR="10.1.2.3")


def test_grid_worker_registers_a_person_in_her_grid(county, api_login):
    response = register(api_login(county.gridworker), county)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["conflicts"] == []
    person = body["person"]
    assert person["id_number_masked"] == NEW_ID[:6] + "********" + NEW_ID[-4:]
    assert person["phone_masked"] == "137****1234"
    assert person["gender"] == "M" and person["birth_date"] == "1988-08-08"
    assert person["tags"] == ["elderly_alone"]
    assert NEW_ID not in response.content.decode()
    entry = AuditEntry.objects.get(action="create", object_id=person["public_id"])
    assert entry.actor == county.gridworker and entry.ip_address == "10.1.2.3"


def test_registering_the_same_id_again_merges_and_reports_conflicts(county, api_login):
    client = api_login(county.gridworker)
    register(client, county)
    response = register(client, county, name="刘福荣", id_number=NEW_ID.lower())
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is False
    assert [c["field"] for c in body["conflicts"]] == ["name"]
    assert Person.objects.filter(name__in=["刘德华", "刘福荣"]).count() == 1


def test_registering_someone_on_file_out_of_scope_reveals_nothing_about_them(county, api_login):
    zhang = county.people["zhang"]
    response = register(
        api_login(county.outsider),
        county,
        name="张三",
        id_number=reveal_id_number(zhang),
        phone="",
        grid=county.grid_b1_1.code,
        household_label="",
        tags=[],
    )
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True and body["conflicts"] == []  # as for someone new
    assert body["person"]["name"] == "张三" and body["person"]["grid_code"] == county.grid_b1_1.code
    assert "张建国" not in response.content.decode()


def test_outsider_gets_404_registering_into_a_grid_she_cannot_see(county, api_login):
    assert register(api_login(county.outsider), county).status_code == 404
    assert not Person.objects.filter(name="刘德华").exists()


def test_grid_worker_gets_404_registering_into_a_sibling_grid(county, api_login):
    response = register(api_login(county.gridworker), county, grid=county.grid_a1_2.code)
    assert response.status_code == 404


def test_viewer_without_change_permission_gets_403_registering(county, api_login):
    assert register(api_login(county.auditor), county).status_code == 403
    assert not Person.objects.filter(name="刘德华").exists()


def test_user_without_roles_gets_404_registering(county, api_login):
    assert register(api_login(county.nobody), county).status_code == 404


def test_registering_needs_a_grid_below_county_level(county, api_login):
    response = register(api_login(county.community), county, grid=None, household_label="")
    assert response.status_code == 422
    assert "grid" in response.json()["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"gender": "女"}, "gender"),
        ({"tags": ["no_such_tag"]}, "tags"),
    ],
)
def test_invalid_registration_is_a_422_naming_the_field(county, api_login, change, field):
    response = register(api_login(county.gridworker), county, **change)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and field in body["fields"]


def test_anonymous_gets_401_registering(client, county):
    assert register(client, county).status_code == 401


# --- updating -------------------------------------------------------------------


def test_update_changes_phone_and_audits_masked_values(county, api_login):
    zhang = county.people["zhang"]
    client = api_login(county.gridworker)
    response = api_patch(client, f"{PEOPLE}/{zhang.public_id}", {"phone": "13700009999"})
    assert response.status_code == 200, response.content
    assert response.json()["phone_masked"] == "137****9999"
    entry = AuditEntry.objects.get(action="update", object_id=str(zhang.public_id))
    assert entry.changes == {"phone": ["138****1234", "137****9999"]}


def test_community_officer_moves_a_person_to_another_grid(county, api_login):
    wang = county.people["wang"]
    client = api_login(county.community)
    response = api_patch(client, f"{PEOPLE}/{wang.public_id}", {"grid": county.grid_a1_1.code})
    assert response.status_code == 200
    assert response.json()["grid_code"] == county.grid_a1_1.code
    assert Person.objects.get(pk=wang.pk).path == county.grid_a1_1.path


def test_grid_worker_gets_404_moving_a_person_to_a_grid_she_cannot_see(county, api_login):
    zhang = county.people["zhang"]
    client = api_login(county.gridworker)
    response = api_patch(client, f"{PEOPLE}/{zhang.public_id}", {"grid": county.grid_b1_1.code})
    assert response.status_code == 404
    assert Person.objects.get(pk=zhang.pk).region == county.grid_a1_1


def test_team_member_gets_403_updating_the_person_she_sees(county, api_login):
    wang = county.people["wang"]
    response = api_patch(api_login(county.teammember), f"{PEOPLE}/{wang.public_id}", {"name": "x"})
    assert response.status_code == 403


def test_invalid_update_is_a_422(county, api_login):
    zhang = county.people["zhang"]
    response = api_patch(api_login(county.gridworker), f"{PEOPLE}/{zhang.public_id}", {"name": ""})
    assert response.status_code == 422
    assert "name" in response.json()["fields"]


def test_update_of_a_missing_person_is_a_404(county, api_login):
    response = api_patch(api_login(county.command), f"{PEOPLE}/{MISSING_UUID}", {"name": "x"})
    assert response.status_code == 404
