"""The `bastion` command: Django's management commands with Bastion's settings preset.

`bastion serve`, `bastion demo`, `bastion import regions|people FILE`, `bastion worker`
and `bastion check` are management commands in the apps; everything else is Django's.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bastion", *sys.argv[1:]])


if __name__ == "__main__":
    main()
