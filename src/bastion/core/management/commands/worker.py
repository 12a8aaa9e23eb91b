"""`bastion worker`: the Huey consumer for background work (settings.HUEY picks the storage)."""

from __future__ import annotations

import logging

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand


class Command(RunHueyCommand):
    help = (
        "Run the background worker (Huey consumer): SQLite storage under var/ by default, "
        "Redis when REDIS_URL is set. Accepts run_huey's options, e.g. --workers 4."
    )

    def handle(self, *args, **options):
        huey_logger = logging.getLogger("huey")
        if not huey_logger.handlers:
            # The project's LOGGING already prints through the root logger; without a handler
            # here run_huey would add its own and every line would appear twice.
            huey_logger.addHandler(logging.NullHandler())
        return super().handle(*args, **options)
