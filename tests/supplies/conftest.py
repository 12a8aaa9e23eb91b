"""Supplies fixtures: a catalogue, two warehouses with keepers, donors, and a helper that
receives a donation so tests start from stock on hand.

Personas (besides tests/conftest.py's county): `keeper` keeps the county warehouse
(with `keeper2`); `town_keeper` keeps 星沙街道's warehouse; `town_b_officer` is a town
officer of the neighbouring town (an outsider to town A's allocations, though she may
request for her own town).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from bastion.access.roles import Role
from bastion.supplies.models import Category, Disclosure, DonorKind, Unit
from bastion.supplies.services.catalogue import item_create, item_unit_add
from bastion.supplies.services.donations import (
    LineInput,
    ReceiveInput,
    donation_create,
    donation_receive,
)
from bastion.supplies.services.donors import donor_create
from bastion.supplies.services.stock import warehouse_create
from tests.conftest import make_user
from tests.mixins import api_login_client

PLEDGED_ON = dt.date(2020, 2, 1)


def seed_units():
    """The standard units (a transactional test flushes the data migration's rows)."""
    if not Unit.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("bastion.supplies.migrations.0002_standard_units").seed(apps, None)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


@dataclass
class Supplies:
    items: dict
    warehouse: object
    town_warehouse: object
    users: dict
    donors: dict

    def __getattr__(self, name):
        for bucket in ("items", "users", "donors"):
            values = self.__dict__.get(bucket, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


@pytest.fixture
def api_login(client):
    return lambda user: api_login_client(client, user)


@pytest.fixture
def supplies(county) -> Supplies:
    seed_units()
    items = {
        "masks": item_create(
            actor=None, code="mask-medical", name="医用口罩", category=Category.MEDICAL,
            base_unit=unit("piece"), reference_price="2.5",
        ),
        "alcohol": item_create(
            actor=None, code="alcohol-75", name="75%酒精", category=Category.DISINFECTION,
            base_unit=unit("kg"), reference_price="20",
        ),
        "rice": item_create(
            actor=None, code="rice", name="大米", category=Category.FOOD,
            base_unit=unit("kg"), reference_price="5",
        ),
        "gloves": item_create(
            actor=None, code="gloves", name="医用手套", category=Category.MEDICAL,
            base_unit=unit("pair"), reference_price="5",
        ),
        "suits": item_create(
            actor=None, code="suit", name="医用防护服", category=Category.MEDICAL,
            base_unit=unit("jian"), reference_price="150",
        ),
        "devices": item_create(
            actor=None, code="lung-device", name="肺功能仪", category=Category.EQUIPMENT,
            base_unit=unit("tai"),
        ),
    }  # fmt: skip
    item_unit_add(actor=None, item=items["masks"], unit=unit("box"), factor="50")
    item_unit_add(actor=None, item=items["rice"], unit=unit("bag"), factor="25")
    users = {
        "keeper": county.keeper,
        "keeper2": make_user("keeper2", Role.WAREHOUSE_KEEPER, county.county),
        "town_keeper": make_user("town_keeper", Role.WAREHOUSE_KEEPER, county.town_a),
        "town_b_officer": make_user("town_b_officer", Role.TOWN_OFFICER, county.town_b),
    }
    warehouse = warehouse_create(
        actor=None,
        code="county-main",
        name="县救灾物资仓库",
        region=county.county,
        keepers=[users["keeper"], users["keeper2"]],
    )
    town_warehouse = warehouse_create(
        actor=None, code="xingsha", name="星沙街道物资仓库", region=county.town_a,
        keepers=[users["town_keeper"]],
    )  # fmt: skip
    donors = {
        "enterprise": donor_create(
            actor=None, kind=DonorKind.ENTERPRISE_NONPUBLIC, name="湖南星沙医疗器械有限公司",
            region=county.county, contact_name="周经理", contact_phone="13800138000",
        ),
        "society": donor_create(
            actor=None, kind=DonorKind.SOCIAL_ORGANIZATION, name="长沙县慈善会",
            region=county.county,
        ),
        "anonymous": donor_create(
            actor=None, kind=DonorKind.ENTERPRISE_NONPUBLIC, name="隐名捐赠建材公司",
            region=county.county, disclosure=Disclosure.ANONYMOUS,
        ),
        "person": donor_create(
            actor=None, kind=DonorKind.INDIVIDUAL, name="欧阳明", region=county.county,
        ),
    }  # fmt: skip
    return Supplies(items, warehouse, town_warehouse, users, donors)


def pledge(supplies, donor="enterprise", lines=None, cash=None, **kw):
    """A pledged donation (actor None: the system)."""
    lines = lines or [LineInput(supplies.masks, "100", "box", declared_value="12500")]
    return donation_create(
        actor=None,
        donor=supplies.donors[donor],
        pledged_on=PLEDGED_ON,
        lines=lines,
        cash_pledged=cash,
        **kw,
    )


def receive_all(donation, warehouse, actor=None, at=None):
    """Receive every line of a donation in full into `warehouse`."""
    lines = [ReceiveInput(line, line.quantity, line.unit) for line in donation.lines.all()]
    return donation_receive(
        actor=actor, donation=donation, warehouse=warehouse, lines=lines, received_at=at
    )


@pytest.fixture
def stocked(supplies):
    """5,000 masks (100 boxes) and 1,400 kg of alcohol (2,800 斤) in the county warehouse."""
    donation = pledge(
        supplies,
        lines=[
            LineInput(supplies.masks, "100", "box", declared_value="12500", lot_code="M-01"),
            LineInput(supplies.alcohol, "2800", "jin"),
        ],
    )
    receive_all(donation, supplies.warehouse)
    donation.refresh_from_db()
    return donation


ZERO = Decimal(0)
