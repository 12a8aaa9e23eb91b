"""The demo county's key-population control: a risk area, 五包一 seat holders, about sixty
returnees under observation with their follow-ups, a few fevers, a missed day, alerts
and home-service requests.

Dates are relative to `now`, so the demo always looks live. Everything goes through the
monitoring services, as real data entry would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from bastion.access.roles import Role
from bastion.core.i18n import Msg
from bastion.geo.models import Region
from bastion.people.models import Person

OBSERVATIONS = 60
RELEASED = 4
ENDED = 2
FEVER_RATE = 0.015
ORIGINS = ["湖北省武汉市"] * 6 + ["湖北省孝感市", "湖北省黄冈市", "广东省深圳市", "浙江省温州市"]
TRAINS = ["G1234", "G1002", "G6012", "G79", "D930", "K81"]
FLIGHTS = ["CZ3456", "MU2507", "HU7181"]
# username, full name, seat code; all hold the team-member role in the demo town.
SEAT_HOLDERS = [
    ("liaison", "欧阳斌", "town_liaison", gettext_lazy("镇联村干部")),
    ("gridcadre", "黄志强", "grid_cadre", gettext_lazy("网格干部")),
    ("cadre", "陈桂兰", "village_cadre", gettext_lazy("村干部")),
    ("police", "李卫国", "police", gettext_lazy("民警")),
    ("doctor", "张秀梅", "village_doctor", gettext_lazy("乡村医生（确认解除观察）")),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _seat_holders(*, actor, town: Region, users: dict, logins: list) -> dict:
    """The town's standing seat duties, held by dedicated demo users (the generic `team`
    and `grid` logins keep exactly the assignments the foundation demo gives them)."""
    from bastion.access.services import role_assign
    from bastion.demo.users import DEMO_PASSWORD, DemoLogin, user_create
    from bastion.monitoring.services.policy import seat_assignment_create

    holders: dict[str, object] = {}
    for username, full_name, seat, label in SEAT_HOLDERS:
        user = users.get(username)
        if user is None:
            user = user_create(username=username, full_name=full_name)
            role_assign(actor=actor, user=user, role=Role.TEAM_MEMBER, region=town)
            note = _("五包一：%(seat)s") % {"seat": label}
            logins.append(
                DemoLogin(username, DEMO_PASSWORD, Role.TEAM_MEMBER.label, town.name, note)
            )
        holders[seat] = user
    for seat, user in holders.items():
        seat_assignment_create(actor=actor, user=user, seat_code=seat, region=town)
    return holders


def _risk_area(*, actor):
    from bastion.monitoring.models import RiskArea
    from bastion.monitoring.services.policy import risk_area_create

    existing = RiskArea.objects.filter(name="湖北省武汉市").first()
    if existing is not None:
        return existing
    return risk_area_create(
        actor=actor, name="湖北省武汉市", code="420100", risky_from=dt.date(2020, 1, 1)
    )


def _transport(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.6:
        return "train", rng.choice(TRAINS)
    if roll < 0.8:
        return "flight", rng.choice(FLIGHTS)
    return "car", ""


def _followups(*, rng, observation, actor, today: dt.date, now: dt.datetime, skip_day=None) -> int:
    """One check a day from day 1 to today (today only once the morning round is done)."""
    from bastion.monitoring.services.followups import followup_record

    written = 0
    day = observation.starts_on
    last_day = observation.starts_on + dt.timedelta(days=observation.total_days - 1)
    while day <= min(today, last_day):
        observed_at = _at(day, rng.randint(8, 10), rng.randrange(60))
        if day == skip_day or observed_at > now:
            day += dt.timedelta(days=1)
            continue
        fever = day != last_day and rng.random() < FEVER_RATE
        temperature = (
            Decimal(rng.randint(375, 386)) / 10 if fever else Decimal(rng.randint(360, 370)) / 10
        )
        followup_record(
            actor=actor,
            observation=observation,
            observed_at=observed_at,
            temperature=temperature,
            symptoms=["fever", "cough"] if fever and rng.random() < 0.5 else [],
            at_home=True,
            contact="seen",
            now=observed_at + dt.timedelta(minutes=5),
        )
        written += 1
        day += dt.timedelta(days=1)
    return written


def seed_monitoring(*, rng: random.Random, county: Region, users, now: dt.datetime | None = None):
    """Add the monitoring demo to a freshly built demo county; returns the new logins.

    `users` are the demo logins made so far (their usernames are looked up).
    """
    from bastion.demo.users import demo_admin
    from bastion.monitoring.models import ObservationStatus, Policy
    from bastion.monitoring.services.alerts import alert_acknowledge, alert_raise
    from bastion.monitoring.services.homeservice import (
        service_request_assign,
        service_request_create,
    )
    from bastion.monitoring.services.observations import (
        observation_end,
        observation_register,
        observation_release,
    )

    now = now or timezone.now()
    today = timezone.localdate(now)
    actor = demo_admin()
    names = [getattr(u, "username", u) for u in users]
    by_name = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    logins: list = []
    town = Region.objects.filter(parent=county, name="星沙街道").first() or (
        Region.objects.filter(parent=county).order_by("path").first()
    )
    holders = _seat_holders(actor=actor, town=town, users=by_name, logins=logins)
    area = _risk_area(actor=actor)
    policy = Policy.objects.get(category="returnee")

    people = list(
        Person.objects.filter(path__startswith=town.path, birth_date__lte=dt.date(2004, 1, 1))
        .order_by("id")
        .values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(people, min(OBSERVATIONS, len(people))))
    registrar = by_name.get("town") or actor
    doctor = holders["village_doctor"]
    missed_one = None
    observations = []
    for n, person in enumerate(Person.objects.filter(pk__in=chosen).order_by("id")):
        finished = n < RELEASED + ENDED
        back = rng.randint(14, 16) if finished else rng.randint(0, 13)
        arrived = today - dt.timedelta(days=back)
        origin = rng.choice(ORIGINS)
        transport, number = _transport(rng)
        observation = observation_register(
            actor=registrar,
            policy=policy,
            person=person,
            origin=origin,
            arrived_on=arrived,
            transport=transport,
            transport_number=number,
            risk_area=area if origin == area.name else None,
        )
        skip = None
        if not finished and not missed_one and back >= 3:
            skip, missed_one = today - dt.timedelta(days=1), observation
        recorder = _grid_cadre(observation) or doctor
        until = arrived + dt.timedelta(days=4) if RELEASED <= n < RELEASED + ENDED else today
        _followups(
            rng=rng, observation=observation, actor=recorder, today=until, now=now, skip_day=skip
        )
        if n < RELEASED:
            last = arrived + dt.timedelta(days=observation.total_days - 1)
            observation_release(
                actor=doctor, observation=observation, note="体温正常，解除观察", now=_at(last, 18)
            )
        elif n < RELEASED + ENDED:
            observation_end(
                actor=doctor,
                observation=observation,
                reason="hospital",
                note="转入定点医院观察",
                now=_at(arrived + dt.timedelta(days=5), 15),
            )
        observations.append(observation)

    if missed_one:
        # missed_alerts_raise skips days before registration, and the demo registers now.
        alert_raise(
            observation=missed_one,
            kind="missed",
            local_date=today - dt.timedelta(days=1),
            detail=Msg(gettext_noop("应随访%(expected)d次，实际%(done)d次"), expected=1, done=0),
            now=now,
        )
    _alerts_and_services(
        rng=rng,
        observations=[o for o in observations if o.status == ObservationStatus.ACTIVE],
        doctor=doctor,
        now=now,
        ack=alert_acknowledge,
        create=service_request_create,
        assign=service_request_assign,
    )
    _returnee_on_file_elsewhere(
        rng=rng, county=county, town=town, grid_worker=by_name.get("grid"), policy=policy, now=now
    )
    return logins


def _returnee_on_file_elsewhere(*, rng, county, town, grid_worker, policy, now) -> None:
    """A returnee now living in the demo grid worker's grid, on file in another town: her
    registration becomes a provisional record (docs/decisions/0011) that the county
    command finds under 人员 › 重复登记待核实."""
    from bastion.monitoring.services.observations import observation_register
    from bastion.people.identity import reveal_id_number
    from bastion.people.services import PersonInput

    if grid_worker is None:
        return
    grid = Region.objects.filter(
        level="grid", path__in=grid_worker.roles.values_list("region_path", flat=True)
    ).first()
    elsewhere = (
        Person.objects.filter(path__startswith=county.path, birth_date__lte=dt.date(2004, 1, 1))
        .exclude(path__startswith=town.path)
        .order_by("id")
        .first()
    )
    if grid is None or elsewhere is None:
        return
    household = grid.households.order_by("id").first()
    observation_register(
        actor=grid_worker,
        policy=policy,
        origin="湖北省武汉市",
        arrived_on=timezone.localdate(now) - dt.timedelta(days=2),
        transport="train",
        transport_number=rng.choice(TRAINS),
        person_data=PersonInput(  # back with her parents' household
            name=elsewhere.name,
            id_number=reveal_id_number(elsewhere),
            grid=grid,
            household_label=household.label if household else "",
            relation_to_head="子女" if household else "",
        ),
    )


def _grid_cadre(observation):
    from bastion.monitoring.models import TeamMember

    member = (
        TeamMember.objects.filter(observation=observation, seat__code="grid_cadre")
        .select_related("user")
        .first()
    )
    return member.user if member else None


def _alerts_and_services(*, rng, observations, doctor, now, ack, create, assign) -> None:
    from bastion.monitoring.models import Alert

    for alert in Alert.objects.filter(
        observation__in=observations, kind="fever", acknowledged_at__isnull=True
    )[:2]:
        ack(actor=doctor, alert=alert, note="已电话联系，安排复测体温", now=now)
    kinds = [
        ("groceries", "代购米、油、蔬菜"),
        ("medicine", "降压药一盒"),
        ("doctor", "请医生上门复测"),
    ]
    for observation, (kind, detail) in zip(rng.sample(observations, 3), kinds, strict=True):
        recorder = _grid_cadre(observation) or doctor
        request = create(actor=recorder, observation=observation, kind=kind, detail=detail)
        if kind == "doctor":
            assign(actor=recorder, request=request, user=doctor)
