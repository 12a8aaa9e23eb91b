"""The replica router (decision 0083): dashboards read from the replica, writes go to the
primary, and a user who has just written reads from the primary until the pin expires.

The real streaming replica is proven by ops/multiserver.py; here the routing decisions
are checked with the replica alias declared configured."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from bastion.core import dbrouter
from bastion.people.models import Person

# Outside a transaction, as a request is (a read inside a write transaction stays on the
# primary).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def with_replica(monkeypatch, settings):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    settings.BASTION_REPLICA_PIN_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def _routed(request) -> str:
    """Which database a dashboard view reads Person from, for this request."""
    seen = {}

    @dbrouter.reads_from_replica
    def dashboard(request):
        seen["db"] = dbrouter.ReplicaRouter().db_for_read(Person) or "default"
        return HttpResponse("ok")

    dashboard(request)
    return seen["db"]


def _request(method: str, user, cookies=None):
    request = getattr(RequestFactory(), method.lower())("/reports/")
    request.user = user
    request.COOKIES.update(cookies or {})
    return request


def test_dashboard_reads_go_to_the_replica_and_others_to_the_primary(county, with_replica):
    router = dbrouter.ReplicaRouter()
    assert _routed(_request("GET", county.command)) == "replica"
    assert router.db_for_read(Person) is None  # outside a dashboard: the primary
    assert router.db_for_write(Person) is None
    assert router.allow_migrate("replica", "people") is False
    assert router.allow_migrate("default", "people") is True


def test_a_writer_is_pinned_to_the_primary_and_others_are_not(county, with_replica):
    middleware = dbrouter.ReplicaPinMiddleware(lambda request: HttpResponse(status=201))
    response = middleware(_request("POST", county.gridworker))

    until = float(response.cookies[dbrouter.PIN_COOKIE].value)
    assert time.time() + 25 < until <= time.time() + 30.01
    # The same browser (cookie) and the same user on another device (shared cache):
    cookie = {dbrouter.PIN_COOKIE: response.cookies[dbrouter.PIN_COOKIE].value}
    assert _routed(_request("GET", county.gridworker, cookie)) == "default"
    assert _routed(_request("GET", county.gridworker)) == "default"
    # Someone else still reads the replica.
    assert _routed(_request("GET", county.community)) == "replica"


def test_failed_writes_and_reads_do_not_pin(county, with_replica):
    refused = dbrouter.ReplicaPinMiddleware(lambda request: HttpResponse(status=422))
    assert dbrouter.PIN_COOKIE not in refused(_request("POST", county.gridworker)).cookies
    reader = dbrouter.ReplicaPinMiddleware(lambda request: HttpResponse(status=200))
    assert dbrouter.PIN_COOKIE not in reader(_request("GET", county.gridworker)).cookies
    assert _routed(_request("GET", county.gridworker)) == "replica"


def test_the_pin_expires(county, with_replica, settings):
    settings.BASTION_REPLICA_PIN_SECONDS = 1
    middleware = dbrouter.ReplicaPinMiddleware(lambda request: HttpResponse(status=201))
    middleware(_request("POST", county.gridworker))
    assert _routed(_request("GET", county.gridworker)) == "default"
    time.sleep(1.1)
    assert _routed(_request("GET", county.gridworker)) == "replica"


def test_without_a_replica_everything_reads_the_primary(county):
    assert _routed(_request("GET", county.command)) == "default"


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("reports:index", {}),
        ("reports:records", {"code": "people"}),
        ("reports:dashboard", {}),
        ("reports:bigscreen", {}),
        ("reports:dashboard_data", {"part": "figures"}),
        ("reports:dashboard_export", {"table": "figures"}),
    ],
)
def test_every_dashboard_and_report_page_reads_from_the_replica(name, kwargs):
    from django.urls import resolve, reverse

    view = resolve(reverse(name, kwargs=kwargs)).func
    assert getattr(view, "reads_from_replica", False), f"{name} reads only from the primary"


def test_a_dashboard_page_evaluates_its_figures_on_the_replica(
    county, with_replica, client, login, monkeypatch
):
    decided = []
    route = dbrouter.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        # Note the decision, answer None: the test database has no replica alias.
        decided.append(route(self, model, **hints))

    monkeypatch.setattr(dbrouter.ReplicaRouter, "db_for_read", spy)
    login(county.command)
    assert client.get("/reports/dashboard/").status_code == 200
    assert "replica" in decided
