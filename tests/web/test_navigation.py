"""The main navigation shows each persona only what her role opens."""

from __future__ import annotations

from django.urls import reverse


def nav_of(client) -> str:
    body = client.get(reverse("geo:home")).content.decode()
    return body[body.index('class="topnav"') : body.index("</nav>")]


def test_grid_worker_sees_field_work_but_not_administration(county, login):
    nav = nav_of(login(county.gridworker))
    assert reverse("monitoring:today") in nav
    assert reverse("people:import") in nav
    assert reverse("access:manage_users") not in nav
    assert reverse("access:audit") not in nav
    assert reverse("monitoring:config") not in nav


def test_auditor_sees_the_audit_log_and_county_command_the_policies(county, login):
    assert reverse("access:audit") in nav_of(login(county.auditor))
    nav = nav_of(login(county.command))
    assert reverse("monitoring:config") in nav
    assert reverse("access:manage_users") in nav
