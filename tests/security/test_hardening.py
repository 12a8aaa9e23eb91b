"""Deploy hardening (issue 13): headers and a content security policy, no inline code in
any template, every public page rate limited, no ID number, phone number, password or
token in the logs, no plaintext ID number in a database dump, `check --deploy` clean.

Lockout and session expiry: tests/access/test_login.py; uploads (type, size, images
re-encoded): tests/core/test_uploads.py.
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from bastion.access.services import api_token_create
from bastion.monitoring.services.selfreport import selfreport_token_issue
from bastion.people.identity import reveal_id_number, reveal_phone
from tests.conftest import PASSWORD
from tests.monitoring.conftest import monitoring_users, observation, policy  # noqa: F401
from tests.people.conftest import csv_bytes, ident
from tests.security.access_matrix import TABLE
from tests.security.matrix import MISSING, web_routes

SRC = Path(__file__).resolve().parents[2] / "src" / "bastion"

# --- headers and the content security policy ------------------------------------------


def test_pages_send_the_security_headers(client, db):
    response = client.get(reverse("access:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Permissions-Policy" in response


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "event handler attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=\s*[\"']", re.I), "style attribute"),
    (re.compile(r"(src|href)\s*=\s*[\"']https?://", re.I), "asset from another site"),
]


def test_no_template_carries_inline_code_or_outside_assets():
    found = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(SRC)}:{line}: {what}")
    assert not found, "\n".join(found)


# --- rate limits on every page without login ----------------------------------------------

NOT_LIMITED_HERE = {
    "access:login",  # its own limits: django-axes per username+address, loginlimit per address
    "access:logout",
    "access:otp_setup",
    "access:otp_verify",
    "set_language",
    # Static documents served by a view (so the worker's scope covers /field/): no data, no
    # query, and a 429 on the worker script would stop phones from updating their pages.
    "field:sw",
    "field:manifest",
}


@pytest.fixture
def limits_exceeded(monkeypatch):
    """Every rate counter reports a caller far over its limit."""
    from bastion.core import ratelimit

    monkeypatch.setattr(ratelimit, "_hit_database", lambda *a, **k: 10**9)
    monkeypatch.setattr(ratelimit, "_hit_redis", lambda *a, **k: 10**9)


def test_every_public_page_is_rate_limited(client, county, limits_exceeded):
    public = [
        r for r in web_routes() if TABLE[r.key].allow == "public" and r.key not in NOT_LIMITED_HERE
    ]
    assert len(public) >= 10
    unlimited = []
    for route in public:
        url = route.template
        for name in route.params:
            url = url.replace("{" + name + "}", MISSING)
        status = client.get(url).status_code
        if status == 405:
            status = client.post(url, {}).status_code
        if status != 429:
            unlimited.append(f"{route.key} {url}: {status}")
    assert not unlimited, "\n".join(unlimited)


# --- logs -----------------------------------------------------------------------------------


def _secrets(county) -> list[str]:
    found = []
    for person in county.people.values():
        found.append(reveal_id_number(person))
        if person.phone_index:
            found.append(reveal_phone(person))
    return found


def test_logs_hold_no_id_numbers_phones_passwords_or_tokens(
    client,
    county,
    observation,  # noqa: F811
    login,
    caplog,
    settings,
    tmp_path,  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path
    caplog.set_level(logging.DEBUG)
    secrets = _secrets(county) + [PASSWORD, "wrong-password-123"]
    # sign in: a failure, then a success
    client.post(reverse("access:login"), {"username": "gridworker", "password": secrets[-1]})
    client.post(reverse("access:login"), {"username": "gridworker", "password": PASSWORD})
    # an API token at work
    _token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="t")
    secrets.append(raw)
    zhang = county.people["zhang"]
    for field in ("id_number", "phone"):
        client.post(
            f"/api/v1/people/{zhang.public_id}/reveal",
            {"field": field, "reason": "核实身份"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    client.post(
        "/api/v1/people/search",
        {"q": reveal_id_number(zhang)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # the self-report link of an observed person, a good and a bad report
    token = selfreport_token_issue(actor=county.gridworker, observation=observation)
    secrets.append(token)
    page = reverse("selfreport:page", args=[token])
    client.get(page)
    client.post(page, {"temperature": "36.6"})
    client.post(page, {"temperature": "99"})
    # an import with errors: a bad ID number, a bad phone, a good row
    bad_id, bad_phone, good_id = "43012119800101001X", "1370000", ident(40)
    good_phone = "13700004444"
    secrets += [bad_id, good_id, good_phone]
    rows = [
        ["坏号", bad_id, good_phone, county.grid_a1_1.code, "", "", "", ""],
        ["坏机", ident(41), bad_phone, county.grid_a1_1.code, "", "", "", ""],
        ["好人", good_id, good_phone, county.grid_a1_1.code, "", "", "", ""],
    ]
    secrets.append(ident(41))
    upload = SimpleUploadedFile("名单.csv", csv_bytes(rows).getvalue())
    community = login(county.community)
    community.post("/people/import/", {"file": upload})
    assert caplog.records, "the flows above must have logged something"
    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '') or ''}"
        for r in caplog.records
    )
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"in the logs: {leaked}"


# --- a dump of the database -----------------------------------------------------------------


def test_a_database_dump_holds_no_plaintext_id_or_phone_numbers(county, login):
    login(county.gridworker).post(
        f"/api/v1/people/{county.people['zhang'].public_id}/reveal",
        {"field": "id_number", "reason": "核实身份"},
        content_type="application/json",
    )
    out = io.StringIO()
    call_command("dumpdata", "--all", "--natural-foreign", stdout=out)
    dump = out.getvalue()
    assert len(dump) > 10_000 and "张建国" in dump  # the dump holds the people
    leaked = [s for s in _secrets(county) if s in dump]
    assert not leaked, f"plaintext in the dump: {leaked}"


# --- check --deploy with production settings --------------------------------------------


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "BASTION_ENV": "production",
        "SECRET_KEY": "test-only-" + "k7Qz" * 16,
        "BASTION_FIELD_KEYS": Fernet.generate_key().decode(),
        "BASTION_INDEX_KEY": "test-only-index-" + "x9" * 16,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "ALLOWED_HOSTS": "bastion.example.org",
        "BASTION_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bastion.cli",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--tag",
            "security",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
