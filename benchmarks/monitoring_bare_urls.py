"""The floor of the stack: a bare Django view that parses the JSON body and does one INSERT
into the follow-up table. Benchmark-only; not in the product's URLs."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt


@lru_cache(maxsize=1)
def _target() -> tuple[int, str]:
    """One observation to write against (looked up once per worker, not per request)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, path FROM monitoring_observation ORDER BY id LIMIT 1")
        return cursor.fetchone()


@csrf_exempt
def insert(request, public_id):
    body = json.loads(request.body)
    observation_id, region_path = _target()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_followup (observation_id, path, observed_at, entered_at, "
            "local_date, source, temperature, symptoms, other_symptom, at_home, contact, note, "
            "abnormal) VALUES (%s, %s, %s, %s, %s, 'team', %s, %s, '', %s, %s, '', false) "
            "RETURNING id",
            [
                observation_id,
                region_path,
                now,
                now,
                timezone.localdate(now) if now else dt.date.today(),
                body.get("temperature"),
                json.dumps(body.get("symptoms", [])),
                body.get("at_home"),
                body.get("contact", "seen"),
            ],
        )
        (new_id,) = cursor.fetchone()
    return JsonResponse({"id": new_id}, status=201)


urlpatterns = [path("bare/<str:public_id>/", insert)]
