"""The donation acknowledgement (捐赠回执): a Word document with the gapless number, what
was pledged and what arrived, the value, and a QR code to the public page that shows where
the donation went."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.supplies import units
from bastion.supplies.models import Donation
from bastion.supplies.selectors.donations import donation_view

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def acknowledgement_docx(donation: Donation, *, issuer: str, public_url: str) -> bytes:
    """The document's bytes (the donation must have its number)."""
    import segno
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    view = donation_view(donation)
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    title = document.add_heading(_("捐赠回执"), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(_("编号：%(n)s") % {"n": donation.number})
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    donor = donation.donor
    document.add_paragraph(_("%(name)s：") % {"name": donor.name})
    document.add_paragraph(
        _(
            "感谢您于 %(date)s 向%(unit)s认捐以下物资和款项，支持疫情防控工作。"
            "截至 %(now)s，已收到的数量和金额如下。"
        )
        % {
            "date": donation.pledged_on.strftime("%Y-%m-%d"),
            "unit": donation.region.name,
            "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
    )
    if view.lines:
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        header = [_("物资"), _("认捐数量"), _("已收到"), _("批号"), _("有效期至"), _("价值（元）")]
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for line_view in view.lines:
            line = line_view.line
            item = line.item
            cells = table.add_row().cells
            cells[0].text = item.name + (f"（{item.spec}）" if item.spec else "")
            cells[1].text = f"{units.format_quantity(line.quantity)} {line.unit.name_zh}"
            cells[2].text = f"{units.format_quantity(line_view.received)} {item.base_unit.name_zh}"
            cells[3].text = line.lot_code
            cells[4].text = line.expires_on.isoformat() if line.expires_on else ""
            cells[5].text = (
                units.format_money(line_view.value_received)
                if line_view.value_received is not None
                else _("未估值")
            )
    if donation.cash_pledged:
        document.add_paragraph(
            _("现金：认捐 %(p)s 元，已到账 %(r)s 元。")
            % {
                "p": units.format_money(donation.cash_pledged),
                "r": units.format_money(view.cash_received),
            }
        )
    document.add_paragraph(
        _("已收到物资合计价值约 %(v)s 元（按申报价值或参考单价估算）。")
        % {"v": units.format_money(view.value_received)}
    )
    document.add_paragraph(
        _("每一件物资、每一笔款项的去向都记入台账并向社会公示，扫描二维码或访问以下网址查看：")
    )
    document.add_paragraph(public_url)
    qr = io.BytesIO()
    segno.make(public_url, error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    document.add_picture(qr, width=Cm(3.5))
    sign = document.add_paragraph(
        _("经办人：%(who)s　　日期：%(day)s　　（盖章）")
        % {"who": issuer, "day": timezone.localdate().strftime("%Y-%m-%d")}
    )
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def acknowledgement_response(request, donation: Donation) -> HttpResponse:
    """The .docx download; before anything arrived there is no acknowledgement yet."""
    if not donation.number:
        messages.warning(request, _("该捐赠尚无到账记录，到账后才有回执编号"))
        return redirect(donation.get_absolute_url())
    return acknowledgement_file(request, donation)


def acknowledgement_file(request, donation: Donation) -> HttpResponse:
    """The document of a donation that has its number, issued by the requesting user."""
    user = request.user if request.user.is_authenticated else getattr(request, "auth", None)
    public_url = request.build_absolute_uri(
        reverse("supplies_public:donation", kwargs={"public_id": donation.public_id})
    )
    data = acknowledgement_docx(
        donation,
        issuer=getattr(user, "full_name", "") or getattr(user, "username", ""),
        public_url=public_url,
    )
    response = HttpResponse(data, content_type=DOCX)
    name = _("捐赠回执-%(n)s.docx") % {"n": donation.number}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response
