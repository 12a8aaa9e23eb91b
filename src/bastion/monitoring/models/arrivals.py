"""Arrivals: who came back from where and when, the source of re-screening."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bastion.core.models import PublicIdModel
from bastion.monitoring.models.observations import Transport
from bastion.people.models import Person


class Arrival(PublicIdModel):
    """One return of a person to the county, logged by a grid worker or by a registration.

    Re-screening matches these against the risk areas: `origin` contains the area's
    name, or `origin_code` starts with its code, and `arrived_on` lies in its window.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="arrivals")
    path = models.CharField(max_length=255, db_index=True)
    origin = models.CharField(max_length=100)
    origin_code = models.CharField(max_length=12, blank=True, default="")
    arrived_on = models.DateField()
    transport = models.CharField(max_length=10, choices=Transport.choices, blank=True, default="")
    transport_number = models.CharField(max_length=20, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-arrived_on", "id"]
        indexes = [models.Index(fields=["arrived_on", "path"], name="arrival_day_path")]

    def __str__(self) -> str:
        return f"{self.origin} {self.arrived_on}"
