"""Users change their own password; a password a manager issued (a new account, or a
reset) must be changed at the first sign-in, and until it is, pages and the API say so
(issue 6)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bastion.access import services_users as svc
from bastion.access.models import User
from bastion.access.roles import Role
from bastion.core.models import AuditEntry
from tests.conftest import PASSWORD

NEW_PASSWORD = "Xingsha-2020-spring"


def _password_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def issued(county):
    """A grid worker created by the community officer, with the one-time password."""
    user, password = svc.user_create(
        actor=county.community,
        username="zhouli",
        full_name="周丽",
        role=Role.GRID_WORKER,
        region=county.grid_a1_2,
    )
    return user, password


def test_a_manager_issued_password_must_be_changed_at_first_sign_in(client, issued):
    user, password = issued
    assert user.must_change_password
    response = _password_login(client, "zhouli", password)
    assert response.status_code == 302
    for url in ("/", "/people/", "/monitoring/today/", "/inbox/"):
        page = client.get(url)
        assert page.status_code == 302 and page.url.startswith(reverse("access:password_change"))
    assert client.get(reverse("access:password_change")).status_code == 200


def test_the_api_answers_password_change_required_until_it_is_changed(client, issued):
    user, password = issued
    _password_login(client, "zhouli", password)
    response = client.get("/api/v1/people")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["must_change_password"] is True


def test_a_token_of_a_user_who_must_change_her_password_is_refused_too(client, county):
    from bastion.access.services import api_token_create

    svc.user_password_reset(actor=county.community, user=county.gridworker)
    _token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="x")
    response = client.get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_a_new_password_revokes_the_users_tokens_and_says_so_in_the_audit(client, county):
    from bastion.access.services import api_token_create

    _token, before_reset = api_token_create(
        actor=county.gridworker, user=county.gridworker, name="a"
    )
    _other, colleague = api_token_create(actor=county.community, user=county.community, name="b")
    raw = svc.user_password_reset(actor=county.community, user=county.gridworker)
    refused = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {before_reset}")
    assert refused.status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {colleague}").status_code == 200
    reset = AuditEntry.objects.get(
        object_id=str(county.gridworker.public_id), changes__password="reset"
    )
    assert reset.changes["api_tokens_revoked"] == 1

    svc.user_password_change(user=county.gridworker, old_password=raw, new_password=NEW_PASSWORD)
    _token, after_reset = api_token_create(
        actor=county.gridworker, user=county.gridworker, name="c"
    )
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {after_reset}").status_code == 200
    svc.user_password_change(
        user=county.gridworker, old_password=NEW_PASSWORD, new_password=NEW_PASSWORD + "-2"
    )
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {after_reset}").status_code == 401


def test_changing_the_password_frees_the_pages_and_is_audited(client, issued):
    user, password = issued
    _password_login(client, "zhouli", password)
    response = client.post(
        reverse("access:password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert client.get("/people/").status_code == 200  # still signed in
    assert client.get("/api/v1/people").status_code == 200
    entry = AuditEntry.objects.get(action="update", object_id=str(user.public_id))
    assert entry.changes == {"password": "changed"}
    assert NEW_PASSWORD not in json.dumps(entry.changes) + entry.reason


def test_a_user_changes_her_own_password_any_time(login, county):
    client = login(county.gridworker)
    page = client.get(reverse("access:password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    client.post(
        reverse("access:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert User.objects.get(pk=county.gridworker.pk).check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "fragment"),
    [
        ("wrong-password-1", NEW_PASSWORD, NEW_PASSWORD, "原密码不正确"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的新密码不一致"),
        (PASSWORD, "12345678901", "12345678901", "密码"),
        (PASSWORD, PASSWORD, PASSWORD, "新密码不能与原密码相同"),
    ],
)
def test_bad_password_changes_are_refused_with_a_reason(login, county, old, new1, new2, fragment):
    client = login(county.gridworker)
    response = client.post(
        reverse("access:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 422
    assert fragment in response.content.decode()
    assert User.objects.get(pk=county.gridworker.pk).check_password(PASSWORD)


def test_guessing_the_old_password_is_limited(login, county, settings):
    client = login(county.gridworker)
    codes = []
    for _ in range(6):
        codes.append(
            client.post(
                reverse("access:password_change"),
                {"old_password": "guess-guess-1", "new_password1": NEW_PASSWORD,
                 "new_password2": NEW_PASSWORD},
            ).status_code
        )  # fmt: skip
    assert codes[-1] == 429
    right = client.post(
        reverse("access:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right.status_code == 429


def test_the_api_changes_the_password_too(client, county):
    raw = svc.user_password_reset(actor=county.community, user=county.gridworker)
    _password_login(client, "gridworker", raw)
    response = client.post(
        "/api/v1/me/password",
        {"old_password": raw, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 204, response.content
    user = User.objects.get(pk=county.gridworker.pk)
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    weak = client.post(
        "/api/v1/me/password",
        {"old_password": NEW_PASSWORD, "new_password": "1234567890"},
        content_type="application/json",
    )
    assert weak.status_code == 422 and "new_password" in weak.json()["fields"]


def test_a_reset_signs_the_user_out_of_her_sessions(login, county):
    client = login(county.gridworker)
    svc.user_password_reset(actor=county.community, user=county.gridworker)
    assert client.get("/people/").status_code == 302


def test_a_manager_resets_a_password_on_the_user_page(login, county):
    client = login(county.community)
    url = reverse("access:manage_user_password", args=[county.gridworker.public_id])
    assert "重置密码" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["password"]
    user = User.objects.get(pk=county.gridworker.pk)
    assert user.check_password(password) and user.must_change_password
    assert AuditEntry.objects.filter(
        action="update", object_id=str(user.public_id), changes__password="reset"
    ).exists()


def test_outsiders_cannot_reset_a_password(login, county):
    url = reverse("access:manage_user_password", args=[county.gridworker.public_id])
    assert login(county.outsider).post(url).status_code == 404
    assert (
        login(county.gridworker)
        .post(reverse("access:manage_user_password", args=[county.community.public_id]))
        .status_code
        == 404
    )
