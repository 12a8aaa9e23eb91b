"""Cash: received against pledges, allocated to purposes, spent with receipts, never
overspent; corrections are new entries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bastion.supplies.models import CashEntry, CashKind
from bastion.supplies.selectors.ledger import account_totals, purpose_totals
from bastion.supplies.services.cash import (
    cash_account_create,
    cash_adjust,
    cash_entry_correct,
    cash_purpose_close,
    cash_purpose_create,
    cash_purpose_top_up,
    cash_spend,
    donation_cash_receive,
    mask_account,
)
from tests.supplies.conftest import pledge


def receipt_photo(name="发票.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def account(county, supplies):
    return cash_account_create(
        actor=None,
        name="县慈善会募捐专户",
        region=county.county,
        bank="长沙银行星沙支行",
        account_number="6217 0012 3456 7890",
    )


@pytest.fixture
def funded(supplies, account):
    """A pledge of 411,000 yuan, of which 400,000 arrived."""
    donation = pledge(supplies, donor="society", lines=[], cash="411,000")
    donation_cash_receive(
        actor=None, donation=donation, account=account, amount="400000", reference="TX001"
    )
    donation.refresh_from_db()
    return donation


def test_account_numbers_keep_only_the_last_four(account):
    assert account.account_masked == "****7890"
    assert mask_account("") == ""


def test_cash_receipts_give_the_number_and_never_exceed_the_pledge(funded, account):
    assert funded.number.startswith("JZ")
    with pytest.raises(ValidationError) as info:
        donation_cash_receive(actor=None, donation=funded, account=account, amount="11000.01")
    assert "本次最多 11,000.00 元" in info.value.message_dict["amount"][0]
    donation_cash_receive(actor=None, donation=funded, account=account, amount="11000")
    assert account_totals(account.pk)["received"] == Decimal("411000.00")


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001"])
def test_bad_amounts_are_refused(funded, account, amount):
    with pytest.raises(ValidationError):
        donation_cash_receive(actor=None, donation=funded, account=account, amount=amount)
    assert CashEntry.objects.count() == 1


def test_purposes_never_allocate_more_than_is_unallocated(county, funded, account):
    purpose = cash_purpose_create(
        actor=county.command,
        account=account,
        title="采购医用防护服",
        amount="300000",
        recipient=county.town_a,
    )
    assert purpose.number.startswith("YT") and purpose.recipient_name == "星沙街道"
    with pytest.raises(ValidationError, match="超出可安排金额"):
        cash_purpose_create(
            actor=county.command, account=account, title="又一笔", amount="100000.01"
        )
    with pytest.raises(ValidationError, match="超出可安排金额"):
        cash_purpose_top_up(actor=county.command, purpose=purpose, amount="100001")
    assert account_totals(account.pk)["unallocated"] == Decimal("100000.00")


def test_only_the_command_allocates_money(county, funded, account, supplies):
    with pytest.raises(PermissionDenied):
        cash_purpose_create(actor=supplies.keeper, account=account, title="x", amount="1")


def test_spending_needs_a_receipt_and_never_overspends(county, funded, account, _media):
    purpose = cash_purpose_create(
        actor=county.command,
        account=account,
        title="采购消毒液",
        amount="1000",
        recipient=county.town_a,
    )
    with pytest.raises(ValidationError, match="请上传支出凭证"):
        cash_spend(
            actor=county.town,
            purpose=purpose,
            amount="10",
            payee="药店",
            description="消毒液",
            receipt=None,
        )
    entry = cash_spend(
        actor=county.town,
        purpose=purpose,
        amount="999.50",
        payee="星沙大药房",
        description="84 消毒液 50 桶",
        receipt=receipt_photo(),
    )
    assert entry.receipt_file.content_type == "image/jpeg"
    with pytest.raises(ValidationError, match="超支"):
        cash_spend(
            actor=county.town,
            purpose=purpose,
            amount="0.51",
            payee="星沙大药房",
            description="再买",
            receipt=receipt_photo(),
        )
    assert purpose_totals([purpose.pk])[purpose.pk]["remaining"] == Decimal("0.50")


def test_outsiders_cannot_spend(county, funded, account, supplies, _media):
    purpose = cash_purpose_create(
        actor=county.command, account=account, title="采购", amount="1000", recipient=county.town_a
    )
    with pytest.raises(PermissionDenied):
        cash_spend(
            actor=supplies.town_b_officer,
            purpose=purpose,
            amount="1",
            payee="x",
            description="x",
            receipt=receipt_photo(),
        )


def test_closing_a_purpose_returns_the_remainder(county, funded, account):
    purpose = cash_purpose_create(
        actor=county.command, account=account, title="采购", amount="5000"
    )
    cash_purpose_close(actor=county.command, purpose=purpose)
    totals = account_totals(account.pk)
    assert totals["allocated"] == 0 and totals["unallocated"] == Decimal("400000.00")
    assert CashEntry.objects.filter(kind=CashKind.RETURNED, amount=5000).exists()


def test_corrections_and_adjustments_keep_balances_consistent(county, funded, account):
    received = CashEntry.objects.get(kind=CashKind.RECEIVED)
    cash_purpose_create(actor=county.command, account=account, title="采购", amount="399000")
    with pytest.raises(ValidationError, match="超出可安排金额"):
        cash_entry_correct(actor=None, entry=received, amount="398000", reason="银行退回")
    correction = cash_entry_correct(actor=None, entry=received, amount="399500", reason="实际到账")
    assert correction.corrects == received and correction.amount == Decimal("-500.00")
    cash_adjust(actor=None, account=account, amount="20", increase=False, reason="银行手续费")
    totals = account_totals(account.pk)
    assert totals["received"] == Decimal("399500.00")
    assert totals["unallocated"] == Decimal("480.00")
    assert totals["balance"] == Decimal("399480.00")
