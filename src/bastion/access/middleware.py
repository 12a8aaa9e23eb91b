"""Session inactivity timeout: an idle session is logged out."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

_KEY = "bastion_last_seen"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_INACTIVITY_SECONDS:
                logout(request)
            else:
                request.session[_KEY] = now
        return self.get_response(request)
