"""Static material for the party part of the demo county (synthetic names)."""

from __future__ import annotations

COUNTY_COMMITTEE_NAME = "中共长沙县委员会"
SECRETARY_TOWN = "星沙街道"

# The scenario's figures for the full demo county (18 towns, 54 villages and communities);
# smaller demo counties get them in proportion to their villages and communities.
FULL_UNITS = 54
FULL = {
    "organizations": 1900,
    "members": 44200,
    "medical": 640,
    "registered": 5150,
    "registered_organ": 2080,
    "temporary": 82,
    "vanguard": 205,
    "volunteer": 315,
    "medical_teams": 24,
    "liaison": 11,
    "zones": 320,
    "posts": 240,
    "fees": 1_060_000,
    "exemplars": 8,
}

# County-level system committees under the county committee: (code suffix, name, tier, sector)
SYSTEMS = [
    ("J", "中共长沙县直属机关工作委员会", "working_committee", "organ"),
    ("W", "中共长沙县卫生健康局委员会", "committee", "hospital"),
    ("E", "中共长沙县教育局委员会", "committee", "school"),
    ("G", "中共长沙县国有企业委员会", "committee", "state_enterprise"),
    ("S", "中共长沙县社会组织委员会", "committee", "social_organization"),
]

DEPARTMENTS = [
    "县委办",
    "县政府办",
    "县纪委监委",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委",
    "县发改局",
    "县财政局",
    "县人社局",
    "县自然资源局",
    "县住建局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文旅广体局",
    "县卫健局机关",
    "县应急管理局",
    "县审计局",
    "县市场监管局",
    "县统计局",
    "县医保局",
    "县城管局",
    "县公安局",
    "县司法局",
    "县民政局",
    "县生态环境局",
    "县林业局",
    "县信访局",
    "县档案馆",
    "县融媒体中心",
    "县政务服务中心",
    "县总工会",
    "团县委",
    "县妇联",
    "县科协",
    "县工商联",
    "县税务局",
    "县人民法院",
    "县人民检察院",
]
HOSPITALS = [
    ("县人民医院", "committee"),
    ("县中医医院", "committee"),
    ("县妇幼保健院", "general_branch"),
    ("县疾病预防控制中心", "general_branch"),
]
WARDS = [
    "内科",
    "外科",
    "急诊科",
    "感染科",
    "呼吸科",
    "护理部",
    "医技科室",
    "行政后勤",
    "发热门诊",
    "检验科",
]
SCHOOL_KINDS = ["中学", "实验学校", "小学", "幼儿园", "职业中专"]
COMPANY_STEMS = [
    "星城",
    "湘江",
    "华达",
    "恒信",
    "中联",
    "远大",
    "金霞",
    "湘丰",
    "蓝思",
    "博世",
    "兴业",
    "通程",
    "瑞丰",
    "创新",
    "宏图",
    "鑫源",
    "天成",
    "安泰",
    "福源",
    "永盛",
    "三一",
    "广汽",
    "长龙",
    "和顺",
]
COMPANY_KINDS = [
    "机械",
    "电子",
    "物流",
    "食品",
    "建材",
    "汽车配件",
    "生物医药",
    "新材料",
    "物业",
    "商贸",
]
SOCIAL_KINDS = [
    "志愿者协会",
    "商会",
    "行业协会",
    "社工服务中心",
    "慈善会",
    "红十字会",
    "义工联合会",
]
STATE_ENTERPRISES = ["县城投集团", "县水务集团", "县交通建设集团", "县农业发展集团", "县文旅集团"]
TEMP_SITES = [
    ("checkpoint", "{town}高速收费站卡口"),
    ("checkpoint", "{town}国道检查站"),
    ("checkpoint", "{town}进出口卡口"),
    ("hospital", "{town}卫生院发热门诊"),
    ("community", "{town}集中隔离观察点"),
    ("project", "{town}防疫物资保障项目部"),
]
SKILLS = ["驾驶", "医疗护理", "心理疏导", "宣传写作", "信息录入", "物资配送", "法律咨询"]
SERVICES = [
    "卡口值守",
    "入户排查",
    "体温检测",
    "代购送药",
    "宣传劝导",
    "消杀",
    "物资分发",
    "信息登记",
]
OCCUPATIONS = {
    "organ": ["公务员", "科员", "科长"],
    "town": ["乡镇干部", "办事员"],
    "hospital": ["医生", "护士", "医技人员"],
    "school": ["教师"],
    "state_enterprise": ["企业职工", "工程师"],
    "nonpublic_enterprise": ["企业职工", "技术员", "管理人员"],
    "social_organization": ["社会组织工作者"],
    "village": ["农民", "个体经营", "退休"],
    "community": ["退休", "个体经营", "居民"],
}
DEED_TEMPLATES = [
    "{name}在{place}连续值守二十余天，坚持每天核查过往车辆和人员，带动身边党员轮班上岗，"
    "守住了疫情输入的第一道关口。",
    "{name}主动请缨到发热门诊一线，每天穿着防护服工作十多个小时，细心照护每一位留观人员，"
    "用专业和担当守护群众健康。",
    "疫情发生后，{name}带领志愿服务队逐户上门排查登记，为居家观察的群众代购生活物资、"
    "送药上门，把党的温暖送到群众身边。",
    "{name}组织党员捐款捐物，协调运输车辆连夜把防护物资送到各村卡口，保障了一线防控需要。",
]
CALLS = [
    (
        "全县各级党组织和广大党员坚决打赢疫情防控阻击战",
        "各级党组织要把疫情防控作为当前最重要的工作，党员要亮身份、作表率，"
        "到社区报到，参加卡口值守、入户排查和志愿服务。",
        "both",
    ),
    (
        "关于组建党员突击队、设立党员先锋岗的通知",
        "请各基层党组织在卡口、隔离点和重点场所组建党员突击队，设立党员先锋岗，"
        "明确责任人并于三日内反馈。",
        "organizations",
    ),
]
