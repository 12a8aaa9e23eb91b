"""Venues and their kinds, inspections and commitment letters, one module per aggregate:
venue kinds (county command), the venue registry, inspections, commitment letters."""

from bastion.campaigns.services.venues.commitments import commitment_record, commitment_withdraw
from bastion.campaigns.services.venues.inspections import (
    CLOCK_SKEW,
    PHOTOS_MAX,
    RECTIFY_MAX_DAYS,
    inspection_incident_retry,
    inspection_photos_add,
    inspection_record,
)
from bastion.campaigns.services.venues.kinds import CHECKLIST_MAX, may_edit_kinds, venue_kind_save
from bastion.campaigns.services.venues.registry import (
    new_checkin_code,
    venue_checkin_code_reissue,
    venue_close,
    venue_create,
    venue_update,
)

__all__ = [
    "CLOCK_SKEW",
    "CHECKLIST_MAX",
    "PHOTOS_MAX",
    "RECTIFY_MAX_DAYS",
    "may_edit_kinds",
    "venue_kind_save",
    "new_checkin_code",
    "venue_create",
    "venue_update",
    "venue_close",
    "venue_checkin_code_reissue",
    "inspection_record",
    "inspection_incident_retry",
    "inspection_photos_add",
    "commitment_record",
    "commitment_withdraw",
]
