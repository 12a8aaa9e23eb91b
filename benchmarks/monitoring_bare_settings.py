"""Settings for the benchmark's floor: the project's settings, a bare URL conf, no middleware.

Served by a second gunicorn in `python -m benchmarks monitoring`; never used by the product.
"""

from bastion.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.monitoring_bare_urls"
MIDDLEWARE: list[str] = []
