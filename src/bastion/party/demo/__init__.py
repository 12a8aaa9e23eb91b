"""The party part of the demo county, called by demo/generator.py after the people and
monitoring demo exist (docs/decisions/0027).

The figures restate the scenario (11 liaison groups, about 1,900 organizations, 44,000+
members of whom 600+ medical workers, 5,000+ employed members registered at communities
of whom 2,000+ from county organs, 82 temporary branches, 200+ vanguard teams, 310+
volunteer teams, 1.06 million yuan of party fees) for the full demo county, and in
proportion for smaller ones. Bulk paths write the many (people through the people bulk
path, then memberships, registrations, teams); the services write the few (grants,
expenses, liaison visits, calls, exemplars) and every demo login.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Role
from bastion.geo.models import Level, Region
from bastion.party.demo import names, work
from bastion.party.demo.members import enroll_members
from bastion.party.demo.structure import build_tree

__all__ = ["seed_party"]


def _ratio(county: Region) -> float:
    units = Region.objects.filter(
        path__startswith=county.path, level__in=[Level.VILLAGE, Level.COMMUNITY]
    ).count()
    return units / names.FULL_UNITS


def seed_party(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's party records; return the demo logins made here."""
    from bastion.access.models import User

    today = timezone.localdate(now)
    ratio = _ratio(county)
    tree = build_tree(rng=rng, county=county, ratio=ratio, today=today)
    members = enroll_members(rng=rng, tree=tree, ratio=ratio)
    work.register_members(rng=rng, members=members, ratio=ratio, now=now, today=today)
    work.second_members(rng=rng, tree=tree, members=members, today=today)
    work.form_teams(rng=rng, tree=tree, members=members, ratio=ratio, today=today)
    orgdept = list(User.objects.filter(username="orgdept"))
    work.liaison_groups(rng=rng, tree=tree, ratio=ratio, today=today, users=orgdept)
    work.mobilize(rng=rng, tree=tree, now=now)
    work.grant_fees(rng=rng, tree=tree, ratio=ratio, today=today)
    work.exemplars(rng=rng, tree=tree, members=members, ratio=ratio)
    _analyze()
    return _logins(tree=tree, today=today)


def _analyze() -> None:
    """PostgreSQL plans the first pages after a bulk load from empty-table statistics
    (nested loops over "31 rows" of 44,000); refresh them for the tables just filled."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in apps.get_app_config("party").get_models()]
    tables.append("people_person")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _logins(*, tree, today: dt.date) -> list:
    """The organization officer over 星沙街道's committee (`secretary`) and a party member
    living in its first community with her own login (`member`)."""
    from bastion.demo.users import DEMO_PASSWORD, DemoLogin, demo_user_with_role
    from bastion.party import services
    from bastion.party.models import PartyMember, RegistrationChannel

    town_org = next((o for o in tree.towns.values() if o.region.name == names.SECRETARY_TOWN), None)
    if town_org is None:
        return []
    logins = []
    created = demo_user_with_role(
        username="secretary", full_name="黄晓梅", role=Role.ORG_OFFICER, org_path=town_org.path
    )
    logins.append(
        DemoLogin(
            "secretary",
            DEMO_PASSWORD if created else "-",
            Role(Role.ORG_OFFICER).label,
            town_org.name,
            "" if created else _("用户名已存在，未改动"),
        )
    )
    community = (
        Region.objects.filter(parent=town_org.region, level=Level.COMMUNITY)
        .order_by("path")
        .first()
    )
    member = (
        PartyMember.objects.filter(
            region_path__startswith=community.path if community else "-",
            is_employed=True,
            user__isnull=True,
        )
        .exclude(registrations__isnull=False)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if community is None or member is None:
        return logins
    from bastion.access.models import User

    created = demo_user_with_role(
        username="member", full_name=member.person.name, role=Role.VOLUNTEER, region=community
    )
    if created:
        services.member_account_link(
            actor=None, member=member, user=User.objects.get(username="member")
        )
        registration = services.registration_submit(
            actor=None,
            member=member,
            community=community,
            channel=RegistrationChannel.ONLINE,
            skills=["驾驶"],
            availability="周末全天",
            service_wishes="卡口值守",
        )
        services.registration_decide(
            actor=None,
            registration=registration,
            confirm=True,
            valid_until=today + dt.timedelta(days=20),
        )
    logins.append(
        DemoLogin(
            "member",
            DEMO_PASSWORD if created else "-",
            _("党员（本人）"),
            community.name,
            _("在线报到、续期、响应号召") if created else _("用户名已存在，未改动"),
        )
    )
    return logins
