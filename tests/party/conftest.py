"""Party fixtures on top of `county` and `party_tree` (tests/conftest.py).

`world` adds one record of every party aggregate, all in town A (星沙街道) unless said:
  - 张建国 (organ branch 430121J01, employed) registered and confirmed at community A1
    until `world.valid_until`; 王小明 (community A1 branch) holds a login `wang_login`
  - a vanguard team of town A with 王小明, a zone and a post answered by 王小明
  - liaison group 1 of the county committee paired with town A's committee, one visit
  - a cadre observation on town A's committee
  - a call from the county committee to organizations and members
  - a fee grant of 1000 yuan to town A's committee with one 200-yuan expense
  - exemplars: one published, one approved but not published, one nominated, one rejected
`secretary_a` manages town A's committee; `secretary_b` (town B) is the party outsider;
`county.outsider` (a grid worker in town B) sees nothing of the party app.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bastion.party import services
from bastion.party.models import CallAudience, RegistrationChannel, TeamKind


def png_file(name: str = "photo.png", colour=(200, 30, 30)) -> SimpleUploadedFile:
    """A small real PNG image as an upload."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


DEED = "在高速卡口连续值守十二个昼夜，带领党员突击队完成返乡人员登记和体温检测工作。"


@dataclass
class World:
    registration: object
    valid_until: dt.date
    team: object
    zone: object
    post: object
    group: object
    visit: object
    observation: object
    call: object
    grant: object
    expense: object
    published: object
    approved: object
    nominated: object
    rejected: object
    wang_login: object


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(county, party_tree) -> World:
    from tests.conftest import make_user

    today = timezone.localdate()
    zhang, wang = party_tree.members["zhang"], party_tree.members["wang"]
    registration = services.registration_submit(
        actor=None,
        member=zhang,
        community=county.community_a1,
        channel=RegistrationChannel.OFFLINE,
        skills=["驾驶"],
    )
    valid_until = today + dt.timedelta(days=90)
    services.registration_decide(
        actor=None, registration=registration, confirm=True, valid_until=valid_until
    )
    wang_login = make_user("wang_login")
    services.member_account_link(actor=None, member=wang, user=wang_login)
    team = services.team_create(
        actor=None,
        organization=party_tree.town_a,
        kind=TeamKind.VANGUARD,
        name="星沙街道抗疫先锋队",
        region=county.town_a,
    )
    services.team_member_add(actor=None, team=team, person=wang.person, role="队员")
    zone = services.zone_create(
        actor=None, organization=party_tree.branch_a1, member=wang, name="松雅1栋责任区"
    )
    post = services.post_create(
        actor=None, organization=party_tree.town_a, member=wang, name="高速卡口先锋岗"
    )
    group = services.liaison_group_create(
        actor=None, organization=party_tree.root, number=1, name="第一联点小组", leader="刘组长"
    )
    services.liaison_pair(actor=None, group=group, unit=party_tree.town_a)
    visit = services.liaison_visit_record(
        actor=None,
        group=group,
        unit=party_tree.town_a,
        visited_on=today,
        findings="卡口值守人员轮换不及时",
    )
    observation = services.cadre_observation_record(
        actor=None,
        unit=party_tree.town_a,
        cadre_name="陈观察",
        observed_on=today,
        situation="卡口值守",
        performance="连续在岗，组织有力",
        rating="outstanding",
    )
    call = services.mobilization_send(
        actor=None,
        organization=party_tree.root,
        title="全县党员投身疫情防控",
        body="请各级党组织和党员立即行动起来。",
        audience=CallAudience.BOTH,
        notify_logins=False,
    )
    grant = services.fee_grant_create(
        actor=None,
        grantor=party_tree.root,
        organization=party_tree.town_a,
        amount="1000",
        purpose="购买防护物资",
    )
    expense = services.fee_expense_record(
        actor=None, grant=grant, amount="200", spent_on=today, description="口罩100个"
    )
    stories = {}
    for key, title in [
        ("published", "卡口上的先锋"),
        ("approved", "社区里的逆行者"),
        ("nominated", "待审核的事迹"),
        ("rejected", "未通过的事迹"),
    ]:
        stories[key] = services.exemplar_nominate(
            actor=None,
            nominating_org=party_tree.town_a,
            kind="person",
            member=wang,
            title=title,
            deed=DEED,
            photo=png_file() if key == "published" else None,
        )
    services.exemplar_review(actor=None, exemplar=stories["published"], approve=True)
    services.exemplar_publish(actor=None, exemplar=stories["published"])
    services.exemplar_review(actor=None, exemplar=stories["approved"], approve=True)
    services.exemplar_review(
        actor=None, exemplar=stories["rejected"], approve=False, note="事迹不够具体"
    )
    return World(
        registration=registration,
        valid_until=valid_until,
        team=team,
        zone=zone,
        post=post,
        group=group,
        visit=visit,
        observation=observation,
        call=call,
        grant=grant,
        expense=expense,
        wang_login=wang_login,
        **stories,
    )


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
