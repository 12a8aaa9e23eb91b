"""The volunteers part of the demo county, called by demo/generator.py after the people,
monitoring and party demo exist (monitoring's home-service requests have already become
service orders through the hook).

- The demo `volunteer` login is linked to a resident of 松雅社区 (the first community of
  星沙街道) who is a party member registered there: the login sees tasks nearest that
  home first, holds one upcoming claim and can claim others.
- Three communities of 星沙街道 each get registered members and resident volunteers,
  tasks of several kinds (a two-week daily door-duty series at 松雅社区), claims, a full
  task with a waiting list, and history: tasks of the past days with check-ins, confirmed
  hours and points, a confirmed and an unconfirmed no-show.
- A few resident service orders: entered by staff, from the public page, dispatched,
  accepted, done and rated.

Everything goes through the services. Past tasks are made the only way the services
allow (published ahead, claimed, then moved back in time by a bulk update that touches
only starts_at/ends_at), after which check-ins and confirmations are recorded by the
services with past times, as a leader entering them late would.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from bastion.geo.models import Level, Region

DEMO_TOWN = "星沙街道"
COMMUNITIES = 3
# The home community (松雅社区) gets everything; the other two a smaller share.
MEMBERS = (6, 3, 3)
RESIDENTS = (2, 1, 1)
FUTURE_TASKS = (6, 2, 2)
PAST_TASKS = (3, 1, 1)

FUTURE = [
    # title, kind, day offset, start hour, hours, slots, risk, protection, online
    ("小区出入口测温登记", "door_duty", 1, 14, 4, 3, "medium", "口罩、手套、测温枪", False),
    ("为独居老人代购生活物资", "delivery", 1, 9, 2, 2, "low", "口罩、手套", False),
    ("楼栋公共区域消杀", "disinfection", 2, 15, 2, 2, "medium", "防护服、口罩、消毒液", False),
    ("防疫知识入户宣传", "publicity", 2, 9, 3, 4, "low", "口罩", False),
    ("夜间巡查", "patrol", 3, 19, 3, 2, "low", "口罩、手电", False),
    ("返乡人员电话随访", "phone_followup", 2, 19, 2, 3, "low", "", True),
]
PAST = [
    # title, kind, days ago, start hour, hours, slots
    ("小区门岗值守", "door_duty", 1, 8, 4, 3),
    ("代购药品配送", "delivery", 2, 14, 3, 2),
    ("卡口协助登记", "checkpoint", 3, 8, 4, 3),
]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _communities(county: Region) -> list[Region]:
    town = Region.objects.filter(parent=county, name=DEMO_TOWN).first() or (
        Region.objects.filter(parent=county).order_by("path").first()
    )
    if town is None:
        return []
    return list(
        Region.objects.filter(parent=town, level__in=(Level.COMMUNITY, Level.VILLAGE)).order_by(
            "path"
        )[:COMMUNITIES]
    )


def _organization_for(community: Region):
    from bastion.party.models import Organization

    return (
        Organization.objects.filter(code=community.code).first()
        or Organization.objects.filter(region_path=community.path).order_by("path").first()
        or Organization.objects.filter(parent__isnull=True).order_by("path").first()
    )


def _register(member, community: Region) -> None:
    from bastion.party.models import CommunityRegistration
    from bastion.party.selectors import registration_live_q
    from bastion.party.services import registration_decide, registration_submit

    if CommunityRegistration.objects.filter(member=member).filter(registration_live_q()).exists():
        return
    try:
        registration = registration_submit(
            actor=None, member=member, community=community, channel="online",
            skills=["驾驶"] if member.pk % 3 == 0 else [],
        )  # fmt: skip
    except ValidationError:  # a pending registration elsewhere (the party demo's)
        return
    registration_decide(actor=None, registration=registration, confirm=True)


def _enroll(person, community: Region, *, user=None, employed: bool = True):
    from bastion.party.models import PartyMember
    from bastion.party.services import member_enroll

    existing = PartyMember.objects.filter(person=person).first()
    if existing is not None:
        return existing
    organization = _organization_for(community)
    if organization is None:
        return None
    return member_enroll(
        actor=None,
        person=person,
        organization=organization,
        is_employed=employed,
        employer="县直机关" if employed else "",
        user=user,
        started_on=dt.date(2020, 1, 1),
    )


def _volunteer_login(rng: random.Random, community: Region):
    """Make the demo `volunteer` login a party member registered at `community`: the
    login is linked to an adult resident of the community's first grid (a resident
    volunteer instead when there is no party organization). Returns the person."""
    from django.contrib.auth import get_user_model

    from bastion.party.models import PartyMember
    from bastion.party.selectors import member_of_user
    from bastion.people.models import Person
    from bastion.volunteers.models import ResidentVolunteer

    user = get_user_model().objects.filter(username="volunteer").first()
    if user is None:
        return None
    member = member_of_user(user)
    if member is not None:
        _register(member, community)
        return member.person
    resident = ResidentVolunteer.objects.filter(user=user).first()
    if resident is not None:
        return resident.person
    grid = Region.objects.filter(parent=community, level=Level.GRID).order_by("path").first()
    if grid is None:
        return None
    person = (
        Person.objects.filter(
            region=grid, birth_date__range=(dt.date(1970, 1, 1), dt.date(1998, 1, 1))
        )
        .exclude(pk__in=PartyMember.objects.values("person_id"))
        .exclude(pk__in=ResidentVolunteer.objects.values("person_id"))
        .order_by("id")
        .first()
    )
    if person is None:
        return None
    member = _enroll(person, community, user=user)
    if member is not None:
        _register(member, community)
    else:
        from bastion.volunteers.services.config import resident_register

        resident_register(actor=None, person=person, home_grid=grid, user=user)
    return person


def _volunteers(rng: random.Random, community: Region, members: int, residents: int) -> list:
    """Registered members and resident volunteers of the community (persons)."""
    from bastion.party.models import PartyMember
    from bastion.people.models import Person
    from bastion.volunteers.models import ResidentVolunteer
    from bastion.volunteers.services.config import resident_register

    adults = list(
        Person.objects.filter(
            path__startswith=community.path,
            birth_date__lte=dt.date(2000, 1, 1),
            birth_date__gte=dt.date(1960, 1, 1),
        )
        .exclude(pk__in=PartyMember.objects.values("person_id"))
        .exclude(pk__in=ResidentVolunteer.objects.values("person_id"))
        .select_related("region")
        .order_by("id")
    )
    rng.shuffle(adults)
    people = []
    for person in adults[:members]:
        member = _enroll(person, community, employed=rng.random() < 0.7)
        if member is not None:
            _register(member, community)
            people.append(person)
    for person in adults[members : members + residents]:
        if person.region is not None and person.region.level == Level.GRID:
            resident_register(actor=None, person=person, home_grid=person.region,
                              skills=["医护"] if rng.random() < 0.3 else [])  # fmt: skip
            people.append(person)
    return people


def _publish(*, actor, community, grid, title, kind, starts_at, hours, slots, risk="low",
             protection="口罩", online=False, leader=None):  # fmt: skip
    from bastion.volunteers.models import PublisherKind
    from bastion.volunteers.services.tasks import Publisher, TaskInput, task_publish

    return task_publish(
        actor=actor,
        publisher=Publisher(PublisherKind.COMMUNITY, community=community),
        data=TaskInput(
            title=title,
            kind=kind,
            location_kind="online" if online else "grid",
            region=community if online else grid,
            slots=slots,
            risk_level=risk,
            protection=protection,
            contact_name="社区值班室",
            contact_phone="13807310000",
            description="请提前10分钟到岗，服从现场负责人安排。"
            if not online
            else "在家用手机拨打，按表格记录。",
            leader=leader,
        ),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
    )


def _claim_some(task, people, count: int, *, waitlist: int = 0) -> list:
    from bastion.volunteers.services.claims import claim_create

    claims = []
    for person in people:
        if len(claims) >= count + waitlist:
            break
        try:
            result = claim_create(
                actor=None, task=task, person=person, waitlist=len(claims) >= count
            )
        except ValidationError:  # overlapping with another of their claims
            continue
        claims.append(result.claim)
    return claims


def _move_back(task, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """The demo's only bulk path: put a claimed task in the past (times only)."""
    from bastion.volunteers.models import Task

    Task.objects.filter(pk=task.pk).update(starts_at=starts_at, ends_at=ends_at)
    task.starts_at, task.ends_at = starts_at, ends_at


def _history(rng: random.Random, *, community, grid, people, leader, today, count: int) -> None:
    from bastion.volunteers.services.attendance import (
        attendance_confirm,
        attendance_no_show,
        check_record,
    )

    for n, (title, kind, ago, hour, hours, slots) in enumerate(PAST[:count]):
        day = today - dt.timedelta(days=ago)
        far = today + dt.timedelta(days=30 + n)  # published ahead, then moved back
        task = _publish(actor=None, community=community, grid=grid, title=title, kind=kind,
                        starts_at=_local(far, hour), hours=hours, slots=slots, leader=leader)  # fmt: skip
        claims = _claim_some(task, rng.sample(people, len(people)), slots)
        _move_back(task, _local(day, hour), _local(day, hour) + dt.timedelta(hours=hours))
        for i, claim in enumerate(claims):
            claim.task = task
            if i == len(claims) - 1 and n == 0:
                continue  # a derived no-show left for the staff to confirm
            if i == len(claims) - 1 and n == 1:
                attendance_no_show(actor=None, claim=claim, note="电话联系未到")
                continue
            start = task.starts_at + dt.timedelta(minutes=rng.randint(-20, 15))
            end = task.ends_at - dt.timedelta(minutes=rng.choice([0, 0, 10, 30]))
            check_record(actor=None, claim=claim, kind="in", method="leader", at=start)
            check_record(actor=None, claim=claim, kind="out", method="leader", at=end)
            attendance_confirm(actor=None, claim=claim)


def _orders(rng: random.Random, community, people) -> None:
    from bastion.volunteers.services import orders as order_services

    grids = list(Region.objects.filter(parent=community, level=Level.GRID).order_by("path")[:2])
    done = order_services.order_create(
        actor=None, community=community, kind="medicine", detail="降压药（硝苯地平）两盒，请带医保卡",
        requester_name="谭桂英", requester_phone="13974100001", address="3栋2单元501",
        region=grids[0] if grids else None,
    )  # fmt: skip
    order_services.order_dispatch(actor=None, order=done, person=people[0])
    order_services.order_done(actor=None, order=done, note="已送到家门口")
    order_services.order_rating_link_issue(actor=None, order=done)
    order_services.order_rate(order=done, rating=5, comment="送得很及时，谢谢志愿者")
    order_services.order_create(
        actor=None, community=community, kind="groceries", detail="大米10斤、食用油一桶、鸡蛋一板",
        requester_name="周德明", requester_phone="13974100002", address="7栋101",
        region=grids[-1] if grids else None,
    )  # fmt: skip
    order_services.order_create_public(
        community=community, kind="errand", detail="帮忙去社区卫生服务站取体检报告",
        requester_name="刘女士", requester_phone="13974100003", address="11栋1单元302",
    )  # fmt: skip


def seed_volunteers(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's volunteer tasks, claims, attendance and orders; no new logins."""
    from django.contrib.auth import get_user_model

    from bastion.volunteers.services.config import rules_save
    from bastion.volunteers.services.tasks import Publisher, TaskInput, series_publish

    communities = _communities(county)
    if not communities:
        return []
    today = timezone.localdate(now)
    staff = get_user_model().objects.filter(username="community").first()
    leader = get_user_model().objects.filter(username="volunteer").first()
    home = communities[0]
    me = _volunteer_login(rng, home)
    for n, community in enumerate(communities):
        rules_save(
            actor=None,
            region=community,
            allow_residents=True,
            cancel_deadline_hours=2 if n else 4,
            minutes_per_point=30,
            points_per_unit=1,
            public_requests=True,
        )
        grids = list(Region.objects.filter(parent=community, level=Level.GRID).order_by("path"))
        if not grids:
            continue
        people = _volunteers(rng, community, MEMBERS[n], RESIDENTS[n])
        if not people:
            continue
        _history(rng, community=community, grid=grids[0], people=people,
                 leader=leader if community == home else None, today=today,
                 count=PAST_TASKS[n])  # fmt: skip
        for i, (title, kind, offset, hour, hours, slots, risk, protection, online) in enumerate(
            FUTURE[: FUTURE_TASKS[n]]
        ):
            task = _publish(
                actor=staff if community == home else None,
                community=community,
                grid=grids[i % len(grids)],
                title=title,
                kind=kind,
                starts_at=_local(today + dt.timedelta(days=offset), hour),
                hours=hours,
                slots=slots,
                risk=risk,
                protection=protection or "—",
                online=online,
            )
            if i == 0:
                _claim_some(task, people, slots, waitlist=2)  # full, with a waiting list
            elif i % 2 == 1:
                _claim_some(task, people, rng.randint(1, slots - 1))
        if community == home:
            grid = me.region if me is not None and me.region else grids[0]
            first = today + dt.timedelta(days=1)
            series_publish(
                actor=staff,
                publisher=Publisher("community", community=community),
                data=TaskInput(
                    title="小区门岗值守（早班）",
                    kind="door_duty",
                    location_kind="grid",
                    region=grid,
                    slots=2,
                    risk_level="medium",
                    protection="口罩、手套、测温枪",
                    contact_name="社区值班室",
                    contact_phone="13807310000",
                ),  # fmt: skip
                first_day=first,
                last_day=first + dt.timedelta(days=13),
                start_time=dt.time(8, 0),
                end_time=dt.time(12, 0),
            )
            if me is not None:
                from bastion.volunteers.models import Task

                upcoming = Task.objects.filter(
                    series__isnull=False, path__startswith=community.path
                )
                first_shift = upcoming.order_by("starts_at").first()
                _claim_some(first_shift, [me], 1)
            _orders(rng, community, people)
    return []
