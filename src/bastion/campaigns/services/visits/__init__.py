"""Household visits: record one (idempotent per form token), correct one, and keep the
per-household state of each round in step with the ledger; one module per concern. A
household may get any number of "nobody home" visits in a round and then one conclusive
visit (visited, refused, vacant, moved out); after that only a correction of that latest
visit is accepted. Visits of one household are serialized by a row lock on the household
(SQLite: the IMMEDIATE write transaction).
"""

from bastion.campaigns.services.visits.changes import visit_correct, visit_photo_attach
from bastion.campaigns.services.visits.findings import visit_incident_retry
from bastion.campaigns.services.visits.recording import VisitResult, visit_record
from bastion.campaigns.services.visits.state import visit_states_rebuild
from bastion.campaigns.services.visits.validation import (
    CLOCK_SKEW,
    FINDINGS_MAX,
    MATERIAL_MAX,
    NOBODY_THERE,
    PEOPLE_MAX,
    FindingInput,
    MaterialInput,
)

__all__ = [
    "CLOCK_SKEW",
    "PEOPLE_MAX",
    "MATERIAL_MAX",
    "FINDINGS_MAX",
    "NOBODY_THERE",
    "FindingInput",
    "MaterialInput",
    "VisitResult",
    "visit_record",
    "visit_incident_retry",
    "visit_correct",
    "visit_states_rebuild",
    "visit_photo_attach",
]
