"""The field pages' shell, service worker and manifest; logout clears the browser; the
office's conflict pages in scope."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from bastion.field.models import FieldConflict
from bastion.field.views import precache_urls

PAGES = ["/field/", "/field/today/", "/field/visits/", "/field/tasks/", "/field/incident/"]


@pytest.mark.parametrize("url", PAGES)
def test_field_pages_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_field_page_is_a_shell_without_personal_data(county, login, url):
    client = login(county.gridworker)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<link rel="manifest" href="/field/manifest.webmanifest">' in body
    assert "field/field.js" in body and "htmx" not in body  # no framework on the phone
    config = _json_script(body, "field-config")
    assert config["sw"] == "/field/sw.js" and config["scope"] == "/field/"
    for person in county.people.values():
        assert person.name not in body
    assert _json_script(body, "field-strings")["waiting"] == "%(n)s 条待发送"


def _json_script(body: str, element_id: str):
    return json.loads(body.split(f'id="{element_id}" type="application/json">')[1].split("<")[0])


def test_service_worker_covers_the_field_pages_and_precaches_them(client, db):
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    body = response.content.decode()
    for url in PAGES:
        assert f'"{url}"' in body
    assert '"/static/field/field.js"' in body
    assert "bastion-field-" in body


def test_every_precached_asset_is_in_the_repository(db):
    for url in precache_urls():
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url[len(settings.STATIC_URL) :]), url


def test_manifest_installs_the_field_pages(client, db):
    response = client.get("/field/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == "/field/" and data["scope"] == "/field/"
    assert data["display"] == "standalone" and data["name"] == "堡垒外勤"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}


def test_manifest_in_english_after_the_switch(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = json.loads(client.get("/field/manifest.webmanifest", HTTP_ACCEPT="text/html").content)
    assert data["name"] == "Bastion Field"


def test_logout_tells_the_browser_to_clear_storage(county, login):
    client = login(county.gridworker)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def _conflict(county) -> FieldConflict:
    from django.utils import timezone

    return FieldConflict.objects.create(
        user=county.gridworker,
        key=str(uuid.uuid4()),
        kind="followup",
        reason="released",
        target=str(uuid.uuid4()),
        target_label="李**",
        path=county.grid_a1_1.path,
        data={"temperature": "36.6"},
        received_at=timezone.now(),
    )


def test_office_lists_and_resolves_a_conflict(county, login):
    conflict = _conflict(county)
    client = login(county.community)
    listing = client.get("/field/conflicts/").content.decode()
    assert "李**" in listing and "观察已结束或已解除" in listing
    url = f"/field/conflicts/{conflict.public_id}/"
    page = client.get(url).content.decode()
    assert "36.6" in page and "标记为已处理" in page
    blank = client.post(url, {"note": ""})
    assert "请写明处理结果" in blank.content.decode()
    done = client.post(url, {"note": "已手工补录"})
    assert done.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "resolved" and conflict.resolved_by == county.community


def test_outsider_gets_404_for_the_conflict_page(county, login):
    conflict = _conflict(county)
    client = login(county.outsider)
    assert client.get(f"/field/conflicts/{conflict.public_id}/").status_code == 404
    assert "李**" not in client.get("/field/conflicts/").content.decode()


def test_grid_worker_sees_her_own_conflict_without_the_resolve_form(county, login):
    conflict = _conflict(county)
    page = login(county.gridworker).get(f"/field/conflicts/{conflict.public_id}/")
    assert page.status_code == 200 and "标记为已处理" not in page.content.decode()
