"""Campaigns and command together (no fakes): a visit that finds symptoms and a venue
that fails its inspection become incidents the town can see and the outsider cannot."""

from __future__ import annotations

import pytest

from bastion.campaigns.models import Outcome
from bastion.campaigns.services.venues import inspection_record
from bastion.campaigns.services.visits import FindingInput, visit_incident_retry, visit_record
from bastion.command.models import Incident
from bastion.command.selectors.incidents import incident_list

pytestmark = pytest.mark.django_db


def test_symptoms_at_a_visit_become_one_incident_in_the_command_app(county, campaign, households):
    result = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=2,
        findings=[FindingInput(kind="symptoms", person=county.people["zhang"], symptoms="发热")],
    )
    incident = Incident.objects.get(source="campaigns", source_ref=str(result.visit.public_id))
    assert incident.kind.code == "symptomatic_person"
    assert incident.household == households["h11"]
    assert incident.person == county.people["zhang"]
    assert incident.path.startswith(county.grid_a1_1.path)
    assert result.warnings == []
    ref = result.visit.findings.values_list("incident_ref", flat=True).first()
    assert ref == str(incident.public_id)
    # Asking again (the "report again" button) finds the same incident.
    visit_incident_retry(actor=county.gridworker, visit=result.visit)
    assert Incident.objects.filter(source_ref=str(result.visit.public_id)).count() == 1
    assert incident_list(user=county.town).filter(pk=incident.pk).exists()
    assert not incident_list(user=county.outsider).filter(pk=incident.pk).exists()


def test_a_failed_inspection_becomes_a_venue_violation_linked_to_the_venue(county, venue):
    inspection, warnings = inspection_record(
        actor=county.gridworker,
        venue=venue,
        result="closed",
        passed_items=[],
        note="未落实测温",
    )
    incident = Incident.objects.get(source="campaigns", source_ref=str(inspection.public_id))
    assert incident.kind.code == "venue_violation"
    assert (incident.linked_type, incident.linked_ref) == (
        "campaigns.venue",
        str(venue.public_id),
    )
    assert warnings == []
