"""Writing a daily briefing (工作简报) from the indicators.

A briefing's text holds tokens instead of numbers: `[[code]]` is the figure of indicator
`code` as of the briefing's moment, with its unit; `[[code|逾]]` states a figure of
10,000 or more rounded down (decision 0071). The figures themselves are kept with the
briefing (`Briefing.figures`), so the text can be edited freely and every number still
comes from, and links to, its indicator.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Scope
from bastion.reports import registry

TOKEN = re.compile(r"\[\[([a-z0-9_]+)(\|逾)?\]\]")
ROUND_FROM = 10_000


@dataclass(frozen=True)
class Part:
    key: str
    title: object  # lazy
    sentences: tuple  # lazy sentences holding tokens


# The sections of a briefing, in the order of the official register. A sentence is used
# only when every indicator it names is registered. The sentences are this project's own.
PARTS = (
    Part(
        "command",
        gettext_lazy("一、组织指挥"),
        (
            gettext_lazy(
                "指挥部累计向下级单位下发指令[[command_directives_issued]]，"
                "指令完成率[[command_directive_completion_rate]]，"
                "逾期未完成的单位[[command_directive_targets_overdue]]。"
            ),
            gettext_lazy(
                "各类事件按期办结[[command_incidents_closed_in_time]]，"
                "尚未办结[[command_incidents_open]]，其中逾期未处置[[command_incidents_overdue]]。"
            ),
            gettext_lazy("当日逾期未报送日报的单位[[command_daily_forms_missing]]。"),
        ),
    ),
    Part(
        "screening",
        gettext_lazy("二、摸底排查"),
        (
            gettext_lazy(
                "辖区实有人口[[people|逾]]，分属[[households|逾]]。"
                "进行中的排查行动应排查[[campaigns_households|逾]]，"
                "已走访[[campaigns_households_visited|逾]]，"
                "入户排查覆盖率[[campaigns_coverage_rate]]，"
                "尚待走访[[campaigns_households_pending]]。"
            ),
            gettext_lazy(
                "检查公共场所[[campaigns_venues_inspected]]，其中合格[[campaigns_venues_compliant]]；"
                "签订承诺书[[campaigns_commitments_signed]]，"
                "发放宣传资料[[campaigns_leaflets_handed_out]]。"
            ),
        ),
    ),
    Part(
        "control",
        gettext_lazy("三、重点人群管控"),
        (
            gettext_lazy(
                "居家观察对象现有[[monitoring_under_observation]]，"
                "当日新增[[monitoring_new_today]]、解除[[monitoring_released_today]]。"
            ),
            gettext_lazy(
                "当日完成随访[[monitoring_followups_done]]，"
                "逾期未随访[[monitoring_followups_overdue]]；"
                "未处置的发热预警[[monitoring_fever_alerts_open]]，"
                "未完成的居家服务请求[[monitoring_services_open]]。"
            ),
        ),
    ),
    Part(
        "party",
        gettext_lazy("四、党组织和党员在行动"),
        (
            gettext_lazy(
                "辖区基层党组织[[party_organizations]]、党员[[party_members]]投入防控，"
                "运行中的临时党支部[[party_temporary_branches_open]]，"
                "组建抗疫先锋队[[party_vanguard_teams]]，设立党员先锋岗[[party_vanguard_posts]]、"
                "党员责任区[[party_responsibility_zones]]。"
            ),
            gettext_lazy(
                "在职党员进社区报到[[party_employed_registered]]，"
                "报到率[[party_registration_rate]]；"
                "累计下拨党费[[party_fees_granted]]，已支出[[party_fees_spent]]。"
            ),
        ),
    ),
    Part(
        "volunteers",
        gettext_lazy("五、志愿服务"),
        (
            gettext_lazy(
                "登记志愿者[[volunteers_registered]]，发布志愿任务[[volunteers_tasks_published]]，"
                "累计服务[[volunteers_hours_served]]；"
                "完成居民服务需求[[volunteers_orders_done]]，"
                "尚未完成[[volunteers_orders_open]]。"
            ),
        ),
    ),
    Part(
        "supplies",
        gettext_lazy("六、捐赠和物资保障"),
        (
            gettext_lazy(
                "接受捐赠的单位和个人[[supplies_donors]]，物资捐赠[[supplies_donations_in_kind]]，"
                "折合价值[[supplies_value_in_kind]]；捐款到账[[supplies_cash_received]]。"
            ),
            gettext_lazy(
                "已批准物资分配[[supplies_allocated]]，"
                "接收单位已确认收货[[supplies_confirmed_received]]，"
                "待审批的物资申请[[supplies_requests_open]]。"
            ),
        ),
    ),
    Part(
        "exemplars",
        gettext_lazy("七、先进典型"),
        (gettext_lazy("经审核发布的先进典型[[party_exemplars_published]]。"),),
    ),
)

EXEMPLARS_LISTED = 5


def tokens(text: str) -> list[str]:
    """The indicator codes a text names."""
    return [m.group(1) for m in TOKEN.finditer(text or "")]


def rounded(value: int, english: bool) -> str:
    """A figure of 10,000 or more rounded down (逾4.4万 / over 44,000); smaller ones exact."""
    if value < ROUND_FROM:
        return f"{value:,}" if english else str(value)
    if english:
        floor = value // 1000 * 1000
        return f"{floor:,}" if floor == value else _("逾%(n)s") % {"n": f"{floor:,}"}
    tenths = value // 1000  # tenths of 万
    text = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
    return f"{text}万" if tenths * 1000 == value else f"逾{text}万"


def rounding_rule() -> str:
    return _(
        "注：文中“逾N万”表示确切数大于N万，N为确切数以万为单位、保留一位小数向下取整"
        "（不足一万的数字均为确切数）；各项确切数见文末附表。"
    )


def format_figure(figure: dict, *, round_down: bool, english: bool) -> str:
    value = figure.get("value")
    unit = figure.get("unit", "")
    if value is None:
        return "—"
    number = rounded(value, english) if round_down else (f"{value:,}" if english else str(value))
    if not unit:
        return number
    if english and unit != "%":
        return f"{number} {unit}"
    return f"{number}{unit}"


def compute_figures(*, user, region, as_of: dt.datetime, codes: list[str]) -> dict[str, dict]:
    """{code: {"value", "name", "unit"}} of the named indicators, in the active language."""
    english = (translation.get_language() or "").startswith("en")
    found = registry.all_indicators()
    scope = Scope(user=user, region_path=region.path)
    out: dict[str, dict] = {}
    for code in dict.fromkeys(codes):
        indicator = found.get(code)
        if indicator is None:
            continue
        out[code] = {
            "value": indicator.count(scope, as_of),
            "name": indicator.name_en if english else indicator.name_zh,
            "unit": indicator.unit_en if english else indicator.unit_zh,
        }
    return out


def exemplar_lines(*, user, region, as_of: dt.datetime) -> list[str]:
    """Titles of the latest exemplars published by `as_of` (already public, decision 0028)."""
    indicator = registry.all_indicators().get("party_exemplars_published")
    if indicator is None:
        return []
    records = indicator.records(Scope(user=user, region_path=region.path), as_of)
    rows = records.order_by("-published_at")[:EXEMPLARS_LISTED]
    return [_("%(name)s：%(title)s。") % {"name": e.subject_name, "title": e.title} for e in rows]


def draft_sections(*, user, region, as_of: dt.datetime) -> tuple[list[dict], dict[str, dict]]:
    """The generated sections (in the active language) and the figures they name."""
    known = registry.all_indicators()
    wanted: list[str] = []
    for part in PARTS:
        for sentence in part.sentences:
            wanted += tokens(str(sentence))
    figures = compute_figures(user=user, region=region, as_of=as_of, codes=wanted)
    sections = []
    for part in PARTS:
        sentences = [str(s) for s in part.sentences if all(c in known for c in tokens(str(s)))]
        if part.key == "exemplars":
            sentences += exemplar_lines(user=user, region=region, as_of=as_of)
        if sentences:
            sections.append({"key": part.key, "title": str(part.title), "text": "".join(sentences)})
    return sections, figures


def unknown_tokens(text: str, figures: dict) -> list[str]:
    return [code for code in tokens(text) if code not in figures]


def render_text(text: str, figures: dict, *, english: bool) -> str:
    """Plain text with every token replaced by its figure (for Word)."""

    def replace(match: re.Match) -> str:
        figure = figures.get(match.group(1))
        if figure is None:
            return match.group(0)
        return format_figure(figure, round_down=bool(match.group(2)), english=english)

    return TOKEN.sub(replace, text or "")


def render_html(text: str, figures: dict, *, english: bool, link) -> SafeString:
    """Escaped HTML with each figure a link to the records behind its indicator.

    `link(code)` returns the records URL (or "")."""
    out: list[str] = []
    last = 0
    for match in TOKEN.finditer(text or ""):
        out.append(escape(text[last : match.start()]))
        code = match.group(1)
        figure = figures.get(code)
        if figure is None:
            out.append(escape(match.group(0)))
        else:
            shown = escape(format_figure(figure, round_down=bool(match.group(2)), english=english))
            url = link(code)
            title = escape(f"{figure.get('name', '')} · {code}")
            out.append(
                f'<a class="bf-fig" data-indicator="{escape(code)}" href="{escape(url)}" '
                f'title="{title}">{shown}</a>'
                if url
                else f'<span class="bf-fig" data-indicator="{escape(code)}">{shown}</span>'
            )
        last = match.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every part escaped


def default_title(region, day: dt.date) -> str:
    return _("%(region)s疫情防控工作简报（%(date)s）") % {
        "region": region.name,
        "date": day.isoformat(),
    }


def moment_of(day: dt.date) -> dt.datetime:
    """Figures of a briefing are as of the end of its local day (now, if that is ahead)."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return min(end, timezone.now())
