"""Policy as configuration: policies, team templates (四包一/六包一), seat duties, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.monitoring.models import Policy, TeamTemplate
from bastion.monitoring.services.observations import observation_register
from bastion.monitoring.services.policy import (
    SeatSpec,
    policy_create,
    policy_update,
    seat_assignment_create,
    seat_assignment_delete,
    team_template_create,
    team_template_update,
)

FOUR = [
    SeatSpec("grid_cadre", "网格员"),
    SeatSpec("village_cadre", "村干部"),
    SeatSpec("police", "民警"),
    SeatSpec("village_doctor", "乡村医生", confirms_release=True),
]


def test_default_policies_and_five_seat_template_exist(db):
    assert set(Policy.objects.values_list("category", flat=True)) >= {
        "returnee",
        "close_contact",
        "family_member",
        "inbound_traveller",
    }
    template = TeamTemplate.objects.get(name="五包一")
    assert [r.code for r in template.roles.all()] == [
        "town_liaison",
        "grid_cadre",
        "village_cadre",
        "police",
        "village_doctor",
    ]
    assert Policy.objects.get(category="returnee").escalation_hours == [2, 4, 8, 24]


def test_county_switches_to_four_seat_template_without_code(county, monitoring_users, policy):
    four = team_template_create(actor=county.command, name="四包一", seats=FOUR)
    policy = policy_update(actor=county.command, policy=policy, changes={"team_template": four})
    obs = observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["li"],
        origin="武汉",
        arrived_on=dt.date(2026, 3, 1),
    )
    assert sorted(obs.team.values_list("seat__code", flat=True)) == sorted(s.code for s in FOUR)


def test_template_seats_relabel_reorder_add_remove(county):
    template = team_template_create(actor=county.command, name="四包一", seats=list(FOUR))
    seats = [
        SeatSpec("village_doctor", "村医", confirms_release=True),
        SeatSpec("police", "派出所民警"),
        SeatSpec("grid_cadre", "网格员"),
        SeatSpec("volunteer", "志愿者"),
        SeatSpec("party_member", "党员"),
        SeatSpec("village_cadre", "村干部"),
    ]
    team_template_update(actor=county.command, template=template, name="六包一", seats=seats)
    template.refresh_from_db()
    assert template.name == "六包一"
    assert [(r.code, r.label_zh) for r in template.roles.all()][:2] == [
        ("village_doctor", "村医"),
        ("police", "派出所民警"),
    ]
    team_template_update(
        actor=county.command, template=template, seats=seats[:3] + [SeatSpec("x", "某")]
    )
    assert template.roles.count() == 4


def test_seat_in_use_cannot_be_removed(observation, county):
    template = observation.policy.team_template
    seats = [
        SeatSpec(r.code, r.label_zh, r.label_en, r.confirms_release) for r in template.roles.all()
    ]
    with pytest.raises(ValidationError, match="仍有责任组成员在岗"):
        team_template_update(actor=county.command, template=template, seats=seats[1:])


def test_template_needs_exactly_one_release_seat_and_unique_codes(county):
    with pytest.raises(ValidationError, match="只能有一个岗位负责确认解除"):
        team_template_create(actor=county.command, name="无医", seats=[SeatSpec("a", "甲")])
    with pytest.raises(ValidationError, match="重复"):
        team_template_create(
            actor=county.command,
            name="重复",
            seats=[SeatSpec("a", "甲", confirms_release=True), SeatSpec("a", "乙")],
        )


def test_policy_validation_messages_are_chinese(county, policy):
    with pytest.raises(ValidationError, match="递增"):
        policy_update(actor=county.command, policy=policy, changes={"escalation_hours": "4,2"})
    with pytest.raises(ValidationError, match="发热阈值"):
        policy_update(actor=county.command, policy=policy, changes={"fever_threshold": "50"})
    updated = policy_update(
        actor=county.command,
        policy=policy,
        changes={"followups_per_day": 2, "escalation_hours": "1,3"},
    )
    assert updated.followups_per_day == 2 and updated.escalation_hours == [1, 3]


def test_only_county_command_manages_policy(county, policy):
    for user in (county.town, county.gridworker, county.outsider):
        with pytest.raises(PermissionDenied):
            policy_update(actor=user, policy=policy, changes={"observation_days": 21})
    created = policy_create(
        actor=county.command,
        category="truck_driver",
        name_zh="货车司机",
        team_template=policy.team_template,
        observation_days=7,
    )
    assert created.escalation_hours == [2, 4, 8, 24]


def test_seat_assignment_create_and_delete(county):
    duty = seat_assignment_create(
        actor=county.town, user=county.teammember, seat_code="police", region=county.town_a
    )
    with pytest.raises(ValidationError):
        seat_assignment_create(
            actor=county.town, user=county.teammember, seat_code="police", region=county.town_a
        )
    with pytest.raises(PermissionDenied):
        seat_assignment_create(
            actor=county.outsider, user=county.teammember, seat_code="police", region=county.town_a
        )
    seat_assignment_delete(actor=county.town, assignment=duty)


def test_config_pages(county, login, policy):
    client = login(county.command)
    assert client.get("/monitoring/config/").status_code == 200
    response = client.post(
        "/monitoring/config/templates/new/",
        {"name": "四包一", "seats": "grid_cadre,网格员\nvillage_doctor,乡村医生,,*\npolice,民警"},
    )
    assert response.status_code == 302
    assert TeamTemplate.objects.get(name="四包一").roles.count() == 3
    response = client.post("/monitoring/config/templates/new/", {"name": "坏模板", "seats": "a,甲"})
    assert response.status_code == 422
    assert "只能有一个岗位负责确认解除" in response.content.decode()
    data = {
        "name_zh": "返乡人员", "name_en": "Returnee", "observation_days": 21,
        "clock_start": "arrival", "followups_per_day": 2, "fever_threshold": "37.3",
        "cutoff_hour": 20, "retention_days": 30, "escalation_hours": "2,4",
        "team_template": policy.team_template.pk, "active": "on",
    }  # fmt: skip
    response = client.post(f"/monitoring/config/policies/{policy.public_id}/", data)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.observation_days == 21 and policy.category == "returnee"


@pytest.mark.parametrize("persona", ["outsider", "gridworker", "town", "nobody"])
def test_config_pages_are_404_for_others(county, login, policy, persona):
    client = login(getattr(county, persona))
    for url in (
        "/monitoring/config/",
        "/monitoring/config/policies/new/",
        f"/monitoring/config/policies/{policy.public_id}/",
        "/monitoring/config/templates/new/",
        "/monitoring/config/risk-areas/new/",
    ):
        assert client.get(url).status_code == 404, url


def test_risk_area_pages_create_edit_and_show_service_errors(county, login):
    from bastion.monitoring.models import RiskArea

    client = login(county.command)
    new = "/monitoring/config/risk-areas/new/"
    bad = client.post(new, {"name": "武汉", "code": "4201", "risky_from": "2026-03-05",
                            "risky_until": "2026-03-01"})  # fmt: skip
    assert bad.status_code == 422
    assert "风险结束日期不能早于开始日期" in bad.content.decode()
    assert not RiskArea.objects.exists()
    response = client.post(new, {"name": "武汉", "code": "4201", "risky_from": "2026-03-01"})
    assert response.status_code == 302 and response["Location"] == "/monitoring/config/"
    area = RiskArea.objects.get()
    response = client.post(
        f"/monitoring/config/risk-areas/{area.public_id}/",
        {"name": "武汉市", "code": "4201", "risky_from": "2026-03-01", "risky_until": "2026-03-20"},
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.risky_until) == ("武汉市", dt.date(2026, 3, 20))


def test_new_policy_page_shows_the_service_error(county, login, policy):
    client = login(county.command)
    data = {
        "category": "returnee", "name_zh": "重复", "name_en": "Dup", "observation_days": 14,
        "clock_start": "arrival", "followups_per_day": 1, "fever_threshold": "37.3",
        "cutoff_hour": 20, "retention_days": 30, "escalation_hours": "2,4",
        "team_template": policy.team_template.pk, "active": "on",
    }  # fmt: skip
    response = client.post("/monitoring/config/policies/new/", data)
    assert response.status_code == 422
    assert "类别代码“returnee”已存在" in response.content.decode()
    assert Policy.objects.filter(category="returnee").count() == 1
    data["category"] = "school_staff"
    response = client.post("/monitoring/config/policies/new/", data)
    assert response.status_code == 302 and response["Location"] == "/monitoring/config/"
    assert Policy.objects.get(category="school_staff").name_zh == "重复"
