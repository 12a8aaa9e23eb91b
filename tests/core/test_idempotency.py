"""Idempotency-Key on POSTs under /api/v1/: replay, conflict, per-user keys, no double writes."""

from __future__ import annotations

import threading
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import path
from ninja import File, NinjaAPI, UploadedFile

from bastion.access.apiauth import api_auth
from bastion.access.models import ApiToken
from bastion.access.services import api_token_create
from bastion.core.idempotency import IdempotencyMiddleware
from bastion.core.models import AuditEntry, IdempotencyRecord


def post_token(client, name="脚本", key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/v1/tokens", {"name": name}, content_type="application/json", **headers, **extra
    )


def post_person(client, county, key=None, **extra):
    """Register one new person in grid A1-1 (a write whose response may be replayed)."""
    import datetime as dt

    from bastion.core.idnumber import make_id_number

    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = {
        "name": "周新来",
        "id_number": make_id_number("430121", dt.date(1990, 5, 4), 123),
        "grid": county.grid_a1_1.code,
    }
    return client.post("/api/v1/people", body, content_type="application/json", **headers, **extra)


def test_replay_returns_the_first_response_without_a_second_write(login, county):
    from bastion.people.models import Person

    client = login(county.gridworker)
    key = str(uuid.uuid4())
    before = Person.objects.count()
    first = post_person(client, county, key=key)
    assert first.status_code == 201
    assert "Idempotent-Replay" not in first
    again = post_person(client, county, key=key)
    assert again.status_code == 201
    assert again["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    assert Person.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="create", object_type="people.person").count() == 1
    record = IdempotencyRecord.objects.get(key=key)
    assert record.user_id == county.gridworker.pk
    assert record.status_code == 201
    assert len(record.request_hash) == 64


def test_same_key_with_another_body_is_a_conflict(login, county):
    client = login(county.gridworker)
    key = str(uuid.uuid4())
    post_token(client, name="一", key=key)
    response = post_token(client, name="二", key=key)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert ApiToken.objects.filter(user=county.gridworker).count() == 1


def test_same_key_on_another_path_is_a_conflict(login, county):
    from bastion.access.services import notify

    n = notify(recipient=county.gridworker, title="x")
    client = login(county.gridworker)
    key = str(uuid.uuid4())
    post_token(client, key=key)
    response = client.post(f"/api/v1/notifications/{n.public_id}/read", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 409


def test_keys_belong_to_one_user(client, county):
    key = str(uuid.uuid4())
    a = Client()
    a.force_login(county.gridworker)
    b = Client()
    b.force_login(county.town)
    assert post_token(a, key=key).status_code == 201
    response = post_token(b, key=key)
    assert response.status_code == 201
    assert "Idempotent-Replay" not in response
    assert ApiToken.objects.count() == 2
    assert IdempotencyRecord.objects.filter(key=key).count() == 2


def test_client_errors_are_replayed_too(login, county):
    client = login(county.gridworker)
    key = str(uuid.uuid4())
    first = post_token(client, name="", key=key)
    assert first.status_code == 422
    again = post_token(client, name="", key=key)
    assert again.status_code == 422
    assert again["Idempotent-Replay"] == "true"
    assert again.json() == first.json()


def test_server_errors_are_not_stored_so_a_retry_runs(login, county):
    client = login(county.gridworker)
    key = str(uuid.uuid4())
    with mock.patch(
        "bastion.access.api.services.api_token_create", side_effect=RuntimeError("boom")
    ):
        failed = post_token(client, key=key)
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.filter(key=key).exists()
    retry = post_token(client, key=key)
    assert retry.status_code == 201
    assert "Idempotent-Replay" not in retry


def test_token_auth_uses_the_token_owner(county):
    _token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="ci")
    client = Client()
    key = str(uuid.uuid4())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert post_person(client, county, key=key, **auth).status_code == 201
    again = post_person(client, county, key=key, **auth)
    assert again["Idempotent-Replay"] == "true"
    assert IdempotencyRecord.objects.get(key=key).user_id == county.gridworker.pk


def test_unauthenticated_posts_are_not_recorded(client, db):
    response = post_token(client, key="k-1")
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_posts_without_key_and_other_methods_pass_through(login, county):
    client = login(county.gridworker)
    post_token(client)
    post_token(client)
    assert ApiToken.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_overlong_key_is_rejected(login, county):
    client = login(county.gridworker)
    response = post_token(client, key="x" * 201)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not ApiToken.objects.exists()


def test_lost_race_replays_the_winner(login, county, rf):
    """The unique index decides a race: the loser's insert fails and it replays the winner."""
    client = login(county.gridworker)
    key = str(uuid.uuid4())
    first = post_person(client, county, key=key)
    record = IdempotencyRecord.objects.get(key=key)
    request = rf.post("/api/v1/people", {}, content_type="application/json")
    claimed, created = IdempotencyMiddleware._claim(
        request, county.gridworker.pk, key, record.request_hash
    )
    assert created is False
    assert claimed.pk == record.pk
    assert bytes(claimed.response_body) == first.content


def test_purge_removes_old_records(county):
    import datetime as dt

    from django.utils import timezone

    from bastion.access.tasks import purge_idempotency_records

    old = IdempotencyRecord.objects.create(
        user_id=1,
        key="old",
        method="POST",
        path="/",
        request_hash="0",
        status_code=200,
        response_body=b"",
    )
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    IdempotencyRecord.objects.create(
        user_id=1,
        key="new",
        method="POST",
        path="/",
        request_hash="0",
        status_code=200,
        response_body=b"",
    )
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_execute_once(county):
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection lock")
    _token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="ci")
    key = str(uuid.uuid4())
    barrier = threading.Barrier(4)
    results: list[int] = []

    def worker():
        try:
            barrier.wait()
            response = post_person(Client(), county, key=key, HTTP_AUTHORIZATION=f"Bearer {raw}")
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from bastion.people.models import Person

    assert results == [201] * 4
    assert Person.objects.filter(name="周新来").count() == 1


# --- Multipart uploads are fingerprinted by their fields and file contents -------------

upload_api = NinjaAPI(urls_namespace="idempotency_upload_test", auth=api_auth)
UPLOADS: list[bytes] = []


@upload_api.post("/upload")
def upload(request, file: UploadedFile = File(...)):  # noqa: B008
    UPLOADS.append(file.read())
    return {"n": len(UPLOADS), "size": file.size}


urlpatterns = [path("api/v1/", upload_api.urls)]


@pytest.mark.urls("tests.core.test_idempotency")
def test_multipart_upload_replay_and_conflict(login, county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    UPLOADS.clear()
    client = login(county.gridworker)
    key = str(uuid.uuid4())

    def send(content: bytes):
        upload_file = SimpleUploadedFile("roster.csv", content, content_type="text/csv")
        return client.post("/api/v1/upload", {"file": upload_file}, HTTP_IDEMPOTENCY_KEY=key)

    first = send(b"a,b\n1,2\n")
    assert first.status_code == 200
    assert UPLOADS == [b"a,b\n1,2\n"]  # the view still read the whole file after hashing
    again = send(b"a,b\n1,2\n")
    assert again["Idempotent-Replay"] == "true"
    assert len(UPLOADS) == 1
    assert send(b"a,b\n1,3\n").status_code == 409


def test_a_new_api_key_is_never_kept_for_replay_and_is_not_created_twice(county, login):
    from bastion.access.models import ApiToken
    from bastion.core.models import IdempotencyRecord

    client = login(county.gridworker)

    def create():
        return client.post(
            "/api/v1/tokens",
            {"name": "phone"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="token-create-1",
        )

    first = create()
    assert first.status_code == 201
    key = first.json()["key"]
    assert key.encode() not in bytes(
        IdempotencyRecord.objects.get(key="token-create-1").response_body
    )
    again = create()
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_result_withheld"
    assert ApiToken.objects.filter(user=county.gridworker).count() == 1
