"""The public transparency page: no login, donors and recipients only as they agreed,
anonymous donors nowhere (pages, search, CSV, API), totals that reconcile with the ledger,
shortfalls visible, rate limited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from bastion.supplies.models import MoveKind, StockMove
from bastion.supplies.services.cash import cash_account_create, donation_cash_receive
from bastion.supplies.services.donations import LineInput
from tests.supplies.conftest import pledge, receive_all
from tests.supplies.flows import received_short, requested

ANONYMOUS = "隐名捐赠建材公司"
PERSON = "欧阳明"


@pytest.fixture
def public_world(county, supplies, stocked):
    """Goods from the enterprise (named), the anonymous company and a person (masked);
    a partly confirmed allocation; an allocation to a unit that asked not to be named."""
    anonymous = pledge(
        supplies, donor="anonymous", lines=[LineInput(supplies.rice, "200", "bag", lot_code="R1")]
    )
    receive_all(anonymous, supplies.warehouse)
    person = pledge(supplies, donor="person", lines=[], cash="500")
    account = cash_account_create(actor=None, name="县慈善会募捐专户", region=county.county)
    donation_cash_receive(actor=None, donation=person, account=account, amount="500")
    from bastion.supplies.services.allocations import (
        Approval,
        IssueLine,
        RequestLine,
        allocation_decide,
        allocation_request,
        shipment_issue,
    )

    rice = allocation_request(
        actor=county.command,
        recipient=county.community_b1,
        lines=[RequestLine(supplies.rice, "1000", "kg")],
        reason="隔离点生活保障",
        disclose_recipient=False,
    )
    allocation_decide(
        actor=county.command,
        allocation=rice,
        approvals=[Approval(rice.lines.get(), "1000")],
        warehouse=supplies.warehouse,
    )
    shipment_issue(
        actor=supplies.keeper, allocation=rice, lines=[IssueLine(rice.lines.get(), "1000")]
    )
    allocation, _shipment = received_short(county, supplies)
    anonymous.refresh_from_db()
    person.refresh_from_db()
    return {"anonymous": anonymous, "allocation": allocation, "hidden": rice, "person": person}


def pages(client, world):
    urls = [
        reverse("supplies_public:index"),
        reverse("supplies_public:donations"),
        reverse("supplies_public:allocations"),
        reverse("supplies_public:donation", args=[world["anonymous"].public_id]),
        reverse("supplies_public:donation", args=[world["person"].public_id]),
        reverse("supplies_public:allocation", args=[world["allocation"].public_id]),
        reverse("supplies_public:allocation", args=[world["hidden"].public_id]),
        reverse("supplies_public:export"),
        "/api/v1/supplies/public/summary",
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode("utf-8-sig")
    return bodies


def test_the_public_pages_need_no_login(client, public_world):
    body = client.get(reverse("supplies_public:index")).content.decode()
    assert "湖南星沙医疗器械有限公司" in body
    assert "松雅社区" in body


def test_anonymous_donors_never_appear_publicly(client, public_world):
    for url, body in pages(client, public_world).items():
        assert ANONYMOUS not in body, url
        assert PERSON not in body, url  # a person is shown masked unless they agreed
    body = client.get(
        reverse("supplies_public:donation", args=[public_world["anonymous"].public_id])
    )
    assert "匿名捐赠者" in body.content.decode()
    assert "欧**" in client.get(reverse("supplies_public:donations")).content.decode()


def test_searching_by_an_anonymous_donors_name_finds_nothing(client, public_world):
    response = client.get(reverse("supplies_public:donations"), {"donor": "隐名"})
    assert public_world["anonymous"].number not in response.content.decode()
    response = client.get(reverse("supplies_public:donations"), {"donor": "欧阳"})
    assert public_world["person"].number not in response.content.decode()
    response = client.get(reverse("supplies_public:donations"), {"donor": "星沙医疗"})
    assert "湖南星沙医疗器械有限公司" in response.content.decode()


def test_recipients_who_asked_are_not_named_nor_found(client, public_world):
    hidden = public_world["hidden"]
    for url, body in pages(client, public_world).items():
        assert "黄兴村" not in body, url
        assert "隔离点生活保障" not in body, url  # reasons of requests stay internal
    response = client.get(reverse("supplies_public:allocations"), {"recipient": "黄兴"})
    assert hidden.number not in response.content.decode()
    response = client.get(reverse("supplies_public:allocations"), {"recipient": "松雅"})
    assert public_world["allocation"].number in response.content.decode()


def test_a_partial_receipt_shows_the_shortfall_publicly(client, public_world):
    url = reverse("supplies_public:allocation", args=[public_world["allocation"].public_id])
    body = client.get(url).content.decode()
    assert "短缺" in body and "100 个" in body


def test_the_public_totals_reconcile_with_the_ledger_to_the_unit(client, supplies, public_world):
    response = client.get(reverse("supplies_public:index"))
    figures = response.context["figures"]
    for row in figures.stock:
        ledger = StockMove.objects.filter(item=row.item).aggregate(t=Sum("quantity"))["t"]
        assert row.on_hand == ledger and row.reconciles
        received = StockMove.objects.filter(item=row.item, kind=MoveKind.RECEIVED)
        assert row.received == received.aggregate(t=Sum("quantity"))["t"]
    rows = {row.item.code: row for row in figures.stock}
    assert rows["rice"].on_hand == 4000 and rows["rice"].issued == 1000
    assert rows["mask-medical"].on_hand == 3000
    assert figures.cash["received"] == Decimal("500.00")
    assert figures.value_in_kind == Decimal("12500.00") + Decimal("28000.00") + Decimal("25000.00")
    assert "对账一致" in response.content.decode()


def test_the_donation_page_shows_where_every_unit_went(client, supplies, public_world, stocked):
    body = client.get(
        reverse("supplies_public:donation", args=[stocked.public_id])
    ).content.decode()
    assert "出库 2,000 个" in body and "松雅社区" in body
    assert "仍在库 3,000 个" in body


def test_unreceived_and_cancelled_donations_are_not_public(client, supplies, public_world):
    from bastion.supplies.services.donations import donation_cancel

    pending = pledge(supplies, donor="society")
    cancelled = pledge(supplies, donor="society")
    donation_cancel(actor=None, donation=cancelled, reason="撤回")
    for donation in (pending, cancelled):
        url = reverse("supplies_public:donation", args=[donation.public_id])
        assert client.get(url).status_code == 404


def test_public_pages_are_rate_limited(client, settings, public_world):
    settings.BASTION_PUBLIC_REQUESTS_PER_MINUTE = 2
    url = reverse("supplies_public:index")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize("growth", [0, 5])
@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("supplies_public:index", 29),
        ("supplies_public:donations", 9),
        ("supplies_public:allocations", 10),
    ],
)
def test_public_lists_keep_their_query_count(
    client, county, supplies, public_world, django_assert_max_num_queries, name, budget, growth
):
    for _ in range(growth):
        receive_all(pledge(supplies, donor="person"), supplies.warehouse)
        received_short(county, supplies)
        requested(county, supplies)
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name)).status_code == 200


def test_the_public_page_reads_in_english(client, public_world):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("supplies_public:index")).content.decode()
    assert "Where donations went" in body and "Reconciles" in body
    assert "捐赠物资公示" not in body


def test_errors_read_in_english(county, supplies, login):
    from django.utils import translation

    from bastion.supplies.services.donations import LineInput

    with translation.override("en"), pytest.raises(Exception) as info:
        pledge(supplies, lines=[LineInput(supplies.masks, "-3", "box")])
    assert "Line 1 (医用口罩) Quantity: must be more than 0 (you entered -3)" in str(info.value)
