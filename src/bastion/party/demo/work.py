"""What the demo county's organizations and members do: community registrations with
service records, secondments, teams, zones and posts (in bulk); liaison groups, calls,
party-fee grants and exemplars (through the services, a few dozen of each)."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.db.models.functions import Mod

from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.party import services
from bastion.party.demo import names
from bastion.party.demo.members import BATCH, Enrolled
from bastion.party.demo.structure import Tree, scaled
from bastion.party.models import (
    CommunityRegistration,
    MobilizationRecipient,
    PartyMember,
    RegistrationChannel,
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
    ResponsibilityZone,
    Secondment,
    Sector,
    ServiceRecordEntry,
    Team,
    TeamKind,
    TeamMember,
    VanguardPost,
)

ORGAN_SECTORS = (Sector.ORGAN,)  # county organs


def _community_of(path: str, communities: dict[str, Region]) -> Region | None:
    return communities.get("/".join(path.split("/")[:3]) + "/")


def register_members(
    *, rng: random.Random, members: list[Enrolled], ratio: float, now: dt.datetime, today: dt.date
) -> list[CommunityRegistration]:
    """Confirmed registrations of employed members at their home communities (county
    organs first), a few lapsed or waiting, renewals, and this quarter's service entries."""
    communities = {r.path: r for r in Region.objects.filter(level__in=["community", "village"])}
    organ_target = scaled(names.FULL["registered_organ"], ratio, 3)
    target = scaled(names.FULL["registered"], ratio, 5)
    employed = [m for m in members if m.employed]
    organ = [m for m in employed if m.sector in ORGAN_SECTORS]
    other = [m for m in employed if m.sector not in ORGAN_SECTORS]
    rng.shuffle(organ)
    rng.shuffle(other)
    chosen = organ[:organ_target] + other[: max(0, target - min(organ_target, len(organ)))]
    extra = other[len(chosen) : len(chosen) + max(3, target // 40)]  # lapsed or waiting
    rows, renewals = [], []
    for n, member in enumerate(chosen + extra):
        community = _community_of(member.grid_path, communities)
        if community is None:
            continue
        in_force = n < len(chosen)
        lapsed = not in_force and n % 2 == 0
        decided = now - dt.timedelta(days=rng.randint(5, 40), hours=rng.randint(0, 12))
        registration = CommunityRegistration(
            member_id=member.pk,
            community=community,
            path=community.path,
            org_path=member.org.path,
            channel=RegistrationChannel.ONLINE
            if rng.random() < 0.7
            else RegistrationChannel.OFFLINE,
            skills=rng.sample(names.SKILLS, rng.randint(0, 2)),
            availability=rng.choice(["周末全天", "工作日晚上", "随时"]),
            service_wishes=rng.choice(names.SERVICES),
            status=RegistrationStatus.CONFIRMED
            if in_force or lapsed
            else RegistrationStatus.PENDING,
            decided_at=decided if in_force or lapsed else None,
            valid_until=(
                today + dt.timedelta(days=rng.randint(15, 240))
                if in_force
                else today - dt.timedelta(days=rng.randint(1, 20))
                if lapsed
                else None
            ),
        )
        rows.append(registration)
    created = CommunityRegistration.objects.bulk_create(rows, batch_size=BATCH)
    for registration in created:
        if registration.status == RegistrationStatus.CONFIRMED and rng.random() < 0.06:
            previous = registration.valid_until - dt.timedelta(days=180)
            renewals.append(
                RegistrationRenewal(
                    registration=registration,
                    path=registration.path,
                    org_path=registration.org_path,
                    channel=RegistrationChannel.ONLINE,
                    status=RenewalStatus.CONFIRMED,
                    previous_valid_until=previous,
                    valid_until=registration.valid_until,
                    decided_at=now,
                )
            )
    RegistrationRenewal.objects.bulk_create(renewals, batch_size=BATCH)
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    entries = []
    for registration in created:
        if registration.status != RegistrationStatus.CONFIRMED or rng.random() > 0.35:
            continue
        for _n in range(rng.randint(1, 4)):
            served = quarter_start + dt.timedelta(
                days=rng.randint(0, max(0, (today - quarter_start).days))
            )
            entries.append(
                ServiceRecordEntry(
                    member_id=registration.member_id,
                    community=registration.community,
                    path=registration.path,
                    org_path=registration.org_path,
                    served_on=served,
                    hours=Decimal(rng.choice([2, 3, 4, 6, 8])),
                    description=rng.choice(names.SERVICES),
                )
            )
    ServiceRecordEntry.objects.bulk_create(entries, batch_size=BATCH)
    audit_record(
        actor=None,
        action=Action.IMPORT,
        object_type="party.communityregistration",
        object_repr="demo",
        changes={"registrations": len(created), "renewals": len(renewals), "entries": len(entries)},
    )
    return created


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


def liaison_groups(*, rng, tree: Tree, ratio: float, today: dt.date, users) -> None:
    """The organization department's liaison groups, their key units, visits and a few
    cadre observations (through the services)."""
    keys = list(tree.towns.values()) + tree.hospitals
    groups = scaled(names.FULL["liaison"], ratio, 2)
    for n in range(groups):
        group = services.liaison_group_create(
            actor=None,
            organization=tree.root,
            number=n + 1,
            name=f"第{n + 1}联点小组",
            leader=rng.choice(["彭", "刘", "李", "陈", "周"])
            + rng.choice(["建华", "志刚", "立新", "卫东"]),
            members_text="组织部干部三名",
            focus="督导基层党组织落实防控措施",
            formed_on=today - dt.timedelta(days=20),
        )
        for user in users:
            group.users.add(user)
        units = keys[n::groups][:4] or [keys[n % len(keys)]]
        for unit in units:
            services.liaison_pair(actor=None, group=group, unit=unit)
        for unit in units[:2]:
            services.liaison_visit_record(
                actor=None,
                group=group,
                unit=unit,
                visited_on=today - dt.timedelta(days=rng.randint(1, 10)),
                participants=group.leader,
                findings=rng.choice(
                    [
                        "卡口轮班安排合理，物资储备不足三天",
                        "入户排查台账完整，个别网格漏登",
                        "临时党支部作用发挥明显，需补充防护服",
                    ]
                ),  # fmt: skip
                follow_up="已反馈县指挥部协调",
            )
            services.cadre_observation_record(
                actor=None,
                unit=unit,
                group=group,
                cadre_name=rng.choice(["周", "黄", "谭"]) + rng.choice(["国强", "丽华", "明"]),
                position="党委副书记",
                observed_on=today - dt.timedelta(days=rng.randint(1, 10)),
                situation="卡口值守和入户排查",
                performance="靠前指挥，连续在岗，协调解决物资短缺问题",
                rating=rng.choice(["outstanding", "good"]),
            )


def mobilize(*, rng, tree: Tree, now: dt.datetime) -> None:
    """Two county calls and one town call, with recipients' responses set in bulk."""
    sent = []
    for n, (title, body, audience) in enumerate(names.CALLS):
        sent.append(
            services.mobilization_send(
                actor=None,
                organization=tree.root,
                title=title,
                body=body,
                audience=audience,
                notify_logins=False,
                sent_at=now - dt.timedelta(days=12 - 4 * n),
            )
        )
    town = next(iter(tree.towns.values()))
    sent.append(
        services.mobilization_send(
            actor=None,
            organization=town,
            title=f"{town.region.name}党员到社区报到参与值守",
            body="请街道各级党组织和党员按网格分组参与值守。",
            audience="both",
            notify_logins=False,
            sent_at=now - dt.timedelta(days=2),
        )
    )
    shares = [(92, 81, 66), (97, 90, 72), (70, 50, 30)]
    for call, (seen, answered, acted) in zip(sent, shares, strict=False):
        # A pseudo-random but deterministic share of the recipients, set-based.
        recipients = MobilizationRecipient.objects.filter(mobilization=call).annotate(
            slot=Mod(F("pk") * 7919, 100)
        )
        stamp = call.sent_at + dt.timedelta(hours=6)
        recipients.filter(slot__lt=seen).update(seen_at=stamp)
        recipients.filter(slot__lt=answered).update(
            answered_at=stamp + dt.timedelta(hours=2), answer="收到，坚决落实"
        )
        recipients.filter(slot__lt=acted).update(
            acted_at=stamp + dt.timedelta(days=1), action=rng.choice(names.SERVICES)
        )


def grant_fees(*, rng, tree: Tree, ratio: float, today: dt.date) -> None:
    """Party fees granted to towns, hospitals and temporary branches (summing to the
    scenario's total), and some expenses against them."""
    total = Decimal(scaled(names.FULL["fees"], ratio, 10000))
    recipients = (
        list(tree.towns.values())
        + tree.hospitals
        + tree.temporary[: max(2, len(tree.temporary) // 4)]
    )
    weights = [
        3 if o in tree.towns.values() else 2 if o in tree.hospitals else 1 for o in recipients
    ]
    unit = total / sum(weights)
    amounts = [(unit * w).quantize(Decimal("100")) for w in weights]
    amounts[-1] += total - sum(amounts)
    for org, amount in zip(recipients, amounts, strict=True):
        grant = services.fee_grant_create(
            actor=None,
            grantor=tree.root,
            organization=org,
            amount=amount,
            purpose=rng.choice(
                ["购买口罩、消毒液等防护物资", "慰问一线党员和医务人员", "卡口值守补助"]
            ),
            document_no=f"长组通〔2020〕{rng.randint(10, 40)}号",
            granted_on=today - dt.timedelta(days=rng.randint(10, 16)),
        )
        left = amount
        for _n in range(rng.randint(0, 3)):
            spend = (left * Decimal(rng.randint(15, 35)) / 100).quantize(Decimal("0.01"))
            if spend <= 0:
                break
            services.fee_expense_record(
                actor=None,
                grant=grant,
                amount=spend,
                spent_on=today - dt.timedelta(days=rng.randint(0, 8)),
                description=rng.choice(["采购口罩", "采购消毒液", "一线值守人员慰问品", "测温枪"]),
            )
            left -= spend


def _photo(rng) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (180 + rng.randint(0, 60), 40, 30))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.rectangle([40 + i * 90, 260 - i * 25, 110 + i * 90, 360], fill=(250, 220, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def exemplars(*, rng, tree: Tree, members: list[Enrolled], ratio: float) -> None:
    """Nominations, some reviewed and published on the public column (with a photo)."""
    count = scaled(names.FULL["exemplars"], ratio, 4)
    candidates = [m for m in members if m.sector in (Sector.HOSPITAL, Sector.ORGAN, Sector.TOWN)]
    for n in range(count):
        enrolled = candidates[(n * 37) % len(candidates)]
        member = PartyMember.objects.select_related("person").get(pk=enrolled.pk)
        publish = n < max(2, count * 5 // 8)
        exemplar = services.exemplar_nominate(
            actor=None,
            nominating_org=enrolled.org,
            kind="person",
            member=member,
            title=rng.choice(
                [
                    "战疫一线的“守门人”",
                    "白衣执甲 逆行出征",
                    "社区里的“红色管家”",
                    "物资保障的“铁肩膀”",
                ]
            ),
            deed=rng.choice(names.DEED_TEMPLATES).format(
                name=member.person.name, place=enrolled.org.name.removesuffix("党支部")
            ),
            photo=_photo(rng) if publish else None,
        )
        if n < count - 1:
            services.exemplar_review(actor=None, exemplar=exemplar, approve=True)
        if publish:
            services.exemplar_publish(actor=None, exemplar=exemplar)
