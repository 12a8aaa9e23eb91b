"""Indicators owned by people: people, people by tag."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Indicator, Scope
from bastion.people.models import Person, Tag
from bastion.people.selectors import person_count, person_list


def people(scope: Scope, as_of: dt.datetime) -> QuerySet[Person]:
    """People visible in the scope, registered at or before `as_of`."""
    return person_list(user=scope.user, region_path=scope.region_path).filter(created_at__lte=as_of)


def tagged_people(scope: Scope, as_of: dt.datetime) -> QuerySet[Person]:
    """People in scope who carry at least one care tag."""
    return people(scope, as_of).filter(tags__isnull=False).distinct()


def _people_count(scope: Scope, as_of: dt.datetime) -> int:
    return person_count(user=scope.user, region_path=scope.region_path, as_of=as_of)


def _tagged_count(scope: Scope, as_of: dt.datetime) -> int:
    ids = people(scope, as_of).filter(tags__isnull=False).order_by().values("pk")
    return Person.objects.filter(pk__in=ids).count()


def people_by_tag(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    """(tag code, tag name, people in scope with it) for every tag, zeros included."""
    ids = people(scope, as_of).order_by().values("pk")
    rows = Tag.objects.annotate(n=Count("people", filter=Q(people__in=ids), distinct=True))
    return [(tag.code, tag.name_zh, tag.n) for tag in rows.order_by("code")]


INDICATORS = [
    Indicator(
        code="people",
        name_zh="实有人口",
        name_en="People",
        unit_zh="人",
        unit_en="people",
        description=gettext_lazy("权限范围内登记的所有人员（每人一条档案）。"),
        records=people,
        count_fn=_people_count,
        tags=("people",),
    ),
    Indicator(
        code="people_by_tag",
        name_zh="重点关爱人员",
        name_en="People by care tag",
        unit_zh="人",
        unit_en="people",
        description=gettext_lazy("权限范围内带有关爱标签（独居老人等）的人员，按标签分列。"),
        records=tagged_people,
        count_fn=_tagged_count,
        breakdown=people_by_tag,
        tags=("people",),
    ),
]
