"""`seed_supplies`, the supplies records of the demo county.

It restates the scenario from records: 45 enterprises and 9 social organizations gave
175 lung-function devices, 300 air purifiers, 43,050 masks, 2,800 jin of alcohol, 200
barrels of disinfectant, 200 protective suits, 200 pairs of gloves, 5,000 kg of rice and
500 kg of meat (over 3.4 million yuan at the catalogue's reference prices) and 411,000
yuan in cash. Everything goes through the services, dated in the last three weeks:
receipts into the county warehouse, a transfer to 星沙街道's warehouse, allocations to
towns, communities and checkpoint branches at every stage (some confirmed with a
shortfall), cash purposes with receipts.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils.translation import gettext as _

from bastion.geo.models import Level, Region
from bastion.supplies.demo.names import CASH, GOODS
from bastion.supplies.demo.records import (
    _catalogue,
    _checkpoints,
    _donors,
    _receipt_png,
    _users,
    _warehouses,
)


def seed_supplies(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's supplies records; return the DemoLogin of the town warehouse keeper."""
    from bastion.access.roles import Role
    from bastion.demo.users import DEMO_PASSWORD, DemoLogin
    from bastion.supplies.services import allocations as alloc
    from bastion.supplies.services.cash import (
        cash_account_create,
        cash_purpose_create,
        cash_spend,
        donation_cash_receive,
    )
    from bastion.supplies.services.donations import (
        LineInput,
        ReceiveInput,
        donation_create,
        donation_receive,
    )
    from bastion.supplies.services.stock import TransferLine, stock_transfer, stock_write_off

    users = _users()
    items = _catalogue()
    donors = _donors(rng, county)
    main, local, town, town_keeper = _warehouses(county, users)
    start = now - dt.timedelta(days=20)

    def day(n: int, hour: int = 10) -> dt.datetime:
        return (start + dt.timedelta(days=n)).replace(hour=hour, minute=rng.randrange(60))

    # Goods: pledged and received in full into the county reserve.
    for index, (code, quantity, unit, value, lot) in enumerate(GOODS):
        when = day(index % 12, 9 + index % 8)
        donation = donation_create(
            actor=users["command"],
            donor=donors[index],
            pledged_on=(when - dt.timedelta(days=1)).date(),
            lines=[LineInput(items[code], quantity, unit, declared_value=value, lot_code=lot)],
        )
        line = donation.lines.get()
        donation_receive(
            actor=users["keeper"],
            donation=donation,
            warehouse=main,
            lines=[ReceiveInput(line, quantity, unit)],
            received_at=when,
        )
    # Cash: 411,000 yuan in 24 transfers to the charity account.
    account = cash_account_create(
        actor=None,
        name="长沙县慈善会疫情防控募捐专户",
        region=county,
        bank="长沙农村商业银行星沙支行",
        account_number="6230 9012 0000 4110",
    )
    for index, amount in enumerate(CASH):
        donor = donors[len(GOODS) + index]
        when = day(index % 15, 14)
        donation = donation_create(
            actor=users["command"],
            donor=donor,
            pledged_on=when.date(),
            lines=[],
            cash_pledged=str(amount),
        )
        donation_cash_receive(
            actor=users["command"],
            donation=donation,
            account=account,
            amount=str(amount),
            reference=f"TX2020{index + 1:06d}",
            payer_account=f"62{rng.randrange(10**14):014d}",
            at=when,
        )
    # Two pledges still on their way (not counted as received).
    for donor, (code, quantity, unit) in zip(
        donors[:2], [("mask-medical", "100", "box"), ("rice", "40", "bag")], strict=True
    ):
        donation_create(
            actor=users["command"],
            donor=donor,
            pledged_on=(now - dt.timedelta(days=1)).date(),
            lines=[LineInput(items[code], quantity, unit)],
        )

    # Stock work: alcohol leaked in transport; masks and rice moved to the town station.
    stock_write_off(
        actor=users["keeper"],
        warehouse=main,
        item=items["alcohol-75"],
        quantity="10",
        unit="jin",
        kind="damaged",
        reason="搬运中两桶破损渗漏",
        at=day(12),
    )
    stock_transfer(
        actor=users["keeper"],
        source=main,
        target=local,
        lines=[
            TransferLine(items["mask-medical"], "100", "box"),
            TransferLine(items["rice"], "40", "bag"),
        ],
        note="前置到星沙街道，便于社区就近领取",
        at=day(13),
    )

    # Allocations at every stage.
    towns = list(Region.objects.filter(parent=county).order_by("code")[:5])
    communities = list(
        Region.objects.filter(
            path__startswith=county.path, level__in=(Level.COMMUNITY, Level.VILLAGE)
        ).order_by("code")[:8]
    )
    checkpoints = _checkpoints(county, town)
    command = users["command"]

    def request(recipient, lines, reason, actor=None, at=None):
        return alloc.allocation_request(
            actor=actor or command,
            recipient=recipient,
            lines=[alloc.RequestLine(items[c], q, u) for c, q, u in lines],
            reason=reason,
            at=at,
        )

    def approve(allocation, warehouse, share=Decimal(1), at=None):
        approvals = []
        for line in allocation.lines.order_by("id"):
            approvals.append(alloc.Approval(line, (line.quantity * share).to_integral_value()))
        return alloc.allocation_decide(
            actor=command, allocation=allocation, approvals=approvals, warehouse=warehouse, at=at
        )

    def issue(allocation, keeper, at):
        return alloc.shipment_issue(
            actor=keeper,
            allocation=allocation,
            lines=[
                alloc.IssueLine(line, line.approved_base, line.item.base_unit)
                for line in allocation.lines.select_related("item__base_unit")
                if line.approved_base
            ],
            issued_at=at,
        )

    def confirm(shipment, at, short: dict | None = None):
        lines = []
        for line in shipment.allocation.lines.select_related("item__base_unit"):
            if not line.approved_base:
                continue
            missing = Decimal((short or {}).get(line.item.code, 0))
            lines.append(
                alloc.ReceivedLine(
                    line,
                    line.approved_base - missing,
                    line.item.base_unit,
                    note="运输途中外包装破损，点收时短少" if missing else "",
                )
            )
        return alloc.shipment_confirm(actor=command, shipment=shipment, lines=lines, received_at=at)

    plans = []
    for recipient in towns:
        plans.append(
            (recipient, [("lung-function-tester", "20", "tai"), ("air-purifier", "30", "tai")],
             "乡镇卫生院发热门诊和隔离观察点使用")
        )  # fmt: skip
    for recipient in communities:
        plans.append(
            (recipient, [("mask-medical", "40", "box"), ("alcohol-75", "100", "jin"),
                         ("disinfectant-84", "10", "barrel"), ("rice", "20", "bag")],
             "社区卡口值守、入户排查和居家观察家庭生活保障")
        )  # fmt: skip
    for recipient in checkpoints:
        plans.append(
            (recipient, [("mask-medical", "2000", "piece"), ("protective-suit", "40", "jian"),
                         ("gloves-medical", "40", "pair")],
             "卡口 24 小时值守，人员车辆登记测温")
        )  # fmt: skip
    for n, (recipient, lines, reason) in enumerate(plans):
        stage = n % 6
        at = day(13 + n % 6, 9)
        allocation = request(recipient, lines, reason, at=at)
        if stage == 5:
            continue  # still waiting for the command
        allocation = approve(
            allocation,
            main,
            Decimal("0.5") if stage == 4 else Decimal(1),
            at=at + dt.timedelta(hours=3),
        )
        if stage == 3:
            continue  # approved, waiting for the warehouse
        shipment = issue(allocation, users["keeper"], at + dt.timedelta(hours=6))
        if stage == 2:
            continue  # issued, waiting for the receiving unit
        short = (
            {"mask-medical": "100"}
            if stage == 1 and "mask-medical" in {c for c, _q, _u in lines}
            else None
        )
        if stage == 1 and short is None:
            short = {lines[0][0]: "1"}
        confirm(shipment, at + dt.timedelta(hours=9), short if stage == 1 else None)

    # The town station serves its own community from what was moved there.
    first_community = Region.objects.filter(parent=town).order_by("code").first()
    if first_community is not None and town_keeper is not None:
        allocation = request(
            first_community,
            [("mask-medical", "1000", "piece"), ("rice", "250", "kg")],
            "居家观察户生活物资配送",
            actor=users["community"],
            at=day(18),
        )
        allocation = approve(allocation, local, at=day(18, 14))
        shipment = issue(allocation, town_keeper, day(18, 16))
        confirm(shipment, day(19, 9))

    # Cash purposes, spent with receipts.
    purpose = cash_purpose_create(
        actor=command,
        account=account,
        title="采购医用防护服和护目镜",
        amount="150000",
        note="支援县人民医院发热门诊",
        at=day(15),
    )
    for n, amount in enumerate(("68000", "52000")):
        cash_spend(
            actor=command,
            purpose=purpose,
            amount=amount,
            payee="湖南省医药物资有限公司",
            description=f"医用防护服、护目镜采购（第{n + 1}批）",
            receipt=_receipt_png(n + 1),
            at=day(16 + n),
        )
    if towns:
        purpose = cash_purpose_create(
            actor=command,
            account=account,
            title="乡镇隔离观察点生活补助",
            amount="60000",
            recipient=towns[0],
            at=day(17),
        )
        cash_spend(
            actor=command,
            purpose=purpose,
            amount="18600",
            payee=f"{towns[0].name}隔离观察点",
            description="观察人员伙食和生活用品",
            receipt=_receipt_png(3),
            at=day(18),
        )

    if town_keeper is None:
        return []
    return [
        DemoLogin(
            "xskeeper",
            DEMO_PASSWORD,
            Role(Role.WAREHOUSE_KEEPER).label,
            town.name,
            _("%(w)s保管员") % {"w": local.name},
        )
    ]
