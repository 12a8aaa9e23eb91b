"""Party API shapes: exemplars. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema

from bastion.party.api.schemas.organizations import OrganizationRef


class ExemplarOut(Schema):
    public_id: UUID
    kind: str
    subject_name: str
    title: str
    deed: str
    nominating_org: OrganizationRef
    status: str
    review_note: str
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    has_photo: bool
    public: bool

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return obj.photo_id is not None

    @staticmethod
    def resolve_public(obj) -> bool:
        return obj.is_public


class ReviewIn(Schema):
    approve: bool
    note: str = ""
