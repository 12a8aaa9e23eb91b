"""A briefing as a Word document (python-docx): title, issue line, preface, sections,
the rounding rule and the table of the figures with their indicator codes."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.reports import briefing as writer
from bastion.reports.models import Briefing


def briefing_docx(briefing: Briefing) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    english = briefing.language == "en"
    with translation.override(briefing.language):
        document = Document()
        normal = document.styles["Normal"]
        normal.font.name = "SimSun"
        normal.font.size = Pt(12)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
        document.core_properties.title = briefing.title
        document.core_properties.subject = briefing.region.name

        head = document.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(briefing.title)
        run.bold = True
        run.font.size = Pt(20)
        run.font.color.rgb = RGBColor(0xC0, 0x1E, 0x1E)

        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(issue_line(briefing))

        if briefing.preface:
            document.add_paragraph(
                writer.render_text(briefing.preface, briefing.figures, english=english)
            )
        for section in briefing.sections:
            heading = document.add_paragraph()
            heading.add_run(section["title"]).bold = True
            document.add_paragraph(
                writer.render_text(section["text"], briefing.figures, english=english)
            )
        note = document.add_paragraph()
        note.add_run(writer.rounding_rule()).italic = True

        document.add_paragraph().add_run(_("附表：简报所引数字")).bold = True
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, (_("指标"), _("数值"), _("指标代码")), strict=True
        ):
            cell.text = text
        for code, figure in briefing.figures.items():
            cells = table.add_row().cells
            cells[0].text = figure.get("name", "")
            cells[1].text = writer.format_figure(figure, round_down=False, english=english)
            cells[2].text = code
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def issue_line(briefing: Briefing) -> str:
    """第N期 · region · figures as of …"""
    number = _("第%(n)d期") % {"n": briefing.number} if briefing.number else _("草稿（未发布）")
    return _("%(number)s　%(region)s　数据截至 %(as_of)s") % {
        "number": number,
        "region": briefing.region.name,
        "as_of": timezone.localtime(briefing.as_of).strftime("%Y-%m-%d %H:%M"),
    }
