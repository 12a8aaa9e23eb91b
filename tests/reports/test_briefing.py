"""Daily briefings: written from the indicators, edited with figures kept linked,
published, downloaded as Word, printed, archived, and drafted by the morning job."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bastion.access.roles import Role
from bastion.core.indicators import Scope, all_indicators
from bastion.geo.models import Region
from bastion.people.models import Person
from bastion.reports import briefing as writer
from bastion.reports import services
from bastion.reports.models import Briefing, BriefingStatus
from bastion.reports.tasks import morning_briefings
from tests.conftest import make_user

SMALL = ["--towns", "2", "--villages", "2", "--grids", "2", "--households", "3"]


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (9_999, "9999", "9,999"),
        (10_000, "1万", "10,000"),
        (44_000, "4.4万", "44,000"),
        (44_321, "逾4.4万", "over 44,000"),
        (1_000_001, "逾100万", "over 1,000,000"),
    ],
)
def test_rounding_rule(value, zh, en):
    from django.utils import translation

    assert writer.rounded(value, english=False) == zh
    with translation.override("en"):
        assert writer.rounded(value, english=True) == en


def test_the_demo_county_briefing_states_the_demo_figures(db, client, login):
    call_command("demo", *SMALL, "--seed", "3", verbosity=0)
    county = Region.objects.get(parent__isnull=True)
    command = make_user("briefer", Role.COUNTY_COMMAND, county)
    day = timezone.localdate()
    briefing = services.briefing_generate(user=command, region=county, day=day)
    moment = briefing.as_of
    scope = Scope(user=command, region_path=county.path)
    people = Person.objects.filter(path__startswith=county.path, created_at__lte=moment).count()
    assert briefing.figures["people"]["value"] == people
    for code in ("party_members", "monitoring_under_observation", "campaigns_households_visited"):
        indicator = all_indicators()[code]
        assert briefing.figures[code]["value"] == indicator.count(scope, moment), code
    assert [s["key"] for s in briefing.sections] == [
        "command",
        "screening",
        "control",
        "party",
        "volunteers",
        "supplies",
        "exemplars",
    ]
    login(command)
    body = client.get(reverse("reports:briefing_detail", args=[briefing.public_id]))
    text = body.content.decode()
    assert f">{people}人<" in text
    members = briefing.figures["party_members"]["value"]
    assert 'data-indicator="party_members" href="/reports/party_members/records/' in text
    assert f">{members}人<" in text
    assert "逾N万" in text  # the rounding rule is stated


def _draft(county, user=None, day=None, language="zh-hans") -> Briefing:
    return services.briefing_generate(
        user=user or county.command,
        region=county.county,
        day=day or timezone.localdate(),
        language=language,
    )


def test_edit_keeps_figures_linked_and_rejects_unknown_tokens(county):
    briefing = _draft(county)
    people = briefing.figures["people"]["value"]
    services.briefing_update(
        user=county.command,
        briefing=briefing,
        title="长沙县防控简报",
        preface="全县实有人口[[people]]，各级坚守岗位。",
        texts={"screening": "入户排查持续推进，辖区人口[[people|逾]]。"},
    )
    briefing.refresh_from_db()
    assert briefing.preface.startswith("全县实有人口[[people]]")
    html = writer.render_html(
        briefing.preface, briefing.figures, english=False, link=lambda c: "/x"
    )
    assert 'data-indicator="people" href="/x"' in html and f">{people}人<" in html
    with pytest.raises(ValidationError) as caught:
        services.briefing_update(
            user=county.command,
            briefing=briefing,
            title="t",
            preface="",
            texts={"screening": "共有[[no_such_figure]]。"},
        )
    assert "no_such_figure" in str(caught.value)
    briefing.refresh_from_db()
    assert "[[people|逾]]" in next(s for s in briefing.sections if s["key"] == "screening")["text"]


def test_text_is_escaped(county):
    briefing = _draft(county)
    html = writer.render_html(
        "<script>alert(1)</script>[[people]]", briefing.figures, english=False, link=lambda c: ""
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_publish_numbers_issues_and_freezes_the_text(county):
    first = _draft(county, day=timezone.localdate() - dt.timedelta(days=1))
    second = _draft(county)
    services.briefing_publish(user=county.command, briefing=first)
    services.briefing_publish(user=county.command, briefing=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert second.status == BriefingStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.briefing_update(
            user=county.command, briefing=second, title="x", preface="", texts={}
        )
    # Regenerating a published day returns it unchanged.
    assert _draft(county).pk == second.pk and _draft(county).status == BriefingStatus.PUBLISHED


def test_only_briefing_writers_may_write(county):
    with pytest.raises(PermissionDenied):
        _draft(county, user=county.community)
    with pytest.raises(PermissionDenied):
        services.briefing_generate(user=county.town, region=county.county, day=timezone.localdate())
    town = services.briefing_generate(
        user=county.town, region=county.town_a, day=timezone.localdate()
    )
    assert town.figures["people"]["value"] == 3


def test_future_days_are_refused(county):
    with pytest.raises(ValidationError):
        _draft(county, day=timezone.localdate() + dt.timedelta(days=1))


def test_english_briefing(county):
    briefing = _draft(county, language="en")
    assert briefing.figures["people"]["unit"] == "people"
    text = writer.render_text(briefing.sections[1]["text"], briefing.figures, english=True)
    assert "4 people" in text


def test_pages_archive_word_and_print(county, client, login):
    from docx import Document

    login(county.command)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("reports:briefing_list"),
        {"region": county.county.code, "day": yesterday.isoformat(), "language": "zh-hans"},
    )
    briefing = Briefing.objects.get()
    assert response.status_code == 302 and str(briefing.public_id) in response["Location"]
    edit = reverse("reports:briefing_edit", args=[briefing.public_id])
    assert client.get(edit).status_code == 200
    form = {"title": "简报", "preface": "按语[[people]]"}
    form |= {f"section_{s['key']}": s["text"] for s in briefing.sections}
    assert client.post(edit, form).status_code == 302
    bad = client.post(edit, {**form, "preface": "[[bogus]]"})
    assert bad.status_code == 200 and "bogus" in bad.content.decode()
    word = client.get(reverse("reports:briefing_word", args=[briefing.public_id]))
    document = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "按语0人" in text  # nobody was registered by the end of yesterday
    assert "逾N万" in text
    publish = reverse("reports:briefing_publish", args=[briefing.public_id])
    client.post(publish, {})
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.DRAFT  # not confirmed
    client.post(publish, {"confirm": "yes"})
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.PUBLISHED and briefing.number == 1
    archive = client.get(reverse("reports:briefing_list")).content.decode()
    assert "简报" in archive and yesterday.isoformat() in archive
    # An outsider neither sees it in the archive nor opens it.
    login(county.outsider)
    outsider_archive = client.get(reverse("reports:briefing_list")).content.decode()
    assert str(briefing.public_id) not in outsider_archive
    detail = reverse("reports:briefing_detail", args=[briefing.public_id])
    assert client.get(detail).status_code == 404


def test_drafts_are_hidden_from_readers_who_cannot_write(county, client, login):
    briefing = _draft(county)
    login(county.auditor)
    detail = reverse("reports:briefing_detail", args=[briefing.public_id])
    assert client.get(detail).status_code == 404
    services.briefing_publish(user=county.command, briefing=briefing)
    assert client.get(detail).status_code == 200


def test_morning_job_drafts_yesterday_at_the_configured_hour(county, settings):
    settings.BASTION_BRIEFING_HOUR = 7
    settings.BASTION_BRIEFING_REGIONS = []
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    assert morning_briefings(dt.datetime.combine(today, dt.time(6, 5), tzinfo=tz)) == 0
    assert morning_briefings(dt.datetime.combine(today, dt.time(7, 5), tzinfo=tz)) == 1
    briefing = Briefing.objects.get()
    assert briefing.scheduled and briefing.day == today - dt.timedelta(days=1)
    assert briefing.region == county.county and briefing.created_by is None
    # The job's reader saw the whole county (the people count is a full one).
    assert briefing.figures["people"]["value"] == 0  # registered today, after that day
    assert morning_briefings(dt.datetime.combine(today, dt.time(7, 5), tzinfo=tz)) == 1
    assert Briefing.objects.count() == 1
