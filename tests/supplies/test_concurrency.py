"""Two keepers issuing the last units at once never overdraw the stock, and two spends
of the last yuan never overspend a purpose: real threads on PostgreSQL (on the in-memory
SQLite test database threads share one connection lock, so these skip there; SQLite
serializes writers with IMMEDIATE transactions in production)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from bastion.supplies.models import CashEntry, CashKind, MoveKind, Shipment, StockMove
from bastion.supplies.selectors.ledger import lot_balances
from bastion.supplies.services.allocations import (
    Approval,
    IssueLine,
    RequestLine,
    allocation_decide,
    allocation_request,
    shipment_issue,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection lock")


def run_at_once(*jobs):
    """Run each job in its own thread (own connection), released together; returns
    ("ok", result) or ("refused", message) per job."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = ("ok", job())
        except ValidationError as exc:
            results[index] = ("refused", " ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def approved_for(county, supplies, pieces: str):
    allocation = allocation_request(
        actor=county.command,
        recipient=county.community_a1,
        lines=[RequestLine(supplies.masks, pieces, "piece")],
        reason="卡口需要",
    )
    return allocation_decide(
        actor=county.command,
        allocation=allocation,
        approvals=[Approval(allocation.lines.get(), pieces)],
        warehouse=supplies.warehouse,
    )


def test_two_keepers_issuing_at_once_never_overdraw(county, supplies, stocked):
    _postgres_only()
    first = approved_for(county, supplies, "3000")
    second = approved_for(county, supplies, "3000")

    def issue(allocation, keeper):
        return lambda: (
            shipment_issue(
                actor=keeper,
                allocation=allocation,
                lines=[IssueLine(allocation.lines.get(), "3000", "piece")],
            ).number
        )

    results = run_at_once(issue(first, supplies.keeper), issue(second, supplies.keeper2))
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok", "refused"], results
    refused = next(message for kind, message in results if kind == "refused")
    assert "库存不足" in refused and "现有医用口罩 2,000 个" in refused
    balances = lot_balances(warehouse_id=supplies.warehouse.pk, item_id=supplies.masks.pk)
    assert sum(balances.values()) == 2000
    issued = StockMove.objects.filter(kind=MoveKind.ISSUED).aggregate(t=Sum("quantity"))["t"]
    assert issued == Decimal(-3000)
    assert Shipment.objects.count() == 1


def test_many_keepers_draining_a_lot_stop_exactly_at_zero(county, supplies, stocked):
    _postgres_only()
    allocations = [approved_for(county, supplies, "1500") for _ in range(4)]
    keepers = [supplies.keeper, supplies.keeper2] * 2

    def issue(allocation, keeper):
        return lambda: (
            shipment_issue(
                actor=keeper,
                allocation=allocation,
                lines=[IssueLine(allocation.lines.get(), "1500", "piece")],
            ).number
        )

    results = run_at_once(*(issue(a, k) for a, k in zip(allocations, keepers, strict=True)))
    assert sorted(kind for kind, _ in results) == ["ok", "ok", "ok", "refused"]
    balances = lot_balances(warehouse_id=supplies.warehouse.pk, item_id=supplies.masks.pk)
    assert sum(balances.values()) == 500
    assert all(v >= 0 for v in balances.values())


def test_two_spends_of_the_last_yuan_never_overspend(county, supplies, tmp_path, settings):
    _postgres_only()
    settings.MEDIA_ROOT = tmp_path / "media"
    from bastion.supplies.services.cash import (
        cash_account_create,
        cash_purpose_create,
        cash_spend,
        donation_cash_receive,
    )
    from tests.supplies.conftest import pledge
    from tests.supplies.test_cash import receipt_photo

    account = cash_account_create(actor=None, name="专户", region=county.county)
    donation = pledge(supplies, donor="society", lines=[], cash="1000")
    donation_cash_receive(actor=None, donation=donation, account=account, amount="1000")
    purpose = cash_purpose_create(actor=None, account=account, title="采购", amount="1000")

    def spend():
        return cash_spend(
            actor=None,
            purpose=purpose,
            amount="600",
            payee="药店",
            description="消毒液",
            receipt=receipt_photo(),
        ).amount

    results = run_at_once(spend, spend)
    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    spent = CashEntry.objects.filter(kind=CashKind.SPENT).aggregate(t=Sum("amount"))["t"]
    assert spent == Decimal("600.00")
