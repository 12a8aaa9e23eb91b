"""The supplies indicators: the figures the command sees equal the ledger, respect the
as-of time and the user's scope, and every figure drills down to its records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bastion.reports.selectors import indicator_value
from bastion.supplies.services.cash import cash_account_create, donation_cash_receive
from bastion.supplies.services.donations import LineInput
from tests.supplies.conftest import pledge, receive_all
from tests.supplies.flows import received_short, requested

EARLY = timezone.make_aware(dt.datetime(2020, 2, 1, 9, 0))
LATER = timezone.make_aware(dt.datetime(2020, 2, 3, 9, 0))


@pytest.fixture
def figures_world(county, supplies):
    """On 1 Feb the enterprise's masks (12,500 yuan declared) and 2,800 斤 of alcohol
    (20 yuan/kg reference: 28,000 yuan) arrive; on 3 Feb the anonymous company's rice
    (200 bags, 5 yuan/kg reference) and the person's 500 yuan."""
    masks = pledge(
        supplies,
        lines=[
            LineInput(supplies.masks, "100", "box", declared_value="12500"),
            LineInput(supplies.alcohol, "2800", "jin"),
        ],
    )
    receive_all(masks, supplies.warehouse, at=EARLY)
    rice = pledge(supplies, donor="anonymous", lines=[LineInput(supplies.rice, "200", "bag")])
    receive_all(rice, supplies.warehouse, at=LATER)
    account = cash_account_create(actor=None, name="专户", region=county.county)
    cash = pledge(supplies, donor="person", lines=[], cash="500")
    donation_cash_receive(actor=None, donation=cash, account=account, amount="500", at=LATER)
    received_short(county, supplies)
    requested(county, supplies)


def value(user, code, day=None):
    return indicator_value(user=user, code=code, as_of=day)


def test_the_command_sees_the_scenario_restated(county, figures_world):
    command = county.command
    donors = value(command, "supplies_donors")
    assert donors.value == 3
    assert {k: n for k, _l, n in donors.breakdown} == {
        "enterprise_nonpublic": 2, "enterprise_state": 0, "social_organization": 0,
        "individual": 1, "other": 0,
    }  # fmt: skip
    assert value(command, "supplies_value_in_kind").value == 12500 + 28000 + 25000
    categories = {k: n for k, _l, n in value(command, "supplies_donations_in_kind").breakdown}
    assert categories["medical"] == 1 and categories["food"] == 1
    assert value(command, "supplies_cash_received").value == 500
    assert value(command, "supplies_allocated").value == 1
    confirmed = value(command, "supplies_confirmed_received")
    assert confirmed.value == 1 and ("short", "有短缺", 1) in confirmed.breakdown
    stock = value(command, "supplies_stock_on_hand")
    assert stock.value == 3
    assert ("alcohol-75", "75%酒精（千克）", 1350) in stock.breakdown
    assert ("mask-medical", "医用口罩（个）", 3000) in stock.breakdown
    assert ("rice", "大米（千克）", 5000) in stock.breakdown
    assert value(command, "supplies_requests_open").value == 1


def test_figures_as_of_an_earlier_day_exclude_later_records(county, figures_world):
    day = dt.date(2020, 2, 2)
    assert value(county.command, "supplies_donors", day).value == 1
    assert value(county.command, "supplies_value_in_kind", day).value == 12500 + 28000
    assert value(county.command, "supplies_cash_received", day).value == 0
    stock = value(county.command, "supplies_stock_on_hand", day)
    assert sorted(stock.breakdown) == [
        ("alcohol-75", "75%酒精（千克）", 1400),
        ("mask-medical", "医用口罩（个）", 5000),
    ]


def test_a_neighbouring_town_sees_none_of_it(county, supplies, figures_world):
    for code in (
        "supplies_donors",
        "supplies_value_in_kind",
        "supplies_cash_received",
        "supplies_allocated",
        "supplies_stock_on_hand",
        "supplies_requests_open",
    ):
        assert value(supplies.town_b_officer, code).value == 0, code


def test_the_receiving_community_counts_its_own_allocations(county, figures_world):
    assert value(county.community, "supplies_allocated").value == 1
    assert value(county.community, "supplies_requests_open").value == 1
    assert value(county.community, "supplies_donors").value == 0  # donors are the county's


def test_every_figure_drills_down_to_its_records(county, figures_world, login):
    client = login(county.command)
    for code in ("supplies_donors", "supplies_allocated", "supplies_stock_on_hand"):
        response = client.get(reverse("reports:records", args=[code]))
        assert response.status_code == 200, code
    body = client.get(reverse("reports:records", args=["supplies_donors"])).content.decode()
    assert "欧**" in body and "欧阳明" not in body  # a person's name masked in lists
