"""The stock ledger: warehouses, drawing from lots (FIFO or a chosen lot), adjustments,
write-offs (expired, damaged), transfers and corrections.

Every write holds the row lock of the warehouse(s) it touches (`lock_warehouses`) and
reads the lot balances after taking it, so two keepers issuing at once cannot both take
the last unit: the second waits, then sees what the first left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Region
from bastion.supplies.models import (
    LOSSES,
    DonationLine,
    Item,
    Lot,
    LotSource,
    MoveKind,
    StockMove,
    Transfer,
    Warehouse,
)
from bastion.supplies.selectors.ledger import line_received, lot_balance
from bastion.supplies.selectors.stock import move_chain
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

# --- Warehouses -------------------------------------------------------------------------


def _keepers_in_scope(keepers, region: Region) -> list:
    from bastion.access.scoping import can_on_path

    bad = [
        u.username
        for u in keepers
        if not (u.is_superuser or can_on_path(u, Perm.STOCK_MANAGE, region.path))
    ]
    if bad:
        raise ValidationError(
            {
                "keepers": [
                    _("保管员 %(u)s 在该区域没有仓库管理权限（需要仓库管理员角色）")
                    % {"u": "、".join(bad)}
                ]
            }
        )
    return list(keepers)


def warehouse_create(
    *,
    actor,
    code: str,
    name: str,
    region: Region,
    address: str = "",
    keepers=(),
) -> Warehouse:
    """A warehouse in `region` (Perm.DONATION_MANAGE there) with its keepers, who must hold
    the warehouse keeper role over the region."""
    from bastion.supplies.services.catalogue import _code

    require(actor, Perm.DONATION_MANAGE, path=region.path)
    code = _code(code)
    name = clean_text(name, field="name", label=_("名称"), required=True, limit=80)
    if Warehouse.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("代码“%(c)s”已被使用") % {"c": code}]})
    if Warehouse.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("仓库“%(n)s”已存在") % {"n": name}]})
    keepers = _keepers_in_scope(keepers, region)
    warehouse = Warehouse(
        code=code,
        name=name,
        region=region,
        path=region.path,
        address=clean_text(address, field="address", label=_("地址"), limit=200),
    )
    with transaction.atomic():
        warehouse.full_clean()
        warehouse.save()
        warehouse.keepers.set(keepers)
        audit(
            actor,
            Action.CREATE,
            warehouse,
            changes={"keepers": [None, sorted(u.username for u in keepers)]},
        )
    return warehouse


def warehouse_update(
    *,
    actor,
    warehouse: Warehouse,
    name: str | None = None,
    address: str | None = None,
    keepers=None,
    active: bool | None = None,
) -> Warehouse:
    require(actor, Perm.DONATION_MANAGE, path=warehouse.path)
    changes: dict = {}
    if name is not None:
        name = clean_text(name, field="name", label=_("名称"), required=True, limit=80)
        if Warehouse.objects.filter(name=name).exclude(pk=warehouse.pk).exists():
            raise ValidationError({"name": [_("仓库“%(n)s”已存在") % {"n": name}]})
        changes["name"] = [warehouse.name, name]
        warehouse.name = name
    if address is not None:
        address = clean_text(address, field="address", label=_("地址"), limit=200)
        changes["address"] = [warehouse.address, address]
        warehouse.address = address
    if active is not None:
        changes["active"] = [warehouse.active, bool(active)]
        warehouse.active = bool(active)
    with transaction.atomic():
        warehouse.full_clean()
        warehouse.save()
        if keepers is not None:
            keepers = _keepers_in_scope(keepers, warehouse.region)
            before = sorted(warehouse.keepers.values_list("username", flat=True))
            warehouse.keepers.set(keepers)
            changes["keepers"] = [before, sorted(u.username for u in keepers)]
        audit(actor, Action.UPDATE, warehouse, changes=changes)
    return warehouse


# --- Drawing from lots ------------------------------------------------------------------


class Stock:
    """The lots of one item in one warehouse and what is in them, read under the lock as
    (lot, balance) pairs in first-in-first-out order; draws taken in this
    transaction are subtracted as they are planned. Only the lots drawn are loaded."""

    def __init__(self, warehouse: Warehouse, item: Item):
        self.warehouse = warehouse
        self.item = item
        rows = (
            StockMove.objects.filter(warehouse=warehouse, item=item)
            .order_by()
            .values("lot_id", "lot__received_at")
            .annotate(total=Sum("quantity"))
            .filter(total__gt=0)
            .order_by("lot__received_at", "lot_id")
            .values_list("lot_id", "total")
        )
        self.balances = dict(rows)  # insertion order: first in, first out
        self.order = list(self.balances)

    @property
    def on_hand(self) -> Decimal:
        return sum(self.balances.values(), Decimal("0.000"))

    def draw(self, quantity: Decimal, *, lot: Lot | None, label: str) -> list[tuple[Lot, Decimal]]:
        """Take `quantity` from `lot`, or first-in-first-out across lots; ValidationError
        (nothing taken) when there is not enough."""
        if lot is not None:
            if lot.warehouse_id != self.warehouse.pk or lot.item_id != self.item.pk:
                raise ValidationError(
                    _("%(label)s：所选批次不是仓库“%(w)s”中的%(i)s")
                    % {"label": label, "w": self.warehouse.name, "i": self.item.name}
                )
            available = self.balances.get(lot.pk, Decimal(0))
            if quantity > available:
                raise ValidationError(
                    _("%(label)s：库存不足。所选批次 %(lot)s 现有 %(have)s，需要 %(need)s")
                    % {
                        "label": label,
                        "lot": lot.lot_code or _("（无批号）"),
                        "have": in_base(self.item, available),
                        "need": in_base(self.item, quantity),
                    }
                )
            self.balances[lot.pk] = available - quantity
            return [(lot, quantity)]
        if quantity > self.on_hand:
            raise ValidationError(
                _("%(label)s：库存不足。仓库“%(w)s”现有%(i)s %(have)s，需要 %(need)s")
                % {
                    "label": label,
                    "w": self.warehouse.name,
                    "i": self.item.name,
                    "have": in_base(self.item, self.on_hand),
                    "need": in_base(self.item, quantity),
                }
            )
        taken: list[tuple[int, Decimal]] = []
        left = quantity
        for lot_id in self.order:
            available = self.balances[lot_id]
            if available <= 0:
                continue
            part = min(available, left)
            self.balances[lot_id] = available - part
            taken.append((lot_id, part))
            left -= part
            if left == 0:
                break
        lots = Lot.objects.in_bulk([lot_id for lot_id, _part in taken])
        return [(lots[lot_id], part) for lot_id, part in taken]


class Stocks:
    """Stock per item of one warehouse, loaded once per item within a transaction."""

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse
        self._by_item: dict[int, Stock] = {}

    def of(self, item: Item) -> Stock:
        if item.pk not in self._by_item:
            self._by_item[item.pk] = Stock(self.warehouse, item)
        return self._by_item[item.pk]


def _move(
    *,
    warehouse: Warehouse,
    lot: Lot,
    kind: str,
    quantity: Decimal,
    at: dt.datetime,
    actor,
    reason: str = "",
    **links,
) -> StockMove:
    return StockMove.objects.create(
        warehouse=warehouse,
        item_id=lot.item_id,
        lot=lot,
        kind=kind,
        quantity=quantity,
        path=warehouse.path,
        at=at,
        reason=reason,
        recorded_by=user_or_none(actor),
        **links,
    )


# --- Adjustments and write-offs ---------------------------------------------------------


def _take(warehouse, item, quantity, *, lot, kind, at, actor, reason, label) -> list[StockMove]:
    """Draw `quantity` (from `lot` or first-in-first-out) and write one negative entry of
    `kind` per lot drawn; the caller holds the warehouse's lock."""
    try:
        draws = Stock(warehouse, item).draw(quantity, lot=lot, label=label)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    return [
        _move(
            warehouse=warehouse,
            lot=lot_obj,
            kind=kind,
            quantity=-part,
            at=at,
            actor=actor,
            reason=reason,
        )
        for lot_obj, part in draws
    ]


def stock_adjust(
    *,
    actor,
    warehouse: Warehouse,
    item: Item,
    quantity: Any,
    unit: Any,
    increase: bool,
    reason: str,
    lot: Lot | None = None,
    at: dt.datetime | None = None,
) -> list[StockMove]:
    """A stock count differs from the ledger: `increase` adds to `lot` (or to a new 盘盈
    lot), otherwise takes from `lot` or first-in-first-out. A reason is required."""
    require_keeper(actor, warehouse)
    require_active(warehouse)
    reason = clean_text(reason, field="reason", label=_("调整原因"), required=True)
    at = moment(at, field="at", label=_("发生时间"))
    label = _("调整数量")
    try:
        qty = quantity_of(item, quantity, unit, label=label)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    with transaction.atomic():
        lock_warehouses(warehouse)
        if increase:
            if lot is None:
                lot = Lot.objects.create(
                    warehouse=warehouse,
                    item=item,
                    source=LotSource.SURPLUS,
                    received_at=at,
                )
            elif lot.warehouse_id != warehouse.pk or lot.item_id != item.pk:
                raise ValidationError({"lot": [_("所选批次不属于该仓库的该物资")]})
            moves = [
                _move(
                    warehouse=warehouse,
                    lot=lot,
                    kind=MoveKind.ADJUSTED,
                    quantity=qty.base,
                    at=at,
                    actor=actor,
                    reason=reason,
                )
            ]
        else:
            moves = _take(
                warehouse, item, qty.base, lot=lot, kind=MoveKind.ADJUSTED, at=at, actor=actor,
                reason=reason, label=label,
            )  # fmt: skip
        audit(
            actor,
            Action.CREATE,
            moves[0],
            path=warehouse.path,
            changes={"adjusted": [None, f"{'+' if increase else '-'}{qty.base} {item.code}"]},
            reason=reason,
        )
    return moves


def stock_write_off(
    *,
    actor,
    warehouse: Warehouse,
    item: Item,
    quantity: Any,
    unit: Any,
    kind: str,
    reason: str,
    lot: Lot | None = None,
    at: dt.datetime | None = None,
) -> list[StockMove]:
    """Expired or damaged goods leave the stock (from `lot`, or first-in-first-out)."""
    require_keeper(actor, warehouse)
    if kind not in LOSSES:
        raise ValidationError({"kind": [_("报损类型：只能是过期或损坏")]})
    reason = clean_text(reason, field="reason", label=_("报损说明"), required=True)
    at = moment(at, field="at", label=_("发生时间"))
    label = _("报损数量")
    try:
        qty = quantity_of(item, quantity, unit, label=label)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    with transaction.atomic():
        lock_warehouses(warehouse)
        moves = _take(
            warehouse, item, qty.base, lot=lot, kind=kind, at=at, actor=actor, reason=reason,
            label=label,
        )  # fmt: skip
        audit(
            actor,
            Action.CREATE,
            moves[0],
            path=warehouse.path,
            changes={kind: [None, f"{qty.base} {item.code}"]},
            reason=reason,
        )
    return moves


# --- Transfers --------------------------------------------------------------------------


@dataclass
class TransferLine:
    item: Item | None
    quantity: Any
    unit: Any
    lot: Lot | None = None


def stock_transfer(
    *,
    actor,
    source: Warehouse,
    target: Warehouse,
    lines: list[TransferLine],
    note: str = "",
    at: dt.datetime | None = None,
) -> Transfer:
    """Move goods from `source` to `target`: per lot drawn, a transfer_out there and a
    transfer_in here into a new lot that keeps the donation it came from. The actor keeps
    `source`; `target` must be active."""
    require_keeper(actor, source)
    require_active(source)
    require_active(target)
    if source.pk == target.pk:
        raise ValidationError({"target": [_("调入仓库不能与调出仓库相同")]})
    if not lines:
        raise ValidationError({"lines": [_("请填写调拨的物资和数量")]})
    at = moment(at, field="at", label=_("调拨时间"))
    note = clean_text(note, field="note", label=_("备注"))
    with transaction.atomic():
        lock_warehouses(source, target)
        stocks = Stocks(source)
        errors = Errors()
        planned = []
        for index, line in enumerate(lines):
            field = f"lines.{index}.quantity"
            if line.item is None:
                errors.add(f"lines.{index}.item", _("第%(n)d行：请选择物资") % {"n": index + 1})
                continue
            label = _("第%(n)d行（%(i)s）调拨数量") % {"n": index + 1, "i": line.item.name}
            try:
                qty = quantity_of(line.item, line.quantity, line.unit, label=label)
                planned += stocks.of(line.item).draw(qty.base, lot=line.lot, label=label)
            except ValidationError as exc:
                errors.catch(field, exc)
        errors.raise_if_any()
        transfer = Transfer.objects.create(
            number=next_number("transfer", at),
            source=source,
            target=target,
            at=at,
            recorded_by=user_or_none(actor),
            note=note,
        )
        for lot, part in planned:
            _move(
                warehouse=source,
                lot=lot,
                kind=MoveKind.TRANSFER_OUT,
                quantity=-part,
                at=at,
                actor=actor,
                transfer=transfer,
            )
            moved = Lot.objects.create(
                warehouse=target,
                item_id=lot.item_id,
                source=LotSource.TRANSFER,
                donation_line=lot.donation_line,
                origin=lot,
                lot_code=lot.lot_code,
                expires_on=lot.expires_on,
                received_at=lot.received_at,
            )
            _move(
                warehouse=target,
                lot=moved,
                kind=MoveKind.TRANSFER_IN,
                quantity=part,
                at=at,
                actor=actor,
                transfer=transfer,
            )
        audit(
            actor,
            Action.CREATE,
            transfer,
            path=source.path,
            changes={
                "from": [None, source.code],
                "to": [None, target.code],
                "lots": [None, len(planned)],
            },
        )
    return transfer


# --- Corrections ------------------------------------------------------------------------

CORRECTABLE = (MoveKind.RECEIVED, MoveKind.ADJUSTED, MoveKind.EXPIRED, MoveKind.DAMAGED)


def stock_move_correct(
    *, actor, move: StockMove, quantity: Any, reason: str, increase: bool | None = None
) -> StockMove:
    """Correct a received, adjusted, expired or damaged entry to `quantity` (in the
    item's base unit; 0 voids it): a new entry holding the difference, pointing at the
    last entry of the chain. The original stays. Issues and transfers are not corrected:
    goods that come back are a count adjustment, a wrong transfer is reversed by another."""
    warehouse = move.warehouse
    require_keeper(actor, warehouse)
    reason = clean_text(reason, field="reason", label=_("更正原因"), required=True)
    item = move.item
    if move.kind not in CORRECTABLE:
        raise ValidationError(
            _("“%(k)s”记录不能更正：货物退回仓库请登记盘盈调整并写明原因，调拨错了请反向调拨")
            % {"k": MoveKind(move.kind).label}
        )
    label = _("更正后数量")
    try:
        if str(quantity).strip() in ("0", "0.0", "0.000"):
            target = Decimal("0.000")
        else:
            target = quantity_of(item, quantity, item.base_unit, label=label).base
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    with transaction.atomic():
        lock_warehouses(warehouse)
        chain = move_chain(move)
        root, last = chain[0], chain[-1]
        effective = sum((m.quantity for m in chain), Decimal(0))
        sign = Decimal(1)
        if root.kind in (MoveKind.EXPIRED, MoveKind.DAMAGED):
            sign = Decimal(-1)
        elif root.kind == MoveKind.ADJUSTED:
            if increase is None:
                increase = effective > 0
            sign = Decimal(1) if increase else Decimal(-1)
        delta = sign * target - effective
        if delta == 0:
            raise ValidationError({"quantity": [_("更正后数量与现有记录相同，无需更正")]})
        if delta < 0:
            have = lot_balance(root.lot_id)
            if have + delta < 0:
                raise ValidationError(
                    {
                        "quantity": [
                            _("更正后库存将为负数：该批次现有 %(have)s，更正需扣减 %(need)s")
                            % {"have": in_base(item, have), "need": in_base(item, -delta)}
                        ]
                    }
                )
        if root.kind == MoveKind.RECEIVED and delta > 0:
            _check_pledge(root.lot.donation_line, delta)
        correction = _move(
            warehouse=warehouse,
            lot=root.lot,
            kind=root.kind,
            quantity=delta,
            at=timezone.now(),
            actor=actor,
            reason=reason,
            corrects=last,
            receipt=root.receipt,
        )
        audit(
            actor,
            Action.UPDATE,
            correction,
            path=warehouse.path,
            changes={"quantity": [str(effective), str(effective + delta)]},
            reason=reason,
        )
    return correction


def _check_pledge(line: DonationLine | None, more: Decimal) -> None:
    if line is None:
        return
    received = line_received([line.pk])[line.pk]
    if received + more > line.quantity_base:
        raise ValidationError(
            {
                "quantity": [
                    _("更正后超过认捐数量：认捐 %(p)s，更正后将入库 %(r)s")
                    % {
                        "p": in_base(line.item, line.quantity_base),
                        "r": in_base(line.item, received + more),
                    }
                ]
            }
        )
