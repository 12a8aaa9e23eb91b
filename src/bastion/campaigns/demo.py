"""The campaigns part of the demo county, called by demo/generator.py after the people and
monitoring demo exist.

- a county-wide carpet screening (地毯式排查) started a week ago: most households visited,
  some nobody home (on the revisit list), a few refused, vacant or moved out; the demo
  grid worker's own grid is about half done so her "next household" flow has work; two
  visits found returnees from a risk area (logged with monitoring);
- a door-knocking action for households with someone elderly living alone;
- venues of every kind with inspections (some to rectify, one closed) and 40 commitment
  letters; check-ins at a few venues;
- materials (倡议书, 告知书, posters) handed out and put up with 44 partner property
  companies: 60,000+ leaflets and 500+ posters at the default size, more with --scale.

Writes go through the services where they are few (campaigns, venues, letters, companies,
visits with findings, check-ins) and through bulk inserts where they are many (visits,
inspections, distributions), with the visit state rebuilt by its service.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from bastion.campaigns.models import (
    DistributionAction,
    HouseholdVisit,
    Inspection,
    InspectionResult,
    MaterialDistribution,
    Outcome,
    VenueKind,
)
from bastion.geo.models import Household, Level, Region

# Venues per kind at the default size (the county article: 58 hotels, 54 internet cafés
# and KTVs, 66 mahjong parlours in a county of about a million people).
VENUES = {
    "hotel": 10,
    "guesthouse": 4,
    "internet_cafe": 5,
    "ktv": 4,
    "mahjong": 11,
    "supermarket": 6,
    "market": 3,
    "restaurant": 8,
    "other": 2,
}
LETTERS = 40
COMPANIES = 44
VENUE_WORDS = {
    "hotel": ["星城宾馆", "华天大酒店", "福临酒店", "金源宾馆", "湘江商务酒店", "云海宾馆"],
    "guesthouse": ["乡里人家民宿", "松雅客栈", "青山旅社"],
    "internet_cafe": ["极速网吧", "网鱼网咖", "星空网吧"],
    "ktv": ["麦霸KTV", "星光KTV", "欢唱KTV"],
    "mahjong": ["老友棋牌室", "和气麻将馆", "邻里棋牌室", "开心麻将馆"],
    "supermarket": ["步步高超市", "家润多超市", "新一佳便利店"],
    "market": ["星沙农贸市场", "镇农贸市场"],
    "restaurant": ["湘味馆", "长沙米粉店", "土菜馆", "家常菜馆"],
    "other": ["洗浴中心", "理发店"],
}
SURNAMES = "刘李张王陈杨黄赵周吴徐孙胡朱高林何郭马罗"
OUTCOME_WEIGHTS = [
    (Outcome.VISITED, 80),
    (Outcome.NOBODY_HOME, 9),
    (Outcome.REFUSED, 3),
    (Outcome.VACANT, 5),
    (Outcome.MOVED_OUT, 3),
]


def _at(now: dt.datetime, rng: random.Random, days_back: int) -> dt.datetime:
    moment = now - dt.timedelta(days=rng.randint(0, days_back), minutes=rng.randrange(600))
    return min(moment, now - dt.timedelta(minutes=5))


def _demo_grid() -> Region | None:
    """The grid of the demo grid worker (the first grid of 星沙街道)."""
    town = Region.objects.filter(name="星沙街道", level__in=[Level.TOWN, Level.SUBDISTRICT]).first()
    if town is None:
        return None
    return (
        Region.objects.filter(path__startswith=town.path, level=Level.GRID).order_by("path").first()
    )


def _carpet(*, actor, rng, county, now):
    from bastion.campaigns.services.campaigns import campaign_create
    from bastion.campaigns.services.visits import visit_states_rebuild

    today = timezone.localdate(now)
    campaign = campaign_create(
        actor=actor,
        name="全县地毯式排查（第一轮）",
        kind="carpet",
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=7),
        regions=[county],
        instructions=(
            "逐户敲门，核实常住人口和近14天外出史；发现从风险地区返回的人员当场登记并报告；"
            "有发热、咳嗽等症状的立即上报；每户发放倡议书一份。无人在家的户当天或次日回访。"
        ),
        now=now - dt.timedelta(days=7),
    )
    own_grid = _demo_grid()
    rows = []
    for household in Household.objects.filter(path__startswith=county.path).order_by("path", "id"):
        share = 0.5 if own_grid is not None and household.region_id == own_grid.pk else 0.9
        if rng.random() > share:
            continue  # still pending
        knocks = 2 if rng.random() < 0.12 else 1
        for knock in range(knocks):
            outcome = Outcome.NOBODY_HOME if knock < knocks - 1 else _outcome(rng)
            at = _at(now, rng, 6)
            rows.append(
                HouseholdVisit(
                    campaign=campaign,
                    household=household,
                    round=1,
                    path=household.path,
                    outcome=outcome,
                    people_present=rng.randint(1, 4) if outcome == Outcome.VISITED else 0,
                    visited_at=at,
                    recorded_at=at + dt.timedelta(minutes=2),
                    recorded_by=actor,
                )
            )
    rows.sort(key=lambda v: v.recorded_at)
    HouseholdVisit.objects.bulk_create(rows, batch_size=1000)
    visit_states_rebuild(campaign=campaign)
    _returnees(actor=actor, campaign=campaign, own_grid=own_grid, now=now)
    return campaign


def _outcome(rng: random.Random) -> str:
    outcomes, weights = zip(*OUTCOME_WEIGHTS, strict=True)
    return rng.choices(outcomes, weights)[0]


def _returnees(*, actor, campaign, own_grid, now) -> None:
    """Two visits in the demo grid that found returnees from a risk area (through the
    service, so monitoring logs their arrivals and the visit page offers registration)."""
    from bastion.campaigns.selectors.campaigns import household_rows
    from bastion.campaigns.services.visits import FindingInput, visit_record
    from bastion.people.models import Person

    within = own_grid.path if own_grid is not None else campaign.path
    pending = list(
        household_rows(user=actor, campaign=campaign, within=within).filter(rank__lt=2)[:2]
    )
    if len(pending) < 2:
        pending = list(
            household_rows(user=actor, campaign=campaign, within=campaign.path).filter(rank__lt=2)[
                :2
            ]
        )
    for n, household in enumerate(pending):
        person = Person.objects.filter(household=household).order_by("id").first()
        if person is None:
            continue
        visit_record(
            actor=actor,
            campaign=campaign,
            household=household,
            outcome=Outcome.VISITED,
            people_present=2,
            findings=[
                FindingInput(
                    kind="risk_arrival",
                    person=person,
                    origin="湖北省武汉市" if n == 0 else "湖北省孝感市",
                    arrived_on=timezone.localdate(now) - dt.timedelta(days=3 + n),
                )
            ],
            note="已告知居家观察要求",
            visited_at=now - dt.timedelta(hours=3 + n),
            now=now,
        )


def _elderly(*, actor, rng, county, now) -> None:
    from bastion.campaigns.services.campaigns import campaign_create
    from bastion.campaigns.services.visits import visit_record
    from bastion.people.models import Tag

    tag = Tag.objects.filter(code="elderly_alone").first()
    town = Region.objects.filter(parent=county).order_by("code").first()
    if tag is None or town is None:
        return
    today = timezone.localdate(now)
    campaign = campaign_create(
        actor=actor,
        name=f"{town.name}独居老人敲门行动",
        kind="door_knock",
        starts_on=today - dt.timedelta(days=2),
        ends_on=today + dt.timedelta(days=5),
        regions=[town],
        household_tag=tag,
        instructions="每天敲门一次，问候身体情况，了解买菜、买药需要。",
        now=now - dt.timedelta(days=2),
    )
    households = Household.objects.filter(path__startswith=town.path, members__tags=tag).distinct()
    for household in households.order_by("path", "id")[:12]:
        if rng.random() < 0.7:
            outcome = Outcome.VISITED if rng.random() < 0.85 else Outcome.NOBODY_HOME
            visit_record(
                actor=actor,
                campaign=campaign,
                household=household,
                outcome=outcome,
                # nobody home means nobody present (the service refuses anything else)
                people_present=1 if outcome == Outcome.VISITED else 0,
                visited_at=_at(now, rng, 1),
                now=now,
            )


def _venues(*, actor, rng, county, now) -> list:
    from bastion.campaigns.services.venues import venue_create

    grids = list(Region.objects.filter(path__startswith=county.path, level=Level.GRID))
    kinds = {k.code: k for k in VenueKind.objects.all()}
    venues = []
    for code, count in VENUES.items():
        kind = kinds.get(code)
        if kind is None:
            continue
        for n in range(count):
            grid = rng.choice(grids)
            stem = VENUE_WORDS[code][n % len(VENUE_WORDS[code])]
            venues.append(
                venue_create(
                    actor=actor,
                    kind=kind,
                    name=f"{grid.name[:2]}{stem}"
                    + (
                        f"{n // len(VENUE_WORDS[code]) + 1}号店"
                        if n >= len(VENUE_WORDS[code])
                        else ""
                    ),
                    region=grid,
                    address=f"{grid.name[:2]}路{rng.randint(1, 300)}号",
                    responsible_name=rng.choice(SURNAMES) + rng.choice(["老板", "经理", "店长"]),
                    contact_phone=f"13{rng.randint(5, 9)}{rng.randrange(10**8):08d}",
                )
            )
    return venues


def _inspections(*, actor, rng, venues, now) -> None:
    rows = []
    today = timezone.localdate(now)
    for venue in venues:
        if rng.random() < 0.1:
            continue  # not inspected yet
        checklist = venue.kind.checklist
        roll = rng.random()
        if venue.kind.code in ("internet_cafe", "ktv", "mahjong") and roll < 0.06:
            result = InspectionResult.CLOSED
        elif roll < 0.18:
            result = InspectionResult.RECTIFY
        else:
            result = InspectionResult.COMPLIANT
        missed = (
            set()
            if result == InspectionResult.COMPLIANT
            else set(rng.sample(checklist, k=min(2, len(checklist))))
        )
        at = _at(now, rng, 5)
        rows.append(
            Inspection(
                venue=venue,
                path=venue.path,
                inspected_at=at,
                recorded_at=at + dt.timedelta(minutes=10),
                inspector=actor,
                checklist=[{"item": item, "ok": item not in missed} for item in checklist],
                result=result,
                rectify_by=today + dt.timedelta(days=rng.randint(-1, 3))
                if result == InspectionResult.RECTIFY
                else None,
                note="" if result == InspectionResult.COMPLIANT else "现场指出问题，要求限期落实",
            )
        )
    Inspection.objects.bulk_create(rows)


def _letters(*, actor, rng, venues, now) -> None:
    from bastion.campaigns.services.venues import commitment_record

    for venue in rng.sample(venues, k=min(LETTERS, len(venues))):
        commitment_record(
            actor=actor,
            venue=venue,
            signed_by=venue.responsible_name or "负责人",
            signer_role="负责人",
            signed_on=timezone.localdate(now) - dt.timedelta(days=rng.randint(0, 6)),
            now=now,
        )


def _checkins(*, rng, venues, now) -> None:
    from bastion.campaigns.services.checkins import checkin_record

    open_ones = [
        v for v in venues if v.kind.code in ("hotel", "supermarket", "market", "restaurant")
    ]
    for venue in open_ones[:6]:
        for _n in range(rng.randint(3, 8)):
            name = rng.choice(SURNAMES) + rng.choice("伟芳娜秀英敏静丽强磊军洋")
            checkin_record(
                venue=venue,
                name=name,
                phone=f"15{rng.randint(0, 9)}{rng.randrange(10**8):08d}",
                now=now - dt.timedelta(hours=rng.randint(1, 48)),
            )


def _publicity(*, actor, rng, county, now, scale: int) -> None:
    from bastion.campaigns.services.materials import company_save, material_create

    proposal = material_create(
        actor=actor, name="致全县居民的一封信（倡议书）", kind="proposal", region=county
    )
    notice = material_create(actor=actor, name="居家观察告知书", kind="notice", region=county)
    poster = material_create(actor=actor, name="科学防控宣传海报", kind="poster", region=county)
    units = list(
        Region.objects.filter(
            path__startswith=county.path, level__in=[Level.COMMUNITY, Level.VILLAGE]
        ).order_by("path")
    )
    communities = [u for u in units if u.level == Level.COMMUNITY] or units
    companies = []
    for n in range(COMPANIES):
        unit = communities[n % len(communities)]
        companies.append(
            company_save(
                actor=actor,
                name=f"{unit.name.removesuffix('社区')}{['物业', '物业管理有限公司', '物业服务中心'][n % 3]}{n // len(communities) + 1 if n >= len(communities) else ''}",
                region=unit,
                contact_name=rng.choice(SURNAMES) + "经理",
                contact_phone=f"18{rng.randint(0, 9)}{rng.randrange(10**8):08d}",
            )
        )
    today = timezone.localdate(now)
    grids = list(
        Region.objects.filter(path__startswith=county.path, level=Level.GRID).order_by("path")
    )
    rows = []

    def entry(material, action, quantity, region, place, company=None):
        day = today - dt.timedelta(days=rng.randint(0, 8))
        rows.append(
            MaterialDistribution(
                material=material,
                action=action,
                quantity=quantity,
                region=region,
                path=region.path,
                place=place,
                company=company,
                distributed_on=day,
                recorded_at=now - dt.timedelta(days=(today - day).days, minutes=5),
                recorded_by=actor,
            )
        )

    # Leaflets: a batch per grid (about 560 copies each at the default size: 60,000+).
    for grid in grids:
        entry(
            proposal, DistributionAction.HANDED_OUT, rng.randint(520, 640) * scale, grid, "入户发放"
        )
        entry(
            notice, DistributionAction.HANDED_OUT, rng.randint(20, 60) * scale, grid, "重点人员家庭"
        )
    # Posters: the property companies put them up at their estates (500+ in all).
    for company in companies:
        for place in ("小区大门", "单元门栋", "公告栏"):
            entry(
                poster,
                DistributionAction.POSTED,
                rng.randint(3, 6) * scale,
                company.region,
                place,
                company,
            )
    for grid in grids[::3]:
        entry(poster, DistributionAction.POSTED, rng.randint(1, 3) * scale, grid, "村口宣传栏")
    MaterialDistribution.objects.bulk_create(rows, batch_size=1000)


def seed_campaigns(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's campaigns, venues and publicity; no extra demo logins (the grid
    worker, community and town officers and the county command of the foundation demo
    use these pages)."""
    from bastion.demo.users import demo_admin

    actor = demo_admin()
    households = Household.objects.filter(path__startswith=county.path).count()
    scale = max(1, round(households / 864))
    _carpet(actor=actor, rng=rng, county=county, now=now)
    _elderly(actor=actor, rng=rng, county=county, now=now)
    venues = _venues(actor=actor, rng=rng, county=county, now=now)
    _inspections(actor=actor, rng=rng, venues=venues, now=now)
    _letters(actor=actor, rng=rng, venues=venues, now=now)
    _checkins(rng=rng, venues=venues, now=now)
    _publicity(actor=actor, rng=rng, county=county, now=now, scale=scale)
    return []
