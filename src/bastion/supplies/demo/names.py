"""Static material for the supplies part of the demo county: the catalogue, the goods
and cash given, and the (synthetic) donor names."""

from __future__ import annotations

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
