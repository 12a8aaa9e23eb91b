"""Every one-form page: the right persona opens it, a valid post writes through the
service and redirects, an invalid post answers 422 with the message on the form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.supplies.models import (
    Allocation,
    AllocationStatus,
    CashEntry,
    CashPurpose,
    Donation,
    Donor,
    Item,
    MoveKind,
    StockMove,
    Unit,
    Warehouse,
)
from bastion.supplies.services.cash import (
    cash_account_create,
    cash_purpose_create,
    donation_cash_receive,
)
from tests.supplies.conftest import pledge
from tests.supplies.flows import requested


@pytest.fixture
def cash(county, supplies):
    account = cash_account_create(actor=None, name="专户", region=county.county)
    donation = pledge(supplies, donor="society", lines=[], cash="1000")
    entry = donation_cash_receive(actor=None, donation=donation, account=account, amount="800")
    purpose = cash_purpose_create(actor=None, account=account, title="采购", amount="300")
    return {"account": account, "donation": donation, "entry": entry, "purpose": purpose}


def post_ok(client, url, data):
    assert client.get(url).status_code == 200, url
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def post_bad(client, url, data, message):
    response = client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_catalogue_forms(county, supplies, login):
    client = login(supplies.keeper)
    post_ok(
        client,
        reverse("supplies:item_create"),
        {"code": "goggles", "name": "护目镜", "category": "medical", "base_unit": "piece"},
    )
    post_bad(
        client,
        reverse("supplies:item_create"),
        {"code": "Bad Code", "name": "x", "category": "medical", "base_unit": "piece"},
        "代码：只能用小写字母",
    )
    item = Item.objects.get(code="goggles")
    post_ok(
        client,
        reverse("supplies:item_edit", args=[item.public_id]),
        {"name": "防护护目镜", "category": "medical", "reference_price": "12", "active": "on"},
    )
    item.refresh_from_db()
    assert item.name == "防护护目镜" and item.reference_price == 12
    response = client.post(
        reverse("supplies:item_detail", args=[item.public_id]), {"unit": "carton", "factor": "10"}
    )
    assert response.status_code == 302 and item.conversions.get().factor == 10
    post_bad(
        client,
        reverse("supplies:item_detail", args=[item.public_id]),
        {"unit": "jian", "factor": "2"},
        "固定换算",
    )
    post_ok(
        client,
        reverse("supplies:unit_create"),
        {"code": "ti", "name_zh": "提", "dimension": "count"},
    )
    assert Unit.objects.filter(name_zh="提", standard_factor__isnull=True).exists()


def test_donor_and_donation_forms(county, supplies, cash, login):
    client = login(county.command)
    post_ok(
        client,
        reverse("supplies:donor_create"),
        {"kind": "individual", "name": "李四光", "region": county.county.code},
    )
    donor = Donor.objects.get(name="李四光")
    assert donor.disclosure == "masked"
    post_bad(
        client,
        reverse("supplies:donor_create"),
        {
            "kind": "individual",
            "name": "王五",
            "region": county.county.code,
            "contact_phone": "abc",
        },
        "联系电话：应为手机号或座机号",
    )
    post_ok(
        client,
        reverse("supplies:donor_edit", args=[donor.public_id]),
        {"kind": "individual", "name": "李四光", "disclosure": "anonymous"},
    )
    donor.refresh_from_db()
    assert donor.is_anonymous
    donation = pledge(supplies)
    post_ok(
        client,
        reverse("supplies:donation_line_add", args=[donation.public_id]),
        {"item": supplies.rice.public_id, "quantity": "4", "unit": "bag"},
    )
    assert donation.lines.count() == 2
    post_bad(
        client,
        reverse("supplies:donation_line_add", args=[donation.public_id]),
        {"item": supplies.rice.public_id, "quantity": "4", "unit": "box"},
        "没有“箱”的换算",
    )
    donation_with_cash = cash["donation"]
    post_ok(
        client,
        reverse("supplies:donation_cash", args=[donation_with_cash.public_id]),
        {"account": cash["account"].public_id, "amount": "200", "reference": "TX9"},
    )
    post_bad(
        client,
        reverse("supplies:donation_cash", args=[donation_with_cash.public_id]),
        {"account": cash["account"].public_id, "amount": "0.01"},
        "到账金额超过认捐金额",
    )
    post_ok(
        client, reverse("supplies:donation_cancel", args=[donation.public_id]), {"reason": "撤回"}
    )
    assert Donation.objects.get(pk=donation.pk).cancelled_at is not None


def test_warehouse_forms(county, supplies, stocked, login):
    client = login(county.command)
    post_ok(
        client,
        reverse("supplies:warehouse_create"),
        {
            "code": "huangxing",
            "name": "黄兴镇物资站",
            "region": county.town_b.code,
            "keepers": [],
        },
    )
    warehouse = Warehouse.objects.get(code="huangxing")
    post_ok(
        client,
        reverse("supplies:warehouse_edit", args=[warehouse.public_id]),
        {"name": "黄兴镇应急物资站", "address": "黄兴大道", "active": "on"},
    )
    keeper = login(supplies.keeper)
    url = reverse("supplies:stock_adjust", args=[supplies.warehouse.public_id])
    post_ok(
        keeper,
        url,
        {
            "item": supplies.masks.public_id,
            "direction": "decrease",
            "quantity": "1",
            "unit": "box",
            "reason": "盘亏",
        },
    )
    post_bad(
        keeper,
        url,
        {
            "item": supplies.masks.public_id,
            "direction": "decrease",
            "quantity": "9999",
            "unit": "box",
            "reason": "盘亏",
        },
        "库存不足",
    )
    url = reverse("supplies:stock_write_off", args=[supplies.warehouse.public_id])
    post_ok(
        keeper,
        url,
        {
            "item": supplies.alcohol.public_id,
            "kind": "expired",
            "quantity": "2",
            "unit": "jin",
            "reason": "过期",
        },
    )
    assert StockMove.objects.filter(kind=MoveKind.EXPIRED, quantity=-1).exists()
    url = reverse("supplies:stock_transfer", args=[supplies.warehouse.public_id])
    response = keeper.post(
        url,
        {
            "target": supplies.town_warehouse.public_id,
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": supplies.masks.public_id,
            "lines-0-quantity": "10",
            "lines-0-unit": "box",
        },
    )
    assert response.status_code == 302
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_IN, quantity=500).exists()


def test_cash_forms(county, supplies, cash, login, settings, tmp_path):
    from tests.supplies.test_cash import receipt_photo

    settings.MEDIA_ROOT = tmp_path / "media"
    client = login(county.command)
    post_ok(
        client,
        reverse("supplies:account_create"),
        {"name": "红十字会专户", "region": county.county.code, "account_number": "1234 5678"},
    )
    account = cash["account"]
    post_ok(
        client,
        reverse("supplies:account_adjust", args=[account.public_id]),
        {"direction": "decrease", "amount": "5", "reason": "手续费"},
    )
    post_ok(
        client,
        reverse("supplies:purpose_create"),
        {
            "account": account.public_id,
            "title": "采购消毒液",
            "amount": "100",
            "recipient": f"region:{county.town_a.code}",
            "disclose_recipient": "on",
        },
    )
    post_bad(
        client,
        reverse("supplies:purpose_create"),
        {"account": account.public_id, "title": "又一笔", "amount": "9999"},
        "超出可安排金额",
    )
    purpose = CashPurpose.objects.get(title="采购消毒液")
    assert purpose.recipient_name == "星沙街道"
    post_ok(
        client,
        reverse("supplies:purpose_top_up", args=[purpose.public_id]),
        {"amount": "50"},
    )
    response = client.post(
        reverse("supplies:purpose_spend", args=[purpose.public_id]),
        {"amount": "120", "payee": "药房", "description": "消毒液", "receipt": receipt_photo()},
    )
    assert response.status_code == 302
    post_ok(client, reverse("supplies:purpose_close", args=[purpose.public_id]), {"note": ""})
    assert CashEntry.objects.filter(purpose=purpose, kind="returned", amount=30).exists()
    post_ok(
        client,
        reverse("supplies:entry_correct", args=[cash["entry"].public_id]),
        {"amount": "790", "reason": "银行退回"},
    )
    assert CashEntry.objects.filter(corrects=cash["entry"], amount=-10).exists()


def test_withdrawing_a_request(county, supplies, stocked, login):
    allocation = requested(county, supplies)
    client = login(county.community)
    post_ok(
        client,
        reverse("supplies:allocation_cancel", args=[allocation.public_id]),
        {"reason": "已自行采购"},
    )
    assert Allocation.objects.get(pk=allocation.pk).status == AllocationStatus.CANCELLED
