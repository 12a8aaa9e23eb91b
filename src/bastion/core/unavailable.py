"""When the database is out of reach, say so: 503 with Retry-After, never a bare 500.

A PostgreSQL restart or failover, a lost connection, a deadlock or a serialization
failure raise OperationalError / InterfaceError: nothing was written (the request's
transaction is rolled back) and the same request will work in a few seconds. Clients
(the field phones) retry a 503 with the same Idempotency-Key; the idempotency
middleware does not store a 5xx, so the retry runs afresh.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

from bastion.core.apierrors import error_response

RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = error_response(
            503, "service_unavailable", _("服务暂时不可用（数据库连接中断），请稍后重试")
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs):
    """handler500: a 503 when the exception being handled is the database being away."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return django_server_error(request, *args, **kwargs)
