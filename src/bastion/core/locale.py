"""Language choice: Chinese by default on pages; English when the user asks for it.

Browsers send the operating system's language in Accept-Language, and many field
phones and office PCs are set to English; a grid worker should still see Chinese
unless she switches. So page requests (which accept text/html) and the fragments htmx
redraws into them (HX-Request) follow only the language cookie set by the switch; API
clients follow Accept-Language as well (docs/decisions/0005).
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def is_page_request(request) -> bool:
    """A page, or a piece of one: it accepts text/html, or htmx asks for it (htmx sends
    `Accept: */*` and `HX-Request: true`). The API is never a page."""
    if request.path.startswith(getattr(settings, "IDEMPOTENCY_PATH_PREFIX", "/api/")):
        return False
    return "text/html" in request.META.get("HTTP_ACCEPT", "") or bool(
        request.META.get("HTTP_HX_REQUEST")
    )


class BastionLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if not is_page_request(request):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not translation.check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
