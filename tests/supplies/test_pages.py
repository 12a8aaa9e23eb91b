"""Pages: every page answers the personas who may see it, 404 to outsiders and users
without supplies roles, 403 to viewers who may not act; forms write through services and
show the services' errors where they belong."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from bastion.supplies.models import (
    Allocation,
    AllocationStatus,
    Donation,
    Donor,
    MoveKind,
    Shipment,
    ShipmentReceiptLine,
    StockMove,
)
from bastion.supplies.services.cash import (
    cash_account_create,
    cash_purpose_create,
    donation_cash_receive,
)
from tests.supplies.conftest import pledge, receive_all
from tests.supplies.flows import issued, received_short, requested


@pytest.fixture
def world(county, supplies, stocked):
    """Every kind of record once, so every page has something to show."""
    allocation, shipment = received_short(county, supplies)
    account = cash_account_create(actor=None, name="县慈善会募捐专户", region=county.county)
    cash = pledge(supplies, donor="society", lines=[], cash="1000")
    donation_cash_receive(actor=None, donation=cash, account=account, amount="1000")
    purpose = cash_purpose_create(
        actor=None, account=account, title="采购消毒液", amount="500", recipient=county.town_a
    )
    move = StockMove.objects.filter(kind=MoveKind.RECEIVED).first()
    return {
        "allocation": allocation,
        "shipment": shipment,
        "account": account,
        "purpose": purpose,
        "move": move,
        "donation": stocked,
    }


def detail_urls(world, supplies):
    return [
        reverse("supplies:donor_detail", args=[supplies.donors["enterprise"].public_id]),
        reverse("supplies:donation_detail", args=[world["donation"].public_id]),
        reverse("supplies:item_detail", args=[supplies.masks.public_id]),
        reverse("supplies:warehouse_detail", args=[supplies.warehouse.public_id]),
        reverse("supplies:move_detail", args=[world["move"].public_id]),
        reverse("supplies:allocation_detail", args=[world["allocation"].public_id]),
        reverse("supplies:account_detail", args=[world["account"].public_id]),
        reverse("supplies:purpose_detail", args=[world["purpose"].public_id]),
    ]


LIST_URLS = [
    "supplies:home",
    "supplies:donor_list",
    "supplies:donation_list",
    "supplies:item_list",
    "supplies:warehouse_list",
    "supplies:ledger",
    "supplies:allocation_list",
    "supplies:cash_home",
]


def test_command_opens_every_page(county, supplies, world, login):
    client = login(county.command)
    for name in LIST_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    for url in detail_urls(world, supplies):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["outsider", "nobody", "gridworker", "volunteer"])
def test_users_without_supplies_roles_get_404_everywhere(county, supplies, world, login, persona):
    client = login(county.users[persona])
    for name in LIST_URLS:
        assert client.get(reverse(name)).status_code == 404, name
    for url in detail_urls(world, supplies):
        assert client.get(url).status_code == 404, url


def test_a_neighbouring_towns_officer_sees_none_of_town_as_records(county, supplies, world, login):
    client = login(supplies.town_b_officer)
    assert client.get(reverse("supplies:home")).status_code == 200
    for url in detail_urls(world, supplies)[:2] + detail_urls(world, supplies)[3:]:
        assert client.get(url).status_code == 404, url
    body = client.get(reverse("supplies:allocation_list")).content.decode()
    assert world["allocation"].number not in body


def test_the_receiving_community_sees_its_allocation_but_not_the_warehouse(
    county, supplies, world, login
):
    client = login(county.community)
    allocation_url = reverse("supplies:allocation_detail", args=[world["allocation"].public_id])
    body = client.get(allocation_url).content.decode()
    assert "2 箱受潮" in body and "短缺" in body
    assert "湖南星沙医疗器械有限公司" in body  # the trace to the donation
    warehouse_url = reverse("supplies:warehouse_detail", args=[supplies.warehouse.public_id])
    assert client.get(warehouse_url).status_code == 404


def test_an_org_officer_sees_allocations_to_her_branch(
    county, party_tree, supplies, stocked, login
):
    allocation = requested(county, supplies, recipient=party_tree.temporary, actor=county.command)
    url = reverse("supplies:allocation_detail", args=[allocation.public_id])
    assert login(party_tree.secretary_a).get(url).status_code == 200
    assert login(party_tree.secretary_b).get(url).status_code == 404


def test_viewers_get_403_on_acts_they_may_not_do(county, supplies, world, login):
    auditor = login(county.auditor)
    assert auditor.get(reverse("supplies:donation_create")).status_code == 403
    assert auditor.get(reverse("supplies:allocation_create")).status_code == 403
    url = reverse("supplies:stock_adjust", args=[supplies.warehouse.public_id])
    assert auditor.get(url).status_code == 403
    allocation = requested(county, supplies)
    decide = reverse("supplies:allocation_decide", args=[allocation.public_id])
    assert login(county.town).get(decide).status_code == 403


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("supplies:home", 22),
        ("supplies:donor_list", 6),
        ("supplies:donation_list", 6),
        ("supplies:item_list", 8),
        ("supplies:warehouse_list", 10),
        ("supplies:ledger", 13),
        ("supplies:allocation_list", 6),
        ("supplies:cash_home", 9),
    ],
)
def test_list_pages_keep_their_query_count_as_records_grow(
    county, supplies, world, login, django_assert_max_num_queries, name, budget
):
    for _ in range(5):
        receive_all(pledge(supplies, donor="person"), supplies.warehouse)
        received_short(county, supplies)
    client = login(county.command)
    client.get(reverse(name))  # warm the session and caches
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name)).status_code == 200


# --- Forms ------------------------------------------------------------------------------


def test_recording_a_donation_with_lines_and_receiving_it(county, supplies, login):
    client = login(county.command)
    data = {
        "donor": supplies.donors["enterprise"].public_id,
        "region": county.county.code,
        "pledged_on": "2020-02-01",
        "cash_pledged": "",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": supplies.alcohol.public_id,
        "lines-0-quantity": "2,800",
        "lines-0-unit": "jin",
        "lines-1-item": supplies.masks.public_id,
        "lines-1-quantity": "10",
        "lines-1-unit": "box",
        "lines-1-declared_value": "1250",
    }
    response = client.post(reverse("supplies:donation_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    donation = Donation.objects.get()
    assert [line.quantity_base for line in donation.lines.order_by("id")] == [1400, 500]
    keeper = login(supplies.keeper)
    url = reverse("supplies:donation_receive", args=[donation.public_id])
    assert keeper.get(url).status_code == 200
    response = keeper.post(
        url,
        {
            "warehouse": supplies.warehouse.public_id,
            "l0-quantity": "2000",
            "l0-unit": "jin",
            "l1-quantity": "10",
            "l1-unit": "box",
        },
    )
    assert response.status_code == 302
    assert StockMove.objects.filter(kind=MoveKind.RECEIVED).count() == 2
    body = keeper.get(reverse("supplies:donation_detail", args=[donation.public_id])).content
    assert "部分到账" in body.decode()


def test_a_bad_line_shows_its_error_on_that_line_and_writes_nothing(county, supplies, login):
    client = login(county.command)
    data = {
        "donor": supplies.donors["enterprise"].public_id,
        "region": county.county.code,
        "pledged_on": "2020-02-01",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": supplies.masks.public_id,
        "lines-0-quantity": "10",
        "lines-0-unit": "box",
        "lines-2-item": supplies.suits.public_id,
        "lines-2-quantity": "-4",
    }
    response = client.post(reverse("supplies:donation_create"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "第2行（医用防护服）数量：必须大于 0（填写的是 -4）" in body
    assert not Donation.objects.exists()


def test_receiving_more_than_pledged_is_shown_on_the_line(county, supplies, login):
    donation = pledge(supplies)
    response = login(supplies.keeper).post(
        reverse("supplies:donation_receive", args=[donation.public_id]),
        {"warehouse": supplies.warehouse.public_id, "l0-quantity": "101", "l0-unit": "box"},
    )
    assert response.status_code == 422
    assert "超过认捐数量" in response.content.decode()
    assert not StockMove.objects.exists()


def test_request_approve_issue_and_confirm_through_the_pages(county, supplies, stocked, login):
    community = login(county.community)
    response = community.post(
        reverse("supplies:allocation_create"),
        {
            "recipient": f"region:{county.community_a1.code}",
            "reason": "卡口值守",
            "disclose_recipient": "on",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": supplies.masks.public_id,
            "lines-0-quantity": "20",
            "lines-0-unit": "box",
        },
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    line = allocation.lines.get()
    command = login(county.command)
    decide = reverse("supplies:allocation_decide", args=[allocation.public_id])
    assert command.get(decide).status_code == 200
    response = command.post(
        decide, {f"q_{line.public_id}": "10", "warehouse": supplies.warehouse.public_id}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PARTLY_APPROVED
    keeper = login(supplies.keeper)
    issue = reverse("supplies:shipment_issue", args=[allocation.public_id])
    response = keeper.post(issue, {f"q_{line.public_id}": "600"})
    assert response.status_code == 422 and "超过批准数量" in response.content.decode()
    response = keeper.post(issue, {f"q_{line.public_id}": "500"})
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    community = login(county.community)
    confirm = reverse("supplies:shipment_confirm", args=[shipment.public_id])
    response = community.post(confirm, {f"q_{line.public_id}": "501"})
    assert response.status_code == 422
    assert "不能超过本次出库数量 500 个" in response.content.decode()
    response = community.post(confirm, {f"q_{line.public_id}": "480"})
    assert response.status_code == 422 and "请说明短缺原因" in response.content.decode()
    response = community.post(
        confirm, {f"q_{line.public_id}": "480", f"note_{line.public_id}": "少一包"}
    )
    assert response.status_code == 302
    assert ShipmentReceiptLine.objects.get().shortfall_base == 20


def test_only_the_recipient_can_open_the_confirmation(county, supplies, stocked, login):
    _allocation, shipment = issued(county, supplies)
    url = reverse("supplies:shipment_confirm", args=[shipment.public_id])
    assert login(supplies.keeper).get(url).status_code == 403
    assert login(supplies.town_b_officer).get(url).status_code == 404
    assert login(county.community).get(url).status_code == 200


def test_donor_phone_is_masked_and_revealed_only_with_a_reason(county, supplies, login):
    from bastion.core.models import AuditEntry

    donor = supplies.donors["enterprise"]
    client = login(supplies.keeper)
    body = client.get(reverse("supplies:donor_detail", args=[donor.public_id])).content.decode()
    assert "138****8000" in body and "13800138000" not in body
    url = reverse("supplies:donor_reveal", args=[donor.public_id])
    response = client.post(url, {"reason": "联系送货事宜"})
    assert "13800138000" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="reveal", object_id=str(donor.public_id)).exists()
    assert login(county.town).post(url, {"reason": "看看号码"}).status_code == 404


def test_the_acknowledgement_is_a_numbered_word_document(county, supplies, stocked, login):
    from docx import Document

    url = reverse("supplies:donation_acknowledgement", args=[stocked.public_id])
    response = login(county.command).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert stocked.number in text and "湖南星沙医疗器械有限公司" in text
    assert str(stocked.public_id) in text  # the public page's address
    pending = pledge(supplies, donor="society")
    url = reverse("supplies:donation_acknowledgement", args=[pending.public_id])
    assert login(county.command).get(url).status_code == 302  # no number before a receipt


def test_the_ledger_export_is_scoped_watermarked_and_audited(county, supplies, world, login):
    from openpyxl import load_workbook

    from bastion.core.models import AuditEntry

    response = login(county.auditor).get(reverse("supplies:ledger_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "记录编号")
    data = values[values.index(header) + 1 :]
    assert len(data) == StockMove.objects.count()
    assert "导出于" in str(values[3][1])
    assert AuditEntry.objects.filter(action="export", object_type="supplies.export").exists()
    outsider = login(supplies.town_b_officer).get(reverse("supplies:ledger_export"))
    sheet = load_workbook(io.BytesIO(b"".join(outsider.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "记录编号"  # the header and no entries


def test_a_keeper_corrects_a_receipt_on_the_entry_page(county, supplies, stocked, login):
    move = StockMove.objects.get(kind=MoveKind.RECEIVED, item=supplies.masks)
    url = reverse("supplies:move_detail", args=[move.public_id])
    client = login(supplies.keeper)
    response = client.post(url, {"quantity": "4950", "reason": "复点"})
    assert response.status_code == 302
    correction = StockMove.objects.get(corrects=move)
    assert correction.quantity == -50
    assert login(county.command).post(url, {"quantity": "1", "reason": "x"}).status_code == 403


def test_cash_spending_with_a_receipt_and_its_file_is_scoped(
    county, supplies, world, login, tmp_path, settings
):
    from tests.supplies.test_cash import receipt_photo

    settings.MEDIA_ROOT = tmp_path / "media"
    purpose = world["purpose"]
    client = login(county.town)
    url = reverse("supplies:purpose_spend", args=[purpose.public_id])
    response = client.post(
        url,
        {
            "amount": "120",
            "payee": "星沙大药房",
            "description": "消毒液",
            "receipt": receipt_photo(),
        },
    )
    assert response.status_code == 302
    entry = purpose.entries.get(kind="spent")
    receipt_url = reverse("supplies:entry_receipt", args=[entry.public_id])
    assert client.get(receipt_url).status_code == 200
    response = client.post(
        url, {"amount": "381", "payee": "x", "description": "x", "receipt": receipt_photo()}
    )
    assert response.status_code == 422 and "超支" in response.content.decode()
    assert login(supplies.town_b_officer).get(receipt_url).status_code == 404


def test_anonymous_donors_are_named_inside_but_flagged(county, supplies, login):
    donor = Donor.objects.get(name="隐名捐赠建材公司")
    body = login(county.command).get(reverse("supplies:donor_list")).content.decode()
    assert donor.name in body and "匿名" in body
