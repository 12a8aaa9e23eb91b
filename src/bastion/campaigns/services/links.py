"""The two places where campaigns call another domain app's service.

Both import lazily and only when the other app is installed (docs/decisions/0031):
monitoring logs a risk-area arrival found at a visit; command raises an incident for
someone with symptoms or a venue that failed its inspection. Neither app's models are
imported here.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

logger = logging.getLogger("bastion.campaigns")

SOURCE = "campaigns"


def arrival_log(*, actor, person, origin: str, arrived_on: dt.date) -> str:
    """Log a risk-area arrival with monitoring; its public id, or "" when monitoring is
    not installed. ValidationError (bad origin, future date) propagates to the caller."""
    if not apps.is_installed("bastion.monitoring"):
        logger.warning("campaigns: monitoring is not installed; arrival not logged")
        return ""
    from bastion.monitoring.services.arrivals import arrival_record

    arrival = arrival_record(actor=actor, person=person, origin=origin, arrived_on=arrived_on)
    return str(arrival.public_id)


def observation_register_link(*, person=None, origin: str = "", arrived_on=None) -> str:
    """monitoring's registration page, prefilled for the person (or for a new person)."""
    if not apps.is_installed("bastion.monitoring"):
        return ""
    try:
        url = reverse("monitoring:observation_register")
    except NoReverseMatch:
        return ""
    params = {}
    if person is not None:
        params["person"] = str(person.public_id)
    if origin:
        params["origin"] = origin
    if arrived_on:
        params["arrived_on"] = arrived_on.isoformat()
    return f"{url}?{urlencode(params)}" if params else url


def incident_raise(
    *,
    actor,
    kind: str,
    region,
    description: str,
    source_ref: str,
    person=None,
    household=None,
    linked_type: str = "",
    linked_ref: str = "",
    linked_label: str = "",
    photos=(),
) -> str:
    """Raise an incident with the command app; its public id, or "" (with a warning in
    the log) when command is not installed or not ready, or when the actor may not
    report at that region. Idempotent per (source, source_ref) on command's side."""
    if not apps.is_installed("bastion.command"):
        logger.warning("campaigns: command is not installed; incident %s not raised", source_ref)
        return ""
    try:
        from bastion.command.services import incident_report
    except ImportError:
        logger.warning("campaigns: command.services.incident_report is not available yet")
        return ""
    try:
        incident = incident_report(
            actor=actor,
            kind=kind,
            grade="general",
            region=region,
            description=description,
            person=person,
            household=household,
            linked_type=linked_type,
            linked_ref=linked_ref,
            linked_label=linked_label,
            source=SOURCE,
            source_ref=source_ref,
            photos=tuple(photos),
        )
    except Http404:
        logger.warning("campaigns: actor may not report incidents at %s", region.code)
        return ""
    return str(incident.public_id)


def incident_link(public_id: str) -> str:
    """The command app's page of an incident, when it exposes one."""
    if not public_id or not apps.is_installed("bastion.command"):
        return ""
    for name in ("command:incident", "command:incident_detail"):
        try:
            return reverse(name, kwargs={"public_id": public_id})
        except NoReverseMatch:
            continue
    return ""
