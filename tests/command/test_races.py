"""Races on PostgreSQL with real threads: the row lock lets one of two simultaneous steps
through, and one report per source reference survives concurrent calls."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from bastion.command.models import DailyReport, DirectiveEvent, Incident, IncidentLogEntry
from bastion.command.services import directives as directive_service
from bastion.command.services import incidents as incident_service
from bastion.command.services.dailyforms import daily_report_file
from bastion.command.units import region_unit

pytestmark = pytest.mark.django_db(transaction=True)


def _together(n: int, call) -> list[str]:
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection lock")
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def worker():
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_two_officers_completing_one_target_complete_it_once(county):
    directive = directive_service.directive_issue(
        actor=county.command,
        issuer=region_unit(county.county),
        title="排查",
        content="x",
        deadline=timezone.now() + dt.timedelta(days=1),
        targets=[f"region:{county.town_a.code}"],
    )
    target = directive.targets.get()
    directive_service.directive_target_acknowledge(actor=county.town, target=target)
    outcomes = _together(
        3,
        lambda: directive_service.directive_target_complete(
            actor=county.town, target=target, report="完成"
        ),
    )
    assert outcomes == ["ok", "refused", "refused"]
    assert DirectiveEvent.objects.filter(target=target, action="done").count() == 1


def test_two_inspectors_verifying_at_once_close_the_incident_once(county, kinds):
    incident = incident_service.incident_report(
        actor=county.gridworker,
        kind="other",
        grade="simple",
        region=county.grid_a1_1,
        description="x",
    )
    incident_service.incident_register(actor=county.community, incident=incident)
    incident_service.incident_dispatch(
        actor=county.community,
        incident=incident,
        handler=f"region:{county.community_a1.code}",
        deadline=timezone.now() + dt.timedelta(hours=5),
    )
    incident_service.incident_handle(actor=county.community, incident=incident, note="ok")
    outcomes = _together(
        3, lambda: incident_service.incident_verify(actor=county.town, incident=incident)
    )
    assert outcomes == ["ok", "refused", "refused"]
    assert IncidentLogEntry.objects.filter(incident=incident, action="verify").count() == 1


def test_concurrent_reports_with_one_source_reference_make_one_incident(county, kinds):
    def report():
        incident_service.incident_report(
            actor=county.gridworker,
            kind="symptomatic_person",
            grade="general",
            region=county.grid_a1_1,
            description="走访发现发热",
            source="campaigns",
            source_ref="visit-42",
        )

    assert _together(4, report) == ["ok"] * 4
    assert Incident.objects.filter(source_ref="visit-42").count() == 1


def test_a_unit_filing_twice_at_once_keeps_one_report(county, daily_form):
    def file():
        daily_report_file(
            actor=county.community,
            form=daily_form,
            region=county.community_a1,
            values={"meetings_held": 1},
        )

    outcomes = _together(3, file)
    assert "ok" in outcomes
    assert DailyReport.objects.filter(form=daily_form, region=county.community_a1).count() == 1
