"""The campaigns part of the demo county, called by demo/generator.py after the people and
monitoring demo exist."""

from __future__ import annotations

import datetime as dt
import random

from bastion.geo.models import Region


def seed_campaigns(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's campaigns records; return DemoLogin rows for any demo users created."""
    return []
