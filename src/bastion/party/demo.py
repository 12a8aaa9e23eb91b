"""The party part of the demo county, called by demo/generator.py after the people and
monitoring demo exist.

Organizations mirror the region tree (county committee, a committee per town or
subdistrict, a branch per village or community) and one organization officer logs in
over 星沙街道's committee.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext as _

from bastion.access.roles import Role
from bastion.geo.models import Level, Region
from bastion.party.models import Organization, Sector, Tier
from bastion.party.services import organization_create

COUNTY_COMMITTEE_NAME = "中共长沙县委员会"
SECRETARY_TOWN = "星沙街道"


def _town_org(town: Region, parent: Organization) -> Organization:
    subdistrict = town.level == Level.SUBDISTRICT
    return organization_create(
        actor=None,
        code=town.code[:9],
        name=f"{town.name}{'党工委' if subdistrict else '党委'}",
        tier=Tier.WORKING_COMMITTEE if subdistrict else Tier.COMMITTEE,
        sector=Sector.TOWN,
        parent=parent,
        region=town,
    )


def _unit_org(unit: Region, parent: Organization) -> Organization:
    community = unit.level == Level.COMMUNITY
    return organization_create(
        actor=None,
        code=unit.code,
        name=f"{unit.name}党{'委' if community else '总支'}",
        tier=Tier.COMMITTEE if community else Tier.GENERAL_BRANCH,
        sector=Sector.COMMUNITY if community else Sector.VILLAGE,
        parent=parent,
        region=unit,
    )


def seed_party(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's organizations; return the organization officer's DemoLogin."""
    from bastion.demo.users import DEMO_PASSWORD, DemoLogin, demo_user_with_role

    root = organization_create(
        actor=None,
        code=county.code[:6],
        name=COUNTY_COMMITTEE_NAME,
        tier=Tier.COMMITTEE,
        sector=Sector.ORGAN,
        parent=None,
        region=county,
    )
    secretary_org = None
    for town in Region.objects.filter(parent=county).order_by("code"):
        town_org = _town_org(town, root)
        if town.name == SECRETARY_TOWN:
            secretary_org = town_org
        for unit in Region.objects.filter(parent=town).order_by("code"):
            _unit_org(unit, town_org)
    if secretary_org is None:
        return []
    created = demo_user_with_role(
        username="secretary",
        full_name="黄晓梅",
        role=Role.ORG_OFFICER,
        org_path=secretary_org.path,
    )
    note = "" if created else _("用户名已存在，未改动")
    return [
        DemoLogin(
            "secretary",
            DEMO_PASSWORD if created else "-",
            Role(Role.ORG_OFFICER).label,
            secretary_org.name,
            note,
        )
    ]
