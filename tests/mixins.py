"""Reusable API test helpers and baseline test mixins (after NetBox's APIViewTestCases).

A test class for an endpoint declares a few attributes and inherits the baseline:
anonymous callers get 401, the persona sees what is in scope (with a pinned query
count), the outsider and a user without roles get 404 for a detail, a missing object
gets 404, and a persona who may see but not change gets 403 on a write.

The mixins use an `api_login` fixture: define it in the test directory's conftest as
`lambda user: api_login_client(client, user)`.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any, ClassVar

MISSING_UUID = "00000000-0000-4000-8000-000000000000"


def api_login_client(client, user):
    """Log `user` into the test client so that the API accepts the session.

    Users holding a TOTP role (the county command) also get a confirmed device and a
    verified session, as after passing the second factor.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bastion.access.twofactor import totp_required

    client.force_login(user)
    if totp_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def api_post(client, url: str, data: Any, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def api_patch(client, url: str, data: Any, **extra):
    return client.patch(url, data=json.dumps(data), content_type="application/json", **extra)


def items(response) -> list[dict]:
    """The items of a paginated list response (asserting it succeeded)."""
    assert response.status_code == 200, response.content
    return response.json()["items"]


def table_file(rows: list[list[Any]], *, kind: str = "csv", name: str | None = None) -> io.BytesIO:
    """An in-memory .csv or .xlsx with `rows` (the first is the header); `.name` is set."""
    buffer = io.BytesIO()
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        buffer.write(text.getvalue().encode("utf-8-sig"))
    else:
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name or f"upload.{kind}"
    return buffer


class APIReadTests:
    """Baseline list/detail tests. Declare:

    list_url            the list endpoint
    persona             a county persona who may see `detail_key`
    key_field           the item field that identifies an object ("code", "public_id")
    list_max_queries    the pinned query budget of one list page
    detail_key(county)  an object `persona` sees and the outsider does not
    visible_keys(county) / hidden_keys(county)  what `persona`'s list must / must not hold
    """

    list_url: ClassVar[str]
    persona: ClassVar[str]
    key_field: ClassVar[str] = "public_id"
    list_max_queries: ClassVar[int] = 10

    def detail_key(self, county) -> str:
        raise NotImplementedError

    def visible_keys(self, county) -> set[str]:
        return {self.detail_key(county)}

    def hidden_keys(self, county) -> set[str]:
        return set()

    def detail_url(self, key: str) -> str:
        return f"{self.list_url.rstrip('/')}/{key}"

    def test_anonymous_gets_401_for_list(self, client, county):
        assert client.get(self.list_url).status_code == 401

    def test_anonymous_gets_401_for_detail(self, client, county):
        assert client.get(self.detail_url(self.detail_key(county))).status_code == 401

    def test_list_holds_the_persona_scope_in_pinned_queries(
        self, county, api_login, django_assert_max_num_queries
    ):
        client = api_login(county.users[self.persona])
        with django_assert_max_num_queries(self.list_max_queries):
            response = client.get(self.list_url)
        keys = {str(item[self.key_field]) for item in items(response)}
        assert self.visible_keys(county) <= keys
        assert not (self.hidden_keys(county) & keys)

    def test_outsider_list_leaves_out_the_object(self, county, api_login):
        client = api_login(county.outsider)
        keys = {str(item[self.key_field]) for item in items(client.get(self.list_url))}
        assert self.detail_key(county) not in keys

    def test_persona_reads_detail(self, county, api_login):
        client = api_login(county.users[self.persona])
        response = client.get(self.detail_url(self.detail_key(county)))
        assert response.status_code == 200, response.content
        assert str(response.json()[self.key_field]) == self.detail_key(county)

    def test_outsider_gets_404_for_detail(self, county, api_login):
        response = api_login(county.outsider).get(self.detail_url(self.detail_key(county)))
        assert response.status_code == 404

    def test_user_without_roles_gets_404_for_detail(self, county, api_login):
        response = api_login(county.nobody).get(self.detail_url(self.detail_key(county)))
        assert response.status_code == 404

    def test_missing_object_gets_404(self, county, api_login):
        client = api_login(county.users[self.persona])
        assert client.get(self.detail_url(self.missing_key())).status_code == 404

    def missing_key(self) -> str:
        return str(uuid.UUID(MISSING_UUID))


class APIUpdateTests:
    """Baseline PATCH tests. Declare (besides APIReadTests' detail_url / detail_key):

    update_persona      a persona who may change the object
    viewer_persona      a persona who sees the object but may not change it (403)
    update_payload      a valid body
    updated(county)     the object reloaded, to check nothing changed on a denial
    """

    update_persona: ClassVar[str]
    viewer_persona: ClassVar[str]
    update_payload: ClassVar[dict]

    def updated_value(self, county) -> Any:
        raise NotImplementedError

    def test_persona_updates(self, county, api_login):
        client = api_login(county.users[self.update_persona])
        response = api_patch(client, self.detail_url(self.detail_key(county)), self.update_payload)
        assert response.status_code == 200, response.content

    def test_viewer_gets_403_on_update(self, county, api_login):
        before = self.updated_value(county)
        client = api_login(county.users[self.viewer_persona])
        response = api_patch(client, self.detail_url(self.detail_key(county)), self.update_payload)
        assert response.status_code == 403, response.content
        assert self.updated_value(county) == before

    def test_outsider_gets_404_on_update(self, county, api_login):
        before = self.updated_value(county)
        response = api_patch(
            api_login(county.outsider),
            self.detail_url(self.detail_key(county)),
            self.update_payload,
        )
        assert response.status_code == 404
        assert self.updated_value(county) == before
