"""The volunteers indicators: each figure from the records, scoped, as of a moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bastion.core.indicators import Scope, all_indicators
from bastion.volunteers.models import Attendance
from bastion.volunteers.services.attendance import attendance_confirm, attendance_no_show
from bastion.volunteers.services.claims import claim_create
from bastion.volunteers.services.orders import (
    order_create,
    order_dispatch,
    order_done,
    order_rate,
    order_rating_link_issue,
)
from tests.volunteers.conftest import shift_task

CODES = (
    "volunteers_registered",
    "volunteers_tasks_published",
    "volunteers_slot_fill_rate",
    "volunteers_hours_served",
    "volunteers_no_show_rate",
    "volunteers_orders_open",
    "volunteers_orders_done",
    "volunteers_rating_average",
)


def figure(code: str, user, as_of=None, region_path=None) -> int:
    return all_indicators()[code].count(Scope(user, region_path), as_of or timezone.now())


@pytest.fixture
def history(vol, county):
    """Two ended tasks (4 slots): 张 served 2.5 h on one, 李 did not come to the other;
    one open task with 2 slots and no claims; two orders, one done and rated 4 stars."""
    now = timezone.now()
    served = vol.make_task(slots=2)
    missed = vol.make_task(title="另一班", slots=2, starts_at=served.ends_at,
                           ends_at=served.ends_at + dt.timedelta(hours=2))  # fmt: skip
    vol.make_task(title="未来的任务", slots=2, starts_at=served.starts_at + dt.timedelta(days=3),
                  ends_at=served.ends_at + dt.timedelta(days=3))  # fmt: skip
    zhang = claim_create(actor=county.volunteer, task=served).claim
    li = claim_create(actor=vol.resident_user, task=missed).claim
    shift_task(served, starts_at=now - dt.timedelta(hours=6), ends_at=now - dt.timedelta(hours=3))
    shift_task(missed, starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1))
    zhang.task, li.task = served, missed
    attendance_confirm(actor=county.community, claim=zhang, hours="2.5")
    attendance_no_show(actor=county.community, claim=li)
    done = order_create(actor=county.community, community=county.community_a1, kind="errand",
                        detail="取药", requester_name="孙")  # fmt: skip
    order_create(actor=county.community, community=county.community_a1, kind="groceries",
                 detail="买菜", requester_name="钱")  # fmt: skip
    order_dispatch(actor=county.community, order=done, person=county.people["li"])
    order_done(actor=county.community, order=done)
    order_rating_link_issue(actor=county.community, order=done)
    order_rate(order=done, rating=4)
    return now


def test_indicators_are_registered():
    assert set(CODES) <= set(all_indicators())


def test_figures_from_the_records(history, county):
    user = county.community
    assert figure("volunteers_registered", user) == 2  # 张 (registered member), 李 (resident)
    assert figure("volunteers_tasks_published", user) == 3
    assert figure("volunteers_slot_fill_rate", user) == 33  # 2 of 6 slots
    assert figure("volunteers_hours_served", user) == 3  # 2.5 h rounded
    assert figure("volunteers_no_show_rate", user) == 50  # 1 of 2 ended claims
    assert figure("volunteers_orders_open", user) == 1
    assert figure("volunteers_orders_done", user) == 1
    assert figure("volunteers_rating_average", user) == 80


def test_outsider_sees_nothing_of_town_a(history, county):
    for code in CODES:
        assert figure(code, county.outsider) == 0, code


def test_as_of_leaves_out_later_records(history, county):
    before = history - dt.timedelta(days=1)
    for code in CODES:
        assert figure(code, county.community, as_of=before) == 0, code


def test_a_correction_replaces_the_hours_it_corrects(history, county):
    from bastion.volunteers.services.attendance import attendance_correct

    entry = Attendance.objects.get(outcome="attended")
    moment = timezone.now()
    attendance_correct(actor=county.community, attendance=entry, outcome="attended", hours="6",
                       note="补录")  # fmt: skip
    assert figure("volunteers_hours_served", county.community) == 6
    assert figure("volunteers_hours_served", county.community, as_of=moment) == 3


def test_narrowing_to_another_grid(history, county):
    assert figure("volunteers_tasks_published", county.command,
                  region_path=county.grid_a1_2.path) == 0  # fmt: skip
    assert figure("volunteers_tasks_published", county.command,
                  region_path=county.community_a1.path) == 3  # fmt: skip


def test_reports_page_lists_the_records_behind_a_figure(history, county, login):
    client = login(county.community)
    page = client.get(reverse("reports:records", args=["volunteers_tasks_published"]))
    body = page.content.decode()
    assert page.status_code == 200 and "另一班" in body
    api = client.get("/api/v1/indicators/volunteers_rating_average").json()
    assert api["value"] == 80 and {b["code"] for b in api["breakdown"]} == {"1", "2", "3", "4", "5"}
