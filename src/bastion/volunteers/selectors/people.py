"""Who is a volunteer, where they live, and what they may claim.

A volunteer is a person with a party membership (a registered member serves at the
community of their registration in force, and in the teams and temporary branches they
belong to) or a resident volunteer registered by community staff (serving in their
community when its rules allow residents).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.scoping import scope_memo
from bastion.geo.models import Region
from bastion.party.models import CommunityRegistration, PartyMember, TeamMember
from bastion.party.selectors import registration_in_force_covering, registration_live_q
from bastion.people.models import Person
from bastion.volunteers.errors import refuse
from bastion.volunteers.models import ResidentVolunteer, Task
from bastion.volunteers.selectors.places import place_coordinates, rules_for


@dataclass
class Volunteer:
    """A person who may claim tasks, with what makes them eligible and where they live."""

    person: Person
    member: PartyMember | None = None
    resident: ResidentVolunteer | None = None
    user: object | None = None
    home: Region | None = None
    lat: float | None = None
    lng: float | None = None
    # Region paths of the communities where they serve (registration in force, residence).
    community_paths: list[str] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    org_path: str = ""  # the member's organization path (temporary-branch tasks)


def _volunteer(person: Person, member, resident, user, *, locate: bool = True) -> Volunteer:
    home = resident.home_grid if resident is not None else person.region
    lat, lng = place_coordinates(home) if (home is not None and locate) else (None, None)
    paths: list[str] = []
    if member is not None:
        paths += list(
            CommunityRegistration.objects.filter(member=member)
            .filter(registration_live_q())
            .values_list("path", flat=True)
        )
    if resident is not None and resident.active:
        paths.append(resident.community.path)
    team_ids = list(
        TeamMember.objects.filter(person=person, left_on__isnull=True).values_list(
            "team_id", flat=True
        )
    )
    return Volunteer(
        person=person,
        member=member,
        resident=resident if resident is not None and resident.active else None,
        user=user,
        home=home,
        lat=lat,
        lng=lng,
        community_paths=sorted(set(paths)),
        team_ids=team_ids,
        org_path=member.org_path if member is not None else "",
    )


def volunteer_of_user(user) -> Volunteer | None:
    """The volunteer this login is (party member or resident volunteer), once per request."""
    if not getattr(user, "is_authenticated", False):
        return None

    def compute():
        member = PartyMember.objects.select_related("person__region").filter(user=user).first()
        if member is not None:  # a member is never also a resident volunteer (resident_register)
            return _volunteer(member.person, member, None, user)
        resident = (
            ResidentVolunteer.objects.select_related("person", "home_grid", "community")
            .filter(user=user, active=True)
            .first()
        )
        if resident is None:
            return None
        return _volunteer(resident.person, None, resident, user)

    return scope_memo(user, "volunteers.volunteer", compute)


def volunteer_of_person(person: Person) -> Volunteer:
    """The same facts for someone claimed for offline (they may have no login); their
    home's coordinates are not looked up."""
    member = PartyMember.objects.filter(person=person).select_related("user").first()
    resident = (
        ResidentVolunteer.objects.select_related("home_grid", "community", "user")
        .filter(person=person, active=True)
        .first()
    )
    user = (member.user if member is not None else None) or (
        resident.user if resident is not None else None
    )
    return _volunteer(person, member, resident, user, locate=False)


def eligibility_error(volunteer: Volunteer, task: Task) -> str:
    """Why this volunteer may not claim the task ("" when they may)."""
    person = volunteer.person
    member = volunteer.member
    if member is not None and registration_in_force_covering(
        person_id=person.pk, region_path=task.path
    ):
        return ""
    if task.team_id and task.team_id in volunteer.team_ids:
        return ""
    if task.organization_id and member is not None and member.org_path.startswith(task.org_path):
        return ""
    resident = volunteer.resident
    if resident is not None and task.path.startswith(resident.community.path):
        if rules_for(task.path).allow_residents:
            return ""
        return _("本社区暂不接受居民志愿者认领任务，请联系社区")
    if member is not None:
        return _("请先到任务所在社区报到（或续期报到）后再认领")
    return _("只有在本社区报到的党员或登记的居民志愿者可以认领")


def require_eligible(volunteer: Volunteer, task: Task) -> None:
    error = eligibility_error(volunteer, task)
    if error:
        raise refuse("person", error, "not_eligible")


def community_volunteers(community: Region, *, q: str = "") -> QuerySet[Person]:
    """People who serve at this community: members with a registration in force there
    and active resident volunteers; for the offline-claim and dispatch pickers."""
    today = timezone.localdate()
    registered = CommunityRegistration.objects.filter(
        registration_live_q(today), path=community.path
    ).values("member__person_id")
    residents = ResidentVolunteer.objects.filter(community=community, active=True).values(
        "person_id"
    )
    qs = Person.objects.filter(Q(pk__in=registered) | Q(pk__in=residents))
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.select_related("region").order_by("name", "id")


def claim_candidates(task: Task, *, q: str = "", limit: int = 50) -> list[Person]:
    """People staff may claim this task for: volunteers of its community, members of its
    team or temporary branch (eligibility is checked again when claiming)."""
    from bastion.volunteers.selectors.places import community_of

    ids: set[int] = set()
    community = task.community or community_of(task.path)
    people = Person.objects.none()
    if community is not None:
        people = community_volunteers(community, q=q)
    extra = Q(pk__in=[])
    if task.team_id:
        extra |= Q(
            pk__in=TeamMember.objects.filter(team_id=task.team_id, left_on__isnull=True).values(
                "person_id"
            )
        )
    if task.organization_id:
        extra |= Q(
            pk__in=PartyMember.objects.filter(org_path__startswith=task.org_path).values(
                "person_id"
            )
        )
    others = Person.objects.filter(extra)
    if q:
        others = others.filter(name__icontains=q.strip())
    out = []
    for person in [*people[:limit], *others.select_related("region").order_by("name")[:limit]]:
        if person.pk not in ids:
            ids.add(person.pk)
            out.append(person)
    return out[:limit]
