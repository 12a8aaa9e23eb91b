"""The records the demo's supplies work stands on: demo users, the catalogue, donors,
warehouses, checkpoint branches, receipt images."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model

from bastion.geo.models import Region
from bastion.supplies.demo.names import (
    INDUSTRIES,
    ITEMS,
    NONPUBLIC_ENTERPRISES,
    SOCIAL_ORGANIZATIONS,
    STATE_ENTERPRISES,
    STEMS,
)


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
