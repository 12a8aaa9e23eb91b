"""Calls into the other domain apps: monitoring's arrival_record and command's
incident_report (faked here with monkeypatch; the lead adds the end-to-end test)."""

from __future__ import annotations

import logging
import sys
import types

import pytest
from django.http import Http404

from bastion.campaigns.models import Outcome
from bastion.campaigns.services import links
from bastion.campaigns.services.venues import inspection_record
from bastion.campaigns.services.visits import FindingInput, visit_incident_retry, visit_record


class FakeIncident:
    def __init__(self, public_id):
        self.public_id = public_id


@pytest.fixture
def command_services(monkeypatch):
    """A stand-in `bastion.command.services` recording every incident_report call."""
    calls: list[dict] = []
    module = types.ModuleType("bastion.command.services")

    def incident_report(**kwargs):
        calls.append(kwargs)
        return FakeIncident(f"00000000-0000-4000-8000-{len(calls):012d}")

    module.incident_report = incident_report
    monkeypatch.setitem(sys.modules, "bastion.command.services", module)
    return calls


def test_symptoms_at_a_visit_raise_one_incident_with_the_agreed_arguments(
    county, campaign, households, command_services
):
    zhang, li = county.people["zhang"], county.people["li"]
    result = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=2,
        findings=[
            FindingInput(kind="symptoms", person=zhang, symptoms="发热 37.9℃"),
            FindingInput(kind="symptoms", person=li, symptoms="咳嗽"),
        ],
    )
    assert len(command_services) == 1
    call = command_services[0]
    visit = result.visit
    assert call["actor"] == county.gridworker
    assert (call["kind"], call["grade"]) == ("symptomatic_person", "general")
    assert call["region"] == county.grid_a1_1 and call["household"] == households["h11"]
    assert call["person"] == zhang
    assert (call["source"], call["source_ref"]) == ("campaigns", str(visit.public_id))
    assert call["linked_type"] == "campaigns.visit" and call["linked_ref"] == str(visit.public_id)
    assert "张**" in call["description"] and "张建国" not in call["description"]
    refs = set(visit.findings.values_list("incident_ref", flat=True))
    assert refs == {"00000000-0000-4000-8000-000000000001"}
    assert result.warnings == []


def test_without_command_services_the_visit_is_kept_with_a_warning(
    county, campaign, households, caplog, monkeypatch
):
    monkeypatch.setitem(sys.modules, "bastion.command.services", None)  # not importable yet
    with caplog.at_level(logging.WARNING, logger="bastion.campaigns"):
        result = visit_record(
            actor=county.gridworker,
            campaign=campaign,
            household=households["h11"],
            outcome=Outcome.VISITED,
            people_present=1,
            findings=[FindingInput(kind="symptoms", person_name="来访亲戚", symptoms="发热")],
        )
    assert result.created and result.warnings
    assert "incident_report is not available" in caplog.text
    assert result.visit.findings.get().incident_ref == ""


def test_command_not_installed_only_logs(county, campaign, households, caplog, monkeypatch):
    from django.apps import apps

    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "bastion.command" and real(name))
    with caplog.at_level(logging.WARNING, logger="bastion.campaigns"):
        ref = links.incident_raise(
            actor=county.gridworker,
            kind="symptomatic_person",
            region=county.grid_a1_1,
            description="x",
            source_ref="r1",
        )
    assert ref == "" and "command is not installed" in caplog.text


def test_an_actor_refused_by_command_keeps_the_visit_and_can_retry(
    county, campaign, households, monkeypatch, command_services
):
    module = sys.modules["bastion.command.services"]
    real = module.incident_report
    module.incident_report = lambda **kw: (_ for _ in ()).throw(Http404())
    result = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=1,
        findings=[FindingInput(kind="symptoms", person=county.people["zhang"], symptoms="发热")],
    )
    assert result.warnings and result.visit.findings.get().incident_ref == ""
    module.incident_report = real
    ref = visit_incident_retry(actor=county.gridworker, visit=result.visit)
    assert ref and result.visit.findings.get().incident_ref == ref
    assert command_services[0]["source_ref"] == str(result.visit.public_id)


def test_a_failed_inspection_raises_a_venue_violation(county, venue, command_services):
    inspection, warnings = inspection_record(
        actor=county.gridworker,
        venue=venue,
        result="closed",
        passed_items=["住客实名登记"],
        note="未落实测温",
    )
    call = command_services[0]
    assert (call["kind"], call["grade"], call["source"]) == (
        "venue_violation",
        "general",
        "campaigns",
    )
    assert call["source_ref"] == str(inspection.public_id)
    assert (call["linked_type"], call["linked_ref"], call["linked_label"]) == (
        "campaigns.venue",
        str(venue.public_id),
        "星沙宾馆",
    )
    assert call["region"] == county.grid_a1_1
    assert "入口测温并登记" in call["description"]
    inspection.refresh_from_db()
    assert inspection.incident_ref and warnings == []


def test_a_compliant_inspection_raises_nothing(county, venue, command_services):
    inspection_record(
        actor=county.gridworker, venue=venue, result="compliant", passed_items=venue.kind.checklist
    )
    assert command_services == []


def test_a_risk_area_arrival_is_logged_with_monitoring(county, campaign, households):
    import datetime as dt

    from bastion.monitoring.models import Arrival

    zhang = county.people["zhang"]
    result = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=1,
        findings=[
            FindingInput(
                kind="risk_arrival",
                person=zhang,
                origin="湖北省武汉市",
                arrived_on=dt.date(2020, 1, 22),
            )
        ],
    )
    arrival = Arrival.objects.get(person=zhang)
    assert arrival.origin == "湖北省武汉市" and arrival.recorded_by == county.gridworker
    assert result.visit.findings.get().arrival_ref == str(arrival.public_id)
    link = links.observation_register_link(
        person=zhang, origin="湖北省武汉市", arrived_on=dt.date(2020, 1, 22)
    )
    assert f"person={zhang.public_id}" in link and "arrived_on=2020-01-22" in link
