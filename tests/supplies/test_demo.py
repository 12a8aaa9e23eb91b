"""The demo restates the scenario from records: 45 enterprises and 9 social organizations,
the goods and their units, over 3.4 million yuan in kind and 411,000 yuan in cash, with
allocations at every stage; and it stays consistent with the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from bastion.supplies.models import Allocation, AllocationStatus, Disclosure, Donor, Shipment
from bastion.supplies.selectors.summary import public_sources, totals

SMALL = ["--towns", "3", "--villages", "2", "--grids", "2", "--households", "2"]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", *SMALL, "--seed", "11", verbosity=0)


def test_the_demo_restates_the_scenarios_donations(demo, client):
    figures = totals(public_sources())
    assert figures.donors_by_kind == {
        "enterprise_nonpublic": 38,
        "enterprise_state": 7,
        "social_organization": 9,
    }
    received = {row.item.code: row.received for row in figures.stock}
    assert received == {
        "lung-function-tester": 175,
        "air-purifier": 300,
        "mask-medical": 43050,
        "alcohol-75": 1400,  # 2,800 jin
        "disinfectant-84": 200,
        "protective-suit": 200,
        "gloves-medical": 200,
        "rice": 5000,
        "pork": 500,
    }
    assert figures.value_in_kind > Decimal("3400000")
    assert figures.cash["received"] == Decimal("411000.00")
    assert figures.reconciles
    statuses = set(Allocation.objects.values_list("status", flat=True))
    assert {
        AllocationStatus.REQUESTED,
        AllocationStatus.APPROVED,
        AllocationStatus.PARTLY_APPROVED,
    } <= statuses
    assert Shipment.objects.filter(received_at__isnull=True).exists()
    assert figures.shipments_short >= 1
    body = client.get(reverse("supplies_public:index")).content.decode()
    for donor in Donor.objects.filter(disclosure=Disclosure.ANONYMOUS):
        assert donor.name not in body
    assert Donor.objects.filter(disclosure=Disclosure.ANONYMOUS).count() == 2
