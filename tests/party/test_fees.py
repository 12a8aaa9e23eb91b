"""Party-fee grants: the ledger is append-only, balances come from it, bad amounts and
overspending are refused with clear messages and write nothing, and two expenses entered
at once cannot overspend a grant (proved on PostgreSQL with real threads)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from bastion.core.models import StoredFile
from bastion.party import services
from bastion.party.models import FeeEntry, FeeEntryKind
from bastion.party.selectors import fee_grant_get
from tests.mixins import api_post
from tests.party.conftest import png_file

API = "/api/v1/party"


def _balance(user, grant) -> Decimal:
    return fee_grant_get(user=user, public_id=grant.public_id).balance


def test_balance_is_derived_from_the_ledger(county, party_tree, world):
    grant = fee_grant_get(user=party_tree.orgdept_tree, public_id=world.grant.public_id)
    assert (grant.granted, -grant.spent_signed, grant.balance) == (
        Decimal("1000.00"), Decimal("200.00"), Decimal("800.00"),
    )  # fmt: skip
    assert list(FeeEntry.objects.filter(grant=grant).values_list("balance_after", flat=True)) == [
        Decimal("1000.00"), Decimal("800.00"),
    ]  # fmt: skip


def test_expense_with_a_receipt_through_the_page(party_tree, world, login):
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/fees/{world.grant.public_id}/",
        {
            "expense": "1",
            "amount": "99.50",
            "spent_on": timezone.localdate().isoformat(),
            "description": "消毒液",
            "receipt": png_file("发票.png"),
        },  # fmt: skip
    )
    assert response.status_code == 302, response.content.decode()[:800]
    entry = FeeEntry.objects.get(description="消毒液")
    assert entry.amount == Decimal("-99.50") and entry.receipt.content_type.startswith("image/")
    receipt = client.get(f"/party/fees/entries/{entry.public_id}/receipt/")
    assert receipt.status_code == 200
    assert (
        login(party_tree.secretary_b)
        .get(f"/party/fees/entries/{entry.public_id}/receipt/")
        .status_code
        == 404
    )


def test_expense_beyond_the_balance_is_refused_and_writes_nothing(party_tree, world, login):
    client = login(party_tree.secretary_a)
    files_before = StoredFile.objects.count()
    response = client.post(
        f"{API}/fee-grants/{world.grant.public_id}/expenses",
        {
            "amount": "800.01",
            "spent_on": timezone.localdate().isoformat(),
            "description": "超支",
            "receipt": png_file(),
        },  # fmt: skip
    )
    assert response.status_code == 422
    message = response.json()["fields"]["amount"][0]
    assert "800.01" in message and "800.00" in message
    assert not FeeEntry.objects.filter(description="超支").exists()
    assert StoredFile.objects.count() == files_before
    assert _balance(party_tree.orgdept_tree, world.grant) == Decimal("800.00")


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [("-5", "大于0"), ("0", "大于0"), ("abc", "数字"), ("1.234", "两位小数"), ("NaN", "数字")],
)
def test_bad_amounts_are_refused_with_clear_messages(party_tree, world, amount, fragment):
    with pytest.raises(ValidationError) as err:
        services.fee_expense_record(
            actor=None, grant=world.grant, amount=amount, spent_on=timezone.localdate(),
            description="x",
        )  # fmt: skip
    assert fragment in err.value.message_dict["amount"][0]
    assert FeeEntry.objects.filter(grant=world.grant).count() == 2


def test_an_expense_needs_a_receipt(party_tree, world):
    with pytest.raises(ValidationError) as err:
        services.fee_expense_record(
            actor=party_tree.secretary_a, grant=world.grant, amount="10",
            spent_on=timezone.localdate(), description="无票",
        )  # fmt: skip
    assert "receipt" in err.value.message_dict


def test_a_correction_is_a_new_entry_and_the_expense_stays(party_tree, world):
    reversal = services.fee_expense_reverse(
        actor=party_tree.secretary_a, expense=world.expense, reason="重复录入"
    )
    assert reversal.kind == FeeEntryKind.REVERSAL and reversal.corrects == world.expense
    assert FeeEntry.objects.filter(pk=world.expense.pk).exists()
    assert _balance(party_tree.orgdept_tree, world.grant) == Decimal("1000.00")
    with pytest.raises(ValidationError):
        services.fee_expense_reverse(
            actor=party_tree.secretary_a, expense=world.expense, reason="再冲"
        )


def test_only_the_granting_department_grants_and_adjusts(county, party_tree, world):
    with pytest.raises(PermissionDenied):
        services.fee_grant_create(
            actor=party_tree.secretary_a, grantor=party_tree.town_a,
            organization=party_tree.branch_a1, amount="10", purpose="x",
        )  # fmt: skip
    with pytest.raises(ValidationError):  # taking back more than is left
        services.fee_grant_adjust(
            actor=party_tree.orgdept_tree, grant=world.grant, delta="-800.01", reason="核减"
        )
    services.fee_grant_adjust(
        actor=party_tree.orgdept_tree, grant=world.grant, delta="-300", reason="核减"
    )
    assert _balance(party_tree.orgdept_tree, world.grant) == Decimal("500.00")


def test_grants_go_only_to_organizations_below_the_grantor(party_tree):
    with pytest.raises(ValidationError) as err:
        services.fee_grant_create(
            actor=party_tree.orgdept_tree, grantor=party_tree.town_a,
            organization=party_tree.town_b, amount="10", purpose="x",
        )  # fmt: skip
    assert "organization" in err.value.message_dict


def test_grant_through_the_api_and_the_ledger_is_read_only(party_tree, login):
    client = login(party_tree.orgdept_tree)
    response = api_post(
        client,
        f"{API}/fee-grants",
        {
            "grantor": "430121",
            "organization": "430121002",
            "amount": "1,060,000",
            "purpose": "防疫",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["granted"] == "1060000.00" and body["balance"] == "1060000.00"
    assert len(body["entries"]) == 1
    # No endpoint changes or deletes an entry.
    entry = body["entries"][0]["public_id"]
    assert client.delete(f"{API}/fee-entries/{entry}").status_code in (404, 405)


@pytest.mark.django_db(transaction=True)
def test_two_expenses_entered_at_once_cannot_overspend_a_grant(county, party_tree, monkeypatch):
    """Two threads each spend 600 of a 1000-yuan grant at the same moment: one wins.

    Each thread waits (up to 1.5 s) after reading the balance for the other to have read
    it too, so without the row lock both would read 1000 and both would spend.
    """
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection lock")
    from bastion.party.services import fees

    read_balance = fees.grant_balance
    gate = threading.Barrier(2, timeout=1.5)

    def balance_then_wait(grant):
        value = read_balance(grant)
        try:
            gate.wait()
        except threading.BrokenBarrierError:  # the other thread is held at the lock
            pass
        return value

    monkeypatch.setattr(fees, "grant_balance", balance_then_wait)
    grant = services.fee_grant_create(
        actor=None, grantor=party_tree.root, organization=party_tree.town_a,
        amount="1000", purpose="并发测试", granted_on=dt.date(2020, 2, 1),
    )  # fmt: skip
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.fee_expense_record(
                actor=None, grant=grant, amount="600", spent_on=dt.date(2020, 2, 2),
                description=f"并发支出{n}",
            )  # fmt: skip
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    entries = FeeEntry.objects.filter(grant=grant)
    assert entries.filter(kind=FeeEntryKind.EXPENSE).count() == 1
    assert sum(e.amount for e in entries) == Decimal("400.00")
    assert min(entries.values_list("balance_after", flat=True)) >= 0
