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
(MATRIX_PROPOSE=writes: every API write with the answers it gets today; key:a,b: those rows).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

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
    path_values,
    probe_spec,
    request_body,
    resolved_query,
    signature,
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
    if os.environ.get("MATRIX_PROPOSE") == "writes":  # the API's writes, with their bodies
        print("\n".join(propose(r, world) for r in routes if r.api and r.method != "GET"))
    if os.environ.get("MATRIX_PROPOSE", "").startswith("key:"):  # named rows, again
        keys = os.environ["MATRIX_PROPOSE"][4:].split(",")
        print("\n".join(propose(r, world) for r in routes if r.key in keys))
    assert not stale, f"entries for routes that no longer exist: {stale}"
    assert not missing, (
        "routes missing from tests/security/access_matrix.py (run with MATRIX_PROPOSE=1 -s "
        f"for their entries): {[r.key for r in missing]}"
    )


_known: dict[str, str | None] = {}


def propose(route, world) -> str:
    """The table entry for a route, from what the application does today (an API write
    is sent the body its row would send; the county command's answer is noted)."""
    entry = TABLE.get(route.key)
    spec = entry.obj if entry and entry.obj != "missing" else probe_spec(route, world, _known)
    _known[f"{route.template}|{route.params[0] if route.params else ''}"] = spec
    row = replace(entry or Entry(None, "login"), obj=spec)
    answers = {role: inside_answer(route, row, role, world) for role in ROLES}
    if any(isinstance(a, str) for a in answers.values()):
        return f"    {route.key!r}: E({spec!r}, ...),  # {next(iter(answers.values()))}"
    verdicts = {role: a.got for role, a in answers.items()}
    body = answers[ANONYMOUS].body
    allowed = {r for r in Role.values if verdicts[r] == "allowed"}
    allow = describe(allowed, verdicts[ANONYMOUS])
    errors = [r for r, v in verdicts.items() if v in ("error", "schema")]
    note = f"  # 500 or schema for {errors}" if errors else ""
    if body is not None and os.environ.get("MATRIX_PROPOSE") != "1":
        note += "  # " + " ".join(f"{r[:9]}={a.status}" for r, a in answers.items())
        note += f"  # county command: {answers['county_command'].how}"
    extra = f", body={entry.body!r}" if entry and entry.body else ""
    return f"    {route.key!r}: E({spec!r}, {allow!r}{extra}),{note}"


@dataclass
class Answer:
    """One role's inside answer to a row, with what the row sent."""

    got: str  # verdict(), a write refused as a missing object would be counted "denied"
    status: int
    how: str
    url: str
    values: list | None
    scoped: bool  # the object on the path is inside town 1
    body: dict | None
    body_field: str | None


def inside_answer(route, entry: Entry, role: str, world) -> Answer | str:
    """The role's inside persona's answer, or a problem (no object, schema refusal)."""
    values, scoped = path_values(route, entry.obj, world) if entry.obj else (None, False)
    if route.params and values is None:
        return f"{route.key}: no object for {entry.obj}"
    url = url_for(route, values) if route.params else route.template
    body, body_field = (None, None)
    if route.api and route.method != "GET":
        body, body_field = request_body(route, entry, world)
    inside = world.clients[(role, "in")]
    status, how = call(inside, route, url + resolved_query(entry, world)[0], world.plaintext, body)
    got = verdict(status, how)
    if got == "schema":  # the row's body must reach the endpoint to prove anything
        return f"{route.key} {url}: the schema refuses the body {body}: {how}"
    # An API write the endpoint refuses (409, 422) reached the object, unless the very
    # same refusal answers a missing object: then it is a denial like 404.
    # (The object on the path, or the one the body names: a refusal of the body's object
    # that equals the answer for a missing one is a denial too.)
    if body is not None and got == "allowed" and status >= 400:
        variants = [missing_request(route, entry, world, values, body, body_field)]
        if body_field is not None:
            variants.append(
                (url + resolved_query(entry, world)[0], request_body(route, entry, world, True)[0])
            )
        for missing_url, missing_body in filter(None, variants):
            if signature(*call(inside, route, missing_url, body=missing_body)) == signature(
                status, how
            ):
                got = "denied"
                break
    return Answer(got, status, how, url, values, scoped, body, body_field)


def check_route(route, entry: Entry, role: str, world) -> list[str]:
    problems = []
    answer = inside_answer(route, entry, role, world)
    if isinstance(answer, str):
        return [answer]
    got, status, how, url = answer.got, answer.status, answer.how, answer.url
    values, body, body_field = answer.values, answer.body, answer.body_field
    scoped = answer.scoped
    inside = world.clients[(role, "in")]
    if "IN CLEAR" in how and not entry.reveals:
        problems.append(f"{route.key} {url}: {how}")
    public_object = entry.allow == "public" and route.params and entry.obj != "missing"
    if entry.allow == "session":  # logout, second factor: the answer follows the session
        want = {"allowed", "denied", "login"}
    elif public_object:  # a real object, token or code: open to everyone, no login
        want = {"allowed"}
        if role == ANONYMOUS:  # and a made-up one is nothing
            made_up = url_for(route, [MISSING, *values[1:]])
            status_made_up, how_made_up = call(inside, route, made_up, body=body)
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
    if role == ANONYMOUS or entry.outside != "404" or entry.allow == "public":
        return problems
    query, scoped_query = resolved_query(entry, world)
    if not scoped and body_field is None and not scoped_query:
        return problems
    outside_client = world.clients[(role, "out")]
    outside, how_out = call(outside_client, route, url + query, body=body)
    if outside == 404:
        return problems
    # Outside, the answer must be the very one a missing object gets: the object on the
    # path, or else the one the body or the query names (API: the same error and fields).
    missing_url, missing_body = missing_request(route, entry, world, values, body, body_field)
    for_missing, how_missing = call(outside_client, route, missing_url, body=missing_body)
    same = (
        signature(outside, how_out) == signature(for_missing, how_missing)
        if route.api
        else outside == for_missing
    )
    if not same or outside < 300:
        problems.append(
            f"{route.key} {url}: outside {outside} {how_out}, a missing object "
            f"{for_missing} {how_missing}"
        )
    return problems


def missing_request(
    route, entry: Entry, world, values, body, body_field
) -> tuple[str, dict | None] | None:
    """(url with query, body) of the request with the row's scoped object replaced by a
    missing one: the first path parameter, or else the body's scoped field, or else the
    query's (None when the row names no object)."""
    query, scoped_query = resolved_query(entry, world)
    url = url_for(route, values) if route.params else route.template
    if route.params and values:
        return url_for(route, [MISSING, *values[1:]]) + query, body
    if body_field is not None:
        return url + query, request_body(route, entry, world, missing=True)[0]
    if scoped_query:
        return url + resolved_query(entry, world, missing=True)[0], body
    return None


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, routes, world):
    problems = []
    for route in routes:
        entry = TABLE.get(route.key)
        if entry is not None:
            problems += check_route(route, entry, role, world)
    assert not problems, "\n".join(problems)
