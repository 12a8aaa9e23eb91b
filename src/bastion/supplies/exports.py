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
from bastion.core.masking import mask_name
from bastion.supplies.models import CashKind, DonorKind, MoveKind
from bastion.supplies.selectors.catalogue import price_of

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


_LEDGER_COLUMNS = (
    "public_id",
    "at",
    "recorded_at",
    "kind",
    "warehouse__name",
    "item__code",
    "item__name",
    "quantity",
    "item__base_unit__name_zh",
    "lot__donation_line__declared_value",
    "lot__donation_line__quantity_base",
    "item__reference_price",
    "lot__lot_code",
    "lot__expires_on",
    "lot__donation_line__donation__number",
    "lot__donation_line__donation__donor__name",
    "lot__donation_line__donation__donor__kind",
    "shipment__allocation__number",
    "shipment__allocation__recipient_name",
    "shipment__number",
    "transfer__number",
    "reason",
    "corrects__public_id",
    "recorded_by__username",
)


def ledger_rows(moves) -> Iterator[list]:
    """The export's rows, read as tuples (an auditor's export can hold the whole ledger)."""
    kinds = {k: str(label) for k, label in MoveKind.choices}
    for row in moves.values_list(*_LEDGER_COLUMNS).iterator(chunk_size=2000):
        (public_id, at, recorded_at, kind, warehouse, code, name, quantity, unit, declared,
         base, reference, lot_code, expires_on, number, donor, donor_kind, allocation,
         recipient, shipment, transfer, reason, corrects, username) = row  # fmt: skip
        price = price_of(declared=declared, base=base, reference_price=reference)
        if donor and donor_kind == DonorKind.INDIVIDUAL:
            donor = mask_name(donor)
        yield [
            str(public_id), _localtime(at), _localtime(recorded_at), kinds[kind], warehouse,
            code, name, quantity, unit,
            (price * quantity).quantize(CENT) if price is not None else None,
            lot_code, expires_on, number or "", donor or "", allocation or "",
            recipient or "", shipment or "", transfer or "", reason,
            str(corrects) if corrects else "", username or "",
        ]  # fmt: skip


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
