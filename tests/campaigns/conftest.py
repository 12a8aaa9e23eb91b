"""Campaign fixtures on the county personas (tests/conftest.py).

`campaign`: a carpet screening of town A (星沙街道) created by the town officer, running
from five days ago to ten days ahead, round 1. Its households: 1栋101 (grid A1-1, where
`gridworker` works; 张建国 and 李秀英 live there) and 2栋201 (grid A1-2). The outsider
(grid B1-1, town B) sees neither the campaign nor its households.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from bastion.campaigns.defaults import seed_venue_kinds
from bastion.campaigns.models import VenueKind
from bastion.campaigns.services.campaigns import campaign_create
from bastion.campaigns.services.venues import venue_create
from bastion.geo.models import Household
from tests.mixins import api_login_client


@pytest.fixture
def api_login(client):
    return lambda user: api_login_client(client, user)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def kinds(db):
    """The default venue kinds (a transactional test flushes the data migration's)."""
    from django.apps import apps

    seed_venue_kinds(apps)
    return {k.code: k for k in VenueKind.objects.all()}


@pytest.fixture
def campaign(county):
    today = timezone.localdate()
    return campaign_create(
        actor=county.town,
        name="星沙街道地毯式排查",
        kind="carpet",
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=10),
        regions=[county.town_a],
        instructions="逐户敲门，问清近14天外出史",
        now=timezone.now() - dt.timedelta(days=5),
    )


@pytest.fixture
def households(county) -> dict[str, Household]:
    return {
        "h11": Household.objects.get(region=county.grid_a1_1),
        "h12": Household.objects.get(region=county.grid_a1_2),
        "hb": Household.objects.get(region=county.grid_b1_1),
    }


@pytest.fixture
def venue(county, kinds):
    return venue_create(
        actor=county.community,
        kind=kinds["hotel"],
        name="星沙宾馆",
        region=county.grid_a1_1,
        address="星沙大道1号",
        responsible_name="刘老板",
        contact_phone="13712345678",
    )


def png_bytes(size=(8, 8), colour=(200, 30, 30)) -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer
