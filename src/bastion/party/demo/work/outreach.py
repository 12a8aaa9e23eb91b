"""What the demo's organizations do through the services, a few dozen of each: liaison
groups with visits and cadre observations, calls, party-fee grants with expenses, and
exemplars."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.db.models.functions import Mod

from bastion.party import services
from bastion.party.demo import names
from bastion.party.demo.members import Enrolled
from bastion.party.demo.structure import Tree, scaled
from bastion.party.models import MobilizationRecipient, PartyMember, Sector


def liaison_groups(*, rng, tree: Tree, ratio: float, today: dt.date, users) -> None:
    """The organization department's liaison groups, their key units, visits and a few
    cadre observations (through the services)."""
    keys = list(tree.towns.values()) + tree.hospitals
    groups = scaled(names.FULL["liaison"], ratio, 2)
    for n in range(groups):
        group = services.liaison_group_create(
            actor=None,
            organization=tree.root,
            number=n + 1,
            name=f"第{n + 1}联点小组",
            leader=rng.choice(["彭", "刘", "李", "陈", "周"])
            + rng.choice(["建华", "志刚", "立新", "卫东"]),
            members_text="组织部干部三名",
            focus="督导基层党组织落实防控措施",
            formed_on=today - dt.timedelta(days=20),
        )
        for user in users:
            group.users.add(user)
        units = keys[n::groups][:4] or [keys[n % len(keys)]]
        for unit in units:
            services.liaison_pair(actor=None, group=group, unit=unit)
        for unit in units[:2]:
            services.liaison_visit_record(
                actor=None,
                group=group,
                unit=unit,
                visited_on=today - dt.timedelta(days=rng.randint(1, 10)),
                participants=group.leader,
                findings=rng.choice(
                    [
                        "卡口轮班安排合理，物资储备不足三天",
                        "入户排查台账完整，个别网格漏登",
                        "临时党支部作用发挥明显，需补充防护服",
                    ]
                ),  # fmt: skip
                follow_up="已反馈县指挥部协调",
            )
            services.cadre_observation_record(
                actor=None,
                unit=unit,
                group=group,
                cadre_name=rng.choice(["周", "黄", "谭"]) + rng.choice(["国强", "丽华", "明"]),
                position="党委副书记",
                observed_on=today - dt.timedelta(days=rng.randint(1, 10)),
                situation="卡口值守和入户排查",
                performance="靠前指挥，连续在岗，协调解决物资短缺问题",
                rating=rng.choice(["outstanding", "good"]),
            )


def mobilize(*, rng, tree: Tree, now: dt.datetime) -> None:
    """Two county calls and one town call, with recipients' responses set in bulk."""
    sent = []
    for n, (title, body, audience) in enumerate(names.CALLS):
        sent.append(
            services.mobilization_send(
                actor=None,
                organization=tree.root,
                title=title,
                body=body,
                audience=audience,
                notify_logins=False,
                sent_at=now - dt.timedelta(days=12 - 4 * n),
            )
        )
    town = next(iter(tree.towns.values()))
    sent.append(
        services.mobilization_send(
            actor=None,
            organization=town,
            title=f"{town.region.name}党员到社区报到参与值守",
            body="请街道各级党组织和党员按网格分组参与值守。",
            audience="both",
            notify_logins=False,
            sent_at=now - dt.timedelta(days=2),
        )
    )
    shares = [(92, 81, 66), (97, 90, 72), (70, 50, 30)]
    for call, (seen, answered, acted) in zip(sent, shares, strict=False):
        # A pseudo-random but deterministic share of the recipients, set-based.
        recipients = MobilizationRecipient.objects.filter(mobilization=call).annotate(
            slot=Mod(F("pk") * 7919, 100)
        )
        stamp = call.sent_at + dt.timedelta(hours=6)
        recipients.filter(slot__lt=seen).update(seen_at=stamp)
        recipients.filter(slot__lt=answered).update(
            answered_at=stamp + dt.timedelta(hours=2), answer="收到，坚决落实"
        )
        recipients.filter(slot__lt=acted).update(
            acted_at=stamp + dt.timedelta(days=1), action=rng.choice(names.SERVICES)
        )


def grant_fees(*, rng, tree: Tree, ratio: float, today: dt.date) -> None:
    """Party fees granted to towns, hospitals and temporary branches (summing to the
    scenario's total), and some expenses against them."""
    total = Decimal(scaled(names.FULL["fees"], ratio, 10000))
    recipients = (
        list(tree.towns.values())
        + tree.hospitals
        + tree.temporary[: max(2, len(tree.temporary) // 4)]
    )
    weights = [
        3 if o in tree.towns.values() else 2 if o in tree.hospitals else 1 for o in recipients
    ]
    unit = total / sum(weights)
    amounts = [(unit * w).quantize(Decimal("100")) for w in weights]
    amounts[-1] += total - sum(amounts)
    for org, amount in zip(recipients, amounts, strict=True):
        grant = services.fee_grant_create(
            actor=None,
            grantor=tree.root,
            organization=org,
            amount=amount,
            purpose=rng.choice(
                ["购买口罩、消毒液等防护物资", "慰问一线党员和医务人员", "卡口值守补助"]
            ),
            document_no=f"长组通〔2020〕{rng.randint(10, 40)}号",
            granted_on=today - dt.timedelta(days=rng.randint(10, 16)),
        )
        left = amount
        for _n in range(rng.randint(0, 3)):
            spend = (left * Decimal(rng.randint(15, 35)) / 100).quantize(Decimal("0.01"))
            if spend <= 0:
                break
            services.fee_expense_record(
                actor=None,
                grant=grant,
                amount=spend,
                spent_on=today - dt.timedelta(days=rng.randint(0, 8)),
                description=rng.choice(["采购口罩", "采购消毒液", "一线值守人员慰问品", "测温枪"]),
            )
            left -= spend


def _photo(rng) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (180 + rng.randint(0, 60), 40, 30))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.rectangle([40 + i * 90, 260 - i * 25, 110 + i * 90, 360], fill=(250, 220, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def exemplars(*, rng, tree: Tree, members: list[Enrolled], ratio: float) -> None:
    """Nominations, some reviewed and published on the public column (with a photo)."""
    count = scaled(names.FULL["exemplars"], ratio, 4)
    candidates = [m for m in members if m.sector in (Sector.HOSPITAL, Sector.ORGAN, Sector.TOWN)]
    for n in range(count):
        enrolled = candidates[(n * 37) % len(candidates)]
        member = PartyMember.objects.select_related("person").get(pk=enrolled.pk)
        publish = n < max(2, count * 5 // 8)
        exemplar = services.exemplar_nominate(
            actor=None,
            nominating_org=enrolled.org,
            kind="person",
            member=member,
            title=rng.choice(
                [
                    "战疫一线的“守门人”",
                    "白衣执甲 逆行出征",
                    "社区里的“红色管家”",
                    "物资保障的“铁肩膀”",
                ]
            ),
            deed=rng.choice(names.DEED_TEMPLATES).format(
                name=member.person.name, place=enrolled.org.name.removesuffix("党支部")
            ),
            photo=_photo(rng) if publish else None,
        )
        if n < count - 1:
            services.exemplar_review(actor=None, exemplar=exemplar, approve=True)
        if publish:
            services.exemplar_publish(actor=None, exemplar=exemplar)
