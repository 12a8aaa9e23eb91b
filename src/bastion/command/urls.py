"""Pages of the command app, mounted at /command/ (namespace "command"); "command:home" is its landing page."""

from __future__ import annotations

from django.urls import path

from bastion.command.views import dailyforms, directives, home, incidents, meetings, notices

app_name = "command"
urlpatterns = [
    path("", home.home, name="home"),
    path("inbox/", home.inbox_view, name="inbox"),
    path("figures/", home.figures, name="figures"),
    path("figures/<str:code>/", home.figures, name="figures_region"),
    path("files/<uuid:public_id>/", home.attachment, name="attachment"),
    # Meetings
    path("meetings/", meetings.meeting_list_view, name="meeting_list"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<uuid:public_id>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:public_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:public_id>/decisions/", meetings.decision_add, name="decision_add"),
    # Directives and their targets (steps: acknowledge, progress, complete, return)
    path("directives/", directives.directive_list, name="directive_list"),
    path("directives/new/", directives.directive_new, name="directive_new"),
    path("directives/<uuid:public_id>/", directives.directive_detail, name="directive_detail"),
    path(
        "directives/<uuid:public_id>/cancel/", directives.directive_cancel, name="directive_cancel"
    ),
    path("targets/<uuid:public_id>/", directives.target_detail, name="target_detail"),
    path("targets/<uuid:public_id>/<slug:step>/", directives.target_step, name="target_step"),
    # Notices
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<uuid:public_id>/", notices.notice_detail, name="notice_detail"),
    path("notices/<uuid:public_id>/revise/", notices.notice_revise, name="notice_revise"),
    path(
        "notices/<uuid:public_id>/targets/", notices.notice_add_targets, name="notice_add_targets"
    ),
    path("notices/<uuid:public_id>/withdraw/", notices.notice_withdraw, name="notice_withdraw"),
    # Incidents (steps: register, regrade, dismiss, dispatch, handle, verify, send-back,
    # archive, extension)
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/units/", incidents.incident_units, name="incident_units"),
    path("incidents/kinds/", incidents.incident_kinds, name="incident_kinds"),
    path("incidents/<uuid:public_id>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<uuid:public_id>/<slug:step>/", incidents.incident_step, name="incident_step"),
    path(
        "extensions/<uuid:public_id>/decide/", incidents.extension_decide, name="extension_decide"
    ),
    # Daily forms
    path("daily/", dailyforms.daily_list, name="daily_list"),
    path("daily/new/", dailyforms.daily_new, name="daily_new"),
    path("daily/<uuid:public_id>/", dailyforms.daily_detail, name="daily_detail"),
    path("daily/<uuid:public_id>/edit/", dailyforms.daily_edit, name="daily_edit"),
    path("daily/<uuid:public_id>/fill/", dailyforms.daily_fill, name="daily_fill"),
    path("daily/<uuid:public_id>/fields/", dailyforms.daily_field_add, name="daily_field_add"),
    path(
        "daily/<uuid:public_id>/fields/<slug:code>/toggle/",
        dailyforms.daily_field_toggle,
        name="daily_field_toggle",
    ),
]
