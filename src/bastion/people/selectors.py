"""Scoped reads of the person registry. Lists never decrypt; they show masked forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_people, subtree_prefixes
from bastion.core.idnumber import IdNumberError, parse_id_number
from bastion.core.phone import PhoneError, parse_mobile
from bastion.core.tally import tallied_count
from bastion.people.identity import id_number_index, phone_index
from bastion.people.models import ImportJob, Person


def person_list(
    *,
    user,
    region_path: str | None = None,
    household=None,
    q: str = "",
    tag: str | None = None,
    perm: str = Perm.PERSON_VIEW,
) -> QuerySet[Person]:
    """People the user may see. `q` matches a name fragment, or exactly an ID or phone number."""
    qs = restrict_people(Person.objects.all(), user, perm)
    if region_path:
        qs = qs.filter(path__startswith=region_path)
    if household is not None:
        qs = qs.filter(household=household)
    if tag:
        qs = qs.filter(tags__code=tag)
    if q:
        qs = qs.filter(_search_q(q))
    return qs.select_related("region", "household").prefetch_related("tags")


def person_count(*, user, region_path: str | None, as_of) -> int:
    """`person_list(user=user, region_path=region_path)` registered at or before `as_of`,
    counted from the path tally (decision 0093) when the user's scope is whole subtrees."""
    prefixes = subtree_prefixes(user, Perm.PERSON_VIEW, region_path, people=True)
    if prefixes is None:
        qs = person_list(user=user, region_path=region_path).filter(created_at__lte=as_of)
        return qs.order_by().count()
    return tallied_count(Person, "people", prefixes=prefixes, as_of=as_of)


def id_number_q(id_number: str, prefix: str = ""):
    """People with this (valid, normalized) ID number: the record on file and the
    provisional records pointing at it (the caller's scope decides which she sees)."""
    from django.db.models import Q

    index = id_number_index(id_number)
    on_file = Person.objects.filter(id_number_index=index).values("pk")
    return Q(**{f"{prefix}id_number_index": index}) | Q(**{f"{prefix}duplicate_of__in": on_file})


def looks_like_identifier(q: str) -> bool:
    """Is `q` (a search text) an ID number or a mobile number, or a run of digits like one?"""
    text = (q or "").strip()
    try:
        parse_id_number(text)
        return True
    except IdNumberError:
        pass
    try:
        parse_mobile(text)
        return True
    except PhoneError:
        pass
    return sum(ch.isdigit() for ch in text) >= 6


def _search_q(q: str):
    from django.db.models import Q

    text = q.strip()
    try:
        return id_number_q(parse_id_number(text).value)
    except IdNumberError:
        pass
    try:
        return Q(phone_index=phone_index(parse_mobile(text)))
    except PhoneError:
        pass
    return Q(name__icontains=text)


def person_for_registration(*, actor, id_number: str) -> Person | None:
    """The person a registration of `id_number` by `actor` lands on, if one is on file
    where the actor may change people; None otherwise (also when someone with that
    number is on file elsewhere: to the actor that is "nobody")."""
    try:
        value = parse_id_number(id_number).value
    except IdNumberError:
        return None
    qs = Person.objects.filter(id_number_q(value))
    if getattr(actor, "is_authenticated", False):
        qs = restrict_people(qs, actor, Perm.PERSON_CHANGE)
    # the record on file first (when the actor may change it, registration merges there)
    return qs.select_related("region").order_by("duplicate_of_id", "pk").first()


def person_get(*, user, public_id, perm: str = Perm.PERSON_VIEW) -> Person:
    """One person; Http404 when missing or outside the user's scope for `perm`."""
    try:
        return person_list(user=user, perm=perm).get(public_id=public_id)
    except (Person.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def import_job_get(*, user, public_id, kinds) -> ImportJob:
    """An import job of one of `kinds`, visible only to the user who uploaded it."""
    try:
        return ImportJob.objects.select_related("default_grid").get(
            public_id=public_id, created_by=user, kind__in=list(kinds)
        )
    except (ImportJob.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def duplicate_list(*, user) -> QuerySet[Person]:
    """Provisional records the user may merge: she may change both the provisional
    record and the record on file it points at (others never learn of the pair)."""
    provisional = restrict_people(
        Person.objects.filter(duplicate_of__isnull=False), user, Perm.PERSON_CHANGE
    )
    on_file = restrict_people(Person.objects.all(), user, Perm.PERSON_CHANGE).values("pk")
    return (
        provisional.filter(duplicate_of__in=on_file)
        .select_related(
            "region", "household", "duplicate_of", "duplicate_of__region", "duplicate_of__household"
        )
        .order_by("-created_at", "-id")
    )


def duplicate_get(*, user, public_id) -> Person:
    """One provisional record the user may merge; Http404 otherwise."""
    try:
        return duplicate_list(user=user).get(public_id=public_id)
    except (Person.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
