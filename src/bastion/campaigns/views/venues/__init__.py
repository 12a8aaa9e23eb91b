"""Venue pages, one module per aggregate: the registry (list, venue page, forms, the
printable QR poster, the contact reveal), inspections, commitment letters and files, and
the venue kinds (county command). urls.py mounts the views from here."""

from bastion.campaigns.views.venues.commitments import (
    commitment_new,
    commitment_scan,
    commitment_withdraw_view,
)
from bastion.campaigns.views.venues.inspections import (
    inspection_detail,
    inspection_incident_view,
    inspection_new,
    inspection_photo,
)
from bastion.campaigns.views.venues.kinds import venue_kind_edit, venue_kind_list
from bastion.campaigns.views.venues.registry import (
    VENUE_STATUSES,
    venue_close_view,
    venue_contact_view,
    venue_detail,
    venue_edit,
    venue_list_view,
    venue_new,
    venue_qr,
    venue_qr_reissue,
)

__all__ = [
    "VENUE_STATUSES",
    "venue_list_view",
    "venue_new",
    "venue_detail",
    "venue_edit",
    "venue_close_view",
    "venue_qr",
    "venue_qr_reissue",
    "venue_contact_view",
    "inspection_new",
    "inspection_detail",
    "inspection_incident_view",
    "inspection_photo",
    "commitment_new",
    "commitment_scan",
    "commitment_withdraw_view",
    "venue_kind_list",
    "venue_kind_edit",
]
