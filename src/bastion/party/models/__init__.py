"""Party models, one module per aggregate; import them from here."""

from bastion.party.models.exemplars import Exemplar, ExemplarKind, ExemplarStatus
from bastion.party.models.fees import FeeEntry, FeeEntryKind, FeeGrant
from bastion.party.models.imports import MemberImport
from bastion.party.models.liaison import (
    CadreObservation,
    CadreRating,
    LiaisonGroup,
    LiaisonPairing,
    LiaisonVisit,
)
from bastion.party.models.mobilization import (
    CallAudience,
    Mobilization,
    MobilizationRecipient,
    ResponseState,
)
from bastion.party.models.organizations import (
    Membership,
    MemberStatus,
    Organization,
    PartyMember,
    Secondment,
    Sector,
    TemporarySite,
    Tier,
)
from bastion.party.models.registrations import (
    CommunityRegistration,
    RegistrationChannel,
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
    ServiceRecordEntry,
)
from bastion.party.models.teams import ResponsibilityZone, Team, TeamKind, TeamMember, VanguardPost

__all__ = [
    "CadreObservation",
    "CadreRating",
    "CallAudience",
    "CommunityRegistration",
    "Exemplar",
    "ExemplarKind",
    "ExemplarStatus",
    "FeeEntry",
    "FeeEntryKind",
    "FeeGrant",
    "LiaisonGroup",
    "LiaisonPairing",
    "LiaisonVisit",
    "MemberImport",
    "MemberStatus",
    "Membership",
    "Mobilization",
    "MobilizationRecipient",
    "Organization",
    "PartyMember",
    "RegistrationChannel",
    "RegistrationRenewal",
    "RegistrationStatus",
    "RenewalStatus",
    "ResponseState",
    "ResponsibilityZone",
    "Secondment",
    "Sector",
    "ServiceRecordEntry",
    "Team",
    "TeamKind",
    "TeamMember",
    "TemporarySite",
    "Tier",
    "VanguardPost",
]
