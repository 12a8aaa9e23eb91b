"""GET /api/v1/me: who am I, my roles with region codes, my permissions."""

from __future__ import annotations

from bastion.access.roles import Perm


def test_me_lists_roles_and_permissions(login, county):
    body = login(county.gridworker).get("/api/v1/me").json()
    assert body["username"] == "gridworker"
    assert body["roles"] == [
        {
            "role": "grid_worker",
            "role_name": "网格员",
            "region_code": county.grid_a1_1.code,
            "region_name": county.grid_a1_1.name,
            "org_path": "",
        }
    ]
    assert Perm.PII_REVEAL in body["permissions"]
    assert Perm.AUDIT_VIEW not in body["permissions"]
    assert body["totp_required"] is False
    assert "id" not in body and "password" not in body


def test_me_needs_authentication(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_for_someone_with_no_roles(login, county):
    body = login(county.nobody).get("/api/v1/me").json()
    assert body["roles"] == []
    assert body["permissions"] == []


def test_outsider_sees_only_own_roles(login, county):
    body = login(county.outsider).get("/api/v1/me").json()
    assert [r["region_code"] for r in body["roles"]] == [county.grid_b1_1.code]
