"""Member pages and API: masked lists and search, enrollment through the people registry,
history, transfer, the member's own login, and the Excel import with dry run, error
workbook and "valid rows only" (bad rows write nothing)."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role
from bastion.core.importing import ImportMode
from bastion.party import services
from bastion.party.models import MemberImport, Membership, PartyMember
from bastion.party.services.memberimport import member_import_source
from bastion.people.identity import reveal_id_number
from bastion.people.models import Person
from tests.mixins import api_post, table_file
from tests.web.rosters import bad_checksum, valid_id

API = "/api/v1/party"
HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "居住网格",
    "党组织",
    "党员类别",
    "入党日期",
    "在职党员",
    "医务人员",
]


def test_member_list_is_masked_and_scoped(county, party_tree, login):
    html = login(party_tree.secretary_a).get("/party/members/").content.decode()
    wang = party_tree.members["wang"]
    assert "王小明" in html and wang.person.id_number_masked in html
    assert reveal_id_number(wang.person) not in html
    assert "赵大海" not in html and "张建国" not in html  # town B's, and the county organ's


def test_id_number_search_is_posted_and_never_put_in_the_url(county, party_tree, login):
    client = login(party_tree.orgdept_tree)
    number = reveal_id_number(party_tree.members["zhao"].person)
    response = client.post("/party/members/", {"q": number})
    assert response.status_code == 302 and number not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "赵大海" in html and "王小明" not in html
    # The API refuses an ID number in a query string and takes it in a body.
    assert client.get(f"{API}/members", {"q": number}).status_code == 422
    found = api_post(client, f"{API}/members/search", {"q": number}).json()["items"]
    assert [m["person"]["name"] for m in found] == ["赵大海"]


def test_enrollment_links_the_resident_on_file_without_changing_them(county, party_tree, login):
    """An organization officer holds no grant over people: enrolling a resident links the
    membership to the one record of that person (docs/decisions/0091), writes nothing
    into it, and a second enrollment is refused."""
    from bastion.core.models import AuditEntry

    client = login(party_tree.secretary_a)
    li = county.people["li"]
    number = reveal_id_number(li)  # 李秀英 is a resident already
    response = api_post(
        client,
        f"{API}/members",
        {
            "name": "李秀英",
            "id_number": number,
            "phone": "13700001111",
            "organization": "430121001001",
            "is_employed": True,
            "joined_party_on": "2010-07-01",
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    assert Person.objects.filter(name="李秀英").count() == 1
    li.refresh_from_db()
    assert li.phone_masked == ""  # her phone is not written by someone who may not change her
    member = PartyMember.objects.get(person=li)
    assert member.organization == party_tree.branch_a1
    assert Membership.objects.filter(member=member, ended_on__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="link", object_id=str(li.public_id)).exists()
    again = api_post(
        client,
        f"{API}/members",
        {"name": "李秀英", "id_number": number, "organization": "430121001001"},
    )
    assert again.status_code == 422
    assert "党员" in again.json()["fields"]["id_number"][0]


def test_already_a_member_elsewhere_does_not_name_an_organization_out_of_reach(
    county, party_tree, login
):
    number = reveal_id_number(county.people["zhao"])  # a member of 黄兴村党支部, town B
    response = api_post(
        login(party_tree.secretary_a),
        f"{API}/members",
        {"name": "赵大海", "id_number": number, "organization": "430121001001"},
    )
    assert response.status_code == 422
    message = response.json()["fields"]["id_number"][0]
    assert "党员" in message and "黄兴" not in message


def test_enrollment_in_an_organization_out_of_reach_writes_nothing(county, party_tree, login):
    client = login(party_tree.secretary_a)
    response = api_post(
        client,
        f"{API}/members",
        {
            "name": "新党员",
            "id_number": valid_id(21),
            "organization": "430121002201",
            "grid": county.grid_a1_1.code,
        },  # fmt: skip
    )
    assert response.status_code == 422
    assert "organization" in response.json()["fields"]
    assert not Person.objects.filter(name="新党员").exists()


def test_detail_shows_the_membership_history_after_a_transfer(party_tree, login):
    wang = party_tree.members["wang"]
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/members/{wang.public_id}/transfer/",
        {"to": "430121001T01", "on": "2026-12-31", "reason": "调入卡口"},
    )
    assert response.status_code == 302
    html = client.get(f"/party/members/{wang.public_id}/").content.decode()
    assert "松雅社区党支部" in html and "星沙高速卡口临时党支部" in html and "调入卡口" in html
    stays = list(wang.memberships.order_by("started_on"))
    assert stays[0].ended_on == dt.date(2026, 12, 31) and stays[1].ended_on is None


def test_transfer_to_an_organization_out_of_reach_is_refused(party_tree, login):
    wang = party_tree.members["wang"]
    response = login(party_tree.secretary_a).post(
        f"/party/members/{wang.public_id}/transfer/",
        {"to": "430121002201", "on": "2026-12-31"},
    )
    assert response.status_code == 422
    wang.refresh_from_db()
    assert wang.organization == party_tree.branch_a1


@pytest.mark.parametrize("reader", ["command", "auditor"])
def test_a_reader_of_a_member_gets_403_for_its_transfer_whatever_the_body(
    county, party_tree, login, reader
):
    """Roles that may read the member but not manage it are refused before the target
    organization is looked up (they used to get that lookup's 422)."""
    wang = party_tree.members["wang"]
    client = login(county.users[reader])
    for to in ("430121001T01", "no-such-organization"):
        response = api_post(
            client, f"{API}/members/{wang.public_id}/transfer", {"to": to, "on": "2026-12-31"}
        )
        assert response.status_code == 403, response.content
    wang.refresh_from_db()
    assert wang.organization == party_tree.branch_a1


def test_member_login_is_linked_and_gets_the_volunteer_role_at_home(county, party_tree, login):
    wang = party_tree.members["wang"]
    response = login(party_tree.secretary_a).post(
        f"/party/members/{wang.public_id}/account/", {"c-username": "wangxm", "create": "1"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    wang.refresh_from_db()
    assert wang.user.username == "wangxm"
    assert RoleAssignment.objects.filter(
        user=wang.user, role=Role.VOLUNTEER, region=county.community_a1
    ).exists()
    # A second login for the same member is refused.
    with pytest.raises(ValidationError):
        services.member_account_create(actor=party_tree.secretary_a, member=wang, username="x2")


def test_member_edit_by_a_viewer_is_refused(county, party_tree, login):
    wang = party_tree.members["wang"]
    assert login(county.town).get(f"/party/members/{wang.public_id}/edit/").status_code == 404
    response = login(county.town).patch(
        f"{API}/members/{wang.public_id}",
        data='{"occupation": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 403


def test_roster_export_is_masked_and_audited(party_tree, login):
    from bastion.core.models import AuditEntry

    response = login(party_tree.secretary_a).get("/party/members/", {"export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    wang = party_tree.members["wang"].person
    assert wang.id_number_masked in cells and reveal_id_number(wang) not in cells
    assert AuditEntry.objects.filter(action="export", object_type="party.partymember").exists()


# --- Import ------------------------------------------------------------------------------------


def _rows(county):
    good = [
        ["周新民", valid_id(31), "13712345678", county.grid_a1_1.code, "430121001001", "正式党员",
         "2001-07-01", "是", "否"],
        ["吴医生", valid_id(33), "", county.grid_a1_2.code, "430121001001", "预备", "", "是", "是"],
    ]  # fmt: skip
    bad = [
        ["错号", bad_checksum(valid_id(35)), "", county.grid_a1_1.code, "430121001001", "", "", "否", "否"],
        ["越界", valid_id(37), "", county.grid_a1_1.code, "430121002201", "", "", "否", "否"],
        ["坏日期", valid_id(39), "", county.grid_a1_1.code, "430121001001", "", "2001-13-40", "否", "否"],
        ["坏标记", valid_id(41), "", county.grid_a1_1.code, "430121001001", "", "", "也许", "否"],
    ]  # fmt: skip
    return good, bad


def test_import_dry_run_reports_every_bad_row_and_writes_nothing(county, party_tree):
    good, bad = _rows(county)
    before = (Person.objects.count(), PartyMember.objects.count())
    report = services.member_import(
        actor=party_tree.secretary_a,
        source=table_file([HEADERS, *good, *bad], kind="xlsx"),
        filename="党员.xlsx",
    )
    assert (report.rows_read, report.created, report.rejected) == (6, 2, 4)
    assert {e.row for e in report.errors} == {4, 5, 6, 7}
    texts = " ".join(e.text() for e in report.errors)
    assert "第4行 身份证号" in texts and "第5行 党组织" in texts
    assert "第6行 入党日期" in texts and "第7行 在职党员" in texts
    assert (Person.objects.count(), PartyMember.objects.count()) == before


def test_import_all_or_nothing_with_a_bad_row_writes_nothing(county, party_tree):
    good, bad = _rows(county)
    report = services.member_import(
        actor=party_tree.secretary_a,
        source=table_file([HEADERS, *good, bad[0]]),
        filename="members.csv",
        dry_run=False,
    )
    assert not report.committed and report.rejected == 1
    assert not Person.objects.filter(name="周新民").exists()


def test_import_valid_rows_only_enrolls_the_good_ones_and_error_workbook_lists_the_rest(
    county, party_tree
):
    good, bad = _rows(county)
    buffer = io.BytesIO()
    report = services.member_import(
        actor=party_tree.secretary_a,
        source=table_file([HEADERS, *good, *bad], kind="xlsx"),
        filename="党员.xlsx",
        dry_run=False,
        mode=ImportMode.VALID_ROWS,
        error_workbook=buffer,
    )
    assert report.committed and report.created == 2 and report.rejected == 4
    doctor = PartyMember.objects.get(person__name="吴医生")
    assert doctor.is_medical_worker and doctor.status == "probationary"
    assert doctor.region_path == county.grid_a1_2.path
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [4, 5, 6, 7]
    assert "党组织" in rows[2][-1]


def test_import_skips_members_already_in_that_organization(county, party_tree):
    wang = party_tree.members["wang"]
    row = ["王小明", reveal_id_number(wang.person), "", "", "430121001001", "", "", "否", "否"]
    report = services.member_import(
        actor=party_tree.secretary_a, source=table_file([HEADERS, row]), filename="m.csv"
    )
    assert report.skipped == 1 and report.rejected == 0


def test_import_pages_upload_preview_run_and_error_download(county, party_tree, login):
    good, bad = _rows(county)
    client = login(party_tree.secretary_a)
    upload = table_file([HEADERS, *good, *bad], kind="xlsx", name="党员.xlsx")
    response = client.post("/party/members/import/", {"file": upload})
    assert response.status_code == 302
    job = MemberImport.objects.get()
    stored = member_import_source(job)
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600  # ID numbers: the server's only
    assert stat.S_IMODE(os.stat(stored.parent).st_mode) == 0o700
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200 and "第5行 党组织" in html
    errors = client.get(f"/party/members/import/{job.public_id}/errors.xlsx")
    assert errors.status_code == 200
    result = client.post(f"/party/members/import/{job.public_id}/run/", {"mode": "valid_rows"})
    assert "已写入" in result.content.decode()
    assert PartyMember.objects.filter(person__name__in=["周新民", "吴医生"]).count() == 2
    # Another user cannot open this upload.
    assert (
        login(party_tree.orgdept_tree).get(f"/party/members/import/{job.public_id}/").status_code
        == 404
    )


def test_import_refuses_a_file_that_is_not_a_table(party_tree, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(party_tree.secretary_a).post(
        "/party/members/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 422 and "xlsx" in response.content.decode()


def test_import_api_dry_run_by_default(county, party_tree, login):
    good, _bad = _rows(county)
    upload = table_file([HEADERS, *good], name="members.csv")
    response = login(party_tree.secretary_a).post(f"{API}/members/import", {"file": upload})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] and body["report"]["created"] == 2 and not body["committed"]
    assert not PartyMember.objects.filter(person__name="周新民").exists()


def test_member_home_path_follows_a_person_who_moves_grid(county, party_tree):
    from bastion.people.services import person_update

    wang = party_tree.members["wang"]
    person_update(
        actor=county.town, person=county.people["wang"], changes={"grid": county.grid_a1_1}
    )
    wang.refresh_from_db()
    assert wang.region_path == county.grid_a1_1.path
