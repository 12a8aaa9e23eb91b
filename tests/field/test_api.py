"""The field API: the day's bundle, one queued entry at a time (accepted, rejected, in
conflict), idempotent replays, queue formats, and the office's conflict list in scope."""

from __future__ import annotations

import json
import uuid

import pytest

from bastion.campaigns.models import HouseholdVisit
from bastion.command.models import Incident
from bastion.core.masking import mask_name
from bastion.field.models import ConflictStatus, FieldConflict
from bastion.field.services import ticket_for
from bastion.geo.models import Household
from bastion.monitoring.models import FollowUp, Observation, ObservationStatus
from bastion.people.identity import reveal_id_number
from bastion.volunteers.models import CheckEvent
from bastion.volunteers.services.tasks import task_cancel

DAY = "/api/v1/field/day"
ENTRIES = "/api/v1/field/entries"


def post(client, body, key=None):
    key = key or str(uuid.uuid4())
    return client.post(
        ENTRIES, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def followup(observation, user, **data):
    target = str(observation.public_id)
    return {
        "format": 2,
        "kind": "followup",
        "target": target,
        "ticket": ticket_for(user, "observation", target),
        "data": {"temperature": "36.6", "symptoms": [], "at_home": True, "contact": "seen", **data},
    }


def visit(campaign, household, user, **data):
    target = str(household.public_id)
    return {
        "format": 2,
        "kind": "visit",
        "target": target,
        "campaign": str(campaign.public_id),
        "round": campaign.current_round,
        "ticket": ticket_for(user, "household", f"{campaign.public_id}:{target}"),
        "data": {"outcome": "visited", "people_present": 2, "note": "", **data},
    }


def test_day_bundle_holds_the_grid_workers_day_masked(field_day, api_login):
    county = field_day.county
    client = api_login(county.gridworker)
    response = client.get(DAY)
    assert response.status_code == 200
    day = response.json()
    assert day["format"] == 2
    assert day["user"]["public_id"] == str(county.gridworker.public_id)
    targets = {r["target"] for r in day["followups"]}
    assert targets == {str(field_day.zhang.public_id), str(field_day.li.public_id)}
    assert {r["name"] for r in day["followups"]} == {mask_name("张建国"), mask_name("李秀英")}
    [campaign] = day["campaigns"]
    assert [h["label"] for h in campaign["households"]] == ["1栋101"]  # her grid only
    assert campaign["households"][0]["status"] == "pending"
    assert day["incident"]["regions"][0]["code"] == county.grid_a1_1.code
    text = response.content.decode()
    for person in county.people.values():
        assert reveal_id_number(person) not in text
        assert person.name not in text
    assert "13812341234" not in text


def test_day_bundle_of_the_outsider_is_empty(field_day, api_login):
    day = api_login(field_day.county.outsider).get(DAY).json()
    assert day["followups"] == [] and day["campaigns"] == [] and day["tasks"] == []


def test_volunteer_bundle_lists_the_claimed_task(field_day, api_login):
    day = api_login(field_day.county.volunteer).get(DAY).json()
    assert [t["title"] for t in day["tasks"]] == ["松雅小区门岗"]
    assert day["tasks"][0]["target"] == str(field_day.claim.public_id)


def test_followup_is_written_once_whatever_the_retries(field_day, api_login):
    user = field_day.county.gridworker
    client = api_login(user)
    body = followup(field_day.zhang, user)
    first = post(client, body, key="k-1")
    assert first.status_code == 201, first.content
    again = post(client, body, key="k-1")
    assert again.status_code == 201 and again["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    assert FollowUp.objects.filter(observation=field_day.zhang).count() == 1


def test_rejected_followup_says_why_and_writes_nothing(field_day, api_login):
    user = field_day.county.gridworker
    response = post(api_login(user), followup(field_day.zhang, user, temperature="50"))
    assert response.status_code == 422
    assert "34.0" in json.dumps(response.json()["fields"], ensure_ascii=False)
    assert not FollowUp.objects.exists()


def test_entry_without_an_idempotency_key_is_refused(field_day, api_login):
    user = field_day.county.gridworker
    client = api_login(user)
    response = client.post(
        ENTRIES, json.dumps(followup(field_day.zhang, user)), content_type="application/json"
    )
    assert response.status_code == 422
    assert not FollowUp.objects.exists()


def test_released_person_makes_a_conflict_kept_once_for_the_office(field_day, api_login, client):
    county = field_day.county
    Observation.objects.filter(pk=field_day.li.pk).update(status=ObservationStatus.RELEASED)
    user = county.gridworker
    api_login(user)
    body = followup(field_day.li, user)
    first = post(client, body, key="k-rel")
    assert first.status_code == 409
    reply = first.json()
    assert reply["code"] == "field_conflict"
    assert reply["conflict"]["reason"] == "released"
    assert "办公室" in reply["message"]
    again = post(client, body, key="k-rel")
    assert again.status_code == 409 and again.json() == reply
    conflict = FieldConflict.objects.get()
    assert conflict.path == field_day.li.path and conflict.target_label == mask_name("李秀英")
    assert conflict.data["temperature"] == "36.6"
    assert not FollowUp.objects.exists()

    # The community office sees and resolves it; the grid worker sees her own, read-only.
    api_login(county.community)
    listed = client.get("/api/v1/field/conflicts").json()
    assert [c["public_id"] for c in listed["items"]] == [str(conflict.public_id)]
    api_login(county.gridworker)
    url = f"/api/v1/field/conflicts/{conflict.public_id}"
    assert client.get(url).status_code == 200
    refused = client.post(f"{url}/resolve", {"note": "x"}, content_type="application/json")
    assert refused.status_code == 404
    api_login(county.community)
    done = client.post(
        f"{url}/resolve", {"note": "已电话核实，手工补录"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == ConflictStatus.RESOLVED
    assert client.get("/api/v1/field/conflicts").json()["items"] == []


def test_outsider_gets_404_for_a_conflict(field_day, api_login, client):
    county = field_day.county
    Observation.objects.filter(pk=field_day.li.pk).update(status=ObservationStatus.RELEASED)
    api_login(county.gridworker)
    post(client, followup(field_day.li, county.gridworker))
    conflict = FieldConflict.objects.get()
    api_login(county.outsider)
    assert client.get(f"/api/v1/field/conflicts/{conflict.public_id}").status_code == 404
    assert client.get("/api/v1/field/conflicts").json()["items"] == []
    resolve = client.post(
        f"/api/v1/field/conflicts/{conflict.public_id}/resolve",
        {"note": "x"},
        content_type="application/json",
    )
    assert resolve.status_code == 404


def test_outsider_without_a_ticket_gets_404_and_no_conflict(field_day, api_login):
    outsider = field_day.county.outsider
    body = followup(field_day.zhang, outsider)
    body["ticket"] = ticket_for(field_day.county.gridworker, "observation", body["target"])
    response = post(api_login(outsider), body)
    assert response.status_code == 404
    body["ticket"] = ""
    assert post(api_login(outsider), body).status_code == 404
    assert not FieldConflict.objects.exists() and not FollowUp.objects.exists()


def test_visit_is_written_once(field_day, api_login):
    user = field_day.county.gridworker
    household = Household.objects.get(region=field_day.county.grid_a1_1)
    client = api_login(user)
    body = visit(field_day.campaign, household, user)
    assert post(client, body, key="v-1").status_code == 201
    assert post(client, body, key="v-1").status_code == 201
    assert HouseholdVisit.objects.filter(household=household).count() == 1


def test_household_moved_to_another_grid_is_a_conflict(field_day, api_login):
    county = field_day.county
    household = Household.objects.get(region=county.grid_a1_1)
    body = visit(field_day.campaign, household, county.gridworker)
    Household.objects.filter(pk=household.pk).update(
        region=county.grid_b1_1, path=county.grid_b1_1.path
    )
    response = post(api_login(county.gridworker), body)
    assert response.status_code == 409
    assert response.json()["conflict"]["reason"] == "out_of_reach"
    conflict = FieldConflict.objects.get()
    assert conflict.path == county.grid_b1_1.path and conflict.data["campaign"]
    assert not HouseholdVisit.objects.exists()


def test_visit_of_a_household_settled_meanwhile_is_a_conflict(field_day, api_login, client):
    county = field_day.county
    household = Household.objects.get(region=county.grid_a1_1)
    api_login(county.community)
    assert post(client, visit(field_day.campaign, household, county.community)).status_code == 201
    api_login(county.gridworker)
    response = post(client, visit(field_day.campaign, household, county.gridworker))
    assert response.status_code == 409
    assert response.json()["conflict"]["reason"] == "already_settled"
    assert HouseholdVisit.objects.count() == 1


def test_checkin_needs_the_task_code_then_counts_once(field_day, api_login):
    volunteer = field_day.county.volunteer
    client = api_login(volunteer)
    target = str(field_day.claim.public_id)
    body = {
        "format": 2,
        "kind": "checkin",
        "target": target,
        "ticket": ticket_for(volunteer, "claim", target),
        "data": {"kind": "in", "code": "wrong-code-wrong-code-wrong"},
    }
    wrong = post(client, body)
    assert wrong.status_code == 422 and "签到码" in json.dumps(wrong.json(), ensure_ascii=False)
    body["data"]["code"] = f"https://bastion.example/volunteers/c/{field_day.task.checkin_secret}/"
    assert post(client, body, key="c-1").status_code == 201
    assert post(client, body, key="c-1").status_code == 201
    assert CheckEvent.objects.filter(claim=field_day.claim, kind="in").count() == 1


def test_checkin_of_a_cancelled_task_is_a_conflict(field_day, api_login):
    county = field_day.county
    task_cancel(actor=county.community, task=field_day.task, reason="天气原因取消")
    target = str(field_day.claim.public_id)
    body = {"format": 2, "kind": "checkin", "target": target,
            "data": {"kind": "in", "code": field_day.task.checkin_secret}}  # fmt: skip
    response = post(api_login(county.volunteer), body)
    assert response.status_code == 409
    assert response.json()["conflict"]["reason"] == "cancelled"


def test_someone_elses_claim_is_404(field_day, api_login):
    target = str(field_day.claim.public_id)
    body = {"format": 2, "kind": "checkin", "target": target, "data": {"kind": "in"}}
    assert post(api_login(field_day.county.gridworker), body).status_code == 404


def test_incident_is_reported_once(field_day, api_login):
    county = field_day.county
    client = api_login(county.gridworker)
    body = {
        "format": 2,
        "kind": "incident",
        "target": county.grid_a1_1.code,
        "data": {"kind": "symptomatic_person", "grade": "simple", "description": "3栋有人发热"},
    }
    assert post(client, body, key="i-1").status_code == 201
    assert post(client, body, key="i-1").status_code == 201
    incident = Incident.objects.get()
    assert incident.source == "field"


def test_incident_outside_scope_is_404(field_day, api_login):
    body = {"format": 2, "kind": "incident", "target": field_day.county.grid_a1_1.code,
            "data": {"kind": "other", "grade": "simple", "description": "x"}}  # fmt: skip
    assert post(api_login(field_day.county.outsider), body).status_code == 404
    assert not Incident.objects.exists()


def test_format_1_entries_from_an_old_page_still_sync(field_day, api_login):
    user = field_day.county.gridworker
    body = {
        "type": "followup",
        "ref": str(field_day.zhang.public_id),
        "payload": {"temperature": "36.8", "at_home": "no", "contact": "seen", "symptoms": []},
        "queuedAt": "2026-12-01T08:00:00+08:00",
    }
    response = post(api_login(user), body)
    assert response.status_code == 201, response.content
    assert FollowUp.objects.get().at_home is False


def test_format_1_visit_carries_its_campaign_in_the_payload(field_day, api_login):
    user = field_day.county.gridworker
    household = Household.objects.get(region=field_day.county.grid_a1_1)
    body = {
        "type": "visit",
        "ref": str(household.public_id),
        "payload": {"campaign": str(field_day.campaign.public_id), "outcome": "nobody_home"},
    }
    assert post(api_login(user), body).status_code == 201
    assert HouseholdVisit.objects.get().outcome == "nobody_home"


@pytest.mark.parametrize("body", [{"format": 9, "kind": "followup"}, {"format": 2, "kind": "x"}])
def test_unknown_format_or_kind_is_refused_with_a_reason(field_day, api_login, body):
    response = post(api_login(field_day.county.gridworker), body)
    assert response.status_code == 422
    assert response.json()["fields"]


def test_anonymous_gets_401(client, db):
    assert client.get(DAY).status_code == 401
    assert post(client, {"format": 2}).status_code == 401
