"""The audit log is for auditors, scoped by their region paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role
from bastion.access.services import pii_reveal
from bastion.core.audit import audit_record
from bastion.core.models import AuditEntry
from tests.conftest import make_user


@pytest.fixture
def login(login):
    """Log in, then drop the login's own audit entry so counts cover the test's entries."""

    def _login(user):
        client = login(user)
        AuditEntry.objects.filter(action="login").delete()
        return client

    return _login


@pytest.fixture
def entries(county):
    with freeze_time("2024-02-01 03:00:00"):
        pii_reveal(
            actor=county.gridworker,
            person=county.people["zhang"],
            field="phone",
            reason="电话回访核实",
        )
    with freeze_time("2024-02-03 03:00:00"):
        audit_record(actor=county.outsider, action="update", obj=county.people["zhao"])
    return AuditEntry.objects.all()


def test_auditor_lists_entries_in_the_county(login, county, entries):
    client = login(county.auditor)
    body = client.get("/api/v1/audit").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["action"] == "update"
    assert first["actor"] == "outsider"


def test_audit_filters(login, county, entries):
    client = login(county.auditor)
    assert client.get("/api/v1/audit?action=reveal").json()["count"] == 1
    assert client.get("/api/v1/audit?actor=gridworker").json()["count"] == 1
    assert client.get("/api/v1/audit?object_type=people.person").json()["count"] == 2
    zhao = county.people["zhao"].public_id
    assert client.get(f"/api/v1/audit?object_id={zhao}").json()["count"] == 1
    # dates are local (Asia/Shanghai) days
    assert client.get("/api/v1/audit?date_from=2024-02-02").json()["count"] == 1
    assert client.get("/api/v1/audit?date_to=2024-02-01").json()["count"] == 1


def test_town_auditor_sees_only_her_town(login, county, entries):
    auditor_b = make_user("auditor_b", Role.AUDITOR, county.town_b)
    body = login(auditor_b).get("/api/v1/audit").json()
    assert body["count"] == 1
    assert body["items"][0]["object_id"] == str(county.people["zhao"].public_id)


@pytest.mark.parametrize("persona", ["outsider", "gridworker", "command", "nobody"])
def test_non_auditors_get_404(login, county, entries, persona):
    user = getattr(county, persona)
    if persona == "command":
        RoleAssignment.objects.filter(user=user).update(role=Role.TOWN_OFFICER)
    client = login(user)
    assert client.get("/api/v1/audit").status_code == 404
    assert client.get(reverse("access:audit")).status_code == 404


def test_audit_api_query_count(login, county, entries, django_assert_max_num_queries):
    for i in range(20):
        audit_record(
            actor=county.gridworker, action="update", obj=county.people["li"], reason=str(i)
        )
    client = login(county.auditor)
    with django_assert_max_num_queries(9):
        body = client.get("/api/v1/audit").json()
    assert body["count"] == 22


def test_audit_page_filters_and_paginates(login, county, entries):
    for i in range(60):
        audit_record(
            actor=county.gridworker, action="update", obj=county.people["li"], reason=f"r{i}"
        )
    client = login(county.auditor)
    page = client.get(reverse("access:audit"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "第 1 / 2 页" in text
    assert "电话回访核实" not in text  # the oldest entry is on page 2
    page2 = client.get(reverse("access:audit") + "?page=2").content.decode()
    assert "电话回访核实" in page2
    filtered = client.get(reverse("access:audit") + "?action=reveal").content.decode()
    assert "电话回访核实" in filtered
    assert "第 1 / 2 页" not in filtered


def test_audit_page_empty_state(login, county):
    client = login(county.auditor)
    response = client.get(reverse("access:audit") + "?action=merge")
    assert "没有符合条件的审计记录" in response.content.decode()


def test_audit_page_query_count(login, county, entries, django_assert_max_num_queries):
    for _ in range(30):
        audit_record(actor=county.gridworker, action="update", obj=county.people["li"])
    client = login(county.auditor)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("access:audit")).status_code == 200


def test_audit_date_filter_uses_local_days(county, entries):
    from bastion.access.selectors import AuditFilters, audit_list

    late = dt.datetime(2024, 2, 4, 17, 0, tzinfo=dt.UTC)  # 2024-02-05 01:00 in Shanghai
    with freeze_time(late):
        audit_record(actor=county.gridworker, action="update", obj=county.people["li"])
    qs = audit_list(user=county.auditor, filters=AuditFilters(date_from=dt.date(2024, 2, 5)))
    assert qs.count() == 1
