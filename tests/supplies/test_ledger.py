"""The stock ledger: receipts, lots, FIFO, adjustments, write-offs, transfers and
corrections; balances always derived from entries, never negative, never half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from bastion.core.models import AuditEntry
from bastion.supplies.models import (
    DonationReceipt,
    Lot,
    LotSource,
    MoveKind,
    NumberSequence,
    StockMove,
)
from bastion.supplies.selectors.donations import donation_view
from bastion.supplies.selectors.ledger import line_received, lot_balance, lot_balances
from bastion.supplies.selectors.stock import stock_rows
from bastion.supplies.services.donations import (
    LineInput,
    ReceiveInput,
    donation_cancel,
    donation_line_add,
    donation_receive,
)
from bastion.supplies.services.stock import (
    TransferLine,
    stock_adjust,
    stock_move_correct,
    stock_transfer,
    stock_write_off,
)
from tests.supplies.conftest import pledge, receive_all


def on_hand(warehouse, item):
    return sum(lot_balances(warehouse_id=warehouse.pk, item_id=item.pk).values(), Decimal(0))


def test_receiving_goods_writes_one_lot_and_one_entry_per_line(supplies, stocked):
    masks, alcohol = supplies.masks, supplies.alcohol
    assert on_hand(supplies.warehouse, masks) == 5000
    assert on_hand(supplies.warehouse, alcohol) == 1400  # 2,800 斤 in kilograms
    moves = StockMove.objects.filter(kind=MoveKind.RECEIVED)
    assert moves.count() == 2
    lot = Lot.objects.get(item=masks)
    assert lot.donation_line.donation == stocked and lot.lot_code == "M-01"
    assert lot.source == LotSource.DONATION


def test_first_receipt_gives_the_acknowledgement_number_per_year(supplies, stocked):
    year = timezone.localdate().year
    assert stocked.number == f"JZ{year}-0001"
    second = pledge(supplies, donor="society")
    assert second.number is None  # a pledge has no number yet
    receive_all(second, supplies.warehouse)
    second.refresh_from_db()
    assert second.number == f"JZ{year}-0002"


def test_a_refused_receipt_gives_no_number_and_writes_nothing(supplies):
    donation = pledge(supplies)
    line = donation.lines.get()
    with pytest.raises(ValidationError):
        donation_receive(
            actor=None,
            donation=donation,
            warehouse=supplies.warehouse,
            lines=[ReceiveInput(line, "101", "box")],
        )
    donation.refresh_from_db()
    assert donation.number is None
    assert not StockMove.objects.exists() and not DonationReceipt.objects.exists()
    assert not NumberSequence.objects.filter(last__gt=0).exists()
    receive_all(donation, supplies.warehouse)
    donation.refresh_from_db()
    assert donation.number.endswith("-0001")  # gapless: the refused try used none


def test_partial_receipts_leave_the_donation_partly_received(supplies):
    donation = pledge(supplies)
    line = donation.lines.get()
    donation_receive(
        actor=None,
        donation=donation,
        warehouse=supplies.warehouse,
        lines=[ReceiveInput(line, "1500", "piece")],
    )
    view = donation_view(donation)
    assert view.status == "partly_received"
    assert view.lines[0].received == 1500 and view.lines[0].outstanding == 3500
    assert view.value_received == Decimal("3750.00")  # 12,500 declared × 1,500/5,000
    with pytest.raises(ValidationError) as info:
        donation_receive(
            actor=None,
            donation=donation,
            warehouse=supplies.warehouse,
            lines=[ReceiveInput(line, "71", "box")],  # 3,550 > 3,500 outstanding
        )
    message = info.value.message_dict["lines.0.quantity"][0]
    assert "第1行（医用口罩）入库数量" in message and "本次最多 3,500 个" in message
    donation_receive(
        actor=None,
        donation=donation,
        warehouse=supplies.warehouse,
        lines=[ReceiveInput(line, "70", "box")],
    )
    donation.refresh_from_db()
    assert donation_view(donation).status == "received"


def test_bad_receipt_lines_report_every_error_at_once_and_write_nothing(supplies):
    donation = pledge(
        supplies,
        lines=[LineInput(supplies.masks, "10", "box"), LineInput(supplies.alcohol, "10", "kg")],
    )
    first, second = donation.lines.order_by("id")
    with pytest.raises(ValidationError) as info:
        donation_receive(
            actor=None,
            donation=donation,
            warehouse=supplies.warehouse,
            lines=[ReceiveInput(first, "-3", "box"), ReceiveInput(second, "2", "桶子")],
        )
    errors = info.value.message_dict
    assert "必须大于 0" in errors["lines.0.quantity"][0]
    assert "未知单位“桶子”" in errors["lines.1.quantity"][0]
    assert not StockMove.objects.exists()


def test_only_the_warehouses_keepers_receive(supplies, county):
    donation = pledge(supplies)
    with pytest.raises(PermissionDenied):
        receive_all(donation, supplies.warehouse, actor=supplies.town_keeper)
    with pytest.raises(PermissionDenied):
        receive_all(donation, supplies.warehouse, actor=county.command)
    receive_all(donation, supplies.warehouse, actor=supplies.keeper)
    assert StockMove.objects.get().recorded_by == supplies.keeper
    assert AuditEntry.objects.filter(object_type="supplies.donationreceipt").exists()


def test_pledge_lines_are_validated_before_anything_is_written(supplies):
    from bastion.supplies.models import Donation

    with pytest.raises(ValidationError) as info:
        pledge(
            supplies,
            lines=[
                LineInput(supplies.masks, "0", "box"),
                LineInput(supplies.suits, "5", "kg"),
                LineInput(None, "5", "kg"),
            ],
        )
    errors = info.value.message_dict
    assert "第1行（医用口罩）数量：必须大于 0" in errors["lines.0.quantity"][0]
    assert "没有“千克”的换算" in errors["lines.1.quantity"][0]
    assert "第3行物资" in errors["lines.2.item"][0]
    assert not Donation.objects.exists()


def test_expired_pledge_lines_are_refused(supplies):
    with pytest.raises(ValidationError, match="已过期"):
        pledge(
            supplies,
            lines=[LineInput(supplies.masks, "1", "box", expires_on=dt.date(2019, 1, 1))],
        )


def test_a_line_added_later_can_be_received(supplies, stocked):
    line = donation_line_add(
        actor=None, donation=stocked, line=LineInput(supplies.rice, "20", "bag")
    )
    assert line.quantity_base == 500
    donation_receive(
        actor=None,
        donation=stocked,
        warehouse=supplies.warehouse,
        lines=[ReceiveInput(line, "500", "kg")],
    )
    assert on_hand(supplies.warehouse, supplies.rice) == 500


def test_a_received_donation_cannot_be_cancelled_but_a_pledge_can(supplies, stocked):
    with pytest.raises(ValidationError, match="已有到账记录"):
        donation_cancel(actor=None, donation=stocked, reason="捐赠方撤回")
    pending = pledge(supplies, donor="society")
    donation_cancel(actor=None, donation=pending, reason="捐赠方撤回")
    pending.refresh_from_db()
    assert pending.cancelled_at is not None
    with pytest.raises(ValidationError, match="已撤销"):
        receive_all(pending, supplies.warehouse)


# --- Adjustments, write-offs, transfers ------------------------------------------------


def test_adjustments_need_a_reason_and_never_overdraw(supplies, stocked):
    with pytest.raises(ValidationError, match="调整原因"):
        stock_adjust(
            actor=None,
            warehouse=supplies.warehouse,
            item=supplies.masks,
            quantity="5",
            unit="piece",
            increase=False,
            reason=" ",
        )
    with pytest.raises(ValidationError, match="库存不足"):
        stock_adjust(
            actor=None,
            warehouse=supplies.warehouse,
            item=supplies.masks,
            quantity="5001",
            unit="piece",
            increase=False,
            reason="盘点",
        )
    stock_adjust(
        actor=None,
        warehouse=supplies.warehouse,
        item=supplies.masks,
        quantity="20",
        unit="piece",
        increase=True,
        reason="盘点多出",
    )
    surplus = Lot.objects.get(source=LotSource.SURPLUS)
    assert surplus.donation_line is None and lot_balance(surplus.pk) == 20
    assert on_hand(supplies.warehouse, supplies.masks) == 5020


def test_write_offs_take_first_in_first_out_and_keep_the_reason(supplies, stocked):
    moves = stock_write_off(
        actor=None,
        warehouse=supplies.warehouse,
        item=supplies.alcohol,
        quantity="10",
        unit="jin",
        kind=MoveKind.DAMAGED,
        reason="搬运破损",
    )
    assert [m.quantity for m in moves] == [Decimal("-5.000")]
    assert moves[0].reason == "搬运破损"
    assert on_hand(supplies.warehouse, supplies.alcohol) == Decimal("1395")
    with pytest.raises(ValidationError, match="只能是过期或损坏"):
        stock_write_off(
            actor=None,
            warehouse=supplies.warehouse,
            item=supplies.alcohol,
            quantity="1",
            unit="kg",
            kind=MoveKind.ISSUED,
            reason="x",
        )


def test_transfers_move_lots_and_keep_their_donation(supplies, stocked):
    transfer = stock_transfer(
        actor=None,
        source=supplies.warehouse,
        target=supplies.town_warehouse,
        lines=[TransferLine(supplies.masks, "20", "box")],
        note="支援星沙街道",
    )
    assert transfer.number.startswith("DB")
    assert on_hand(supplies.warehouse, supplies.masks) == 4000
    assert on_hand(supplies.town_warehouse, supplies.masks) == 1000
    moved = Lot.objects.get(warehouse=supplies.town_warehouse)
    assert moved.origin.warehouse == supplies.warehouse
    assert moved.donation_line.donation == stocked
    with pytest.raises(ValidationError, match="库存不足"):
        stock_transfer(
            actor=None,
            source=supplies.town_warehouse,
            target=supplies.warehouse,
            lines=[TransferLine(supplies.masks, "1001", "piece")],
        )


def test_only_the_source_keeper_transfers(supplies, stocked):
    with pytest.raises(PermissionDenied):
        stock_transfer(
            actor=supplies.town_keeper,
            source=supplies.warehouse,
            target=supplies.town_warehouse,
            lines=[TransferLine(supplies.masks, "1", "box")],
        )


# --- Corrections ------------------------------------------------------------------------


def test_a_correction_is_a_new_entry_pointing_at_the_old(supplies, stocked):
    original = StockMove.objects.get(kind=MoveKind.RECEIVED, item=supplies.masks)
    correction = stock_move_correct(
        actor=None, move=original, quantity="4950", reason="复点少 1 箱"
    )
    original.refresh_from_db()
    assert original.quantity == 5000  # never changed
    assert correction.corrects == original and correction.quantity == -50
    assert correction.kind == MoveKind.RECEIVED
    assert on_hand(supplies.warehouse, supplies.masks) == 4950
    assert line_received([original.lot.donation_line_id])[original.lot.donation_line_id] == 4950
    with pytest.raises(ValidationError, match="无需更正"):
        stock_move_correct(actor=None, move=original, quantity="4950", reason="再次")
    # correcting again chains to the latest entry
    again = stock_move_correct(actor=None, move=original, quantity="5000", reason="找到 1 箱")
    assert again.corrects == correction and again.quantity == 50


def test_corrections_never_exceed_the_pledge_or_empty_a_lot_below_zero(supplies, stocked):
    original = StockMove.objects.get(kind=MoveKind.RECEIVED, item=supplies.masks)
    with pytest.raises(ValidationError, match="超过认捐数量"):
        stock_move_correct(actor=None, move=original, quantity="5001", reason="多记")
    stock_write_off(
        actor=None,
        warehouse=supplies.warehouse,
        item=supplies.masks,
        quantity="4990",
        unit="piece",
        kind=MoveKind.EXPIRED,
        reason="过期",
    )
    with pytest.raises(ValidationError, match="库存将为负数"):
        stock_move_correct(actor=None, move=original, quantity="0", reason="全部记错")


def test_issues_cannot_be_corrected_on_the_ledger(supplies, stocked):
    move = StockMove.objects.filter(kind=MoveKind.RECEIVED).first()
    move.kind = MoveKind.ISSUED  # in memory only
    with pytest.raises(ValidationError, match="不能更正"):
        stock_move_correct(actor=None, move=move, quantity="1", reason="x")


# --- Totals equal the ledger ------------------------------------------------------------


def test_stock_totals_equal_the_ledger_to_the_unit(supplies, stocked):
    stock_write_off(
        actor=None,
        warehouse=supplies.warehouse,
        item=supplies.alcohol,
        quantity="3",
        unit="jin",
        kind=MoveKind.EXPIRED,
        reason="过期",
    )
    stock_transfer(
        actor=None,
        source=supplies.warehouse,
        target=supplies.town_warehouse,
        lines=[TransferLine(supplies.masks, "7", "box")],
    )
    rows = {row.item.code: row for row in stock_rows(StockMove.objects.all())}
    for code, row in rows.items():
        ledger = StockMove.objects.filter(item__code=code).aggregate(t=Sum("quantity"))["t"]
        assert row.on_hand == ledger
        assert row.reconciles
    assert rows["alcohol-75"].on_hand == Decimal("1398.5")
    assert rows["alcohol-75"].lost == Decimal("1.5")
    assert rows["mask-medical"].transfer_in == rows["mask-medical"].transfer_out == 350
    assert rows["mask-medical"].value == Decimal("12500.00")
