"""The command API at /api/v1/command/: the baseline read tests per aggregate, the steps,
refusals as 403/422 with messages, outsider 404, pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from bastion.command.models import Directive, Incident, IncidentLogEntry, TargetStatus
from tests.command.conftest import target_of
from tests.mixins import MISSING_UUID, APIReadTests, api_post, items

API = "/api/v1/command"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def later(hours=48) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


class TestDirectiveAPI(APIReadTests):
    list_url = f"{API}/directives"
    persona = "town"
    list_max_queries = 8

    @pytest.fixture(autouse=True)
    def _directive(self, directive):
        self.directive = directive

    def detail_key(self, county) -> str:
        return str(self.directive.public_id)


class TestIncidentAPI(APIReadTests):
    list_url = f"{API}/incidents?show=all"
    persona = "gridworker"
    list_max_queries = 8

    @pytest.fixture(autouse=True)
    def _incident(self, incident):
        self.incident = incident

    def detail_key(self, county) -> str:
        return str(self.incident.public_id)

    def detail_url(self, key: str) -> str:
        return f"{API}/incidents/{key}"


class TestMeetingAPI(APIReadTests):
    list_url = f"{API}/meetings"
    persona = "command"
    list_max_queries = 10  # the county command's session also loads its TOTP device

    @pytest.fixture(autouse=True)
    def _meeting(self, meeting):
        self.meeting = meeting

    def detail_key(self, county) -> str:
        return str(self.meeting.public_id)


class TestNoticeAPI(APIReadTests):
    list_url = f"{API}/notices"
    persona = "town"
    list_max_queries = 8

    @pytest.fixture(autouse=True)
    def _notice(self, county, county_unit):
        from bastion.command.services.notices import notice_publish

        self.notice = notice_publish(
            actor=county.command, issuer=county_unit, kind="guide", title="居家观察指南", body="……",
            targets=[f"region:{county.town_a.code}"],
        )  # fmt: skip

    def detail_key(self, county) -> str:
        return str(self.notice.public_id)


def test_issue_and_follow_a_directive_through_the_api(county, api_login):
    client = api_login(county.command)
    issuers = client.get(f"{API}/units").json()
    assert issuers == [{"key": f"region:{county.county.code}", "kind": "region", "name": "长沙县"}]
    units = {
        u["name"] for u in client.get(f"{API}/units?issuer=region:{county.county.code}").json()
    }
    assert {"星沙街道", "黄兴镇", "松雅社区"} <= units
    response = api_post(
        client,
        f"{API}/directives",
        {
            "issuer": f"region:{county.county.code}",
            "title": "排查返乡人员",
            "content": "两日内完成",
            "deadline": later(),
            "targets": [f"region:{county.town_a.code}"],
            "priority": "urgent",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["completion"] == {
        "total": 1,
        "done": 0,
        "overdue": 0,
        "done_late": 0,
        "rate": 0,
        "by_status": {"sent": 1},
    }
    target = Directive.objects.get().targets.get()
    town = api_login(county.town)
    opened = town.get(f"{API}/targets/{target.public_id}").json()
    assert opened["status"] == "read"
    refused = api_post(town, f"{API}/targets/{target.public_id}/complete", {"report": "完成"})
    assert refused.status_code == 422 and "请先签收" in str(refused.json()["fields"])
    assert (
        api_post(
            town, f"{API}/targets/{target.public_id}/acknowledge", {"note": "收到"}
        ).status_code
        == 200
    )
    upload = town.post(f"{API}/uploads", {"file": _png()})
    assert upload.status_code == 201, upload.content
    done = api_post(
        town,
        f"{API}/targets/{target.public_id}/complete",
        {"report": "已完成", "attachments": [upload.json()["public_id"]]},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert [e["action"] for e in done.json()["events"]] == ["read", "acknowledge", "done"]
    assert len(done.json()["events"][-1]["attachments"]) == 1
    # the issuer cannot answer, and says so
    forbidden = api_post(client, f"{API}/targets/{target.public_id}/acknowledge", {"note": ""})
    assert forbidden.status_code == 422 or forbidden.status_code == 403
    summary = client.get(f"{API}/directives/{Directive.objects.get().public_id}").json()[
        "completion"
    ]
    assert summary["done"] == 1 and summary["rate"] == 100


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_someone_elses_upload_cannot_be_attached(county, directive, api_login):
    other = api_login(county.community).post(f"{API}/uploads", {"file": _png()}).json()["public_id"]
    town = api_login(county.town)
    target = target_of(directive, county.town_a)
    api_post(town, f"{API}/targets/{target.public_id}/acknowledge", {})
    response = api_post(
        town, f"{API}/targets/{target.public_id}/progress", {"note": "进展", "attachments": [other]}
    )
    assert response.status_code == 422 and "attachments" in response.json()["fields"]


def test_refusal_by_role_is_403_with_the_reason(county, directive, api_login):
    target = target_of(directive, county.town_a)
    response = api_post(
        api_login(county.command), f"{API}/targets/{target.public_id}/acknowledge", {}
    )
    assert response.status_code == 403
    assert response.json()["message"] == "只有承办单位可以办理该指令"
    response = api_post(
        api_login(county.town), f"{API}/directives/{directive.public_id}/cancel", {"reason": "x"}
    )
    assert response.status_code == 403


def test_outsider_gets_404_on_every_step(county, directive, incident, api_login):
    client = api_login(county.outsider)
    target = target_of(directive, county.town_a)
    for url, body in [
        (f"{API}/targets/{target.public_id}", None),
        (f"{API}/targets/{target.public_id}/acknowledge", {}),
        (f"{API}/directives/{directive.public_id}/targets", None),
        (f"{API}/incidents/{incident.public_id}/log", None),
        (f"{API}/incidents/{incident.public_id}/register", {}),
        (f"{API}/figures/{county.town_a.code}", None),
    ]:
        response = client.get(url) if body is None else api_post(client, url, body)
        assert response.status_code == 404, url
    target.refresh_from_db()
    assert target.status == TargetStatus.SENT


def test_targets_endpoint_shows_a_unit_its_own_target_only(county, directive, api_login):
    keys = {
        t["unit_name"]
        for t in items(
            api_login(county.town).get(f"{API}/directives/{directive.public_id}/targets")
        )
    }
    assert keys == {"星沙街道"}
    keys = {
        t["unit_name"]
        for t in items(
            api_login(county.command).get(f"{API}/directives/{directive.public_id}/targets")
        )
    }
    assert keys == {"星沙街道", "黄兴镇"}


def test_incident_from_the_field_to_closure_through_the_api(county, kinds, api_login):
    grid = api_login(county.gridworker)
    photo = grid.post(f"{API}/uploads", {"file": _png()}).json()["public_id"]
    created = api_post(
        grid,
        f"{API}/incidents",
        {
            "kind": "symptomatic_person",
            "grade": "simple",
            "region": county.grid_a1_1.code,
            "description": "发现发热人员",
            "person": str(county.people["zhang"].public_id),
            "photos": [photo],
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert created.status_code == 201, created.content
    public_id = created.json()["public_id"]
    assert len(created.json()["photos"]) == 1 and created.json()["receiving_name"] == "松雅社区"
    community = api_login(county.community)
    assert (
        api_post(community, f"{API}/incidents/{public_id}/register", {"note": ""}).status_code
        == 200
    )
    dispatched = api_post(
        community,
        f"{API}/incidents/{public_id}/dispatch",
        {"handler": f"region:{county.community_a1.code}", "deadline": later(6)},
    )
    assert dispatched.status_code == 200, dispatched.content
    extension = api_post(
        community,
        f"{API}/incidents/{public_id}/extensions",
        {"deadline": later(30), "reason": "等待核酸结果"},
    )
    assert extension.status_code == 201
    self_approval = api_post(
        community, f"{API}/extensions/{extension.json()['public_id']}/decide", {"approve": True}
    )
    assert self_approval.status_code == 403
    approved = api_post(
        api_login(county.town),
        f"{API}/extensions/{extension.json()['public_id']}/decide",
        {"approve": True},
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (
        api_post(community, f"{API}/incidents/{public_id}/handle", {"note": "已送医"}).status_code
        == 200
    )
    closed = api_post(grid, f"{API}/incidents/{public_id}/verify", {"note": "核实"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    log = grid.get(f"{API}/incidents/{public_id}/log").json()
    assert [e["action"] for e in log] == [
        "report", "register", "dispatch", "extension_request", "extension_approve", "handle", "verify"
    ]  # fmt: skip
    by_unit = community.get(f"{API}/incidents/by-unit").json()
    assert by_unit[0]["handler_name"] == "松雅社区"


def test_incident_report_replay_with_the_same_key_makes_one_incident(county, kinds, api_login):
    client = api_login(county.gridworker)
    body = {"kind": "other", "grade": "simple", "region": county.grid_a1_1.code, "description": "x"}
    key = str(uuid.uuid4())
    first = api_post(client, f"{API}/incidents", body, HTTP_IDEMPOTENCY_KEY=key)
    second = api_post(client, f"{API}/incidents", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["public_id"] == second.json()["public_id"]
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {
            "kind": "other",
            "grade": "simple",
            "region": "430121002001001",
            "description": "not her grid",
        },
        {"kind": "other", "grade": "simple", "region": "nope", "description": "x"},
        {"kind": "other", "grade": 5, "region": "430121001001001", "description": "x"},
        {"kind": "other"},
        {
            "kind": "other",
            "grade": "simple",
            "region": "430121001001001",
            "description": "x",
            "photos": [MISSING_UUID],
        },
        {
            "kind": "other",
            "grade": "simple",
            "region": "430121001001001",
            "description": "x",
            "person": "not-a-uuid",
        },
    ],
)
def test_bad_incident_bodies_get_422_or_404_never_500(county, kinds, api_login, body):
    response = api_post(api_login(county.gridworker), f"{API}/incidents", body)
    assert response.status_code in (404, 422), response.content
    assert not Incident.objects.exists() and not IncidentLogEntry.objects.exists()


def test_nul_characters_are_dropped_not_stored(county, kinds, api_login):
    body = {
        "kind": "other",
        "grade": "simple",
        "region": county.grid_a1_1.code,
        "description": "a\x00b",
        "place": "\x00",
    }
    response = api_post(api_login(county.gridworker), f"{API}/incidents", body)
    assert response.status_code == 201
    assert Incident.objects.get().description == "ab"


def test_notice_receipts_through_the_api(county, notice, officer_b, api_login):
    town = api_login(county.town)
    assert town.get(f"{API}/notices/{notice.public_id}").status_code == 200
    receipts = {
        r["unit_name"]: r["current"]
        for r in items(api_login(county.command).get(f"{API}/notices/{notice.public_id}/receipts"))
    }
    assert receipts == {"星沙街道": True, "黄兴镇": False}
    revised = api_post(
        api_login(county.command),
        f"{API}/notices/{notice.public_id}/versions",
        {"body": "新版", "change_note": "修订"},
    )
    assert revised.status_code == 201 and revised.json()["current_version"] == 2
    inbox = items(api_login(officer_b).get(f"{API}/inbox?unread=true"))
    assert [i["title"] for i in inbox] == ["六条防控措施"]


def test_daily_form_through_the_api(county, api_login):
    client = api_login(county.command)
    clash = api_post(
        client,
        f"{API}/daily-forms",
        {"name": "日报", "levels": ["community"], "fields": [{"code": "people", "label": "人口"}]},
    )
    assert clash.status_code == 422 and "不能再要求填报" in str(clash.json()["fields"])
    created = api_post(
        client,
        f"{API}/daily-forms",
        {
            "name": "日报",
            "levels": ["community"],
            "fields": [{"code": "meetings", "label": "召开会议次数"}],
        },
    )
    assert created.status_code == 201, created.content
    form_id = created.json()["public_id"]
    community = api_login(county.community)
    bad = api_post(
        community,
        f"{API}/daily-forms/{form_id}/reports",
        {"unit": county.community_a1.code, "values": {"meetings": "多"}},
    )
    assert bad.status_code == 422 and "meetings" in bad.json()["fields"]
    filed = api_post(
        community,
        f"{API}/daily-forms/{form_id}/reports",
        {"unit": county.community_a1.code, "values": {"meetings": 2}},
    )
    assert filed.status_code == 201 and filed.json()["values"] == {"meetings": 2}
    status = client.get(f"{API}/daily-forms/{form_id}/status").json()
    assert status["filed"] == 1 and status["totals"] == {"meetings": 2}
    assert (
        api_post(
            api_login(county.town),
            f"{API}/daily-forms",
            {"name": "x", "levels": ["community"], "fields": []},
        ).status_code
        == 403
    )
    figures = client.get(f"{API}/figures/{county.community_a1.code}").json()
    assert figures["region_name"] == "松雅社区"
    assert {f["code"] for f in figures["figures"]} >= {"people", "command_incidents_open"}
    assert figures["forms"][0]["totals"] == {"meetings": 2}


def test_meeting_through_the_api(county, api_login):
    client = api_login(county.command)
    created = api_post(
        client,
        f"{API}/meetings",
        {
            "issuer": f"region:{county.county.code}",
            "kind": "standing_committee",
            "title": "县委常委会",
            "held_at": timezone.now().isoformat(),
            "decisions": [{"text": "全面排查"}],
        },
    )
    assert created.status_code == 201, created.content
    decision = created.json()["decisions"][0]["public_id"]
    issued = api_post(
        client,
        f"{API}/directives",
        {
            "issuer": f"region:{county.county.code}",
            "title": "全面排查",
            "content": "全面排查",
            "deadline": later(),
            "targets": [f"region:{county.town_a.code}"],
            "decision": decision,
        },
    )
    assert issued.status_code == 201 and issued.json()["decision"] == decision


def test_incident_kinds_are_edited_by_the_county_command_only(county, kinds, api_login):
    body = {"code": "crowding", "name_zh": "人员聚集", "default_grade": "general"}
    assert api_post(api_login(county.town), f"{API}/incident-kinds", body).status_code == 403
    assert api_post(api_login(county.command), f"{API}/incident-kinds", body).status_code == 200
    codes = [k["code"] for k in api_login(county.gridworker).get(f"{API}/incident-kinds").json()]
    assert "crowding" in codes and "symptomatic_person" in codes


def test_list_endpoints_keep_their_query_counts(
    county, county_unit, kinds, api_login, django_assert_max_num_queries
):
    from bastion.command.services.directives import directive_issue
    from bastion.command.services.incidents import incident_report

    for i in range(6):
        directive_issue(
            actor=county.command, issuer=county_unit, title=f"指令{i}", content="x",
            deadline=timezone.now() + dt.timedelta(days=1),
            targets=[f"region:{county.town_a.code}", f"region:{county.town_b.code}"], notify_units=False,
        )  # fmt: skip
        incident_report(
            actor=county.gridworker,
            kind="other",
            grade="simple",
            region=county.grid_a1_1,
            description=f"{i}",
        )
    client = api_login(county.command)
    for url in (
        "/directives",
        "/incidents?show=all",
        "/inbox",
        "/meetings",
        "/notices",
        "/incidents/by-unit",
    ):
        client.get(f"{API}{url}")
        with django_assert_max_num_queries(9):
            assert client.get(f"{API}{url}").status_code == 200


def test_uploads_never_attached_are_purged_after_a_day_and_attached_ones_stay(
    county, kinds, api_login
):
    from bastion.core.models import StoredFile
    from bastion.core.uploads import private_root, uploads_purge_unattached

    grid = api_login(county.gridworker)
    kept, dropped, fresh = (
        grid.post(f"{API}/uploads", {"file": _png()}).json()["public_id"] for _ in range(3)
    )
    created = api_post(
        grid,
        f"{API}/incidents",
        {
            "kind": "symptomatic_person",
            "grade": "simple",
            "region": county.grid_a1_1.code,
            "description": "发现发热人员",
            "photos": [kept],
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert created.status_code == 201, created.content
    StoredFile.objects.exclude(public_id=fresh).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    dropped_file = private_root() / StoredFile.objects.get(public_id=dropped).storage_name
    assert dropped_file.exists()

    assert uploads_purge_unattached() == 1
    remaining = {str(p) for p in StoredFile.objects.values_list("public_id", flat=True)}
    assert remaining == {kept, fresh}
    assert not dropped_file.exists()
    assert uploads_purge_unattached() == 0
