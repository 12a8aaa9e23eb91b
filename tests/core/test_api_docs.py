"""The API docs page works on an isolated intranet (issue 6): Swagger UI is served from
the app's own static files (django-ninja's), never from a CDN."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_swagger_ui_references_no_external_host(county, login):
    response = login(county.gridworker).get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))], urls
    assert "cdn" not in html.lower()
    assets = [u for u in urls if u.startswith("/static/")]
    assert any(u.endswith("swagger-ui-bundle.js") for u in assets)
    for url in assets:  # every asset the page asks for is one the app serves
        assert finders.find(url.removeprefix("/static/")), url
