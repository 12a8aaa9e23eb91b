"""Excel exports: coverage by region (figures only), and the visit list (masked)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.exports import export_workbook
from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.campaigns.models import FindingKind
from bastion.campaigns.selectors.campaigns import campaign_get, campaign_region, visit_list
from bastion.campaigns.selectors.coverage import Counts, grid_counts
from bastion.campaigns.views.campaigns import _round
from bastion.core.masking import mask_name
from bastion.geo.models import Region

EXPORT_ROWS_MAX = 200_000


def coverage_rows(*, region: Region, grids: dict[str, Counts]) -> list[tuple[Region, Counts]]:
    """The region and every region below it that has households, with summed figures, in
    tree order (the rows of the coverage workbook)."""
    totals: dict[str, Counts] = defaultdict(Counts)
    for path, counts in grids.items():
        prefix = region.path
        totals[prefix].add(counts)
        rest = path[len(prefix) :]
        for part in [p for p in rest.split("/") if p]:
            prefix += part + "/"
            totals[prefix].add(counts)
    regions = {r.path: r for r in Region.objects.filter(path__in=list(totals)).order_by("path")}
    return [(regions[p], totals[p]) for p in sorted(totals) if p in regions]


@login_required
def coverage_export(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    campaign = campaign_get(user=user, public_id=public_id)
    region = campaign_region(user=user, campaign=campaign, code=request.GET.get("region"))
    round_number = _round(request, campaign)
    now = timezone.now()
    grids = grid_counts(user=user, campaign=campaign, within=region.path, round_number=round_number)
    rows = [
        (
            r.code,
            r.name,
            r.get_level_display(),
            c.households,
            c.covered,
            c.rate if c.rate is not None else "",
            c.visited,
            c.pending,
            c.nobody_home,
            c.refused,
            c.vacant,
            c.moved_out,
        )
        for r, c in coverage_rows(region=region, grids=grids)
    ]
    return export_workbook(
        user=user,
        request=request,
        title=_("%(name)s 第%(n)d轮 覆盖情况") % {"name": campaign.name, "n": round_number},
        scope_label=region.name,
        as_of=now,
        headers=[
            _("区划代码"),
            _("名称"),
            _("级别"),
            _("户数"),
            _("已覆盖"),
            _("覆盖率（%）"),
            _("已走访"),
            _("待走访"),
            _("无人在家（待回访）"),
            _("拒绝配合"),
            _("空置房"),
            _("已搬离"),
        ],
        rows=rows,
        filename="coverage",
    )


def _finding_text(visit) -> str:
    parts = []
    for finding in visit.findings.all():
        who = mask_name(finding.person.name if finding.person else finding.person_name)
        if finding.kind == FindingKind.RISK_ARRIVAL:
            parts.append(_("%(who)s 自%(origin)s返回") % {"who": who, "origin": finding.origin})
        elif finding.kind == FindingKind.SYMPTOMS:
            parts.append(_("%(who)s 有症状") % {"who": who})
        else:
            parts.append(_("其他情况"))
    return "；".join(parts)


@login_required
def visits_export(request: HttpRequest, public_id) -> HttpResponse:
    """The round's visits under the region: personal data (addresses, masked names), so
    Perm.EXPORT_PII; masked, watermarked, audited. Notes are left out (free text)."""
    user = request.user
    if not has_perm(user, Perm.EXPORT_PII):
        raise PermissionDenied
    campaign = campaign_get(user=user, public_id=public_id)
    region = campaign_region(user=user, campaign=campaign, code=request.GET.get("region"))
    round_number = _round(request, campaign)
    visits = (
        visit_list(user=user, campaign=campaign, within=region.path, round_number=round_number)
        .select_related("corrects")
        .prefetch_related("findings__person")
        .order_by("path", "household__label", "id")[:EXPORT_ROWS_MAX]
    )
    rows = (
        (
            timezone.localtime(v.visited_at),
            v.household.region.name,
            v.household.label,
            v.get_outcome_display(),
            v.people_present,
            _finding_text(v),
            _("更正") if v.corrects_id else "",
            getattr(v.recorded_by, "full_name", "") or getattr(v.recorded_by, "username", ""),
            timezone.localtime(v.recorded_at),
        )
        for v in visits.iterator(chunk_size=2000)
    )
    return export_workbook(
        user=user,
        request=request,
        title=_("%(name)s 第%(n)d轮 走访记录") % {"name": campaign.name, "n": round_number},
        scope_label=region.name,
        as_of=timezone.now(),
        headers=[
            _("走访时间"),
            _("网格"),
            _("户"),
            _("结果"),
            _("在场人数"),
            _("发现情况（已脱敏）"),
            _("更正"),
            _("录入人"),
            _("录入时间"),
        ],
        rows=rows,
        filename="visits",
        personal_data=True,
        object_type="campaigns.householdvisit",
        path=region.path,
    )
