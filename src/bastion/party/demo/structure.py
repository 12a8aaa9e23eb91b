"""The demo county's organization tree, written in bulk level by level.

The tree mirrors the region tree (county committee, a committee per town, one per
village or community with its branches) and adds the county's system committees
(organs, health, education, state enterprises, social organizations), town organ and
non-public enterprise branches, and the temporary branches of the epidemic.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bastion.core.audit import Action, audit_record
from bastion.geo.models import Level, Region
from bastion.party.demo import names
from bastion.party.models import Organization, Sector, TemporarySite, Tier


@dataclass
class Tree:
    """The organizations written, grouped the way the rest of the demo picks them."""

    root: Organization
    towns: dict[int, Organization] = field(default_factory=dict)  # town region pk -> org
    units: dict[int, Organization] = field(default_factory=dict)  # unit region pk -> org
    systems: dict[str, Organization] = field(default_factory=dict)  # sector -> committee
    hospitals: list[Organization] = field(default_factory=list)
    leaves: list[Organization] = field(default_factory=list)  # organizations holding members
    temporary: list[Organization] = field(default_factory=list)

    def all(self) -> list[Organization]:
        return [
            self.root,
            *self.towns.values(),
            *self.units.values(),
            *self.systems.values(),
            *self.hospitals,
            *self.leaves,
            *self.temporary,
        ]


def scaled(value: float, ratio: float, minimum: int = 1) -> int:
    return max(minimum, round(value * ratio))


class _Level:
    """Organizations of one depth, saved together once their parents have primary keys."""

    def __init__(self):
        self.pending: list[Organization] = []

    def add(
        self,
        parent: Organization,
        code: str,
        name: str,
        tier: str,
        sector: str,
        region: Region | None,
        **extra,
    ) -> Organization:
        org = Organization(
            code=code,
            name=name,
            tier=tier,
            sector=sector,
            parent=parent,
            path=f"{parent.path}{code}/",
            depth=parent.depth + 1,
            region=region,
            region_path=region.path if region else "",
            **extra,
        )
        self.pending.append(org)
        return org

    def save(self) -> list[Organization]:
        for org in self.pending:
            org.parent_id = org.parent.pk
        created = Organization.objects.bulk_create(self.pending, batch_size=500)
        self.pending = []
        return created


def build_tree(*, rng: random.Random, county: Region, ratio: float, today: dt.date) -> Tree:
    """Write about FULL["organizations"] * ratio organizations; returns them grouped."""
    from bastion.party.services import organization_create

    root = organization_create(
        actor=None,
        code=county.code[:6],
        name=names.COUNTY_COMMITTEE_NAME,
        tier=Tier.COMMITTEE,
        sector=Sector.ORGAN,
        parent=None,
        region=county,
    )
    tree = Tree(root=root)
    prefix = root.code
    towns = list(Region.objects.filter(parent=county).order_by("code"))
    units = list(Region.objects.filter(parent__in=towns).select_related("parent").order_by("code"))

    level = _Level()
    for town in towns:
        subdistrict = town.level == Level.SUBDISTRICT
        tree.towns[town.pk] = level.add(
            root,
            town.code[:9],
            f"{town.name}{'党工委' if subdistrict else '党委'}",
            Tier.WORKING_COMMITTEE if subdistrict else Tier.COMMITTEE,
            Sector.TOWN,
            town,
        )
    for suffix, name, tier, sector in names.SYSTEMS:
        tree.systems[sector] = level.add(root, f"{prefix}{suffix}", name, tier, sector, county)
    level.save()

    level = _Level()
    for unit in units:
        community = unit.level == Level.COMMUNITY
        tree.units[unit.pk] = level.add(
            tree.towns[unit.parent_id],
            unit.code,
            f"{unit.name}党{'委' if community else '总支'}",
            Tier.COMMITTEE if community else Tier.GENERAL_BRANCH,
            Sector.COMMUNITY if community else Sector.VILLAGE,
            unit,
        )
    health = tree.systems[Sector.HOSPITAL]
    for n, (hospital, tier) in enumerate(names.HOSPITALS, start=1):
        tree.hospitals.append(
            level.add(
                health,
                f"{health.code}{n:02d}",
                f"{hospital}{'党委' if tier == Tier.COMMITTEE else '党总支'}",
                tier,
                Sector.HOSPITAL,
                county,
            )
        )
    level.save()

    # Leaves (branches) of every kind, in proportion; the rest are non-public enterprises.
    level = _Level()
    unit_list = list(tree.units.values())
    town_list = list(tree.towns.values())
    total = scaled(names.FULL["organizations"], ratio, 10)
    temporary = scaled(names.FULL["temporary"], ratio)
    skeleton = 1 + len(town_list) + len(names.SYSTEMS) + len(unit_list) + len(tree.hospitals)
    budget = max(total - skeleton - temporary, len(unit_list))
    plan = [
        ("unit", 0.30),
        ("organ", 0.10),
        ("town_organ", 0.08),
        ("ward", 0.04),
        ("school", 0.14),
        ("state", 0.05),
        ("social", 0.09),
    ]
    counts = {key: max(1, round(budget * share)) for key, share in plan}
    counts["nonpublic"] = max(1, budget - sum(counts.values()))

    def add_leaf(parent, code, name, sector, region):
        tree.leaves.append(level.add(parent, code, name, Tier.BRANCH, sector, region))

    for n in range(counts["unit"]):
        unit_org = unit_list[n % len(unit_list)]
        k = n // len(unit_list) + 1
        add_leaf(unit_org, f"{unit_org.code}B{k:02d}", f"{unit_org.region.name}第{k}党支部",
                 unit_org.sector, unit_org.region)  # fmt: skip
    organs = tree.systems[Sector.ORGAN]
    for n in range(counts["organ"]):
        dept = names.DEPARTMENTS[n % len(names.DEPARTMENTS)]
        k = n // len(names.DEPARTMENTS) + 1
        add_leaf(
            organs, f"{organs.code}{n + 1:03d}", f"{dept}机关第{k}党支部", Sector.ORGAN, county
        )
    for n in range(counts["town_organ"]):
        town_org = town_list[n % len(town_list)]
        k = n // len(town_list) + 1
        add_leaf(town_org, f"{town_org.code}J{k:02d}", f"{town_org.region.name}机关第{k}党支部",
                 Sector.TOWN, town_org.region)  # fmt: skip
    for n in range(counts["ward"]):
        hospital = tree.hospitals[n % len(tree.hospitals)]
        ward = names.WARDS[(n // len(tree.hospitals)) % len(names.WARDS)]
        k = n // len(tree.hospitals) + 1
        add_leaf(hospital, f"{hospital.code}{k:02d}", f"{hospital.name[:-2]}{ward}党支部",
                 Sector.HOSPITAL, county)  # fmt: skip
    education = tree.systems[Sector.SCHOOL]
    for n in range(counts["school"]):
        town = towns[n % len(towns)]
        kind = names.SCHOOL_KINDS[(n // len(towns)) % len(names.SCHOOL_KINDS)]
        k = n // (len(towns) * len(names.SCHOOL_KINDS)) + 1
        add_leaf(education, f"{education.code}{n + 1:03d}",
                 f"{town.name[:2]}{'第' + str(k) if k > 1 else ''}{kind}党支部", Sector.SCHOOL, town)  # fmt: skip
    state = tree.systems[Sector.STATE_ENTERPRISE]
    for n in range(counts["state"]):
        company = names.STATE_ENTERPRISES[n % len(names.STATE_ENTERPRISES)]
        k = n // len(names.STATE_ENTERPRISES) + 1
        add_leaf(
            state,
            f"{state.code}{n + 1:03d}",
            f"{company}第{k}党支部",
            Sector.STATE_ENTERPRISE,
            county,
        )
    social = tree.systems[Sector.SOCIAL_ORGANIZATION]
    for n in range(counts["social"]):
        town = towns[n % len(towns)]
        kind = names.SOCIAL_KINDS[(n // len(towns)) % len(names.SOCIAL_KINDS)]
        add_leaf(social, f"{social.code}{n + 1:03d}", f"{town.name[:2]}{kind}党支部",
                 Sector.SOCIAL_ORGANIZATION, town)  # fmt: skip
    for n in range(counts["nonpublic"]):
        town_org = town_list[n % len(town_list)]
        stem = rng.choice(names.COMPANY_STEMS) + rng.choice(names.COMPANY_KINDS)
        add_leaf(town_org, f"{town_org.code}F{n // len(town_list) + 1:03d}",
                 f"{town_org.region.name[:2]}{stem}有限公司党支部", Sector.NONPUBLIC_ENTERPRISE,
                 town_org.region)  # fmt: skip
    for n in range(temporary):
        town_org = town_list[n % len(town_list)]
        kind, template = names.TEMP_SITES[(n // len(town_list)) % len(names.TEMP_SITES)]
        site = template.format(town=town_org.region.name)
        tree.temporary.append(
            level.add(
                town_org,
                f"{town_org.code}T{n // len(town_list) + 1:02d}",
                f"{site}临时党支部",
                Tier.TEMPORARY_BRANCH,
                Sector.OTHER,
                town_org.region,
                site_kind=kind if kind in TemporarySite.values else TemporarySite.OTHER,
                site_name=site,
                purpose="疫情防控一线值守" if kind == "checkpoint" else "疫情防控",
                opened_on=today - dt.timedelta(days=rng.randint(8, 20)),
            )
        )
    level.save()
    audit_record(
        actor=None,
        action=Action.IMPORT,
        object_type="party.organization",
        object_repr="demo",
        changes={"organizations": len(tree.all())},
    )
    return tree
