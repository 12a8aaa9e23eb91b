"""Registering an ID number that is on file outside the caller's scope looks exactly like
registering someone new (issue 6): the answer, the preview and the import report say
nothing about the record on file; a provisional record is made in the caller's grid and
officers who see both records merge them (docs/decisions/0011)."""

from __future__ import annotations

import datetime as dt

import pytest

from bastion.core.idnumber import make_id_number
from bastion.core.models import AuditEntry
from bastion.people import importing
from bastion.people.identity import id_number_index, reveal_id_number
from bastion.people.importing import roster_import, roster_preview
from bastion.people.models import Person
from tests.mixins import api_login_client, api_post, items

from .conftest import csv_bytes

PEOPLE = "/api/v1/people"


@pytest.fixture
def api_login(client):
    return lambda user: api_login_client(client, user)


def _register(client, county, id_number, **extra):
    body = {
        "name": "张三",
        "id_number": id_number,
        "phone": "13700001234",
        "grid": county.grid_b1_1.code,
        "household_label": "黄兴1组9号",
        "tags": [],
    } | extra
    return api_post(client, PEOPLE, body)


def _shape(body: dict) -> dict:
    """The response with the values that differ between any two registrations removed."""
    person = dict(body["person"])
    for key in ("public_id", "id_number_masked", "birth_date", "gender"):
        person.pop(key)
    return {"person": person, "created": body["created"], "conflicts": body["conflicts"]}


def test_registering_a_number_on_file_elsewhere_answers_like_a_new_person(county, api_login):
    client = api_login(county.outsider)
    zhang = county.people["zhang"]  # town A
    fresh = make_id_number("430121", dt.date(1980, 5, 5), 37)
    known = _register(client, county, reveal_id_number(zhang))
    new = _register(client, county, fresh)
    assert known.status_code == new.status_code == 201
    assert _shape(known.json()) == _shape(new.json())
    assert known.json()["created"] is True and known.json()["conflicts"] == []
    assert "张建国" not in known.content.decode()


@pytest.mark.parametrize("name", ["张建国", "李四"])
def test_a_name_cannot_be_tested_against_the_record_on_file(county, api_login, name):
    zhang = county.people["zhang"]
    response = _register(api_login(county.outsider), county, reveal_id_number(zhang), name=name)
    body = response.json()
    assert body["created"] is True and body["conflicts"] == []
    assert body["person"]["name"] == name


def test_the_record_on_file_is_left_untouched(county, api_login):
    li = county.people["li"]
    before = (li.name, li.phone_index, li.region_id, set(li.tags.values_list("code", flat=True)))
    _register(api_login(county.outsider), county, reveal_id_number(li), tags=["pregnant"])
    li = Person.objects.get(pk=li.pk)
    assert (li.name, li.phone_index, li.region_id, set(li.tags.values_list("code", flat=True))) == (
        before
    )


def test_the_caller_finds_her_registration_by_number_and_sees_it(county, api_login):
    zhang = county.people["zhang"]
    client = api_login(county.outsider)
    created = _register(client, county, reveal_id_number(zhang)).json()["person"]
    found = items(api_post(client, f"{PEOPLE}/search", {"q": reveal_id_number(zhang)}))
    assert [p["public_id"] for p in found] == [created["public_id"]]
    assert client.get(f"{PEOPLE}/{created['public_id']}").status_code == 200
    # registering it again lands on her own record, as for anyone she registered herself
    again = _register(client, county, reveal_id_number(zhang), name="张三丰").json()
    assert again["created"] is False and again["person"]["public_id"] == created["public_id"]
    assert again["conflicts"] == [{"field": "name", "existing": "张三", "incoming": "张三丰"}]


def test_the_audit_entries_the_callers_side_can_read_say_nothing_about_the_record(
    county, api_login
):
    zhang = county.people["zhang"]
    created = _register(api_login(county.outsider), county, reveal_id_number(zhang)).json()
    provisional = Person.objects.get(public_id=created["person"]["public_id"])
    entry = AuditEntry.objects.get(object_id=str(provisional.public_id))
    assert entry.action == "create" and str(zhang.public_id) not in str(entry.changes)
    on_file = AuditEntry.objects.get(object_id=str(zhang.public_id), action="merge")
    assert on_file.path == zhang.path  # seen by town A's auditors only


def _roster_rows(county, id_number, name="某人"):
    return [[name, id_number, "13700001111", county.grid_b1_1.code, "", "", "外地址", "孕产妇"]]


@pytest.mark.parametrize("chunk", [5000, 1])
def test_the_roster_preview_shows_a_number_on_file_elsewhere_as_new(county, chunk, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", chunk)
    li = county.people["li"]
    fresh = make_id_number("430121", dt.date(1981, 6, 6), 39)
    known = roster_preview(
        actor=county.outsider, source=csv_bytes(_roster_rows(county, reveal_id_number(li))),
        filename="r.csv",
    )  # fmt: skip
    new = roster_preview(
        actor=county.outsider, source=csv_bytes(_roster_rows(county, fresh)), filename="r.csv"
    )
    assert (known.created, known.merged, known.conflicts) == (new.created, new.merged, [])
    assert [r["action"] for r in known.preview] == [r["action"] for r in new.preview] == ["create"]


def test_the_roster_import_makes_a_provisional_record_and_leaves_the_original(county):
    li = county.people["li"]
    report = roster_import(
        actor=county.outsider,
        source=csv_bytes(_roster_rows(county, reveal_id_number(li))),
        filename="r.csv",
    )
    assert report.committed and report.created == 1 and report.conflicts == []
    li.refresh_from_db()
    assert li.phone_masked == "" and li.address_text == "" and li.region_id == county.grid_a1_1.pk
    provisional = Person.objects.get(duplicate_of=li)
    assert provisional.region_id == county.grid_b1_1.pk and provisional.id_number_index is None
    assert reveal_id_number(provisional) == reveal_id_number(li)
    assert provisional.address_text == "外地址"


def test_a_number_on_file_elsewhere_repeated_in_the_file_is_still_a_repeat(county, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 1)
    li = county.people["li"]
    rows = _roster_rows(county, reveal_id_number(li)) * 2
    report = roster_preview(actor=county.outsider, source=csv_bytes(rows), filename="r.csv")
    assert report.created == 1
    assert [e.text() for e in report.errors] == ["第3行 身份证号：与第2行的身份证号重复"]


def test_importing_again_merges_into_the_callers_own_provisional_record(county):
    li = county.people["li"]
    for _ in range(2):
        roster_import(
            actor=county.outsider,
            source=csv_bytes(_roster_rows(county, reveal_id_number(li))),
            filename="r.csv",
        )
    assert Person.objects.filter(duplicate_of=li).count() == 1


def test_an_importer_who_may_change_the_original_merges_into_it(county):
    li = county.people["li"]
    rows = [["李秀英", reveal_id_number(li), "", county.grid_a1_1.code, "", "", "新地址", ""]]
    report = roster_import(actor=county.community, source=csv_bytes(rows), filename="r.csv")
    assert report.merged == 1 and report.created == 0
    assert Person.objects.get(pk=li.pk).address_text == "新地址"
    assert not Person.objects.filter(duplicate_of=li).exists()
    assert Person.objects.filter(id_number_index=id_number_index(reveal_id_number(li))).count() == 1


# --- officers who see both records merge them -------------------------------------------


@pytest.fixture
def provisional(county, api_login):
    """The outsider (grid B1-1) registered 李秀英's number as 李四 with a phone."""
    li = county.people["li"]
    body = _register(api_login(county.outsider), county, reveal_id_number(li), name="李四")
    return Person.objects.get(public_id=body.json()["person"]["public_id"])


def test_the_nearest_officers_who_see_both_records_are_told(county, provisional):
    from bastion.access.models import Notification

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"command"}  # town A and town B meet at the county
    note = Notification.objects.get()
    assert note.link == "/people/duplicates/" and "李" not in note.title


def test_only_officers_who_see_both_records_list_them(county, provisional, api_login):
    def listed(user):
        response = api_login(user).get(f"{PEOPLE}/duplicates")
        return [d["public_id"] for d in items(response)]

    assert listed(county.command) == [str(provisional.public_id)]
    for user in (county.outsider, county.town, county.community, county.gridworker):
        assert listed(user) == []


def test_merging_keeps_the_record_on_file_in_the_new_grid(county, provisional, api_login):
    li = county.people["li"]
    response = api_post(
        api_login(county.command),
        f"{PEOPLE}/duplicates/{provisional.public_id}/merge",
        {"keep": "new"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["public_id"] == str(li.public_id)
    li.refresh_from_db()
    assert li.region == county.grid_b1_1 and li.name == "李秀英"  # the name on file stays
    assert li.phone_masked == "137****1234"  # a blank filled from the new registration
    assert not Person.objects.filter(pk=provisional.pk).exists()
    assert AuditEntry.objects.filter(action="merge", object_id=str(li.public_id),
                                     changes__merged__0=str(provisional.public_id)).exists()  # fmt: skip


def test_the_merge_page_asks_where_the_person_lives_and_merges(county, provisional, login):
    client = login(county.command)
    assert "核实合并" in client.get("/people/duplicates/").content.decode()
    page = client.get(f"/people/duplicates/{provisional.public_id}/")
    assert page.status_code == 200 and "李秀英" in page.content.decode()
    refused = client.post(f"/people/duplicates/{provisional.public_id}/", {})
    assert refused.status_code == 422
    done = client.post(f"/people/duplicates/{provisional.public_id}/", {"keep": "original"})
    assert done.status_code == 302
    assert not Person.objects.filter(pk=provisional.pk).exists()


def test_outsider_gets_404_for_the_merge_page(county, provisional, login):
    assert (
        login(county.outsider).get(f"/people/duplicates/{provisional.public_id}/").status_code
        == 404
    )
    assert (
        login(county.town)
        .post(f"/people/duplicates/{provisional.public_id}/", {"keep": "new"})
        .status_code
        == 404
    )
