"""Pages of the campaigns app, mounted at /campaigns/ (namespace "campaigns"); "campaigns:home" is its landing page."""

from __future__ import annotations

from django.urls import path

from bastion.campaigns.views import campaigns, exports, materials, traces, venues, visits

app_name = "campaigns"
urlpatterns = [
    path("", campaigns.home, name="home"),
    path("new/", campaigns.campaign_new, name="campaign_new"),
    path("<uuid:public_id>/", campaigns.campaign_detail, name="campaign"),
    path("<uuid:public_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<uuid:public_id>/rounds/", campaigns.campaign_round_view, name="campaign_round"),
    path("<uuid:public_id>/close/", campaigns.campaign_close_view, name="campaign_close"),
    path("<uuid:public_id>/map.json", campaigns.coverage_map, name="coverage_map"),
    path("<uuid:public_id>/coverage.xlsx", exports.coverage_export, name="coverage_export"),
    path("<uuid:public_id>/visits.xlsx", exports.visits_export, name="visits_export"),
    path("<uuid:public_id>/next/", visits.visit_next, name="visit_next"),
    path("<uuid:public_id>/revisit/", visits.revisit_list, name="revisit"),
    path(
        "<uuid:public_id>/households/<uuid:household_id>/",
        visits.household_visit,
        name="household_visit",
    ),
    path("visits/<uuid:public_id>/", visits.visit_detail, name="visit"),
    path("visits/<uuid:public_id>/correct/", visits.visit_correct_view, name="visit_correct"),
    path("visits/<uuid:public_id>/incident/", visits.visit_incident_view, name="visit_incident"),
    path("visits/<uuid:public_id>/photo/", visits.visit_photo, name="visit_photo"),
    path("venues/", venues.venue_list_view, name="venues"),
    path("venues/new/", venues.venue_new, name="venue_new"),
    path("venues/<uuid:public_id>/", venues.venue_detail, name="venue"),
    path("venues/<uuid:public_id>/edit/", venues.venue_edit, name="venue_edit"),
    path("venues/<uuid:public_id>/close/", venues.venue_close_view, name="venue_close"),
    path("venues/<uuid:public_id>/qr/", venues.venue_qr, name="venue_qr"),
    path("venues/<uuid:public_id>/qr/reissue/", venues.venue_qr_reissue, name="venue_qr_reissue"),
    path("venues/<uuid:public_id>/contact/", venues.venue_contact_view, name="venue_contact"),
    path("venues/<uuid:public_id>/inspect/", venues.inspection_new, name="inspection_new"),
    path("venues/<uuid:public_id>/letters/new/", venues.commitment_new, name="commitment_new"),
    path("venues/<uuid:public_id>/trace/", traces.trace_new, name="trace_new"),
    path("inspections/<uuid:public_id>/", venues.inspection_detail, name="inspection"),
    path(
        "inspections/<uuid:public_id>/incident/",
        venues.inspection_incident_view,
        name="inspection_incident",
    ),
    path(
        "inspections/<uuid:public_id>/photos/<uuid:photo_id>/",
        venues.inspection_photo,
        name="inspection_photo",
    ),
    path("letters/<uuid:public_id>/scan/", venues.commitment_scan, name="commitment_scan"),
    path(
        "letters/<uuid:public_id>/withdraw/",
        venues.commitment_withdraw_view,
        name="commitment_withdraw",
    ),
    path("venue-kinds/", venues.venue_kind_list, name="venue_kinds"),
    path("venue-kinds/new/", venues.venue_kind_edit, name="venue_kind_new"),
    path("venue-kinds/<uuid:public_id>/", venues.venue_kind_edit, name="venue_kind_edit"),
    path("traces/", traces.trace_list_view, name="traces"),
    path("traces/<uuid:public_id>/", traces.trace_detail, name="trace"),
    path(
        "traces/<uuid:public_id>/reveal/<uuid:checkin_id>/",
        traces.trace_reveal,
        name="trace_reveal",
    ),
    path("materials/", materials.material_list_view, name="materials"),
    path("materials/new/", materials.material_new, name="material_new"),
    path("materials/<uuid:public_id>/", materials.material_detail, name="material"),
    path("distributions/new/", materials.distribution_new, name="distribution_new"),
    path(
        "distributions/<uuid:public_id>/void/",
        materials.distribution_void_view,
        name="distribution_void",
    ),
    path("companies/", materials.company_list_view, name="companies"),
    path("companies/new/", materials.company_edit, name="company_new"),
    path("companies/<uuid:public_id>/", materials.company_detail, name="company"),
    path("companies/<uuid:public_id>/edit/", materials.company_edit, name="company_edit"),
]
