"""The supplies part of the demo county, called by demo/generator.py after the people,
monitoring and party demos exist.

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
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from bastion.geo.models import Level, Region

# item code, name, category, base unit, reference price (yuan per base unit), conversions
ITEMS = [
    ("lung-function-tester", "肺功能仪", "equipment", "tai", "15000", []),
    ("air-purifier", "空气净化器", "equipment", "tai", "2000", []),
    ("mask-medical", "一次性医用口罩", "medical", "piece", "2.5", [("box", "50")]),
    ("alcohol-75", "75%医用酒精", "disinfection", "kg", "20", [("barrel", "10")]),
    ("disinfectant-84", "84消毒液", "disinfection", "barrel", "60", []),
    ("protective-suit", "医用防护服", "medical", "jian", "150", []),
    ("gloves-medical", "医用检查手套", "medical", "pair", "5", []),
    ("rice", "大米", "food", "kg", "5", [("bag", "25")]),
    ("pork", "猪肉", "food", "kg", "50", []),
]
# The goods donations: (item code, quantity, unit, declared value or None, lot code).
GOODS = [
    ("lung-function-tester", "100", "tai", "1500000", "FGY-2001"),
    ("lung-function-tester", "50", "tai", None, "FGY-2002"),
    ("lung-function-tester", "25", "tai", "375000", "FGY-2003"),
    ("air-purifier", "120", "tai", None, ""),
    ("air-purifier", "80", "tai", "160000", ""),
    ("air-purifier", "60", "tai", None, ""),
    ("air-purifier", "40", "tai", "80000", ""),
    ("mask-medical", "300", "box", "37500", "KZ200125"),
    ("mask-medical", "200", "box", None, "KZ200128"),
    ("mask-medical", "5000", "piece", None, "KZ200130"),
    ("mask-medical", "4000", "piece", "10000", ""),
    ("mask-medical", "3050", "piece", None, ""),
    ("mask-medical", "2000", "piece", None, ""),
    ("mask-medical", "2500", "piece", None, ""),
    ("mask-medical", "1500", "piece", None, ""),
    ("alcohol-75", "1500", "jin", None, "JJ-0126"),
    ("alcohol-75", "800", "jin", "8000", ""),
    ("alcohol-75", "500", "jin", None, ""),
    ("disinfectant-84", "120", "barrel", None, ""),
    ("disinfectant-84", "80", "barrel", "4800", ""),
    ("protective-suit", "100", "jian", None, "FH-01"),
    ("protective-suit", "60", "jian", "9000", "FH-02"),
    ("protective-suit", "40", "jian", None, ""),
    ("gloves-medical", "120", "pair", None, ""),
    ("gloves-medical", "80", "pair", None, ""),
    ("rice", "100", "bag", None, ""),
    ("rice", "1500", "kg", None, ""),
    ("rice", "1000", "kg", "5000", ""),
    ("pork", "600", "jin", None, ""),
    ("pork", "200", "kg", "10000", ""),
]
CASH = [50000, 40000, 30000, 30000, 30000, 25000, 20000, 20000, 20000, 20000, 20000, 15000]
CASH += [15000, 12000, 10000, 10000, 10000, 8000, 6000, 5000, 5000, 4000, 3000, 3000]

INDUSTRIES = [
    "医疗器械", "建材", "电子科技", "食品", "物流", "机械制造", "环保科技", "生物医药",
    "置业", "商贸", "农业发展", "汽车零部件", "新材料", "包装", "工程机械",
]  # fmt: skip
STATE_ENTERPRISES = [
    "长沙县城市建设投资集团有限公司",
    "长沙县水务集团有限公司",
    "长沙县交通发展集团有限公司",
    "长沙县农村商业银行股份有限公司",
    "长沙县国有资产经营有限公司",
    "长沙县粮食购销有限公司",
    "长沙县文化旅游投资有限公司",
]
SOCIAL_ORGANIZATIONS = [
    "长沙县慈善会",
    "长沙县红十字会",
    "长沙县工商业联合会",
    "长沙县青年企业家协会",
    "长沙县退役军人志愿服务协会",
    "星沙商会",
    "长沙县女企业家协会",
    "长沙县义工联合会",
    "长沙县医学会",
]
NONPUBLIC_ENTERPRISES = 45 - len(STATE_ENTERPRISES)
STEMS = [
    "星沙", "湘龙", "松雅", "泉塘", "榔梨", "黄兴", "金井", "春华", "果园", "路口", "高桥",
    "安沙", "福临", "开慧", "江背", "黄花", "捞刀河", "浏阳河", "湘江", "天华", "东升",
]  # fmt: skip


def _users() -> dict:
    names = ("command", "keeper", "town", "community")
    found = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return {name: found.get(name) for name in names}


def _catalogue():
    from bastion.supplies.models import Item, Unit
    from bastion.supplies.services.catalogue import item_create, item_unit_add

    units = {u.code: u for u in Unit.objects.all()}
    items = {}
    for code, name, category, base, price, conversions in ITEMS:
        item = Item.objects.filter(code=code).first()
        if item is None:
            item = item_create(
                actor=None,
                code=code,
                name=name,
                category=category,
                base_unit=units[base],
                reference_price=price,
            )
            for unit, factor in conversions:
                item_unit_add(actor=None, item=item, unit=units[unit], factor=factor)
        items[code] = item
    return items


def _donors(rng: random.Random, county: Region) -> list:
    from bastion.supplies.models import Disclosure, DonorKind
    from bastion.supplies.services.donors import donor_create

    stems = STEMS[:]
    rng.shuffle(stems)
    industries = INDUSTRIES[:]
    names = []
    for n in range(NONPUBLIC_ENTERPRISES):
        stem = stems[n % len(stems)]
        industry = industries[(n * 7) % len(industries)]
        names.append((DonorKind.ENTERPRISE_NONPUBLIC, f"湖南{stem}{industry}有限公司"))
    names += [(DonorKind.ENTERPRISE_STATE, name) for name in STATE_ENTERPRISES]
    names += [(DonorKind.SOCIAL_ORGANIZATION, name) for name in SOCIAL_ORGANIZATIONS]
    donors = []
    seen = set()
    for index, (kind, name) in enumerate(names):
        while name in seen:
            name = name.replace("有限公司", "股份有限公司", 1)
        seen.add(name)
        anonymous = kind == DonorKind.ENTERPRISE_NONPUBLIC and index in (5, 17)
        donors.append(
            donor_create(
                actor=None,
                kind=kind,
                name=name,
                region=county,
                disclosure=Disclosure.ANONYMOUS if anonymous else Disclosure.NAME,
                contact_name=rng.choice("王李张刘陈杨黄周吴")
                + rng.choice(["经理", "主任", "会长", "秘书长"]),
                contact_phone=f"139{rng.randrange(10**8):08d}",
            )
        )
    rng.shuffle(donors)
    return donors


def _warehouses(county: Region, users: dict):
    from bastion.access.roles import Role
    from bastion.demo.users import demo_user_with_role
    from bastion.supplies.services.stock import warehouse_create

    town = Region.objects.filter(parent=county).order_by("code").first()
    demo_user_with_role(
        username="xskeeper",
        full_name="邓建平",
        role=Role.WAREHOUSE_KEEPER,
        region=town,
    )
    from bastion.access.roles import Perm
    from bastion.access.scoping import can_on_path

    town_keeper = get_user_model().objects.filter(username="xskeeper").first()
    if town_keeper is not None and not can_on_path(town_keeper, Perm.STOCK_MANAGE, town.path):
        town_keeper = None  # the name was taken by someone else
    main = warehouse_create(
        actor=None,
        code="county-reserve",
        name="长沙县应急物资储备库",
        region=county,
        address="星沙大道物流园 3 号库",
        keepers=[u for u in (users["keeper"],) if u is not None],
    )
    local = warehouse_create(
        actor=None,
        code="xingsha-station",
        name=f"{town.name}物资中转站",
        region=town,
        address=f"{town.name}便民服务中心",
        keepers=[town_keeper] if town_keeper is not None else [],
    )
    return main, local, town, town_keeper


def _receipt_png(label: int) -> io.BytesIO:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 232, 152), outline="black", width=2)
    for row in range(5):
        draw.line((20, 40 + row * 20, 220, 40 + row * 20), fill="gray")
    draw.text((20, 16), f"RECEIPT {label:04d}", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = f"receipt-{label:04d}.png"
    buffer.size = len(buffer.getvalue())
    return buffer


def _checkpoints(county: Region, town: Region) -> list:
    """Checkpoint temporary branches: the party demo's if it made any, else two here."""
    from bastion.party.models import Organization, Sector, TemporarySite, Tier
    from bastion.party.services import organization_create

    found = list(
        Organization.objects.filter(
            tier=Tier.TEMPORARY_BRANCH, site_kind=TemporarySite.CHECKPOINT, closed_on__isnull=True
        ).order_by("path")[:3]
    )
    if found:
        return found
    parent = Organization.objects.filter(region=town).order_by("path").first()
    if parent is None:
        return []
    sites = [("TS1", "星沙高速收费站"), ("TS2", "长沙县黄花机场路口")]
    made = []
    for suffix, site in sites:
        code = f"{town.code[:9]}{suffix}"
        if Organization.objects.filter(code=code).exists():
            made.append(Organization.objects.get(code=code))
            continue
        made.append(
            organization_create(
                actor=None,
                code=code,
                name=f"{site}卡口临时党支部",
                tier=Tier.TEMPORARY_BRANCH,
                sector=Sector.OTHER,
                parent=parent,
                region=town,
                site_kind=TemporarySite.CHECKPOINT,
                site_name=site,
                purpose="卡口值守、车辆人员登记测温",
                opened_on=dt.date(2020, 1, 26),
            )
        )
    return made


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
