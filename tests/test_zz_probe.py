import json
import pytest

PERSONAS = ["outsider", "teammember", "nobody", "volunteer", "keeper", "auditor"]

@pytest.mark.parametrize("who", PERSONAS)
def test_probe(county, login, who):
    c = login(county.users[who])
    zhang = county.people["zhang"]; zhao = county.people["zhao"]; wang = county.people["wang"]
    urls = [
        "/", "/regions/", f"/regions/{county.grid_a1_1.code}/", f"/grids/{county.grid_a1_1.code}/",
        f"/regions/{county.town_a.code}/", f"/regions/{county.county.code}/",
        f"/people/{zhang.public_id}/", f"/people/{wang.public_id}/", "/people/", f"/people/?q=张",
        f"/people/?region={county.grid_a1_1.code}", "/reports/", f"/reports/people/records/",
        f"/reports/?region={county.grid_a1_1.code}", f"/reports/people/records/?region={county.town_a.code}",
        "/audit/", "/inbox/", "/tokens/", "/people/import/", "/people/import/regions/",
        "/api/v1/regions", f"/api/v1/regions/{county.grid_a1_1.code}", f"/api/v1/regions/{county.grid_a1_1.public_id}",
        f"/api/v1/regions/{county.grid_a1_1.code}/households", f"/api/v1/regions?parent={county.town_a.code}",
        f"/api/v1/regions?within={county.town_a.code}", "/api/v1/regions?q=松雅",
        "/api/v1/people", f"/api/v1/people/{zhang.public_id}", f"/api/v1/people?region={county.town_a.code}",
        "/api/v1/people?q=张", f"/api/v1/people?household={zhang.household.public_id}",
        "/api/v1/indicators", "/api/v1/indicators/people", f"/api/v1/indicators/people?region={county.town_a.code}",
        "/api/v1/indicators/people/records", f"/api/v1/indicators/people/records?region={county.town_a.code}",
        "/api/v1/audit", "/api/v1/me", "/admin/", "/api/v1/indicators/people_by_tag",
        "/api/v1/indicators/regions_by_level", "/api/v1/indicators/households",
        "/api/v1/indicators/households/records", "/api/v1/indicators/grids/records",
    ]
    out = []
    for u in urls:
        r = c.get(u)
        body = r.content.decode(errors="replace")
        leak = [n for n in ("张建国", "李秀英", "王小明", "赵大海", "松雅第一网格") if n in body]
        out.append(f"{who:10} {r.status_code} {u} leak={leak} {body[:150]!r}" if r.status_code != 302 else f"{who:10} 302 {u} -> {r['Location']}")
    for u, data in [
        (f"/api/v1/people/{zhang.public_id}/reveal", {"field": "id_number", "reason": "test reason"}),
        ("/api/v1/people", {"name": "x", "id_number": "430121198001010011", "grid": county.grid_a1_1.code}),
        ("/api/v1/regions", {"code": "430121001001003", "name": "x", "level": "grid", "parent": county.community_a1.code}),
    ]:
        r = c.post(u, json.dumps(data), content_type="application/json")
        out.append(f"{who:10} POST {r.status_code} {u} {r.content[:200].decode(errors='replace')!r}")
    r = c.patch(f"/api/v1/people/{zhang.public_id}", json.dumps({"name": "x"}), content_type="application/json")
    out.append(f"{who:10} PATCH {r.status_code} {r.content[:200]!r}")
    with open(f"/tmp/review/probe_{who}.txt", "w") as f:
        f.write("\n".join(out))
