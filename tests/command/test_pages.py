"""The command pages: each persona sees what is hers, the outsider gets 404 everywhere,
bad input never gives a 500, and uploads that are refused leave no file behind."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bastion.command.models import Directive, DirectiveTarget, Incident, TargetStatus
from bastion.core.models import StoredFile
from tests.command.conftest import target_of


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def later(hours=48) -> str:
    return (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def notice(county, county_unit):
    """A measure package for town A only (the outsider works in town B)."""
    from bastion.command.services.notices import notice_publish

    return notice_publish(
        actor=county.command,
        issuer=county_unit,
        kind="measure",
        title="星沙街道专项措施",
        body="一、……",
        targets=[f"region:{county.town_a.code}"],
    )


@pytest.fixture
def records(county, directive, notice, incident, meeting, daily_form):
    return {
        "directive": f"/command/directives/{directive.public_id}/",
        "target": f"/command/targets/{target_of(directive, county.town_a).public_id}/",
        "notice": f"/command/notices/{notice.public_id}/",
        "incident": f"/command/incidents/{incident.public_id}/",
        "meeting": f"/command/meetings/{meeting.public_id}/",
        "figures": f"/command/figures/{county.town_a.code}/",
        "daily": f"/command/daily/{daily_form.public_id}/?region={county.town_a.code}",
    }


LISTS = [
    "/command/",
    "/command/inbox/",
    "/command/directives/",
    "/command/notices/",
    "/command/meetings/",
    "/command/incidents/",
    "/command/incidents/units/",
    "/command/incidents/kinds/",
    "/command/daily/",
    "/command/figures/",
]


@pytest.mark.parametrize("url", LISTS)
def test_list_pages_open_for_the_county_command(county, records, login, url):
    assert login(county.command).get(url).status_code == 200


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "url", ["/command/", "/command/directives/", "/command/incidents/", "/command/daily/"]
)
def test_a_user_without_roles_is_refused(county, login, url):
    assert login(county.nobody).get(url).status_code == 403


@pytest.mark.parametrize(
    "key", ["directive", "target", "notice", "incident", "meeting", "figures", "daily"]
)
def test_outsider_gets_404_for_every_record(county, records, login, key):
    assert login(county.outsider).get(records[key]).status_code == 404


def test_outsider_lists_hold_nothing_of_town_a(county, records, login, directive, notice, incident):
    client = login(county.outsider)
    for url in LISTS:
        page = client.get(url).content.decode()
        for text in (directive.title, notice.title, incident.number, "第5次视频调度会"):
            assert text not in page, (url, text)


@pytest.mark.parametrize(
    ("persona", "key"),
    [
        ("command", "directive"),
        ("command", "target"),
        ("town", "directive"),
        ("town", "target"),
        ("town", "notice"),
        ("gridworker", "notice"),
        ("gridworker", "incident"),
        ("community", "incident"),
        ("town", "figures"),
        ("town", "daily"),
    ],
)
def test_personas_open_what_is_theirs(county, records, login, persona, key):
    assert login(county.users[persona]).get(records[key]).status_code == 200


def test_a_unit_sees_only_its_own_target(county, directive, officer_b, login):
    page = login(county.town).get(f"/command/directives/{directive.public_id}/").content.decode()
    assert "星沙街道" in page and "黄兴镇" not in page
    other = target_of(directive, county.town_b)
    assert login(county.town).get(f"/command/targets/{other.public_id}/").status_code == 404
    page = login(county.command).get(f"/command/directives/{directive.public_id}/").content.decode()
    assert "星沙街道" in page and "黄兴镇" in page


def test_opening_the_target_page_marks_it_read_for_the_unit_only(county, directive, login):
    target = target_of(directive, county.town_a)
    login(county.command).get(f"/command/targets/{target.public_id}/")
    target.refresh_from_db()
    assert target.status == TargetStatus.SENT
    login(county.town).get(f"/command/directives/{directive.public_id}/")
    target.refresh_from_db()
    assert target.status == TargetStatus.READ


def test_unit_takes_its_steps_on_the_page_with_attachments(county, directive, login):
    client = login(county.town)
    target = target_of(directive, county.town_a)
    base = f"/command/targets/{target.public_id}"
    response = client.post(f"{base}/complete/", {"note": "完成"}, follow=True)
    assert "请先签收" in response.content.decode()
    client.post(f"{base}/acknowledge/", {"note": ""})
    client.post(f"{base}/progress/", {"note": "已完成一半", "attachments": [png("台账.png")]})
    client.post(f"{base}/complete/", {"note": "全部完成", "attachments": [png()]})
    target.refresh_from_db()
    assert target.status == TargetStatus.DONE
    files = [f for e in target.events.all() for f in e.attachments.all()]
    assert len(files) == 2
    # the county sees the file; the outsider does not
    assert login(county.command).get(f"/command/files/{files[0].public_id}/").status_code == 200
    assert login(county.outsider).get(f"/command/files/{files[0].public_id}/").status_code == 404


def test_a_refused_step_leaves_no_uploaded_file(county, directive, login):
    client = login(county.town)
    target = target_of(directive, county.town_a)
    response = client.post(
        f"/command/targets/{target.public_id}/complete/",
        {"note": "完成", "attachments": [png()]},
        follow=True,
    )
    assert response.status_code == 200 and "请先签收" in response.content.decode()
    assert not StoredFile.objects.exists()
    from bastion.core.uploads import private_root

    assert (
        not [p for p in private_root().rglob("*") if p.is_file()]
        if private_root().exists()
        else True
    )


def test_outsider_posts_change_nothing(county, directive, incident, notice, login):
    client = login(county.outsider)
    target = target_of(directive, county.town_a)
    assert client.post(f"/command/targets/{target.public_id}/acknowledge/").status_code == 404
    assert (
        client.post(
            f"/command/directives/{directive.public_id}/cancel/", {"reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"/command/incidents/{incident.public_id}/register/").status_code == 404
    assert (
        client.post(f"/command/notices/{notice.public_id}/withdraw/", {"reason": "x"}).status_code
        == 404
    )
    target.refresh_from_db()
    incident.refresh_from_db()
    assert target.status == TargetStatus.SENT and incident.status == "reported"
    assert Directive.objects.get().status == "active"


def test_issuing_on_the_page(county, login):
    client = login(county.command)
    response = client.post(
        "/command/directives/new/",
        {
            "issuer": f"region:{county.county.code}",
            "title": "加强卡口值守",
            "content": "24小时值守",
            "priority": "urgent",
            "deadline": later(),
            "remind_hours": "6",
            "targets": [f"region:{county.town_a.code}", f"region:{county.community_a1.code}"],
            "attachments": [png("方案.png")],
        },
    )
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert directive.targets.count() == 2 and directive.attachments.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"deadline": "明天"},
        {"deadline": "2020-01-01T08:00"},
        {"targets": ["region:430121002000x"]},
        {"targets": []},
        {"issuer": "region:430121001000"},
        {"title": ""},
        {"remind_hours": "-5"},
        {"content": "a\x00b"},
    ],
)
def test_bad_directive_form_is_shown_again_with_errors(county, login, change):
    data = {
        "issuer": f"region:{county.county.code}",
        "title": "标题",
        "content": "内容",
        "priority": "normal",
        "deadline": later(),
        "remind_hours": "24",
        "targets": [f"region:{county.town_a.code}"],
    } | change
    response = login(county.command).post("/command/directives/new/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Directive.objects.exists()


def test_refused_photo_is_reported_on_the_incident_form(county, kinds, login):
    response = login(county.gridworker).post(
        "/command/incidents/new/",
        {
            "kind": "other",
            "grade": "simple",
            "region": county.grid_a1_1.code,
            "description": "有人聚集",
            "photos": [
                SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
            ],
        },
    )
    assert response.status_code == 200 and "不支持的文件类型" in response.content.decode()
    assert not Incident.objects.exists() and not StoredFile.objects.exists()


def test_grid_worker_reports_from_her_phone_with_a_photo(county, kinds, login):
    client = login(county.gridworker)
    page = client.get("/command/incidents/new/").content.decode()
    assert county.grid_a1_1.name in page and county.grid_b1_1.name not in page
    response = client.post(
        "/command/incidents/new/",
        {
            "kind": "venue_violation",
            "grade": "simple",
            "region": county.grid_a1_1.code,
            "place": "松雅路12号",
            "description": "麻将馆违规营业",
            "photos": [png()],
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{incident.public_id}/")
    assert incident.photos.count() == 1 and incident.reported_by == county.gridworker
    # a region outside her grid is refused as an invalid choice, not a 500
    response = client.post(
        "/command/incidents/new/",
        {"kind": "other", "grade": "simple", "region": county.grid_b1_1.code, "description": "x"},
    )
    assert response.status_code == 200 and Incident.objects.count() == 1


def test_incident_steps_on_the_page(county, incident, login):
    community = login(county.community)
    base = f"/command/incidents/{incident.public_id}"
    community.post(f"{base}/register/", {"note": ""})
    community.post(
        f"{base}/dispatch/",
        {"handler": f"region:{county.community_a1.code}", "deadline": later(8), "note": "尽快"},
    )
    community.post(f"{base}/handle/", {"note": "已责令停业", "photos": [png()]})
    reporter = login(county.gridworker)
    reporter.post(f"{base}/verify/", {"note": "已核实"})
    incident.refresh_from_db()
    assert incident.status == "closed"
    page = reporter.get(f"{base}/").content.decode()
    for action in ("上报", "受理", "分拨", "处置反馈", "核查通过"):
        assert action in page


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("dispatch/", {"handler": "region:nope", "deadline": "soon"}),
        ("dispatch/", {}),
        ("extension/", {"deadline": "x", "reason": ""}),
        ("regrade/", {"grade": "galactic", "note": "x"}),
        ("dismiss/", {"note": ""}),
        ("verify/", {}),
    ],
)
def test_bad_incident_posts_give_a_message_not_a_500(county, incident, login, url, data):
    response = login(county.community).post(
        f"/command/incidents/{incident.public_id}/{url}", data, follow=True
    )
    assert response.status_code == 200
    assert 'class="messages"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=999999",
        "?status=bogus",
        "?side=bogus",
        "?show=weird&grade=x&kind=%00",
        "?day=2020-13-45",
        "?q=%00",
    ],
)
def test_odd_query_strings_never_fail(county, records, login, query):
    client = login(county.command)
    for url in [*LISTS, records["directive"], records["notice"], records["daily"].split("?")[0]]:
        assert client.get(f"{url}{query}").status_code == 200, (url, query)


@pytest.mark.parametrize(
    "url",
    [
        "/command/incidents/new/?household=not-a-uuid",
        "/command/incidents/new/?person=xyz",
        "/command/figures/abc%00/",
        "/command/daily/00000000-0000-4000-8000-000000000000/",
    ],
)
def test_malformed_references_are_404(county, kinds, login, url):
    assert login(county.gridworker).get(url).status_code == 404


def test_nul_characters_in_filters_are_dropped(county, records, login):
    client = login(county.command)
    for url in (
        "/command/incidents/?kind=%00x&handler=%00",
        records["daily"].split("?")[0] + "?region=%00",
    ):
        assert client.get(url).status_code in (200, 404)


def test_daily_fill_page_files_and_corrects(county, daily_form, login):
    client = login(county.community)
    url = f"/command/daily/{daily_form.public_id}/fill/"
    page = client.get(url).content.decode()
    assert county.community_a1.name in page
    response = client.post(url, {"unit": county.community_a1.code, "meetings_held": "x"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    client.post(url, {"unit": county.community_a1.code, "meetings_held": "2", "notes": ""})
    client.post(url, {"unit": county.community_a1.code, "meetings_held": "3", "notes": "已补报"})
    report = daily_form.reports.get()
    assert report.values == {"meetings_held": 3, "notes": "已补报"}
    assert login(county.outsider).get(url).status_code == 403  # sees the form, files nothing


def test_another_town_cannot_file_for_a_community(county, daily_form, officer_b, login):
    url = f"/command/daily/{daily_form.public_id}/fill/?unit={county.community_a1.code}"
    assert login(officer_b).get(url).status_code == 404


def test_county_configures_a_daily_form_and_a_duplicate_figure_is_refused(county, login):
    client = login(county.command)
    response = client.post(
        "/command/daily/new/",
        {
            "name": "村级日报",
            "levels": ["village", "community"],
            "deadline_hour": "18",
            "fields_text": "meetings,召开会议次数\nwho,今日新增观察",
        },
    )
    assert response.status_code == 200 and "不能再要求填报" in response.content.decode()
    response = client.post(
        "/command/daily/new/",
        {
            "name": "村级日报",
            "levels": ["village"],
            "deadline_hour": "18",
            "fields_text": "meetings,召开会议次数,integer,0,20",
        },
    )
    assert response.status_code == 302
    assert login(county.town).get("/command/daily/new/").status_code == 403


def test_only_the_county_command_adds_or_toggles_a_daily_field(county, daily_form, login):
    """A town officer sees the daily form (command.view) but is refused its configuration
    (403, like the form's edit page) before any input is read."""
    base = f"/command/daily/{daily_form.public_id}/fields/"
    toggle = f"{base}notes/toggle/"
    new_field = {"code": "patrols", "label": "巡查次数", "kind": "integer", "min_value": "0"}
    town = login(county.town)
    assert town.get(f"/command/daily/{daily_form.public_id}/").status_code == 200
    assert town.post(toggle).status_code == 403
    assert town.post(base, new_field).status_code == 403
    assert town.post(base, {}).status_code == 403  # refused, not a form error message
    assert daily_form.fields.get(code="notes").active
    assert not daily_form.fields.filter(code="patrols").exists()
    command = login(county.command)
    assert command.post(toggle).status_code == 302
    assert not daily_form.fields.get(code="notes").active
    assert command.post(base, new_field).status_code == 302
    assert daily_form.fields.filter(code="patrols", active=True).exists()


def test_target_drill_down_shows_the_steps(county, directive, login):
    target = target_of(directive, county.town_a)
    client = login(county.town)
    client.post(f"/command/targets/{target.public_id}/acknowledge/", {"note": "收到"})
    page = login(county.command).get(f"/command/targets/{target.public_id}/").content.decode()
    assert "签收" in page and "收到" in page and "town" in page


def test_query_counts_stay_flat_as_records_grow(
    county, county_unit, login, django_assert_max_num_queries
):
    from bastion.command.services.directives import directive_issue

    client = login(county.command)
    targets = [
        f"region:{county.town_a.code}",
        f"region:{county.town_b.code}",
        f"region:{county.community_a1.code}",
    ]
    deadline = timezone.now() + dt.timedelta(days=1)

    def issue(n):
        for i in range(n):
            directive_issue(
                actor=county.command, issuer=county_unit, title=f"指令{i}", content="x", deadline=deadline,
                targets=targets, notify_units=False,
            )  # fmt: skip

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    issue(2)
    first = Directive.objects.first()
    few = {
        u: count(u)
        for u in (
            "/command/directives/",
            f"/command/directives/{first.public_id}/",
            "/command/",
            "/command/inbox/",
        )
    }
    issue(8)
    many = {u: count(u) for u in few}
    assert many == few
    assert max(many.values()) <= 25
    assert DirectiveTarget.objects.count() == 30


def test_pages_switch_to_english(county, directive, incident, settings, login):
    client = login(county.town)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = client.get("/command/").content.decode()
    assert "Report an incident" in home and "上报事件" not in home
    target = client.get(
        f"/command/targets/{target_of(directive, county.town_a).public_id}/"
    ).content.decode()
    assert "Acknowledge" in target and "Deadline" in target
    incidents = client.get("/command/incidents/").content.decode()
    assert "Awaiting acceptance" in incidents
