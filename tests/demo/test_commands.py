"""`bastion serve`, `bastion worker` and `bastion check` (Django's check + Bastion's checks)."""

from __future__ import annotations

import sys

import pytest
from django.core.checks import Error, Warning
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import SystemCheckError
from django.test import override_settings

from bastion.core import checks
from bastion.core.management.commands import serve


def test_gunicorn_argv_runs_the_wsgi_app_with_this_interpreter():
    argv = serve.gunicorn_argv(bind="0.0.0.0:9000", workers=3, production=False)
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "bastion.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[argv.index("--workers") + 1] == "3"
    assert "--max-requests" not in argv
    assert "--max-requests" in serve.gunicorn_argv(bind="x:1", workers=1, production=True)


def test_server_url_for_common_binds():
    assert serve.server_url("127.0.0.1:8000") == "http://127.0.0.1:8000/"
    assert serve.server_url("0.0.0.0:8080") == "http://127.0.0.1:8080/"
    assert serve.server_url("unix:/run/bastion.sock") == "unix:/run/bastion.sock"


def test_default_workers_is_bounded():
    assert 3 <= serve.default_workers() <= 9


@pytest.fixture
def no_exec(monkeypatch):
    """Capture the exec instead of replacing the test process with gunicorn."""
    calls = {}

    def fake_execv(path, argv):
        calls["argv"] = argv

    monkeypatch.setattr(serve.os, "execv", fake_execv)
    return calls


def test_serve_in_production_collects_static_when_empty(monkeypatch, tmp_path, no_exec, capsys):
    collected = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: collected.append(a))
    with override_settings(PRODUCTION=True, STATIC_ROOT=tmp_path / "static"):
        call_command("serve", "--bind", "127.0.0.1:8123", "--workers", "2")
    assert collected == [("collectstatic",)]
    assert no_exec["argv"][no_exec["argv"].index("--bind") + 1] == "127.0.0.1:8123"
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out


def test_serve_in_production_skips_collect_when_manifest_exists(monkeypatch, tmp_path, no_exec):
    (tmp_path / "staticfiles.json").write_text("{}")
    collected = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: collected.append(a))
    with override_settings(PRODUCTION=True, STATIC_ROOT=tmp_path):
        call_command("serve", "--workers", "1")
    assert collected == []
    assert "bastion.wsgi:application" in no_exec["argv"]


def test_serve_in_development_does_not_collect(monkeypatch, tmp_path, no_exec, settings):
    collected = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: collected.append(a))
    with override_settings(PRODUCTION=False, STATIC_ROOT=tmp_path / "static"):
        call_command("serve", "--workers", "1")
    assert collected == []
    assert settings.WHITENOISE_USE_FINDERS is True  # dev serves from the app folders
    assert (tmp_path / "static").is_dir()


def test_worker_command_is_hueys_consumer():
    from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

    assert get_commands()["worker"] == "bastion.core"
    assert isinstance(load_command_class("bastion.core", "worker"), RunHuey)


def _ids(messages) -> set[str]:
    return {m.id for m in messages}


def test_check_passes_on_a_migrated_database(db, capsys):
    call_command("check")
    assert "no issues" in capsys.readouterr().out
    assert checks.check_database() == []
    assert checks.check_encryption_keys() == []
    assert checks.check_var_writable() == []
    assert checks.check_task_queue() == []


def test_check_warns_about_unapplied_migrations(db, monkeypatch):
    monkeypatch.setattr(checks, "unapplied_migrations", lambda alias="default": ["people.0099_x"])
    found = checks.check_database()
    assert _ids(found) == {"bastion.W001"}
    assert isinstance(found[0], Warning) and "people.0099_x" in found[0].msg


def test_check_reports_an_unreachable_database(db, monkeypatch):
    monkeypatch.setattr(checks, "_database_reachable", lambda alias="default": OSError("refused"))
    found = checks.check_database()
    assert _ids(found) == {"bastion.E001"} and isinstance(found[0], Error)


def test_check_flags_unusable_encryption_keys(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-fernet-key"]):
        assert _ids(checks.check_encryption_keys()) == {"bastion.E003"}
        with pytest.raises(SystemCheckError, match="bastion.E003"):
            call_command("check")
    with override_settings(FIELD_ENCRYPTION_KEYS=[]):
        assert _ids(checks.check_encryption_keys()) == {"bastion.E003"}


def test_check_flags_a_missing_blind_index_key():
    with override_settings(BLIND_INDEX_KEY=""):
        assert _ids(checks.check_encryption_keys()) == {"bastion.E004"}


def test_check_flags_var_dir_not_writable_in_development(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with override_settings(PRODUCTION=False, VAR_DIR=blocker / "var"):
        assert _ids(checks.check_var_writable()) == {"bastion.E005"}
    with override_settings(PRODUCTION=True, VAR_DIR=blocker / "var"):
        assert checks.check_var_writable() == []


def test_check_flags_unreachable_redis(monkeypatch):
    from huey.contrib.djhuey import HUEY

    class Down:
        def ping(self):
            raise ConnectionError("connection refused")

    class Storage:
        conn = Down()

    monkeypatch.setattr(HUEY, "storage", Storage())
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        assert _ids(checks.check_task_queue()) == {"bastion.E006"}


def test_check_deploy_still_runs(db, capsys):
    # --deploy adds Django's security checks; in development they warn, nothing crashes.
    try:
        call_command("check", "--deploy")
    except SystemCheckError as exc:
        assert "bastion." not in str(exc)
