from __future__ import annotations

import pytest


@pytest.fixture
def everything(county, directive, notice, incident, meeting, daily_form):
    return {
        "directive": directive,
        "notice": notice,
        "incident": incident,
        "meeting": meeting,
        "daily": daily_form,
        "target": directive.targets.get(region=county.town_a),
    }


def urls(e, county):
    return [
        "/command/",
        "/command/inbox/",
        "/command/figures/",
        f"/command/figures/{county.town_a.code}/",
        "/command/meetings/",
        "/command/meetings/new/",
        f"/command/meetings/{e['meeting'].public_id}/",
        f"/command/meetings/{e['meeting'].public_id}/edit/",
        "/command/directives/",
        "/command/directives/new/",
        f"/command/directives/new/?decision={e['meeting'].decisions.first().public_id}",
        f"/command/directives/{e['directive'].public_id}/",
        f"/command/targets/{e['target'].public_id}/",
        "/command/notices/",
        "/command/notices/new/",
        f"/command/notices/{e['notice'].public_id}/",
        f"/command/notices/{e['notice'].public_id}/revise/",
        "/command/incidents/",
        "/command/incidents/new/",
        "/command/incidents/units/",
        "/command/incidents/kinds/",
        f"/command/incidents/{e['incident'].public_id}/",
        "/command/daily/",
        "/command/daily/new/",
        f"/command/daily/{e['daily'].public_id}/",
        f"/command/daily/{e['daily'].public_id}/edit/",
        f"/command/daily/{e['daily'].public_id}/fill/",
    ]


@pytest.mark.parametrize("persona", ["command", "town", "community", "gridworker"])
def test_pages(county, everything, login, persona):
    client = login(county.users[persona])
    for url in urls(everything, county):
        r = client.get(url)
        print(persona, url, r.status_code)
        assert r.status_code in (200, 403, 404), (url, r.status_code, r.content[:3000])
