"""Allocations: request, approve fully or partly, issue (FIFO or a chosen lot), confirm
receipt with the shortfall visible; every issued unit traced to its donation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.access.models import Notification
from bastion.supplies.models import (
    AllocationStatus,
    Lot,
    MoveKind,
    Shipment,
    ShipmentReceiptLine,
    StockMove,
)
from bastion.supplies.selectors.allocations import allocation_view
from bastion.supplies.services.allocations import (
    Approval,
    IssueLine,
    ReceivedLine,
    RequestLine,
    allocation_cancel,
    allocation_decide,
    allocation_request,
    shipment_confirm,
    shipment_issue,
)
from bastion.supplies.services.donations import LineInput
from tests.supplies.conftest import pledge, receive_all


def request_masks(county, supplies, boxes="40", actor=None, recipient=None):
    return allocation_request(
        actor=actor or county.community,
        recipient=recipient or county.community_a1,
        lines=[
            RequestLine(supplies.masks, boxes, "box"),
            RequestLine(supplies.alcohol, "100", "jin"),
        ],
        reason="松雅社区卡口和入户排查用",
    )


def approve(allocation, county, supplies, masks="40", alcohol="100"):
    masks_line, alcohol_line = allocation.lines.order_by("id")
    return allocation_decide(
        actor=county.command,
        allocation=allocation,
        approvals=[Approval(masks_line, masks), Approval(alcohol_line, alcohol)],
        warehouse=supplies.warehouse,
    )


def issue_all(allocation, keeper):
    view = allocation_view(allocation)
    return shipment_issue(
        actor=keeper,
        allocation=allocation,
        lines=[IssueLine(v.line, v.to_issue, v.line.item.base_unit) for v in view.lines],
    )


@pytest.fixture
def second_lot(supplies, stocked):
    """A later donation of 1,000 masks: FIFO takes the first lot before this one."""
    donation = pledge(
        supplies,
        donor="society",
        lines=[LineInput(supplies.masks, "1000", "piece", lot_code="M-02")],
    )
    receive_all(donation, supplies.warehouse)
    return donation


def test_the_whole_flow_from_request_to_confirmed_receipt(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    assert allocation.number.startswith("FP") and allocation.status == AllocationStatus.REQUESTED
    assert Notification.objects.filter(recipient=county.command).exists()
    approve(allocation, county, supplies)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED
    shipment = issue_all(allocation, supplies.keeper)
    assert shipment.number.startswith("CK")
    view = allocation_view(allocation)
    assert view.progress == "issued"
    assert [v.issued for v in view.lines] == [2000, 50]
    masks_line, alcohol_line = [v.line for v in view.lines]
    shipment_confirm(
        actor=county.community,
        shipment=shipment,
        lines=[ReceivedLine(masks_line, "40", "box"), ReceivedLine(alcohol_line, "100", "jin")],
    )
    view = allocation_view(allocation)
    assert view.progress == "received" and not view.shortfall
    assert [v.confirmed for v in view.lines] == [2000, 50]


def test_partial_approval_issues_only_what_was_approved(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    approve(allocation, county, supplies, masks="10", alcohol="0")
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PARTLY_APPROVED
    masks_line = allocation.lines.order_by("id").first()
    with pytest.raises(ValidationError) as info:
        shipment_issue(
            actor=supplies.keeper, allocation=allocation, lines=[IssueLine(masks_line, "11", "box")]
        )
    assert "超过批准数量" in info.value.message_dict["lines.0.quantity"][0]
    assert not Shipment.objects.exists()
    shipment_issue(
        actor=supplies.keeper, allocation=allocation, lines=[IssueLine(masks_line, "6", "box")]
    )
    view = allocation_view(allocation)
    assert view.progress == "issuing" and view.lines[0].to_issue == 200


def test_rejection_needs_a_note_and_approval_never_exceeds_the_request(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    masks_line, alcohol_line = allocation.lines.order_by("id")
    with pytest.raises(ValidationError, match="不批准时请填写审批意见"):
        allocation_decide(
            actor=county.command,
            allocation=allocation,
            approvals=[Approval(masks_line, "0"), Approval(alcohol_line, "0")],
            warehouse=None,
        )
    with pytest.raises(ValidationError) as info:
        allocation_decide(
            actor=county.command,
            allocation=allocation,
            approvals=[Approval(masks_line, "41"), Approval(alcohol_line, "1")],
            warehouse=supplies.warehouse,
        )
    assert "不能超过申请数量 2,000 个" in info.value.message_dict["lines.0.quantity"][0]
    allocation_decide(
        actor=county.command,
        allocation=allocation,
        approvals=[Approval(masks_line, "0"), Approval(alcohol_line, "0")],
        warehouse=None,
        note="库存优先保障医院",
    )
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.REJECTED


def test_approval_beyond_what_the_warehouse_holds_is_refused(county, supplies, stocked):
    allocation = allocation_request(
        actor=county.community,
        recipient=county.community_a1,
        lines=[RequestLine(supplies.masks, "200", "box")],
        reason="需求",
    )
    with pytest.raises(ValidationError, match="库存不足"):
        allocation_decide(
            actor=county.command,
            allocation=allocation,
            approvals=[Approval(allocation.lines.get(), "200")],
            warehouse=supplies.warehouse,
        )


def test_only_the_command_approves_and_only_keepers_issue(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    with pytest.raises(PermissionDenied):
        approve_as(allocation, county.town, supplies)
    approve(allocation, county, supplies)
    with pytest.raises(PermissionDenied):
        issue_all(allocation, supplies.town_keeper)
    with pytest.raises(PermissionDenied):
        issue_all(allocation, county.command)


def approve_as(allocation, actor, supplies):
    return allocation_decide(
        actor=actor,
        allocation=allocation,
        approvals=[Approval(line, line.quantity) for line in allocation.lines.all()],
        warehouse=supplies.warehouse,
    )


def test_a_unit_requests_only_for_itself(county, supplies, stocked):
    with pytest.raises(PermissionDenied):
        request_masks(county, supplies, actor=supplies.town_b_officer)
    own = request_masks(
        county, supplies, actor=supplies.town_b_officer, recipient=county.community_b1
    )
    assert own.path == county.community_b1.path


def test_issue_beyond_stock_is_refused_and_nothing_is_written(county, supplies, stocked):
    allocation = request_masks(county, supplies, boxes="100")
    approve(allocation, county, supplies, masks="100")
    other = request_masks(county, supplies, boxes="10")
    approve(other, county, supplies, masks="10", alcohol="0")
    issue_all(allocation, supplies.keeper)  # takes every mask
    before = StockMove.objects.count()
    masks_line = other.lines.order_by("id").first()
    with pytest.raises(ValidationError) as info:
        shipment_issue(
            actor=supplies.keeper, allocation=other, lines=[IssueLine(masks_line, "10", "box")]
        )
    message = info.value.message_dict["lines.0.quantity"][0]
    assert "库存不足" in message and "现有医用口罩 0 个" in message and "需要 500 个" in message
    assert StockMove.objects.count() == before
    assert Shipment.objects.count() == 1


def test_issues_draw_first_in_first_out_and_trace_to_each_donation(
    county, supplies, stocked, second_lot
):
    allocation = allocation_request(
        actor=county.community,
        recipient=county.community_a1,
        lines=[RequestLine(supplies.masks, "5500", "piece")],
        reason="需求",
    )
    allocation_decide(
        actor=county.command,
        allocation=allocation,
        approvals=[Approval(allocation.lines.get(), "5500")],
        warehouse=supplies.warehouse,
    )
    issue_all(allocation, supplies.keeper)
    trace = allocation_view(allocation).lines[0].trace
    assert [(t.donation, t.quantity, t.lot_code) for t in trace] == [
        (stocked, 5000, "M-01"),
        (second_lot, 500, "M-02"),
    ]
    assert trace[0].donor_public_name == "湖南星沙医疗器械有限公司"


def test_a_chosen_lot_is_issued_instead_of_the_oldest(county, supplies, stocked, second_lot):
    newer = Lot.objects.get(lot_code="M-02")
    allocation = allocation_request(
        actor=county.community,
        recipient=county.community_a1,
        lines=[RequestLine(supplies.masks, "300", "piece")],
        reason="需求",
    )
    allocation_decide(
        actor=county.command,
        allocation=allocation,
        approvals=[Approval(allocation.lines.get(), "300", lot=newer)],
        warehouse=supplies.warehouse,
    )
    issue_all(allocation, supplies.keeper)
    assert set(StockMove.objects.filter(kind=MoveKind.ISSUED).values_list("lot", flat=True)) == {
        newer.pk
    }


def test_a_partial_receipt_leaves_the_shortfall_visible(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    approve(allocation, county, supplies)
    shipment = issue_all(allocation, supplies.keeper)
    masks_line, alcohol_line = allocation.lines.order_by("id")
    with pytest.raises(ValidationError) as info:
        shipment_confirm(
            actor=county.community,
            shipment=shipment,
            lines=[
                ReceivedLine(masks_line, "1900", "piece"),
                ReceivedLine(alcohol_line, "50", "kg"),
            ],
        )
    assert "请说明短缺原因" in info.value.message_dict["lines.0.note"][0]
    shipment_confirm(
        actor=county.community,
        shipment=shipment,
        lines=[
            ReceivedLine(masks_line, "1900", "piece", note="2 箱途中受潮"),
            ReceivedLine(alcohol_line, "50", "kg"),
        ],
    )
    view = allocation_view(allocation)
    masks = view.lines[0]
    assert masks.issued == 2000 and masks.confirmed == 1900 and masks.shortfall == 100
    assert view.shortfall
    row = ShipmentReceiptLine.objects.get(allocation_line=masks_line)
    assert row.shortfall_base == 100 and row.shortfall_note == "2 箱途中受潮"
    assert Notification.objects.filter(
        recipient=supplies.keeper, title__contains="收货短缺"
    ).exists()


def test_a_receipt_for_more_than_was_issued_is_refused(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    approve(allocation, county, supplies)
    shipment = issue_all(allocation, supplies.keeper)
    masks_line, alcohol_line = allocation.lines.order_by("id")
    with pytest.raises(ValidationError) as info:
        shipment_confirm(
            actor=county.community,
            shipment=shipment,
            lines=[ReceivedLine(masks_line, "41", "box"), ReceivedLine(alcohol_line, "-1", "kg")],
        )
    errors = info.value.message_dict
    assert "不能超过本次出库数量 2,000 个（填写的是 2,050 个）" in errors["lines.0.quantity"][0]
    assert "必须大于 0" in errors["lines.1.quantity"][0]
    shipment.refresh_from_db()
    assert shipment.received_at is None and not ShipmentReceiptLine.objects.exists()


def test_only_the_receiving_unit_confirms_and_only_once(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    approve(allocation, county, supplies)
    shipment = issue_all(allocation, supplies.keeper)
    lines = [ReceivedLine(line, line.quantity) for line in allocation.lines.order_by("id")]
    with pytest.raises(PermissionDenied):
        shipment_confirm(actor=supplies.keeper, shipment=shipment, lines=lines)
    with pytest.raises(PermissionDenied):
        shipment_confirm(actor=supplies.town_b_officer, shipment=shipment, lines=lines)
    shipment_confirm(actor=county.community, shipment=shipment, lines=lines)
    with pytest.raises(ValidationError, match="不能重复确认"):
        shipment_confirm(actor=county.town, shipment=shipment, lines=lines)


def test_a_request_is_withdrawn_only_before_anything_is_issued(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    approve(allocation, county, supplies)
    issue_all(allocation, supplies.keeper)
    with pytest.raises(ValidationError, match="已有出库记录"):
        allocation_cancel(actor=county.community, allocation=allocation, reason="不需要了")
    other = request_masks(county, supplies)
    allocation_cancel(actor=county.community, allocation=other, reason="不需要了")
    other.refresh_from_db()
    assert other.status == AllocationStatus.CANCELLED


def test_organizations_and_teams_receive_with_their_own_paths(
    county, party_tree, supplies, stocked
):
    from bastion.party.services import team_create

    allocation = request_masks(
        county, supplies, actor=county.command, recipient=party_tree.temporary
    )
    assert allocation.org_path == party_tree.temporary.path
    assert allocation.path == party_tree.temporary.region_path
    team = team_create(
        actor=None,
        kind="vanguard",
        name="松雅抗疫先锋队",
        organization=party_tree.branch_a1,
        region=county.community_a1,
    )
    to_team = request_masks(county, supplies, actor=county.community, recipient=team)
    assert to_team.recipient_kind == "team" and to_team.recipient_name == "松雅抗疫先锋队"


def test_counties_and_grids_are_not_receiving_units(county, supplies):
    with pytest.raises(ValidationError, match="区划只能是镇街或村社区"):
        request_masks(county, supplies, actor=county.command, recipient=county.grid_a1_1)


def test_duplicate_items_in_a_request_are_refused(county, supplies):
    with pytest.raises(ValidationError, match="同一物资请合并为一行"):
        allocation_request(
            actor=county.community,
            recipient=county.community_a1,
            lines=[
                RequestLine(supplies.masks, "1", "box"),
                RequestLine(supplies.masks, "5", "piece"),
            ],
            reason="需求",
        )


def test_issued_totals_equal_the_ledger(county, supplies, stocked):
    allocation = request_masks(county, supplies)
    approve(allocation, county, supplies, masks="30")
    issue_all(allocation, supplies.keeper)
    from django.db.models import Sum

    issued = -StockMove.objects.filter(kind=MoveKind.ISSUED).aggregate(t=Sum("quantity"))["t"]
    assert issued == sum(v.issued for v in allocation_view(allocation).lines) == Decimal(1550)
