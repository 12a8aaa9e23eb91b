"""Allocations: a unit requests, the county command approves fully or partly, a keeper
issues (a shipment drawing lots first-in-first-out or from a chosen lot), the receiving
unit confirms what arrived and notes any shortfall.

Permissions: request and confirm need Perm.ALLOCATION_REQUEST over the recipient (its
region or its organization), approve Perm.ALLOCATION_APPROVE, issue a keeper of the
warehouse. Every step notifies the people concerned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Level, Region
from bastion.party.models import Organization, Team
from bastion.supplies.models import (
    APPROVED_STATUSES,
    Allocation,
    AllocationLine,
    AllocationStatus,
    Item,
    Lot,
    MoveKind,
    RecipientKind,
    Shipment,
    ShipmentReceiptLine,
    Warehouse,
)
from bastion.supplies.selectors.ledger import line_issued, shipment_issued
from bastion.supplies.services.common import (
    Errors,
    audit,
    can,
    clean_text,
    in_base,
    lock_warehouses,
    moment,
    next_number,
    quantity_of,
    require_active,
    require_keeper,
    user_or_none,
)
from bastion.supplies.services.donations import line_label
from bastion.supplies.services.stock import Stocks, _move

RECIPIENT_LEVELS = (Level.TOWN, Level.SUBDISTRICT, Level.VILLAGE, Level.COMMUNITY)


def recipient_fields(recipient: Region | Organization | Team) -> dict:
    """The Recipient columns for a region, a party organization or a team."""
    if isinstance(recipient, Region):
        if recipient.level not in RECIPIENT_LEVELS:
            raise ValidationError({"recipient": [_("接收单位：区划只能是镇街或村社区")]})
        return {
            "recipient_kind": RecipientKind.REGION,
            "recipient_region": recipient,
            "recipient_name": recipient.name,
            "path": recipient.path,
            "org_path": "",
        }
    if isinstance(recipient, Organization):
        if recipient.closed_on is not None:
            raise ValidationError({"recipient": [_("接收单位：该党组织已撤销")]})
        return {
            "recipient_kind": RecipientKind.ORGANIZATION,
            "recipient_org": recipient,
            "recipient_name": recipient.name,
            "path": recipient.region_path,
            "org_path": recipient.path,
        }
    if isinstance(recipient, Team):
        if recipient.disbanded_on is not None:
            raise ValidationError({"recipient": [_("接收单位：该队伍已解散")]})
        return {
            "recipient_kind": RecipientKind.TEAM,
            "recipient_team": recipient,
            "recipient_name": recipient.name,
            "path": recipient.region_path or recipient.organization.region_path,
            "org_path": recipient.org_path,
        }
    raise ValidationError({"recipient": [_("接收单位：请选择区划、党组织或队伍")]})


def can_request_for(actor, record) -> bool:
    """May the actor ask for (and confirm receipts of) supplies for this recipient?"""
    return can(actor, Perm.ALLOCATION_REQUEST, path=record.path, org_path=record.org_path)


def can_approve(actor, allocation: Allocation) -> bool:
    return can(actor, Perm.ALLOCATION_APPROVE, path=allocation.path, org_path=allocation.org_path)


@dataclass
class RequestLine:
    item: Item | None
    quantity: Any
    unit: Any
    note: str = ""


def allocation_request(
    *,
    actor,
    recipient: Region | Organization | Team,
    lines: list[RequestLine],
    reason: str,
    needed_by: dt.date | None = None,
    warehouse: Warehouse | None = None,
    disclose_recipient: bool = True,
    at: dt.datetime | None = None,
) -> Allocation:
    """A unit asks for goods. `warehouse` is a suggestion; the command sets it on approval."""
    fields = recipient_fields(recipient)
    if not can(actor, Perm.ALLOCATION_REQUEST, path=fields["path"], org_path=fields["org_path"]):
        raise PermissionDenied(_("您不能代该单位申请物资"))
    reason = clean_text(reason, field="reason", label=_("需求说明"), required=True, limit=500)
    at = moment(at, field="requested_at", label=_("申请时间"))
    errors = Errors()
    built = []
    if not lines:
        errors.add("lines", _("请至少填写一行需要的物资"))
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.item is None:
            errors.add(f"lines.{index}.item", line_label(index, None, _("物资：请选择物资")))
            continue
        if line.item.pk in seen:
            errors.add(
                f"lines.{index}.item", line_label(index, line.item, _("：同一物资请合并为一行"))
            )
            continue
        seen.add(line.item.pk)
        try:
            qty = quantity_of(
                line.item, line.quantity, line.unit, label=line_label(index, line.item, _("数量"))
            )
        except ValidationError as exc:
            errors.catch(f"lines.{index}.quantity", exc)
            continue
        built.append(
            AllocationLine(
                item=line.item,
                quantity=qty.entered,
                unit=qty.unit,
                requested_base=qty.base,
                note=clean_text(line.note, field=f"lines.{index}.note", label=_("说明"), limit=200),
            )
        )
    errors.raise_if_any()
    allocation = Allocation(
        number="",
        reason=reason,
        needed_by=needed_by,
        warehouse=warehouse,
        warehouse_path=warehouse.path if warehouse else "",
        disclose_recipient=disclose_recipient,
        requested_by=user_or_none(actor),
        requested_at=at,
        **fields,
    )
    with transaction.atomic():
        allocation.number = next_number("allocation", at)
        allocation.full_clean()
        allocation.save()
        for line in built:
            line.allocation = allocation
        AllocationLine.objects.bulk_create(built)
        audit(
            actor,
            Action.CREATE,
            allocation,
            changes={"recipient": [None, allocation.recipient_name], "lines": [None, len(built)]},
        )
        _notify_approvers(allocation)
    return allocation


@dataclass
class Approval:
    line: AllocationLine
    quantity: Any  # 0 for "not approved"
    unit: Any = None  # the requested unit by default
    lot: Lot | None = None


def allocation_decide(
    *,
    actor,
    allocation: Allocation,
    approvals: list[Approval],
    warehouse: Warehouse | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Allocation:
    """The command approves each line fully, partly or not at all (0) and names the
    warehouse that issues. All zero is a rejection and needs a note. A line may not be
    approved beyond what was asked, nor beyond what the warehouse holds now."""
    if not can_approve(actor, allocation):
        raise PermissionDenied(_("只有县指挥部可以审批物资分配"))
    note = clean_text(note, field="decision_note", label=_("审批意见"), limit=300)
    at = moment(at, field="decided_at", label=_("审批时间"))
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status != AllocationStatus.REQUESTED:
            raise ValidationError(
                _("该申请已是“%(s)s”，不能再审批") % {"s": allocation.get_status_display()}
            )
        own = {line.pk: line for line in allocation.lines.select_related("item__base_unit", "unit")}
        given = {getattr(a.line, "pk", None): a for a in approvals}
        errors = Errors()
        if set(given) - set(own):
            errors.add("lines", _("审批中有不属于本申请的物资"))
        decided: dict[int, tuple[Decimal, Lot | None]] = {}
        for index, line in enumerate(own.values()):
            approval = given.get(line.pk)
            field = f"lines.{index}.quantity"
            label = line_label(index, line.item, _("批准数量"))
            if approval is None:
                errors.add(field, _("%(label)s：请填写（不批准填 0）") % {"label": label})
                continue
            try:
                qty = quantity_of(
                    line.item,
                    approval.quantity,
                    approval.unit or line.unit,
                    label=label,
                    allow_zero=True,
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            if qty.base > line.requested_base:
                errors.add(
                    field,
                    _("%(label)s：不能超过申请数量 %(asked)s")
                    % {"label": label, "asked": in_base(line.item, line.requested_base)},
                )
                continue
            decided[line.pk] = (qty.base, approval.lot)
        errors.raise_if_any()
        total = sum((q for q, _lot in decided.values()), Decimal(0))
        if total == 0:
            if not note:
                raise ValidationError({"decision_note": [_("不批准时请填写审批意见")]})
            status = AllocationStatus.REJECTED
        else:
            if warehouse is None:
                raise ValidationError({"warehouse": [_("请选择发货仓库")]})
            require_active(warehouse)
            status = (
                AllocationStatus.APPROVED
                if all(decided[pk][0] == line.requested_base for pk, line in own.items())
                else AllocationStatus.PARTLY_APPROVED
            )
            lock_warehouses(warehouse)
            stocks = Stocks(warehouse)
            for index, line in enumerate(own.values()):
                base, lot = decided[line.pk]
                if base == 0:
                    continue
                try:
                    stocks.of(line.item).draw(
                        base, lot=lot, label=line_label(index, line.item, _("批准数量"))
                    )
                except ValidationError as exc:
                    errors.catch(f"lines.{index}.quantity", exc)
            errors.raise_if_any()
        for line in own.values():
            line.approved_base, line.lot = decided[line.pk]
        AllocationLine.objects.bulk_update(list(own.values()), ["approved_base", "lot"])
        allocation.status = status
        allocation.decided_by = user_or_none(actor)
        allocation.decided_at = at
        allocation.decision_note = note
        if status != AllocationStatus.REJECTED:
            allocation.warehouse = warehouse
            allocation.warehouse_path = warehouse.path
        allocation.save()
        audit(
            actor,
            Action.UPDATE,
            allocation,
            changes={
                "status": [AllocationStatus.REQUESTED, status],
                "approved": [None, {str(pk): str(q) for pk, (q, _l) in decided.items()}],
            },
            reason=note,
        )
        _notify_decision(allocation)
    return allocation


def allocation_cancel(*, actor, allocation: Allocation, reason: str) -> Allocation:
    """The requesting side withdraws a request before anything was issued."""
    if not can_request_for(actor, allocation) and not can_approve(actor, allocation):
        raise PermissionDenied(_("您不能撤回该申请"))
    reason = clean_text(reason, field="reason", label=_("撤回原因"), required=True, limit=200)
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status not in (AllocationStatus.REQUESTED, *APPROVED_STATUSES):
            raise ValidationError(
                _("该申请已是“%(s)s”，不能撤回") % {"s": allocation.get_status_display()}
            )
        if allocation.shipments.exists():
            raise ValidationError(_("已有出库记录，不能撤回"))
        before = allocation.status
        allocation.status = AllocationStatus.CANCELLED
        allocation.save(update_fields=["status", "updated_at"])
        audit(
            actor,
            Action.UPDATE,
            allocation,
            changes={"status": [before, AllocationStatus.CANCELLED]},
            reason=reason,
        )
    return allocation


@dataclass
class IssueLine:
    line: AllocationLine
    quantity: Any
    unit: Any = None  # the requested unit by default
    lot: Lot | None = None  # else the lot chosen at approval, else first-in-first-out


def shipment_issue(
    *,
    actor,
    allocation: Allocation,
    lines: list[IssueLine],
    note: str = "",
    issued_at: dt.datetime | None = None,
) -> Shipment:
    """A keeper of the allocation's warehouse issues goods: per line at most what is
    approved and not yet issued, drawn from lots under the warehouse's row lock. Lines with
    quantity 0 are skipped; all or nothing."""
    allocation = Allocation.objects.select_related("warehouse").get(pk=allocation.pk)
    if allocation.status not in APPROVED_STATUSES or allocation.warehouse_id is None:
        raise ValidationError(_("只有已批准的分配才能出库"))
    warehouse = allocation.warehouse
    require_keeper(actor, warehouse)
    require_active(warehouse)
    note = clean_text(note, field="note", label=_("备注"))
    at = moment(issued_at, field="issued_at", label=_("出库时间"))
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status not in APPROVED_STATUSES:
            raise ValidationError(_("只有已批准的分配才能出库"))
        lock_warehouses(warehouse)
        own = {line.pk: line for line in allocation.lines.select_related("item__base_unit", "unit")}
        issued = line_issued(own)
        order = list(own)
        stocks = Stocks(warehouse)
        errors = Errors()
        planned: list[tuple[AllocationLine, Lot, Decimal]] = []
        for entry in lines:
            line = own.get(getattr(entry.line, "pk", None))
            if line is None:
                errors.add("lines", _("出库中有不属于本分配的物资"))
                continue
            index = order.index(line.pk)
            field = f"lines.{index}.quantity"
            label = line_label(index, line.item, _("出库数量"))
            try:
                qty = quantity_of(
                    line.item, entry.quantity, entry.unit or line.unit, label=label, allow_zero=True
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            if qty.base == 0:
                continue
            left = (line.approved_base or Decimal(0)) - issued[line.pk]
            if qty.base > left:
                errors.add(
                    field,
                    _("%(label)s：超过批准数量。批准 %(ok)s，已出库 %(done)s，本次最多 %(left)s")
                    % {
                        "label": label,
                        "ok": in_base(line.item, line.approved_base or 0),
                        "done": in_base(line.item, issued[line.pk]),
                        "left": in_base(line.item, max(left, Decimal(0))),
                    },
                )
                continue
            issued[line.pk] += qty.base
            try:
                draws = stocks.of(line.item).draw(qty.base, lot=entry.lot or line.lot, label=label)
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            planned += [(line, lot, part) for lot, part in draws]
        if not planned and not errors:
            errors.add("lines", _("请至少填写一项出库数量"))
        errors.raise_if_any()
        shipment = Shipment.objects.create(
            number=next_number("shipment", at),
            allocation=allocation,
            warehouse=warehouse,
            issued_at=at,
            issued_by=user_or_none(actor),
            note=note,
        )
        for line, lot, part in planned:
            _move(
                warehouse=warehouse,
                lot=lot,
                kind=MoveKind.ISSUED,
                quantity=-part,
                at=at,
                actor=actor,
                shipment=shipment,
                allocation_line=line,
            )
        audit(
            actor,
            Action.CREATE,
            shipment,
            path=warehouse.path,
            changes={"allocation": [None, allocation.number], "lots": [None, len(planned)]},
        )
        _notify_recipients(allocation, shipment)
    return shipment


@dataclass
class ReceivedLine:
    line: AllocationLine
    quantity: Any  # may be 0
    unit: Any = None
    note: str = ""


def shipment_confirm(
    *,
    actor,
    shipment: Shipment,
    lines: list[ReceivedLine],
    note: str = "",
    received_at: dt.datetime | None = None,
) -> Shipment:
    """The receiving unit confirms a shipment once: what arrived of each line (never more
    than was issued in it) and, when less arrived, why. The shortfall stays visible."""
    allocation = shipment.allocation
    if not can_request_for(actor, allocation):
        raise PermissionDenied(_("只有接收单位可以确认收货"))
    note = clean_text(note, field="note", label=_("备注"))
    at = moment(received_at, field="received_at", label=_("收货时间"))
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.received_at is not None:
            raise ValidationError(_("该出库单已确认收货，不能重复确认"))
        if at < shipment.issued_at:
            raise ValidationError({"received_at": [_("收货时间：不能早于出库时间")]})
        issued = shipment_issued(shipment.pk)
        own = {
            line.pk: line
            for line in AllocationLine.objects.filter(pk__in=list(issued)).select_related(
                "item__base_unit", "unit"
            )
        }
        given = {getattr(r.line, "pk", None): r for r in lines}
        errors = Errors()
        rows = []
        for index, (pk, line) in enumerate(sorted(own.items())):
            field = f"lines.{index}.quantity"
            label = line_label(index, line.item, _("实收数量"))
            entry = given.get(pk)
            if entry is None:
                errors.add(field, _("%(label)s：请填写（未收到填 0）") % {"label": label})
                continue
            try:
                qty = quantity_of(
                    line.item, entry.quantity, entry.unit or line.unit, label=label, allow_zero=True
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            if qty.base > issued[pk]:
                errors.add(
                    field,
                    _("%(label)s：不能超过本次出库数量 %(out)s（填写的是 %(got)s）")
                    % {
                        "label": label,
                        "out": in_base(line.item, issued[pk]),
                        "got": in_base(line.item, qty.base),
                    },
                )
                continue
            short_note = clean_text(
                entry.note, field=f"lines.{index}.note", label=_("短缺说明"), limit=200
            )
            if qty.base < issued[pk] and not short_note:
                errors.add(
                    f"lines.{index}.note",
                    _("%(label)s：少于出库数量 %(out)s，请说明短缺原因")
                    % {"label": label, "out": in_base(line.item, issued[pk])},
                )
                continue
            rows.append(
                ShipmentReceiptLine(
                    shipment=shipment,
                    allocation_line=line,
                    issued_base=issued[pk],
                    received_base=qty.base,
                    shortfall_note=short_note,
                )
            )
        if set(given) - set(own):
            errors.add("lines", _("确认中有本出库单没有的物资"))
        errors.raise_if_any()
        ShipmentReceiptLine.objects.bulk_create(rows)
        shipment.received_at = at
        shipment.received_by = user_or_none(actor)
        shipment.receipt_note = note
        shipment.save(update_fields=["received_at", "received_by", "receipt_note"])
        shortfall = sum((r.issued_base - r.received_base for r in rows), Decimal(0))
        audit(
            actor,
            Action.UPDATE,
            shipment,
            path=allocation.path,
            changes={
                "received": [
                    None,
                    {str(r.allocation_line.public_id): str(r.received_base) for r in rows},
                ],
                "shortfall": [None, str(shortfall)],
            },
        )
        if shortfall > 0:
            _notify_shortfall(shipment)
    return shipment


# --- Notifications ----------------------------------------------------------------------


def _users_with(perm: str, *, path: str, org_path: str = "", exclude=None):
    """Active users holding `perm` over a record at `path` / `org_path` (grants above it)."""
    from django.db.models import Q

    from bastion.access.models import RoleAssignment
    from bastion.access.roles import ROLE_PERMISSIONS

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    ancestors = _prefixes(path)
    org_ancestors = _prefixes(org_path)
    q = Q(region_path__in=ancestors) if ancestors else Q(pk__in=[])
    if org_ancestors:
        q |= Q(org_path__in=org_ancestors)
    user_ids = (
        RoleAssignment.objects.filter(q, role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=list(user_ids))
    if exclude is not None and getattr(exclude, "pk", None):
        users = users.exclude(pk=exclude.pk)
    return list(users[:50])


def _prefixes(path: str) -> list[str]:
    """ "a/b/c/" -> ["a/", "a/b/", "a/b/c/"]; "/x/y/" -> ["/x/", "/x/y/"]."""
    if not path:
        return []
    lead = "/" if path.startswith("/") else ""
    parts = [p for p in path.split("/") if p]
    return [lead + "".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _send(users, title: str, link: str) -> None:
    from bastion.access.services import notify

    for user in users:
        notify(recipient=user, title=title, link=link)


def _link(allocation: Allocation) -> str:
    from django.urls import reverse

    return reverse("supplies:allocation_detail", kwargs={"public_id": allocation.public_id})


def _notify_approvers(allocation: Allocation) -> None:
    users = _users_with(
        Perm.ALLOCATION_APPROVE,
        path=allocation.path,
        org_path=allocation.org_path,
        exclude=allocation.requested_by,
    )
    _send(
        users,
        _("物资申请待审批：%(n)s %(r)s") % {"n": allocation.number, "r": allocation.recipient_name},
        _link(allocation),
    )


def _notify_decision(allocation: Allocation) -> None:
    title = _("物资申请 %(n)s：%(s)s") % {
        "n": allocation.number,
        "s": allocation.get_status_display(),
    }
    users = []
    if allocation.requested_by_id and allocation.requested_by.is_active:
        users.append(allocation.requested_by)
    if allocation.warehouse_id and allocation.status != AllocationStatus.REJECTED:
        users += [u for u in allocation.warehouse.keepers.filter(is_active=True) if u not in users]
    _send(users, title, _link(allocation))


def _notify_recipients(allocation: Allocation, shipment: Shipment) -> None:
    users = []
    if allocation.requested_by_id and allocation.requested_by.is_active:
        users.append(allocation.requested_by)
    _send(
        users,
        _("物资已出库，请确认收货：%(n)s") % {"n": shipment.number},
        _link(allocation),
    )


def _notify_shortfall(shipment: Shipment) -> None:
    allocation = shipment.allocation
    users = list(allocation.warehouse.keepers.filter(is_active=True))
    if allocation.decided_by_id and allocation.decided_by.is_active:
        users.append(allocation.decided_by)
    _send(
        users,
        _("收货短缺：%(n)s %(r)s") % {"n": shipment.number, "r": allocation.recipient_name},
        _link(allocation),
    )
