"""Excel exports of the stock and cash ledgers for auditors (`access.exports.export_workbook`:
scope and as-of in the file, watermark). Donor names of individuals are masked; the
files hold no contact numbers. Every export is written to the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.access.exports import EXPORT_ACTION, export_workbook
from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.core.audit import audit_record, client_ip
from bastion.supplies.models import CashKind, MoveKind
from bastion.supplies.selectors.catalogue import unit_price

CENT = Decimal("0.01")
LEDGER_HEADERS = [
    gettext_lazy("记录编号"),
    gettext_lazy("发生时间"),
    gettext_lazy("记录时间"),
    gettext_lazy("类型"),
    gettext_lazy("仓库"),
    gettext_lazy("物资代码"),
    gettext_lazy("物资"),
    gettext_lazy("数量（基本单位）"),
    gettext_lazy("基本单位"),
    gettext_lazy("估值（元）"),
    gettext_lazy("批号"),
    gettext_lazy("有效期至"),
    gettext_lazy("捐赠回执号"),
    gettext_lazy("捐赠者"),
    gettext_lazy("分配单"),
    gettext_lazy("接收单位"),
    gettext_lazy("出库单"),
    gettext_lazy("调拨单"),
    gettext_lazy("原因"),
    gettext_lazy("更正的记录"),
    gettext_lazy("记录人"),
]
CASH_HEADERS = [
    gettext_lazy("记录编号"),
    gettext_lazy("发生时间"),
    gettext_lazy("记录时间"),
    gettext_lazy("类型"),
    gettext_lazy("账户"),
    gettext_lazy("金额（元）"),
    gettext_lazy("捐赠回执号"),
    gettext_lazy("捐赠者"),
    gettext_lazy("用途编号"),
    gettext_lazy("用途"),
    gettext_lazy("收款方"),
    gettext_lazy("说明"),
    gettext_lazy("交易流水号"),
    gettext_lazy("付款账号"),
    gettext_lazy("凭证"),
    gettext_lazy("更正的记录"),
    gettext_lazy("记录人"),
]


def scope_label(user) -> str:
    paths = region_paths(user, Perm.SUPPLIES_VIEW)
    if paths is None:
        return _("全部")
    from bastion.geo.models import Region

    names = list(Region.objects.filter(path__in=paths).values_list("name", flat=True))
    return "、".join(names) or _("无")


def _localtime(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def ledger_rows(moves) -> Iterator[list]:
    for move in moves.iterator(chunk_size=500):
        lot = move.lot
        line = lot.donation_line
        donation = line.donation if line else None
        price = unit_price(line, move.item)
        allocation = move.shipment.allocation if move.shipment_id else None
        yield [
            str(move.public_id),
            _localtime(move.at),
            _localtime(move.recorded_at),
            str(MoveKind(move.kind).label),
            move.warehouse.name,
            move.item.code,
            move.item.name,
            move.quantity,
            move.item.base_unit.name_zh,
            (price * move.quantity).quantize(CENT) if price is not None else None,
            lot.lot_code,
            lot.expires_on,
            donation.number if donation else "",
            donation.donor.label if donation else "",
            allocation.number if allocation else "",
            allocation.recipient_name if allocation else "",
            move.shipment.number if move.shipment_id else "",
            move.transfer.number if move.transfer_id else "",
            move.reason,
            str(move.corrects.public_id) if move.corrects_id else "",
            move.recorded_by.username if move.recorded_by_id else "",
        ]


def _audit_export(request, title: str, count_hint: str) -> None:
    audit_record(
        actor=request.user,
        action=EXPORT_ACTION,
        object_type="supplies.export",
        object_repr=title[:200],
        changes={"filters": [None, count_hint]},
        reason=_("审计导出"),
        ip_address=client_ip(request),
    )


def ledger_workbook(*, request, moves, filters: dict, rows=ledger_rows):
    title = _("物资台账")
    described = "；".join(f"{k}={v}" for k, v in filters.items() if v) or _("全部")
    _audit_export(request, title, described)
    return export_workbook(
        user=request.user,
        request=request,
        title=title,
        scope_label=f"{scope_label(request.user)}（{_('筛选')}：{described}）",
        as_of=timezone.now(),
        headers=[str(h) for h in LEDGER_HEADERS],
        rows=rows(moves),
        filename="supplies-ledger",
        object_type="supplies.stockmove",
    )


def cash_rows(entries) -> Iterator[list]:
    for entry in entries.iterator(chunk_size=500):
        donation = entry.donation
        purpose = entry.purpose
        yield [
            str(entry.public_id),
            _localtime(entry.at),
            _localtime(entry.recorded_at),
            str(CashKind(entry.kind).label),
            entry.account.name,
            entry.amount,
            donation.number if donation else "",
            donation.donor.label if donation else "",
            purpose.number if purpose else "",
            purpose.title if purpose else "",
            entry.payee,
            entry.description,
            entry.reference,
            entry.payer_account_masked,
            entry.receipt_file.original_name if entry.receipt_file_id else "",
            str(entry.corrects.public_id) if entry.corrects_id else "",
            entry.recorded_by.username if entry.recorded_by_id else "",
        ]


def cash_workbook(*, request, entries):
    title = _("捐款台账")
    _audit_export(request, title, _("全部"))
    return export_workbook(
        user=request.user,
        request=request,
        title=title,
        scope_label=scope_label(request.user),
        as_of=timezone.now(),
        headers=[str(h) for h in CASH_HEADERS],
        rows=cash_rows(entries),
        filename="supplies-cash-ledger",
        object_type="supplies.cashentry",
    )
