"""Security review of the foundation: each test pins one fixed finding."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib import admin

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role
from bastion.core.models import AuditEntry, IdempotencyRecord
from bastion.people.identity import reveal_id_number, reveal_phone
from bastion.people.models import Person
from tests.conftest import make_user
from tests.mixins import api_login_client, items, table_file

PEOPLE = "/api/v1/people"


@pytest.fixture
def api_login(client):
    return lambda user: api_login_client(client, user)


# --- a revealed value is never stored for idempotent replay ---------------------------


def test_reveal_with_idempotency_key_stores_no_clear_value(county, api_login):
    client = api_login(county.gridworker)
    zhang = county.people["zhang"]
    key = str(uuid.uuid4())

    def reveal():
        return client.post(
            f"{PEOPLE}/{zhang.public_id}/reveal",
            {"field": "phone", "reason": "核实返乡人员身份"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    first = reveal()
    assert first.status_code == 200
    assert first.json()["value"] == reveal_phone(zhang)
    assert "no-store" in first["Cache-Control"]
    record = IdempotencyRecord.objects.get(key=key)
    assert reveal_phone(zhang).encode() not in bytes(record.response_body)
    again = reveal()  # done once; the secret is not sent again
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_result_withheld"
    assert AuditEntry.objects.filter(action="reveal", object_id=str(zhang.public_id)).count() == 1


# --- registering someone on file outside the caller's scope -----------------------------


def test_outsider_registering_a_known_id_number_changes_nothing_there(county, api_login):
    li = county.people["li"]  # no phone, one tag, lives in town A
    before = (li.phone_index, set(li.tags.values_list("code", flat=True)), li.name)
    response = api_login(county.outsider).post(
        PEOPLE,
        {
            "name": "李四",
            "id_number": reveal_id_number(li),
            "phone": "13700001234",
            "grid": county.grid_b1_1.code,
            "tags": ["pregnant"],
            "address_text": "黄兴镇",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["person"]["name"] == "李四"  # as if new
    li = Person.objects.get(pk=li.pk)
    assert (li.phone_index, set(li.tags.values_list("code", flat=True)), li.name) == before
    assert li.address_text == "" and li.region_id == county.grid_a1_1.pk
    entry = AuditEntry.objects.get(action="merge", object_id=str(li.public_id))
    assert entry.reason == "registered_elsewhere" and entry.path == li.path
    assert "13700001234" not in json.dumps(entry.changes)


# --- ID and phone numbers stay out of URLs ------------------------------------------------


def test_api_list_refuses_an_id_number_in_the_query_string(county, api_login):
    client = api_login(county.gridworker)
    response = client.get(PEOPLE, {"q": reveal_id_number(county.people["zhang"])})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "q" in response.json()["fields"]


def test_api_search_by_id_number_goes_in_the_body(county, api_login):
    client = api_login(county.gridworker)
    response = client.post(
        f"{PEOPLE}/search",
        {"q": reveal_id_number(county.people["zhang"])},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [p["name"] for p in items(response)] == ["张建国"]


def test_outsider_finds_nobody_by_search_of_a_town_a_number(county, api_login):
    client = api_login(county.outsider)
    response = client.post(
        f"{PEOPLE}/search", {"q": "13812341234"}, content_type="application/json"
    )
    assert response.status_code == 200 and items(response) == []
    hidden = client.post(
        f"{PEOPLE}/search", {"region": county.town_a.code}, content_type="application/json"
    )
    assert hidden.status_code == 404


def test_people_page_does_not_search_by_an_id_number_in_the_url(county, login):
    response = login(county.gridworker).get(
        "/people/", {"q": reveal_id_number(county.people["zhang"])}
    )
    assert response.status_code == 200
    assert "身份证号或手机号" in response.content.decode()
    assert not response.context["searched"]


def test_overlong_search_text_is_a_json_error_not_a_crash(county, api_login):
    client = api_login(county.command)
    response = client.post(
        f"{PEOPLE}/search", {"q": "x" * 100_000}, content_type="application/json"
    )
    assert response.status_code == 422
    assert client.get("/api/v1/regions", {"q": "x" * 5000}).status_code == 422


# --- the region import does not confirm regions outside the importer's view ------------


def test_region_import_does_not_reveal_a_hidden_parent(county, api_login):
    officer = make_user("townb_command", Role.COUNTY_COMMAND, county.town_b)
    rows = [
        ["代码", "名称", "上级代码", "级别"],
        ["430121001001009", "探测网格", county.community_a1.code, "网格"],  # hidden parent
        ["430121001099009", "探测网格二", "430121001099", "网格"],  # no such parent
    ]
    upload = table_file(rows, kind="xlsx", name="regions.xlsx")
    response = api_login(officer).post("/api/v1/regions/import", {"file": upload})
    assert response.status_code == 200, response.content
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages[0] == messages[1].replace("430121001099", county.community_a1.code)
    assert "不存在" in messages[0]


# --- TOTP for the admin site and superusers; audited grants through the admin ---------


@pytest.fixture
def superuser(db):
    user = make_user("root")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def test_superuser_without_second_factor_cannot_use_the_api_or_admin(superuser, client):
    client.force_login(superuser)
    assert client.get("/api/v1/people").status_code == 401
    response = client.get("/admin/")
    assert response.status_code == 302 and "/otp/" in response["Location"]


def test_person_is_not_in_the_admin():
    assert Person not in admin.site._registry


def test_role_grant_through_the_admin_is_audited(county, superuser, login):
    client = login(superuser)  # a verified second factor, as the admin site demands
    response = client.post(
        "/admin/access/roleassignment/add/",
        {"user": county.nobody.pk, "role": Role.VOLUNTEER, "region": county.grid_a1_1.pk},
    )
    assert response.status_code == 302, response.content[:500]
    grant = RoleAssignment.objects.get(user=county.nobody)
    assert grant.region_path == county.grid_a1_1.path
    assert AuditEntry.objects.filter(
        action="grant", object_id=str(county.nobody.public_id)
    ).exists()
    change = client.post(
        f"/admin/access/roleassignment/{grant.pk}/change/",
        {"user": county.nobody.pk, "role": Role.COUNTY_COMMAND, "region": county.county.pk},
    )
    assert change.status_code == 403
    assert RoleAssignment.objects.get(pk=grant.pk).role == Role.VOLUNTEER


def test_a_duplicate_assignment_in_the_admin_is_refused_without_a_server_error(
    county, superuser, login
):
    client = login(superuser)
    body = {"user": county.nobody.pk, "kind": "grid", "region": county.grid_a1_1.pk}
    assert client.post("/admin/access/assignment/add/", body).status_code == 302
    again = client.post("/admin/access/assignment/add/", body, follow=True)
    assert again.status_code == 200
    from bastion.access.models import Assignment

    assert Assignment.objects.filter(user=county.nobody).count() == 1


# --- malformed input gives JSON errors ------------------------------------------------------

BAD_VALUES = [None, 1, [], {}, "x" * 20_000, "\x00", "🙂" * 50, True]


@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_malformed_bodies_get_json_errors(county, api_login, value):
    client = api_login(county.command)
    zhang = county.people["zhang"]
    targets = [
        ("post", PEOPLE, {"name": "张三", "id_number": value}),
        ("post", PEOPLE, {"name": value, "id_number": "11010519491231002X"}),
        ("post", f"{PEOPLE}/search", {"q": value, "household": value}),
        ("patch", f"{PEOPLE}/{zhang.public_id}", {"phone": value, "tags": value}),
        ("post", "/api/v1/regions", {"code": value, "name": "x", "level": "grid"}),
        ("patch", f"/api/v1/regions/{county.grid_a1_1.code}", {"boundary": value}),
        ("post", f"{PEOPLE}/{zhang.public_id}/reveal", {"field": value, "reason": value}),
        ("post", "/api/v1/tokens", {"name": value}),
    ]
    for method, url, body in targets:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (url, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people/not-a-uuid",
        "/api/v1/regions/%F0%9F%99%82",
        "/api/v1/people?household=zz",
        "/api/v1/people?page=abc",
        "/api/v1/indicators/people?as_of=2020-13-01",
        "/api/v1/audit?date_from=x",
    ],
)
def test_malformed_paths_and_queries_get_json_errors(county, api_login, url):
    response = api_login(county.command).get(url)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


# --- query counts of list endpoints that had no pin ------------------------------------------


def test_people_search_query_count_is_pinned(county, api_login, django_assert_max_num_queries):
    client = api_login(county.gridworker)
    with django_assert_max_num_queries(11):
        response = client.post(f"{PEOPLE}/search", {"q": "张"}, content_type="application/json")
    assert response.status_code == 200


def test_indicator_list_query_count_is_pinned(county, api_login, django_assert_max_num_queries):
    client = api_login(county.gridworker)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/indicators").status_code == 200


def test_reports_index_query_count_does_not_grow_with_records(county, login):
    """A few queries per registered indicator (other apps add indicators), none per record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_person

    client = login(county.gridworker)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(15):
        make_person(county.grid_a1_1, f"测试{n}")
    assert count() <= before


def test_region_search_page_query_count_is_pinned(county, login, django_assert_max_num_queries):
    client = login(county.command)
    with django_assert_max_num_queries(12):
        assert client.get("/regions/", {"q": "网格"}).status_code == 200
