"""The quarterly service record: one member's card, staff entries and corrections, and an
organization's cards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.geo.models import Level
from bastion.party import exports, services
from bastion.party import selectors as sel
from bastion.party.forms import members as forms
from bastion.party.models import CommunityRegistration
from bastion.party.pickers import pick_region
from bastion.party.views.common import done, form_page, page_of, require_anywhere, submitted
from bastion.party.views.members.roster import TAB

COMMUNITY_LEVELS = [Level.COMMUNITY, Level.VILLAGE]


def _quarter(request) -> tuple[int, int]:
    year, quarter = sel.current_quarter()
    form = forms.QuarterForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["year"], int(form.cleaned_data["quarter"])
    return year, quarter


@login_required
def member_card(request: HttpRequest, public_id) -> HttpResponse:
    """One member's quarterly service record card; ?format=docx downloads it."""
    member = sel.member_get(user=request.user, public_id=public_id)
    year, quarter = _quarter(request)
    card = sel.service_card(member=member, year=year, quarter=quarter)
    if request.GET.get("format") == "docx":
        return exports.service_card_docx(user=request.user, request=request, card=card)
    return render(
        request,
        "party/members/card.html",
        {
            "tab": TAB,
            "card": card,
            "member": member,
            "quarter_form": forms.QuarterForm(initial={"year": year, "quarter": quarter}),
            "label": exports.quarter_label(year, quarter),
            "can_export": has_perm(request.user, Perm.EXPORT_PII),
            "can_add": has_perm(request.user, Perm.REGISTRATION_CONFIRM),
            "can_correct": has_perm(request.user, Perm.REGISTRATION_CONFIRM),
        },
    )


@login_required
def service_entry_add(request: HttpRequest, public_id) -> HttpResponse:
    """Community staff record work a member did outside volunteer tasks."""
    require_anywhere(request.user, Perm.REGISTRATION_CONFIRM)
    member = sel.member_get(user=request.user, public_id=public_id)
    registration = sel.member_live_registration(member)
    initial = {
        "served_on": timezone.localdate(),
        "community": registration.community.code if registration else "",
    }
    form = forms.ServiceEntryForm(request.POST or None, initial=initial)
    if submitted(
        request,
        form,
        lambda d: services.service_record_add(
            actor=request.user,
            member=member,
            served_on=d["served_on"],
            hours=d["hours"],
            description=d["description"],
            community=pick_region(d["community"], field="community", levels=COMMUNITY_LEVELS),
        ),
    ):
        return done(request, _("已记录服务"), "party:member_card", member.public_id)
    return form_page(
        request,
        form,
        title=_("记录社区服务：%(n)s") % {"n": member.person.name},
        submit=_("记录"),
        cancel=reverse("party:member_card", args=[member.public_id]),
        intro=_("志愿服务任务的时长由签到签退自动记入；这里记录任务以外的服务。"),
        tab=TAB,
    )


@login_required
def service_entry_correct(request: HttpRequest, public_id, entry_id) -> HttpResponse:
    """Community staff correct an entry: a new entry replaces it (the old one stays)."""
    require_anywhere(request.user, Perm.REGISTRATION_CONFIRM)
    member = sel.member_get(user=request.user, public_id=public_id)
    entry = (
        sel.effective_entries()
        .filter(member=member, public_id=entry_id)
        .select_related("community")
        .first()
    )
    if entry is None:
        raise Http404
    form = forms.ServiceCorrectionForm(
        request.POST or None, initial={"hours": entry.hours, "description": entry.description}
    )
    if submitted(
        request,
        form,
        lambda d: services.service_record_add(
            actor=request.user,
            member=member,
            served_on=entry.served_on,
            hours=d["hours"],
            description=d["description"],
            community=entry.community
            or pick_region(d.get("community", ""), field="community", levels=COMMUNITY_LEVELS),
            corrects=entry,
        ),
    ):
        return done(request, _("已更正"), "party:member_card", member.public_id)
    return form_page(
        request,
        form,
        title=_("更正服务记录：%(n)s") % {"n": member.person.name},
        submit=_("更正"),
        cancel=reverse("party:member_card", args=[member.public_id]),
        intro=_("更正会新增一条记录代替原记录，原记录保留；时长填0表示这次服务不计。"),
        facts=[
            (_("日期"), entry.served_on),
            (_("原时长"), entry.hours),
            (_("原内容"), entry.description),
        ],
        tab=TAB,
    )


@login_required
def service_cards(request: HttpRequest, public_id) -> HttpResponse:
    """The quarter's cards of an organization's employed members; ?format=xlsx exports."""
    org = sel.organization_get(user=request.user, public_id=public_id)
    year, quarter = _quarter(request)
    members = sel.member_search(user=request.user, organization=org, flag="employed").order_by(
        "org_path", "person__name"
    )
    today = timezone.localdate()
    live = CommunityRegistration.objects.filter(member=OuterRef("pk")).filter(
        sel.registration_live_q(today)
    )
    members = members.annotate(registered_at=Subquery(live.values("community__name")[:1]))
    totals = sel.service_totals(members=members, year=year, quarter=quarter)
    if request.GET.get("format") == "xlsx":
        return exports.service_cards_xlsx(
            user=request.user,
            request=request,
            organization=org,
            members=members,
            totals=totals,
            year=year,
            quarter=quarter,
        )
    page = page_of(request, members)
    rows = [(m, totals.get(m.pk)) for m in page.object_list]
    return render(
        request,
        "party/members/cards.html",
        {
            "tab": TAB,
            "org": org,
            "page": page,
            "rows": rows,
            "quarter_form": forms.QuarterForm(initial={"year": year, "quarter": quarter}),
            "year": year,
            "quarter": quarter,
            "label": exports.quarter_label(year, quarter),
            "can_export": has_perm(request.user, Perm.EXPORT_PII),
        },
    )
