"""The permission matrix (issue 13): every page and API operation, for every role and
for anonymous callers, on an object inside and outside the role's scope.

Masking rides along: no answer to any role (pages, API, .xlsx/.docx exports, error
pages) shows a person's ID or phone number in clear; only the audited reveal does.

Inside (a user of the role over the whole county): the role may use the route exactly
when the table (tests/security/access_matrix.py) says so; the others get 403 or 404.
Outside (a user of the role over town 2 only, the object in town 1): 404, or the very
answer a missing object gets, so nobody learns that the object exists. No route answers
500 to anyone. Public pages of an object, a code or a token answer everybody, anonymous
included, and a made-up one gets 404. A route missing from the table fails the test,
which prints its entry.

Regenerate proposals for new routes: MATRIX_PROPOSE=1 pytest tests/security/test_permission_matrix.py -k classified -s
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction

from bastion.access.roles import Role
from tests.security.access_matrix import TABLE
from tests.security.matrix import (
    ANONYMOUS,
    MISSING,
    Entry,
    all_routes,
    allowed_roles,
    build_world,
    call,
    describe,
    object_value,
    path_values,
    probe_spec,
    rest_values,
    url_for,
    verdict,
)

ROLES = [*Role.values, ANONYMOUS]
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county and the matrix users, built once and rolled back at the end; the
    files its uploads write go to a temporary folder, not the developer's var/."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def routes():
    return all_routes()


def test_every_route_is_classified(routes, world):
    keys = [r.key for r in routes]
    assert len(keys) == len(set(keys)), "route keys must be unique"
    missing = [r for r in routes if r.key not in TABLE]
    stale = sorted(set(TABLE) - set(keys))
    if missing and os.environ.get("MATRIX_PROPOSE"):
        print("\n".join(propose(r, world) for r in missing))
    if os.environ.get("MATRIX_PROPOSE") == "missing":  # rows still without an object
        unfound = [r for r in routes if r.key in TABLE and TABLE[r.key].obj == "missing"]
        print("\n".join(propose(r, world) for r in unfound if not r.api or r.method == "GET"))
    assert not stale, f"entries for routes that no longer exist: {stale}"
    assert not missing, (
        "routes missing from tests/security/access_matrix.py (run with MATRIX_PROPOSE=1 -s "
        f"for their entries): {[r.key for r in missing]}"
    )


_known: dict[str, str | None] = {}


def propose(route, world) -> str:
    """The table entry for a route, from what the application does today."""
    spec = probe_spec(route, world, _known)
    _known[f"{route.template}|{route.params[0] if route.params else ''}"] = spec
    url = (
        url_for(route, [object_value(spec, world)[0] or MISSING, *rest_values(route)])
        if spec
        else route.template
    ) + (query(TABLE[route.key]) if route.key in TABLE else "")
    verdicts = {role: verdict(*call(world.clients[(role, "in")], route, url)) for role in ROLES}
    allowed = {r for r in Role.values if verdicts[r] == "allowed"}
    allow = describe(allowed, verdicts[ANONYMOUS])
    errors = [r for r, v in verdicts.items() if v == "error"]
    note = f"  # 500 for {errors}" if errors else ""
    return f"    {route.key!r}: E({spec!r}, {allow!r}),{note}"


def check_route(route, entry: Entry, role: str, world) -> list[str]:
    problems = []
    values, scoped = path_values(route, entry.obj, world) if entry.obj else (None, False)
    if route.params and values is None:
        return [f"{route.key}: no object for {entry.obj}"]
    url = url_for(route, values) if route.params else route.template
    status, how = call(world.clients[(role, "in")], route, url + query(entry), world.plaintext)
    if "IN CLEAR" in how:
        problems.append(f"{route.key} {url}: {how}")
    got = verdict(status, how)
    public_object = entry.allow == "public" and route.params and entry.obj != "missing"
    if entry.allow == "session":  # logout, second factor: the answer follows the session
        want = {"allowed", "denied", "login"}
    elif public_object:  # a real object, token or code: open to everyone, no login
        want = {"allowed"}
        if role == ANONYMOUS:  # and a made-up one is nothing
            made_up = url_for(route, [MISSING, *values[1:]])
            status_made_up, how_made_up = call(world.clients[(role, "in")], route, made_up)
            if status_made_up != 404:
                problems.append(f"{route.key} {made_up}: {status_made_up} {how_made_up}, want 404")
    elif entry.allow == "public":
        want = {"allowed", "denied"}
    elif role == ANONYMOUS:
        want = {"login"}
    else:
        want = {"allowed"} if role in allowed_roles(entry.allow) else {"denied"}
    if got not in want:
        problems.append(f"{route.key} {url}: inside {status} {how} ({got}), want {want}")
    if role == ANONYMOUS or not scoped or entry.outside != "404" or entry.allow == "public":
        return problems
    if route.api and route.method != "GET":
        return problems  # the body is validated before any lookup: 422 for every id
    outside, how_out = call(world.clients[(role, "out")], route, url + query(entry))
    if outside == 404:
        return problems
    missing_url = url_for(route, [MISSING, *values[1:]]) + query(entry)
    for_missing, _how = call(world.clients[(role, "out")], route, missing_url)
    if outside != for_missing or outside < 300:
        problems.append(
            f"{route.key} {url}: outside {outside} {how_out}, a missing object {for_missing}"
        )
    return problems


def query(entry: Entry) -> str:
    return f"?{entry.query}" if entry.query else ""


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, routes, world):
    problems = []
    for route in routes:
        entry = TABLE.get(route.key)
        if entry is not None:
            problems += check_route(route, entry, role, world)
    assert not problems, "\n".join(problems)
