"""`bastion serve`: gunicorn in front of bastion.wsgi, static files ready first."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

DEFAULT_BIND = "127.0.0.1:8000"
WSGI_APP = "bastion.wsgi:application"


def default_workers() -> int:
    """Gunicorn's rule of thumb for sync workers: two per core plus one, at most 9."""
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def gunicorn_argv(*, bind: str, workers: int, production: bool) -> list[str]:
    """The command line that runs gunicorn with this interpreter (so the venv is used)."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APP,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    if production:
        # Recycle workers now and then to bound memory growth in long-running deployments.
        argv += ["--max-requests", "2000", "--max-requests-jitter", "200"]
    return argv


def server_url(bind: str) -> str:
    if bind.startswith(("unix:", "fd://")):
        return bind
    host, _sep, port = bind.rpartition(":")
    host = host or "127.0.0.1"
    shown = "127.0.0.1" if host in {"0.0.0.0", "[::]"} else host  # noqa: S104 - display only
    return f"http://{shown}:{port or '8000'}/"


def static_needs_collect(static_root: Path) -> bool:
    """Production serves collected, hashed files: collect when nothing (or no manifest) is there."""
    if not static_root.is_dir() or not any(static_root.iterdir()):
        return True
    return not (static_root / "staticfiles.json").exists()


class Command(BaseCommand):
    help = "Serve Bastion with gunicorn (collects static files first in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=DEFAULT_BIND, help=f"address (default {DEFAULT_BIND})"
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="worker processes (default 2×CPU+1, max 9)"
        )

    def handle(self, *args, bind: str, workers: int | None, **options):
        workers = workers or default_workers()
        if workers < 1:
            raise CommandError(_("--workers 必须是正整数"))
        production = getattr(settings, "PRODUCTION", False)
        static_root = Path(settings.STATIC_ROOT)
        if production and static_needs_collect(static_root):
            self.stdout.write(_("正在收集静态文件到 %(path)s …") % {"path": static_root})
            call_command("collectstatic", interactive=False, verbosity=0)
        elif not production:
            # Development serves from the app folders (WHITENOISE_USE_FINDERS); an existing
            # STATIC_ROOT keeps WhiteNoise from warning about a missing directory.
            static_root.mkdir(parents=True, exist_ok=True)
        argv = gunicorn_argv(bind=bind, workers=workers, production=production)
        self.stdout.write(
            self.style.SUCCESS(
                _("Bastion 正在 %(url)s 上运行（%(n)d 个工作进程），按 Ctrl+C 停止。")
                % {"url": server_url(bind), "n": workers}
            )
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
