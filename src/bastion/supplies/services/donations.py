"""Donations: pledge (lines of goods, cash), receive goods into a warehouse (the ledger
entries), cancel a pledge that never arrived. The acknowledgement number is given at the
first receipt of goods or cash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Region
from bastion.supplies import units
from bastion.supplies.models import (
    Donation,
    DonationLine,
    DonationReceipt,
    Donor,
    Item,
    Lot,
    LotSource,
    MoveKind,
    StockMove,
    Warehouse,
)
from bastion.supplies.selectors.ledger import line_received
from bastion.supplies.services.common import (
    Errors,
    audit,
    clean_text,
    in_base,
    lock_warehouses,
    moment,
    next_number,
    quantity_of,
    require,
    require_active,
    require_keeper,
    user_or_none,
)


def line_label(index: int, item: Item | None, what: str) -> str:
    """ "第2行（口罩）数量": where a line's error is, for messages."""
    if item is None:
        return _("第%(n)d行%(what)s") % {"n": index + 1, "what": what}
    return _("第%(n)d行（%(item)s）%(what)s") % {"n": index + 1, "item": item.name, "what": what}


@dataclass
class LineInput:
    """One pledged item as typed: quantity in `unit` (a Unit, its code or its name)."""

    item: Item | None
    quantity: Any
    unit: Any
    declared_value: Any = None
    lot_code: str = ""
    expires_on: dt.date | None = None


def _build_lines(lines: list[LineInput], *, pledged_on: dt.date, errors: Errors, offset=0):
    built = []
    for n, line in enumerate(lines):
        index = n + offset
        field = f"lines.{index}"
        if line.item is None:
            errors.add(f"{field}.item", line_label(index, None, _("物资：请选择物资")))
            continue
        if not line.item.active:
            errors.add(f"{field}.item", line_label(index, line.item, _("：该物资已停用")))
            continue
        try:
            quantity = quantity_of(
                line.item, line.quantity, line.unit, label=line_label(index, line.item, _("数量"))
            )
        except ValidationError as exc:
            errors.catch(f"{field}.quantity", exc)
            continue
        value = None
        if line.declared_value not in (None, ""):
            try:
                value = units.parse_money(
                    line.declared_value,
                    label=line_label(index, line.item, _("申报价值")),
                    allow_zero=True,
                )
            except ValidationError as exc:
                errors.catch(f"{field}.declared_value", exc)
                continue
        if line.expires_on is not None and line.expires_on < pledged_on:
            errors.add(
                f"{field}.expires_on",
                line_label(index, line.item, _("有效期：%(d)s 早于认捐日期，已过期"))
                % {"d": line.expires_on.isoformat()},
            )
            continue
        built.append(
            DonationLine(
                item=line.item,
                quantity=quantity.entered,
                unit=quantity.unit,
                quantity_base=quantity.base,
                declared_value=value,
                lot_code=clean_text(
                    line.lot_code, field=f"{field}.lot_code", label=_("批号"), limit=60
                ),
                expires_on=line.expires_on,
            )
        )
    return built


def donation_create(
    *,
    actor,
    donor: Donor,
    pledged_on: dt.date,
    lines: list[LineInput],
    region: Region | None = None,
    cash_pledged: Any = None,
    purpose: str = "",
    note: str = "",
) -> Donation:
    """Record a pledge of goods and/or cash by `donor`, received at `region` (the donor's
    region by default). Nothing is written when any line is wrong; every error says
    which line and what."""
    region = region or donor.region
    require(actor, Perm.DONATION_MANAGE, path=region.path)
    errors = Errors()
    if pledged_on > timezone.localdate() + dt.timedelta(days=1):
        errors.add("pledged_on", _("认捐日期：不能晚于今天"))
    cash = Decimal("0.00")
    if cash_pledged not in (None, "", 0, "0"):
        try:
            cash = units.parse_money(cash_pledged, label=_("认捐现金"))
        except ValidationError as exc:
            errors.catch("cash_pledged", exc)
    built = _build_lines(lines, pledged_on=pledged_on, errors=errors)
    if not lines and not cash and not errors:
        errors.add("lines", _("请至少填写一行物资或一笔现金"))
    errors.raise_if_any()
    donation = Donation(
        donor=donor,
        pledged_on=pledged_on,
        cash_pledged=cash,
        purpose=clean_text(purpose, field="purpose", label=_("指定用途"), limit=200),
        note=clean_text(note, field="note", label=_("备注")),
        region=region,
        path=region.path,
        created_by=user_or_none(actor),
    )
    with transaction.atomic():
        donation.full_clean()
        donation.save()
        for line in built:
            line.donation = donation
            line.full_clean()
        DonationLine.objects.bulk_create(built)
        audit(
            actor,
            Action.CREATE,
            donation,
            changes={
                "donor": [None, str(donor.public_id)],
                "lines": [None, len(built)],
                "cash_pledged": [None, str(cash)],
            },
        )
    return donation


def _require_open(donation: Donation) -> None:
    if donation.cancelled_at is not None:
        raise ValidationError(_("该捐赠已撤销，不能再登记"))


def donation_line_add(*, actor, donation: Donation, line: LineInput) -> DonationLine:
    """Add one pledged item to a donation (the donor sends more than first promised)."""
    require(actor, Perm.DONATION_MANAGE, path=donation.path)
    _require_open(donation)
    errors = Errors()
    offset = donation.lines.count()
    built = _build_lines([line], pledged_on=donation.pledged_on, errors=errors, offset=offset)
    errors.raise_if_any()
    with transaction.atomic():
        new = built[0]
        new.donation = donation
        new.full_clean()
        new.save()
        audit(
            actor,
            Action.UPDATE,
            donation,
            changes={"line": [None, f"{new.item.name} {units.format_quantity(new.quantity)}"]},
        )
    return new


def donation_cancel(*, actor, donation: Donation, reason: str) -> Donation:
    """Withdraw a pledge of which nothing was received (a received donation stays on the
    ledgers; correct its entries instead)."""
    require(actor, Perm.DONATION_MANAGE, path=donation.path)
    _require_open(donation)
    reason = clean_text(reason, field="reason", label=_("撤销原因"), required=True, limit=200)
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.first_received_at is not None:
            raise ValidationError(
                _("该捐赠已有到账记录，不能撤销；如登记有误，请更正对应的入库或到账记录")
            )
        donation.cancelled_at = timezone.now()
        donation.cancel_reason = reason
        donation.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        audit(actor, Action.UPDATE, donation, changes={"cancelled": [False, True]}, reason=reason)
    return donation


def mark_received(donation: Donation, at: dt.datetime) -> None:
    """Give the acknowledgement number at the first receipt (caller holds the donation's
    row lock inside its transaction)."""
    if donation.number:
        if donation.first_received_at and at < donation.first_received_at:
            donation.first_received_at = at
            donation.save(update_fields=["first_received_at", "updated_at"])
        return
    donation.number = next_number("donation", at)
    donation.first_received_at = at
    donation.save(update_fields=["number", "first_received_at", "updated_at"])


@dataclass
class ReceiveInput:
    """What arrived of one pledged line: quantity in `unit` (the line's unit by default)."""

    line: DonationLine
    quantity: Any
    unit: Any = None
    lot_code: str | None = None
    expires_on: dt.date | None = None


def donation_receive(
    *,
    actor,
    donation: Donation,
    warehouse: Warehouse,
    lines: list[ReceiveInput],
    received_at: dt.datetime | None = None,
    note: str = "",
) -> DonationReceipt:
    """Goods of a donation arrive at a warehouse: one lot and one `received` ledger entry
    per line. Only the warehouse's keepers may do it; a line may not bring in more than is
    still outstanding of its pledge. All or nothing."""
    require_keeper(actor, warehouse)
    require_active(warehouse)
    _require_open(donation)
    at = moment(received_at, field="received_at", label=_("入库时间"))
    if not lines:
        raise ValidationError({"lines": [_("请填写本次入库的物资和数量")]})
    note = clean_text(note, field="note", label=_("备注"))
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        _require_open(donation)
        lock_warehouses(warehouse)
        own = {line.pk: line for line in donation.lines.select_related("item__base_unit", "unit")}
        received = line_received(own)
        errors = Errors()
        planned: list[tuple[DonationLine, Decimal, ReceiveInput]] = []
        for index, entry in enumerate(lines):
            line = own.get(getattr(entry.line, "pk", None))
            field = f"lines.{index}.quantity"
            if line is None:
                errors.add(
                    f"lines.{index}.line", _("第%(n)d行：不是本捐赠的物资") % {"n": index + 1}
                )
                continue
            label = line_label(index, line.item, _("入库数量"))
            try:
                quantity = quantity_of(
                    line.item, entry.quantity, entry.unit or line.unit, label=label
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            outstanding = line.quantity_base - received[line.pk]
            if quantity.base > outstanding:
                errors.add(
                    field,
                    _(
                        "%(label)s：超过认捐数量。认捐 %(pledged)s，已入库 %(done)s，本次最多 %(left)s"
                    )
                    % {
                        "label": label,
                        "pledged": in_base(line.item, line.quantity_base),
                        "done": in_base(line.item, received[line.pk]),
                        "left": in_base(line.item, max(outstanding, Decimal(0))),
                    },
                )
                continue
            received[line.pk] += quantity.base
            planned.append((line, quantity.base, entry))
        errors.raise_if_any()
        receipt = DonationReceipt.objects.create(
            donation=donation,
            warehouse=warehouse,
            received_at=at,
            received_by=user_or_none(actor),
            note=note,
        )
        recorder = receipt.received_by
        for line, base, entry in planned:
            lot = Lot.objects.create(
                warehouse=warehouse,
                item=line.item,
                source=LotSource.DONATION,
                donation_line=line,
                receipt=receipt,
                lot_code=clean_text(
                    entry.lot_code if entry.lot_code is not None else line.lot_code,
                    field="lot_code",
                    label=_("批号"),
                    limit=60,
                ),
                expires_on=entry.expires_on or line.expires_on,
                received_at=at,
            )
            StockMove.objects.create(
                warehouse=warehouse,
                item=line.item,
                lot=lot,
                kind=MoveKind.RECEIVED,
                quantity=base,
                path=warehouse.path,
                at=at,
                receipt=receipt,
                recorded_by=recorder,
            )
        mark_received(donation, at)
        audit(
            actor,
            Action.CREATE,
            receipt,
            path=warehouse.path,
            changes={
                "donation": [None, donation.number],
                "lines": [None, {line.item.code: str(base) for line, base, _e in planned}],
            },
        )
    return receipt
