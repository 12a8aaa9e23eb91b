"""The command part of the demo county, called by demo/generator.py after the people and
monitoring demo exist: meetings with decisions, directives to the towns in every state (some
overdue), a measure package in two versions with partial read receipts, incidents at each
stage, and a daily form that some units have not filed yet.

Dates are relative to `now`. Everything goes through the command services, acting as the
users who would really do it: the county command issues, each town's duty officer reads,
acknowledges and reports, grid workers report incidents, community officers handle them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from bastion.command.demo.common import DEMO_TOWN
from bastion.command.demo.dailyforms import file_daily_form
from bastion.command.demo.directives import issue_directives, issue_town_directive
from bastion.command.demo.incidents import report_incidents
from bastion.command.demo.meetings import hold_meetings
from bastion.command.demo.notices import publish_notices
from bastion.command.demo.officers import duty_officers
from bastion.geo.models import Region

__all__ = ["seed_command"]


def seed_command(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's command records; return DemoLogin rows for any demo users created."""
    from django.contrib.auth import get_user_model

    from bastion.command.services.deadlines import (
        directive_escalations_send,
        incident_escalations_send,
    )
    from bastion.command.units import region_unit

    towns = list(Region.objects.filter(parent=county).order_by("path"))
    if not towns:
        return []
    officers, logins = duty_officers(towns=towns)
    host = region_unit(county)
    meetings = hold_meetings(host=host, today=timezone.localdate(now))
    issue_directives(host=host, towns=towns, officers=officers, meetings=meetings, now=now)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["grid", "community", "town"])
    }
    demo_town = next((t for t in towns if t.name == DEMO_TOWN), towns[0])
    communities = list(Region.objects.filter(parent=demo_town).order_by("path"))
    if "town" in users:
        issue_town_directive(
            town=demo_town, officer=users["town"], communities=communities, now=now
        )
    publish_notices(host=host, towns=towns, officers=officers, now=now, rng=rng)
    report_incidents(county=county, users=users, now=now, rng=rng)
    file_daily_form(county=county, now=now, rng=rng)
    # What the periodic jobs would have sent by now.
    directive_escalations_send(now=now)
    incident_escalations_send(now=now)
    return logins
