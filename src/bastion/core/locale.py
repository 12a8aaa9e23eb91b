"""Language choice: Chinese by default on pages; English when the user asks for it.

Browsers send the operating system's language in Accept-Language, and many field
phones and office PCs are set to English; a grid worker should still see Chinese
unless she switches. So page requests (which accept text/html) follow only the
language cookie set by the switch; API clients follow Accept-Language as well.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BastionLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if "text/html" not in request.META.get("HTTP_ACCEPT", ""):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not translation.check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
