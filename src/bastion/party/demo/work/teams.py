"""Secondments to the temporary branches, teams with their members, responsibility zones
and vanguard posts (in bulk)."""

from __future__ import annotations

import datetime as dt

from bastion.core.audit import Action, audit_record
from bastion.party.demo import names
from bastion.party.demo.members import BATCH, Enrolled
from bastion.party.demo.structure import Tree, scaled
from bastion.party.models import (
    ResponsibilityZone,
    Secondment,
    Sector,
    Team,
    TeamKind,
    TeamMember,
    VanguardPost,
)


def second_members(*, rng, tree: Tree, members: list[Enrolled], today: dt.date) -> None:
    """Members of organs and hospitals seconded to the temporary branches."""
    pool = [m for m in members if m.sector in (Sector.ORGAN, Sector.HOSPITAL, Sector.TOWN)]
    rows = []
    for branch in tree.temporary:
        for member in rng.sample(pool, min(len(pool), rng.randint(4, 9))):
            rows.append(
                Secondment(
                    branch=branch,
                    member_id=member.pk,
                    org_path=branch.path,
                    region_path=branch.region_path,
                    duty=rng.choice(["卡口值守", "体温检测", "信息登记", "后勤保障"]),
                    started_on=branch.opened_on + dt.timedelta(days=rng.randint(0, 3)),
                )
            )
    Secondment.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def form_teams(*, rng, tree: Tree, members: list[Enrolled], ratio: float, today: dt.date) -> None:
    """Vanguard, volunteer-service and medical teams with their members; zones and posts."""
    by_org: dict[int, list[Enrolled]] = {}
    for member in members:
        by_org.setdefault(member.org.pk, []).append(member)
    units = list(tree.units.values())
    branches = [o for o in tree.leaves if by_org.get(o.pk)]
    owners = {
        TeamKind.VANGUARD: (list(tree.towns.values()) + tree.temporary + branches, "抗疫先锋队"),
        TeamKind.VOLUNTEER_SERVICE: (units + branches, "党员志愿服务队"),
        TeamKind.MEDICAL: (
            [o for o in branches if o.sector == Sector.HOSPITAL] or branches,
            "党员医疗队",
        ),
    }
    wanted = {
        TeamKind.VANGUARD: scaled(names.FULL["vanguard"], ratio),
        TeamKind.VOLUNTEER_SERVICE: scaled(names.FULL["volunteer"], ratio),
        TeamKind.MEDICAL: scaled(names.FULL["medical_teams"], ratio),
    }
    teams, crews = [], []
    for kind, count in wanted.items():
        orgs, label = owners[kind]
        for n in range(count):
            org = orgs[n % len(orgs)]
            k = n // len(orgs) + 1
            crew = _crew(rng, org, by_org, tree)
            teams.append(
                Team(
                    kind=kind,
                    name=f"{org.name.removesuffix('党支部').removesuffix('临时')}{label}{'' if k == 1 else k}",
                    organization=org,
                    org_path=org.path,
                    region=org.region,
                    region_path=org.region_path,
                    purpose=rng.choice(names.SERVICES),
                    leader_id=crew[0].pk if crew else None,
                    formed_on=today - dt.timedelta(days=rng.randint(3, 20)),
                )
            )
            crews.append(crew)
    created = Team.objects.bulk_create(teams, batch_size=BATCH)
    seats = [
        TeamMember(
            team=team,
            person_id=m.person_pk,
            member_id=m.pk,
            role="队长" if i == 0 else "队员",
            joined_on=team.formed_on,
        )  # fmt: skip
        for team, crew in zip(created, crews, strict=True)
        for i, m in enumerate(crew)
    ]
    TeamMember.objects.bulk_create(seats, batch_size=BATCH, ignore_conflicts=True)
    _answered(rng, tree, by_org, ratio, today)
    audit_record(
        actor=None,
        action=Action.IMPORT,
        object_type="party.team",
        object_repr="demo",
        changes={"teams": len(created), "seats": len(seats)},
    )


def _crew(rng, org, by_org, tree: Tree) -> list[Enrolled]:
    pool = by_org.get(org.pk) or []
    if not pool:
        pool = [
            m for o in tree.leaves if o.path.startswith(org.path) for m in by_org.get(o.pk, [])[:3]
        ]
    return rng.sample(pool, min(len(pool), rng.randint(6, 14))) if pool else []


def _answered(rng, tree: Tree, by_org, ratio: float, today: dt.date) -> None:
    unit_branches = [
        o
        for o in tree.leaves
        if o.sector in (Sector.VILLAGE, Sector.COMMUNITY) and by_org.get(o.pk)
    ]
    post_owners = [o for o in tree.leaves if by_org.get(o.pk)]
    zones = []
    for n in range(scaled(names.FULL["zones"], ratio)):
        org = unit_branches[n % len(unit_branches)]
        member = rng.choice(by_org[org.pk])
        zones.append(
            ResponsibilityZone(
                organization=org,
                org_path=org.path,
                member_id=member.pk,
                region=org.region,
                region_path=org.region_path,
                name=f"{org.region.name}第{n // len(unit_branches) + 1}责任区",
                area=f"{rng.randint(1, 12)}栋至{rng.randint(13, 20)}栋"
                if org.sector == Sector.COMMUNITY
                else f"{rng.randint(1, 8)}组",
                duties="入户排查、宣传劝导、代购代办",
                started_on=today - dt.timedelta(days=rng.randint(3, 20)),
            )
        )
    ResponsibilityZone.objects.bulk_create(zones, batch_size=BATCH)
    posts = []
    for n in range(scaled(names.FULL["posts"], ratio)):
        org = post_owners[(n * 7) % len(post_owners)]
        member = rng.choice(by_org[org.pk])
        posts.append(
            VanguardPost(
                organization=org,
                org_path=org.path,
                member_id=member.pk,
                region=org.region,
                region_path=org.region_path,
                name=rng.choice(
                    ["卡口值守先锋岗", "物资保障先锋岗", "便民服务先锋岗", "发热门诊先锋岗"]
                ),
                site=org.name.removesuffix("党支部"),
                duties="带头值守，亮明身份",
                started_on=today - dt.timedelta(days=rng.randint(3, 20)),
            )
        )
    VanguardPost.objects.bulk_create(posts, batch_size=BATCH)
