from __future__ import annotations

from django.urls import path

from bastion.access import views
from bastion.access.urls_manage import urlpatterns as manage_urlpatterns

app_name = "access"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("password/", views.password_change, name="password_change"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<uuid:public_id>/read/", views.notification_read, name="notification_read"),
    path("audit/", views.audit_log, name="audit"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/<uuid:public_id>/reveal/", views.reveal, name="reveal"),
    *manage_urlpatterns,
]
