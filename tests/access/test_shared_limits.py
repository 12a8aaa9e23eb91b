"""Login limits that hold across worker processes (issue 6): attempts per client address
count in the shared store (core.ratelimit: the database, or Redis), so the limit is not
multiplied by the number of gunicorn workers; `bastion check --deploy` warns when a
configuration would count per process. (Self-report limits:
tests/monitoring/test_selfreport_limits.py.)"""

from __future__ import annotations

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.conftest import PASSWORD


def _other_worker() -> None:
    """A request served by another gunicorn worker sees none of this one's memory."""
    cache.clear()


def _login(client, username, ip="10.0.0.7"):
    return client.post("/login/", {"username": username, "password": "x" * 12}, REMOTE_ADDR=ip)


def test_login_attempts_per_address_hold_across_workers_and_usernames(client, county, settings):
    settings.BASTION_LOGIN_ATTEMPTS_PER_IP = 3
    codes = []
    for name in ("a1", "a2", "a3", "a4"):
        _other_worker()
        codes.append(_login(client, name).status_code)
    assert codes == [200, 200, 200, 429]
    assert "尝试登录过于频繁" in _login(client, "gridworker").content.decode()
    # the right password from that address waits too; another address is not held up
    held = client.post("/login/", {"username": "gridworker", "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.7")  # fmt: skip
    assert held.status_code == 429
    ok = client.post("/login/", {"username": "gridworker", "password": PASSWORD},
                     REMOTE_ADDR="10.0.0.8")  # fmt: skip
    assert ok.status_code == 302


def test_the_admin_login_counts_against_the_same_limit(client, county, settings):
    from tests.conftest import make_user

    make_user("siteadmin", is_staff=True, is_superuser=True)
    settings.BASTION_LOGIN_ATTEMPTS_PER_IP = 1
    _login(client, "gridworker")
    client.post(
        "/admin/login/", {"username": "siteadmin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert "_auth_user_id" not in client.session


def _deploy_warnings(capsys) -> str:
    try:
        call_command("check", "--deploy", "--tag", "bastion")
    except SystemCheckError as exc:  # errors elsewhere do not matter here
        return str(exc)
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_check_deploy_warns_when_login_lockouts_count_per_process(settings, capsys, db):
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "bastion.W010" in _deploy_warnings(capsys)


def test_check_deploy_warns_when_redis_is_configured_but_the_cache_is_per_process(
    settings, capsys, db
):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "bastion.W011" in _deploy_warnings(capsys)


def test_check_deploy_is_quiet_about_limits_in_the_default_setup(settings, capsys, db):
    text = _deploy_warnings(capsys)
    assert "bastion.W010" not in text and "bastion.W011" not in text
