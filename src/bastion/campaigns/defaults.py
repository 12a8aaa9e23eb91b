"""The venue kinds a new installation starts with, and their inspection checklists.

Used by the data migration and by tests that flush the database; the county command
edits kinds and checklists afterwards at /campaigns/venue-kinds/.
"""

from __future__ import annotations

_COMMON = ["入口测温并登记", "每日消毒并有记录", "保持通风", "工作人员佩戴口罩", "张贴防控告示"]
_CHECKIN = ["场所码张贴在入口显眼处"]
_CLOSED = ["张贴暂停营业告示", "确已停止营业"]

# code, Chinese name, English name, checklist
DEFAULT_VENUE_KINDS: list[tuple[str, str, str, list[str]]] = [
    ("hotel", "酒店宾馆", "Hotel", ["住客实名登记", "外地来客当日报告", *_COMMON, *_CHECKIN]),
    ("guesthouse", "民宿旅社", "Guesthouse", ["住客实名登记", "外地来客当日报告", *_COMMON]),
    ("internet_cafe", "网吧", "Internet café", [*_CLOSED, *_COMMON]),
    ("ktv", "KTV", "KTV", [*_CLOSED, *_COMMON]),
    ("mahjong", "麻将馆（棋牌室）", "Mahjong parlour", [*_CLOSED, "无聚集打牌"]),
    (
        "supermarket",
        "超市",
        "Supermarket",
        ["控制店内人数", "排队间隔一米以上", *_COMMON, *_CHECKIN],
    ),
    ("market", "农贸市场", "Market", ["控制人流并分区进出", "摊位间隔", *_COMMON, *_CHECKIN]),
    ("restaurant", "餐馆", "Restaurant", ["暂停堂食或分餐", "餐具消毒", *_COMMON, *_CHECKIN]),
    ("other", "其他场所", "Other", [*_COMMON]),
]


def seed_venue_kinds(apps, schema_editor=None) -> None:
    """Create the default kinds that do not exist yet (never overwrites an edited one)."""
    VenueKind = apps.get_model("campaigns", "VenueKind")
    for order, (code, name_zh, name_en, checklist) in enumerate(DEFAULT_VENUE_KINDS):
        VenueKind.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "checklist": checklist,
                "order": (order + 1) * 10,
            },
        )
