"""Daily forms: no figure asked for twice, filed once per unit per day, validated, and the
higher level sees who has not filed and the rolled-up totals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bastion.command.models import DailyForm, DailyReport
from bastion.command.selectors.dailyforms import form_status
from bastion.command.services import dailyforms as service
from bastion.core.models import AuditEntry
from bastion.geo.services import region_create
from tests.command.conftest import NOW, SHANGHAI


def _form(county, fields):
    return service.daily_form_create(
        actor=county.command,
        region=county.county,
        name="日报",
        levels=["community"],
        deadline_hour=18,
        fields=fields,
    )


@pytest.mark.parametrize(
    "field",
    [
        {"code": "people", "label": "人口数"},  # an indicator's code
        {"code": "new_observations", "label": "今日新增观察"},  # an indicator's name
        {"code": "new_obs", "label": "今日新增观察人数"},  # the same figure with a count suffix
        {"code": "open_incidents", "label": " 未办结 事件 "},  # spaces do not hide it
        {"code": "households_x", "label": "Households"},  # the English name too
    ],
)
def test_a_field_may_not_ask_for_a_figure_an_indicator_computes(county, field):
    with pytest.raises(ValidationError) as refused:
        _form(county, [{"kind": "integer", **field}])
    assert "不能再要求填报" in " ".join(refused.value.messages)
    assert not DailyForm.objects.exists()


def test_a_field_may_not_repeat_a_field_of_another_active_form(county, daily_form):
    with pytest.raises(ValidationError, match="召开会议次数"):
        _form(county, [{"code": "village_meetings", "label": "召开会议次数"}])
    with pytest.raises(ValidationError, match="不能再要求填报"):
        service.daily_form_field_add(
            actor=county.command, form=daily_form, code="meetings2", label="召开会议"
        )


def test_only_the_county_command_configures(county):
    with pytest.raises(PermissionDenied):
        service.daily_form_create(
            actor=county.town, region=county.town_a, name="x", levels=["community"], deadline_hour=18,
            fields=[{"code": "abc", "label": "某数"}],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"levels": ["grid"]}, "levels"),
        ({"deadline_hour": 0}, "deadline_hour"),
        ({"fields": []}, "fields"),
    ],
)
def test_form_settings_are_validated(county, change, field):
    values = {
        "name": "日报",
        "levels": ["community"],
        "deadline_hour": 18,
        "fields": [{"code": "abc", "label": "某项工作"}],
    }
    with pytest.raises(ValidationError) as refused:
        service.daily_form_create(actor=county.command, region=county.county, **(values | change))
    assert field in refused.value.message_dict


def test_unit_files_once_a_day_and_a_correction_is_audited(county, daily_form):
    report = service.daily_report_file(
        actor=county.community,
        form=daily_form,
        region=county.community_a1,
        values={"meetings_held": "2"},
        now=NOW,
    )
    assert report.values == {"meetings_held": 2} and not report.late
    again = service.daily_report_file(
        actor=county.community,
        form=daily_form,
        region=county.community_a1,
        values={"meetings_held": 3},
        now=NOW,
    )
    assert again.pk == report.pk and again.values == {"meetings_held": 3}
    assert DailyReport.objects.count() == 1
    change = AuditEntry.objects.filter(object_id=str(report.public_id), action="update").get()
    assert change.changes == {"values": [{"meetings_held": 2}, {"meetings_held": 3}]}


def test_filing_after_the_deadline_hour_is_late(county, daily_form):
    late = dt.datetime(2026, 3, 5, 18, 30, tzinfo=SHANGHAI)
    report = service.daily_report_file(
        actor=county.community,
        form=daily_form,
        region=county.community_a1,
        values={"meetings_held": 1},
        now=late,
    )
    assert report.late


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "meetings_held"),
        ({"meetings_held": "两次"}, "meetings_held"),
        ({"meetings_held": -1}, "meetings_held"),
        ({"meetings_held": True}, "meetings_held"),
        ({"meetings_held": 1, "notes": "x" * 201}, "notes"),
        ({"meetings_held": 1, "unknown": 5}, "values"),
    ],
)
def test_values_are_validated(county, daily_form, values, field):
    with pytest.raises(ValidationError) as refused:
        service.daily_report_file(
            actor=county.community, form=daily_form, region=county.community_a1, values=values
        )
    assert field in refused.value.message_dict
    assert not DailyReport.objects.exists()


def test_only_the_units_own_people_file_and_only_filing_units(county, daily_form):
    with pytest.raises(Http404):
        service.daily_report_file(
            actor=county.outsider,
            form=daily_form,
            region=county.community_a1,
            values={"meetings_held": 1},
        )
    with pytest.raises(ValidationError, match="不需要填报"):
        service.daily_report_file(
            actor=county.town, form=daily_form, region=county.town_a, values={"meetings_held": 1}
        )


def test_the_higher_level_sees_who_has_not_filed_and_the_totals(county, daily_form):
    second = region_create(
        code="430121001002", name="天华社区", level="community", parent=county.town_a
    )
    service.daily_report_file(
        actor=county.community,
        form=daily_form,
        region=county.community_a1,
        values={"meetings_held": 2},
        now=NOW,
    )
    after_deadline = dt.datetime(2026, 3, 5, 19, 0, tzinfo=SHANGHAI)
    status = form_status(
        user=county.command,
        form=daily_form,
        day=NOW.date(),
        within=county.county,
        now=after_deadline,
    )
    assert [r.region.name for r in status.rows] == ["松雅社区", "天华社区", "黄兴村"]
    assert [r.region for r in status.missing] == [second, county.community_b1]
    assert all(r.overdue for r in status.missing)
    assert status.totals == {"meetings_held": 2}
    assert [(c.name, filed, total) for c, filed, total, _sub in status.by_child] == [
        ("星沙街道", 1, 2),
        ("黄兴镇", 0, 1),
    ]
    # the town sees its own units only; the outsider sees none
    assert len(form_status(user=county.town, form=daily_form, day=NOW.date()).rows) == 2
    assert form_status(user=county.outsider, form=daily_form, day=NOW.date()).rows == []
