"""Follow-up pages: the today page, the record form (htmx row), the self-report QR fragment."""

from __future__ import annotations

from django.urls import path

from bastion.monitoring.views import followups

urlpatterns = [
    path("today/", followups.today, name="today"),
    path(
        "observations/<uuid:public_id>/followup/",
        followups.followup_form,
        name="followup_record",
    ),
    path(
        "observations/<uuid:public_id>/selfreport/",
        followups.selfreport_qr,
        name="selfreport_qr",
    ),
]
