"""Publishing a task, or a recurring series with one task for each occurrence."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.volunteers.models import Task, TaskSeries
from bastion.volunteers.services.tasks.fields import (
    MAX_OCCURRENCES,
    TaskInput,
    _check_times,
    _clean_input,
    _new_task,
    _publisher_fields,
)
from bastion.volunteers.services.tasks.publishers import Publisher, publisher_check


def task_publish(
    *,
    actor,
    publisher: Publisher,
    data: TaskInput,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> Task:
    """Publish one task for a community, team or temporary branch."""
    publisher_check(actor=actor, publisher=publisher)
    fields = {**_publisher_fields(publisher), **_clean_input(data, publisher)}
    _check_times(starts_at, ends_at)
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": [_("结束时间：不能早于现在")]})
    task = _new_task(fields, starts_at=starts_at, ends_at=ends_at, actor=actor)
    task.full_clean()
    with transaction.atomic():
        task.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=task,
            changes={
                "title": [None, task.title],
                "starts_at": [None, task.starts_at.isoformat()],
                "slots": [None, task.slots],
            },
        )
    return task


def series_occurrences(
    *,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    weekdays: list[int] | None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of every occurrence, local time made aware; an end at or before the
    start time is on the next day (night shifts)."""
    days = sorted(set(weekdays)) if weekdays else list(range(7))
    out = []
    day = first_day
    while day <= last_day:
        if day.weekday() in days:
            start = timezone.make_aware(dt.datetime.combine(day, start_time))
            end_day = day if end_time > start_time else day + dt.timedelta(days=1)
            out.append((start, timezone.make_aware(dt.datetime.combine(end_day, end_time))))
        day += dt.timedelta(days=1)
    return out


def series_publish(
    *,
    actor,
    publisher: Publisher,
    data: TaskInput,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    weekdays: list[int] | None = None,
) -> TaskSeries:
    """Publish a recurring task: every chosen weekday from first_day to last_day (every
    day by default), each occurrence a task of its own with its own slots."""
    publisher_check(actor=actor, publisher=publisher)
    fields = {**_publisher_fields(publisher), **_clean_input(data, publisher)}
    errors = {}
    if first_day is None or last_day is None:
        errors["first_day"] = [_("日期：请填写开始和结束日期")]
    elif last_day < first_day:
        errors["last_day"] = [_("结束日期：不能早于开始日期")]
    elif first_day < timezone.localdate():
        errors["first_day"] = [_("开始日期：不能早于今天")]
    if start_time is None or end_time is None:
        errors["start_time"] = [_("时段：请填写每天的开始和结束时间")]
    elif start_time == end_time:
        errors["end_time"] = [_("时段：结束时间不能等于开始时间")]
    weekdays = sorted({int(d) for d in (weekdays or []) if str(d).isdigit() and 0 <= int(d) <= 6})
    if errors:
        raise ValidationError(errors)
    spans = series_occurrences(
        first_day=first_day,
        last_day=last_day,
        start_time=start_time,
        end_time=end_time,
        weekdays=weekdays,
    )
    spans = [(s, e) for s, e in spans if e > timezone.now()]
    if not spans:
        raise ValidationError({"weekdays": [_("所选日期内没有可发布的班次")]})
    if len(spans) > MAX_OCCURRENCES:
        raise ValidationError(
            {"last_day": [_("一次最多生成%(n)d个班次，请缩短日期范围") % {"n": MAX_OCCURRENCES}]}
        )
    series = TaskSeries(
        **fields,
        first_day=first_day,
        last_day=last_day,
        start_time=start_time,
        end_time=end_time,
        weekdays=weekdays,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    series.full_clean()
    with transaction.atomic():
        series.save()
        tasks = [
            _new_task(fields, starts_at=s, ends_at=e, actor=actor, series=series) for s, e in spans
        ]
        Task.objects.bulk_create(tasks)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=series,
            changes={
                "title": [None, series.title],
                "occurrences": [None, len(tasks)],
                "first_day": [None, first_day.isoformat()],
                "last_day": [None, last_day.isoformat()],
            },
        )
    return series
