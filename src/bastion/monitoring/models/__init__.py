"""Key-population control: policies, observations, teams, follow-ups, alerts, services."""

from bastion.monitoring.models.alerts import (
    Alert,
    AlertKind,
    ServiceKind,
    ServiceRequest,
    ServiceStatus,
)
from bastion.monitoring.models.arrivals import Arrival
from bastion.monitoring.models.followups import Contact, FollowUp, FollowUpSource, Symptom
from bastion.monitoring.models.observations import (
    EndReason,
    Extension,
    Observation,
    ObservationStatus,
    TeamMember,
    Transport,
)
from bastion.monitoring.models.policy import (
    ClockStart,
    Policy,
    RiskArea,
    SeatAssignment,
    TeamTemplate,
    TeamTemplateRole,
)

__all__ = [
    "Alert",
    "AlertKind",
    "Arrival",
    "ClockStart",
    "Contact",
    "EndReason",
    "Extension",
    "FollowUp",
    "FollowUpSource",
    "Observation",
    "ObservationStatus",
    "Policy",
    "RiskArea",
    "SeatAssignment",
    "ServiceKind",
    "ServiceRequest",
    "ServiceStatus",
    "Symptom",
    "TeamMember",
    "TeamTemplate",
    "TeamTemplateRole",
    "Transport",
]
