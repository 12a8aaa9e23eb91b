"""Files taken away from the party pages: the quarterly service record card of a member
(Word, for the employer's appraisal), the cards of an organization's employed members
(Excel), the member roster and the party-fee ledger (Excel).

Excel goes through `access.exports.export_workbook` (scope, as-of, watermark, audit;
Perm.EXPORT_PII for personal data, masked). The Word card carries the same watermark
line and is audited the same way; it holds no ID or phone number.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.exports import EXPORT_ACTION, export_workbook, watermark_text
from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import audit_record, client_ip
from bastion.party.selectors import ServiceCard

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def quarter_label(year: int, quarter: int) -> str:
    return _("%(y)d年第%(q)d季度") % {"y": year, "q": quarter}


def _registration_text(card: ServiceCard) -> str:
    registration = card.registration
    if registration is None:
        return _("未报到")
    return f"{registration.community.name}（{registration.get_status_display()}）"


def service_card_docx(*, user, request, card: ServiceCard) -> HttpResponse:
    """One member's card for a quarter as a Word document (audited, watermarked)."""
    from docx import Document
    from docx.shared import Pt

    if not has_perm(user, Perm.EXPORT_PII):
        raise PermissionDenied(_("没有导出个人信息的权限"))
    member = card.member
    now = timezone.now()
    mark = watermark_text(user, now)
    start, end = card.period
    document = Document()
    document.core_properties.title = _("党员进社区服务记实卡")
    document.core_properties.comments = mark
    document.add_heading(_("党员进社区服务记实卡"), level=1)
    document.add_paragraph(
        _("%(q)s（%(s)s至%(e)s）")
        % {
            "q": quarter_label(card.year, card.quarter),
            "s": start.isoformat(),
            "e": end.isoformat(),
        }
    )
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in [
        (_("姓名"), member.person.name),
        (_("所在党组织"), member.organization.name),
        (_("工作单位"), member.employer or "—"),
        (_("报到社区"), _registration_text(card)),
        (_("服务次数"), str(len(card.entries))),
        (_("服务天数"), str(card.days)),
        (_("服务时长（小时）"), f"{card.hours:.2f}"),
    ]:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    document.add_heading(_("服务记录"), level=2)
    if card.entries:
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            [_("日期"), _("社区"), _("时长（小时）"), _("服务内容")],
            strict=True,
        ):
            cell.text = str(text)
        for entry in card.entries:
            cells = table.add_row().cells
            cells[0].text = entry.served_on.isoformat()
            cells[1].text = entry.community.name if entry.community else "—"
            cells[2].text = f"{entry.hours:.2f}"
            cells[3].text = entry.description
    else:
        document.add_paragraph(_("本季度没有服务记录。"))
    document.add_heading(_("评价意见"), level=2)
    for line in (_("社区党组织意见："), _("所在单位党组织意见：")):
        document.add_paragraph(f"{line}\n\n{_('（盖章）')}　　　　{_('年　月　日')}")
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = mark
    footer.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    audit_record(
        actor=user,
        action=EXPORT_ACTION,
        object_type="party.servicecard",
        object_id=str(member.public_id),
        object_repr=_("服务记实卡 %(q)s") % {"q": quarter_label(card.year, card.quarter)},
        path=member.region_path,
        changes={"entries": len(card.entries)},
        reason=_("导出（脱敏）"),
        ip_address=client_ip(request),
    )
    response = HttpResponse(buffer.getvalue(), content_type=DOCX_TYPE)
    name = f"service-card-{card.year}Q{card.quarter}-{str(member.public_id)[:8]}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def service_cards_xlsx(*, user, request, organization, members, totals, year, quarter):
    """Every employed member of an organization's subtree with the quarter's totals."""
    rows = (
        [
            m.person.name,
            m.person.id_number_masked,
            m.organization.name,
            m.employer,
            m.registered_at or _("未报到"),
            f"{totals.get(m.pk, (0, 0, 0))[0]:.2f}",
            totals.get(m.pk, (0, 0, 0))[1],
            totals.get(m.pk, (0, 0, 0))[2],
        ]
        for m in members
    )
    return export_workbook(
        user=user,
        request=request,
        title=_("党员进社区服务记实 %(q)s") % {"q": quarter_label(year, quarter)},
        scope_label=organization.name,
        as_of=timezone.now(),
        headers=[
            _("姓名"),
            _("身份证号（脱敏）"),
            _("所在党组织"),
            _("工作单位"),
            _("报到社区"),
            _("服务时长（小时）"),
            _("服务次数"),
            _("服务天数"),
        ],
        rows=rows,
        filename=f"service-cards-{year}Q{quarter}",
        personal_data=True,
        object_type="party.servicecard",
        path=organization.region_path,
    )


def members_xlsx(*, user, request, members, scope_label: str):
    rows = (
        [
            m.person.name,
            m.person.get_gender_display(),
            m.person.id_number_masked,
            m.organization.name,
            m.get_status_display(),
            m.joined_party_on.isoformat() if m.joined_party_on else "",
            m.occupation,
            m.employer,
            _("是") if m.is_employed else _("否"),
            _("是") if m.is_medical_worker else _("否"),
            _("是") if m.is_cadre else _("否"),
        ]
        for m in members.iterator(chunk_size=2000)
    )
    return export_workbook(
        user=user,
        request=request,
        title=_("党员名册"),
        scope_label=scope_label,
        as_of=timezone.now(),
        headers=[
            _("姓名"),
            _("性别"),
            _("身份证号（脱敏）"),
            _("所在党组织"),
            _("党员类别"),
            _("入党日期"),
            _("职业"),
            _("工作单位"),
            _("在职党员"),
            _("医务人员"),
            _("干部"),
        ],
        rows=rows,
        filename="party-members",
        personal_data=True,
        object_type="party.partymember",
    )


def grants_xlsx(*, user, request, grants, scope_label: str):
    """The grants in scope with granted, spent and left (no personal data)."""
    rows = (
        [
            g.organization.name,
            g.organization.code,
            g.purpose,
            g.document_no,
            g.granted_on.isoformat(),
            float(g.granted),
            float(-g.spent_signed),
            float(g.balance),
        ]
        for g in grants
    )
    return export_workbook(
        user=user,
        request=request,
        title=_("党费下拨与使用"),
        scope_label=scope_label,
        as_of=timezone.now(),
        headers=[
            _("接收党组织"),
            _("组织代码"),
            _("用途"),
            _("文号"),
            _("下拨日期"),
            _("下拨金额（元）"),
            _("已支出（元）"),
            _("结余（元）"),
        ],
        rows=rows,
        filename="party-fees",
    )
