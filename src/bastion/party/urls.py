"""Pages of the party app, mounted at /party/ (namespace "party"); "party:home" is its landing page."""

from __future__ import annotations

from django.urls import path

from bastion.party.views import (
    calls,
    exemplars,
    fees,
    home,
    liaison,
    me,
    members,
    organizations,
    registrations,
    teams,
)

app_name = "party"
urlpatterns = [
    path("", home.home, name="home"),
    # Organizations, temporary branches, secondments, officers
    path("organizations/", organizations.organization_tree, name="organizations"),
    path(
        "organizations/<uuid:public_id>/",
        organizations.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<uuid:public_id>/new/",
        organizations.organization_create,
        name="organization_create",
    ),
    path(
        "organizations/<uuid:public_id>/edit/",
        organizations.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<uuid:public_id>/close/",
        organizations.organization_close,
        name="organization_close",
    ),
    path(
        "organizations/<uuid:public_id>/target/",
        organizations.organization_target,
        name="organization_target",
    ),
    path(
        "organizations/<uuid:public_id>/second/",
        organizations.secondment_add,
        name="secondment_add",
    ),
    path("organizations/<uuid:public_id>/officers/", organizations.officers, name="officers"),
    path(
        "organizations/<uuid:public_id>/officers/<uuid:grant_id>/revoke/",
        organizations.officer_revoke,
        name="officer_revoke",
    ),
    path("organizations/<uuid:public_id>/cards/", members.service_cards, name="service_cards"),
    path("secondments/<uuid:public_id>/end/", organizations.secondment_end, name="secondment_end"),
    # Members
    path("members/", members.member_list, name="members"),
    path("members/new/", members.member_create, name="member_create"),
    path("members/import/", members.import_upload, name="import_upload"),
    path("members/import/<uuid:public_id>/", members.import_preview, name="import_preview"),
    path("members/import/<uuid:public_id>/run/", members.import_run, name="import_run"),
    path(
        "members/import/<uuid:public_id>/errors.xlsx", members.import_errors, name="import_errors"
    ),
    path("members/<uuid:public_id>/", members.member_detail, name="member_detail"),
    path("members/<uuid:public_id>/edit/", members.member_edit, name="member_edit"),
    path("members/<uuid:public_id>/transfer/", members.member_transfer, name="member_transfer"),
    path("members/<uuid:public_id>/account/", members.member_account, name="member_account"),
    path("members/<uuid:public_id>/card/", members.member_card, name="member_card"),
    path("members/<uuid:public_id>/service/", members.service_entry_add, name="service_entry_add"),
    path(
        "members/<uuid:public_id>/service/<uuid:entry_id>/correct/",
        members.service_entry_correct,
        name="service_entry_correct",
    ),
    # Community registration (staff)
    path("registrations/", registrations.registration_list, name="registrations"),
    path("registrations/new/", registrations.registration_create, name="registration_create"),
    path(
        "registrations/<uuid:public_id>/",
        registrations.registration_detail,
        name="registration_detail",
    ),
    path(
        "registrations/<uuid:public_id>/withdraw/",
        registrations.registration_withdraw,
        name="registration_withdraw",
    ),
    path("renewals/<uuid:public_id>/reject/", registrations.renewal_reject, name="renewal_reject"),
    # The member's own pages (phone)
    path("me/", me.me, name="me"),
    path("me/register/", me.me_register, name="me_register"),
    path("me/renew/", me.me_renew, name="me_renew"),
    path("me/withdraw/", me.me_withdraw, name="me_withdraw"),
    path("me/calls/<uuid:public_id>/", me.me_call, name="me_call"),
    # Teams, zones, posts
    path("teams/", teams.team_list, name="teams"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<uuid:public_id>/", teams.team_detail, name="team_detail"),
    path("teams/<uuid:public_id>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<uuid:public_id>/disband/", teams.team_disband, name="team_disband"),
    path(
        "teams/<uuid:public_id>/seats/<uuid:person_id>/remove/",
        teams.seat_remove,
        name="seat_remove",
    ),
    path("zones/", teams.zone_list, name="zones"),
    path("zones/new/", teams.zone_create, name="zone_create"),
    path("zones/<uuid:public_id>/", teams.zone_detail, name="zone_detail"),
    path("posts/new/", teams.post_create, name="post_create"),
    path("posts/<uuid:public_id>/", teams.post_detail, name="post_detail"),
    # Liaison groups and cadre observations
    path("liaison/", liaison.group_list, name="liaison"),
    path("liaison/new/", liaison.group_create, name="liaison_create"),
    path("liaison/<uuid:public_id>/", liaison.group_detail, name="liaison_detail"),
    path("liaison/<uuid:public_id>/visit/", liaison.visit_create, name="visit_create"),
    path("visits/<uuid:public_id>/", liaison.visit_detail, name="visit_detail"),
    path("visits/<uuid:public_id>/files/<uuid:file_id>/", liaison.visit_file, name="visit_file"),
    path("cadres/", liaison.cadre_list, name="cadres"),
    path("cadres/new/", liaison.cadre_create, name="cadre_create"),
    path("cadres/<uuid:public_id>/", liaison.cadre_detail, name="cadre_detail"),
    path("cadres/<uuid:public_id>/files/<uuid:file_id>/", liaison.cadre_file, name="cadre_file"),
    # Calls
    path("calls/", calls.call_list, name="calls"),
    path("calls/new/", calls.call_create, name="call_create"),
    path("calls/<uuid:public_id>/", calls.call_detail, name="call_detail"),
    path("calls/<uuid:public_id>/close/", calls.call_close, name="call_close"),
    path(
        "calls/<uuid:public_id>/respond/<slug:key>/",
        calls.call_respond,
        name="call_respond",
    ),
    # Party fees
    path("fees/", fees.grant_list, name="fees"),
    path("fees/new/", fees.grant_create, name="grant_create"),
    path("fees/<uuid:public_id>/", fees.grant_detail, name="grant_detail"),
    path("fees/entries/<uuid:public_id>/reverse/", fees.entry_reverse, name="entry_reverse"),
    path("fees/entries/<uuid:public_id>/receipt/", fees.entry_receipt, name="entry_receipt"),
    # Exemplars
    path("exemplars/", exemplars.exemplar_list, name="exemplars"),
    path("exemplars/new/", exemplars.exemplar_create, name="exemplar_create"),
    path("exemplars/<uuid:public_id>/", exemplars.exemplar_detail, name="exemplar_detail"),
    path("exemplars/<uuid:public_id>/edit/", exemplars.exemplar_edit, name="exemplar_edit"),
    path(
        "exemplars/<uuid:public_id>/files/<uuid:file_id>/",
        exemplars.exemplar_file,
        name="exemplar_file",
    ),
]
