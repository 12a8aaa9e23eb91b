"""Warehouses, stock, lots, the ledger (entries, corrections), adjustments, write-offs,
transfers and the auditors' Excel export.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.pagination import PageNumberPagination
from bastion.core.schemas import IsoDateTime
from bastion.supplies.api.common import api_user, item_named, one_of, region_for, unit_named
from bastion.supplies.api.schemas import (
    LotOut,
    MoveOut,
    StockRowOut,
    SuppliesAdjustIn,
    SuppliesCorrectionIn,
    SuppliesTransferIn,
    TransferOut,
    WarehouseIn,
    WarehouseOut,
    WarehousePatchIn,
    WriteOffIn,
)
from bastion.supplies.models import Lot
from bastion.supplies.selectors import stock as sel
from bastion.supplies.services import stock as services

router = Router(tags=["supplies"])


def stock_out(rows) -> list[dict]:
    return [
        {
            "item": r.item.code,
            "item_name": r.item.name,
            "base_unit": r.item.base_unit.code,
            "received": r.received,
            "transfer_in": r.transfer_in,
            "adjusted": r.adjusted,
            "issued": r.issued,
            "transfer_out": r.transfer_out,
            "lost": r.lost,
            "on_hand": r.on_hand,
            "value": r.value,
            "reconciles": r.reconciles,
        }
        for r in rows
    ]


def _keepers(user, usernames: list[str]) -> list:
    candidates = {u.username: u for u in sel.keeper_candidates(user)}
    missing = [name for name in usernames if name not in candidates]
    if missing:
        raise ValidationError(
            {"keepers": [_("保管员 %(u)s 不存在或不在您的范围内") % {"u": "、".join(missing)}]}
        )
    return [candidates[name] for name in usernames]


@router.get("/warehouses", response=list[WarehouseOut])
@paginate(PageNumberPagination, page_size=50)
def list_warehouses(request, active: bool | None = None):
    return sel.warehouse_list(user=api_user(request), active=active).prefetch_related("keepers")


@router.post("/warehouses", response={201: WarehouseOut})
def create_warehouse(request, payload: WarehouseIn):
    user = api_user(request)
    warehouse = services.warehouse_create(
        actor=user,
        code=payload.code,
        name=payload.name,
        region=region_for(user, Perm.DONATION_MANAGE, payload.region),
        address=payload.address,
        keepers=_keepers(user, payload.keepers),
    )
    return Status(201, warehouse)


@router.get("/warehouses/{public_id}", response=WarehouseOut)
def get_warehouse(request, public_id: UUID):
    return sel.warehouse_get(user=api_user(request), public_id=public_id)


@router.patch("/warehouses/{public_id}", response=WarehouseOut)
def update_warehouse(request, public_id: UUID, payload: WarehousePatchIn):
    user = api_user(request)
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("keepers") is not None:
        changes["keepers"] = _keepers(user, changes["keepers"])
    return services.warehouse_update(actor=user, warehouse=warehouse, **changes)


@router.get("/warehouses/{public_id}/stock", response=list[StockRowOut])
def warehouse_stock(request, public_id: UUID):
    user = api_user(request)
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    return stock_out(sel.stock_rows(sel.move_list(user=user, warehouse=warehouse)))


@router.get("/warehouses/{public_id}/lots", response=list[LotOut])
def warehouse_lots(request, public_id: UUID, item: str = ""):
    """Lots in stock, oldest first (the order issues draw them in)."""
    user = api_user(request)
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    wanted = item_named(user, item, field="item") if item else None
    return [
        {
            "public_id": r.lot.public_id,
            "item": r.lot.item.code,
            "lot_code": r.lot.lot_code,
            "source": r.lot.source,
            "donation": r.lot.donation_line.donation.number if r.lot.donation_line_id else None,
            "received_at": r.lot.received_at,
            "expires_on": r.lot.expires_on,
            "balance": r.balance,
        }
        for r in sel.lot_rows(warehouse, item=wanted)
    ]


def _lot(warehouse, public_id, field="lot"):
    if public_id is None:
        return None
    return one_of(Lot.objects.filter(warehouse=warehouse), public_id, field=field)


@router.post("/warehouses/{public_id}/adjustments", response={201: list[MoveOut]})
def adjust(request, public_id: UUID, payload: SuppliesAdjustIn):
    """A stock count differs: increase or decrease (with a reason); a decrease without a
    lot takes first-in-first-out."""
    user = api_user(request)
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    item = item_named(user, payload.item, field="item")
    moves = services.stock_adjust(
        actor=user,
        warehouse=warehouse,
        item=item,
        quantity=payload.quantity,
        unit=unit_named(payload.unit, field="unit") or item.base_unit,
        increase=payload.increase,
        reason=payload.reason,
        lot=_lot(warehouse, payload.lot),
    )
    return Status(201, list(sel.move_list(user=user).filter(pk__in=[m.pk for m in moves])))


@router.post("/warehouses/{public_id}/write-offs", response={201: list[MoveOut]})
def write_off(request, public_id: UUID, payload: WriteOffIn):
    """Expired or damaged goods leave the stock (`kind`: expired, damaged)."""
    user = api_user(request)
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    item = item_named(user, payload.item, field="item")
    moves = services.stock_write_off(
        actor=user,
        warehouse=warehouse,
        item=item,
        quantity=payload.quantity,
        unit=unit_named(payload.unit, field="unit") or item.base_unit,
        kind=payload.kind,
        reason=payload.reason,
        lot=_lot(warehouse, payload.lot),
    )
    return Status(201, list(sel.move_list(user=user).filter(pk__in=[m.pk for m in moves])))


@router.post("/transfers", response={201: TransferOut})
def transfer(request, payload: SuppliesTransferIn):
    user = api_user(request)
    warehouses = sel.warehouse_list(user=user)
    source = one_of(warehouses, payload.source, field="source")
    target = one_of(warehouses, payload.target, field="target")
    lines = []
    for index, line in enumerate(payload.lines):
        item = item_named(user, line.item, field=f"lines.{index}.item")
        lines.append(
            services.TransferLine(
                item=item,
                quantity=line.quantity,
                unit=unit_named(line.unit, field=f"lines.{index}.unit") or item.base_unit,
                lot=_lot(source, line.lot, field=f"lines.{index}.lot"),
            )
        )
    result = services.stock_transfer(
        actor=user, source=source, target=target, lines=lines, note=payload.note
    )
    return Status(201, result)


@router.get("/stock", response=list[StockRowOut])
def stock(request, region: str = ""):
    """Stock per item over every warehouse in the caller's scope (narrowed to a region)."""
    user = api_user(request)
    moves = sel.move_list(user=user)
    if region:
        moves = moves.filter(path__startswith=region_for(user, Perm.SUPPLIES_VIEW, region).path)
    return stock_out(sel.stock_rows(moves))


def _moves(user, warehouse, item, kind, since, until):
    return sel.move_list(
        user=user,
        warehouse=one_of(sel.warehouse_list(user=user), warehouse, field="warehouse")
        if warehouse
        else None,
        item=item_named(user, item, field="item") if item else None,
        kind=kind,
        since=since,
        until=until,
    )


@router.get("/moves", response=list[MoveOut])
@paginate(PageNumberPagination, page_size=100)
def list_moves(
    request,
    warehouse: UUID | None = None,
    item: str = "",
    kind: str = "",
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
):
    """Ledger entries in scope, oldest first."""
    return _moves(api_user(request), warehouse, item, kind, since, until)


@router.get("/moves/{public_id}", response=MoveOut)
def get_move(request, public_id: UUID):
    return sel.move_get(user=api_user(request), public_id=public_id)


@router.post("/moves/{public_id}/corrections", response={201: MoveOut})
def correct_move(request, public_id: UUID, payload: SuppliesCorrectionIn):
    """A new entry that corrects this one to `quantity` (base unit; 0 voids it)."""
    user = api_user(request)
    move = sel.move_get(user=user, public_id=public_id)
    correction = services.stock_move_correct(
        actor=user, move=move, quantity=payload.quantity, reason=payload.reason
    )
    return Status(201, sel.move_get(user=user, public_id=correction.public_id))


@router.get("/exports/ledger", response={200: None})
def export_ledger(
    request,
    warehouse: UUID | None = None,
    item: str = "",
    kind: str = "",
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
):
    """The ledger as .xlsx for auditors (scope, filters and as-of in the file; audited)."""
    from bastion.supplies.exports import ledger_workbook

    user = api_user(request)
    request.user = user
    moves = _moves(user, warehouse, item, kind, since, until)
    filters = {"warehouse": warehouse, "item": item, "kind": kind, "since": since, "until": until}
    return ledger_workbook(request=request, moves=moves, filters=filters)
