"""API error bodies: {"code", "message", "fields"}, in the request's language, no internals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import get_language
from ninja import NinjaAPI, Schema

from bastion.core.apierrors import ApiError, install_error_handlers

# A small API of its own, mounted through this module's urlpatterns.
test_api = NinjaAPI(urls_namespace="apierrors_test", auth=None)
install_error_handlers(test_api)


class Item(Schema):
    name: str
    count: int


@test_api.get("/api-error")
def raise_api_error(request):
    raise ApiError(409, "stock_short", "库存不足", {"count": ["超出库存"]})


@test_api.get("/django-validation")
def raise_django_validation(request):
    raise ValidationError({"name": ["名称不能为空"], "count": ["数量必须为正数"]})


@test_api.get("/django-validation-plain")
def raise_plain_validation(request):
    raise ValidationError("整体有误")


@test_api.get("/not-found")
def raise_not_found(request):
    raise Http404("secret internal detail")


@test_api.get("/forbidden")
def raise_forbidden(request):
    raise PermissionDenied


@test_api.get("/boom")
def raise_unexpected(request):
    raise RuntimeError("password=hunter2 at /srv/secret.py")


@test_api.post("/items")
def create_item(request, payload: Item):
    return {"ok": True}


@test_api.get("/language")
def language(request):
    return {"language": get_language()}


urlpatterns = [path("t/", test_api.urls)]

pytestmark = pytest.mark.urls("tests.core.test_apierrors")


@pytest.fixture(autouse=True)
def _restore_language(settings):
    """LocaleMiddleware leaves the last request's language active in the thread."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def test_api_error_body(client):
    response = client.get("/t/api-error")
    assert response.status_code == 409
    assert response.json() == {
        "code": "stock_short",
        "message": "库存不足",
        "fields": {"count": ["超出库存"]},
    }


def test_django_validation_error_is_422_with_fields(client):
    response = client.get("/t/django-validation")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"] == "提交的数据有误"
    assert body["fields"] == {"name": ["名称不能为空"], "count": ["数量必须为正数"]}


def test_validation_error_without_field_goes_under_all(client):
    body = client.get("/t/django-validation-plain").json()
    assert body["fields"] == {"__all__": ["整体有误"]}


def test_http404_is_not_found_without_detail(client):
    response = client.get("/t/not-found")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该记录", "fields": {}}


def test_permission_denied_is_403(client):
    response = client.get("/t/forbidden")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_unexpected_error_is_500_without_internals(client):
    response = client.get("/t/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert "hunter2" not in response.content.decode()
    assert "secret.py" not in response.content.decode()


def test_ninja_validation_error_names_field_paths(client):
    response = client.post(
        "/t/items", {"name": "口罩", "count": "many"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert list(body["fields"]) == ["count"]
    missing = client.post("/t/items", {}, content_type="application/json").json()
    assert set(missing["fields"]) == {"name", "count"}
    assert missing["fields"]["name"] == ["必填项"]


def test_malformed_json_is_a_client_error(client):
    response = client.post("/t/items", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("bad_request", "validation_error")


def test_language_follows_accept_language(client):
    assert client.get("/t/language").json()["language"] == "zh-hans"
    english = client.get("/t/language", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["language"] == "en"


def test_messages_are_chinese_by_default(client):
    assert client.get("/t/not-found").json()["message"] == "未找到该记录"


def test_error_messages_are_translated_per_request(client):
    """With an English catalogue the message follows Accept-Language (lead adds it)."""
    from django.utils import translation

    with translation.override("en"):
        expected = translation.gettext("未找到该记录")
    response = client.get("/t/not-found", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == expected


# --- The real API -----------------------------------------------------------------------


@pytest.mark.urls("bastion.urls")
def test_real_api_unauthenticated_is_401_json(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert set(body) == {"code", "message", "fields"}


@pytest.mark.urls("bastion.urls")
def test_real_api_unknown_notification_is_404_json(client, django_user_model):
    user = django_user_model.objects.create_user(username="u1", password="x-very-long-pass")
    client.force_login(user)
    response = client.post("/api/v1/notifications/00000000-0000-0000-0000-000000000000/read")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
