"""Screening campaigns: visits, venues, check-ins, publicity materials."""

from bastion.campaigns.models.campaigns import (
    CONCLUSIVE,
    COVERED,
    Campaign,
    CampaignArea,
    CampaignKind,
    CampaignRound,
    CoverageCount,
    FindingKind,
    HouseholdVisit,
    Outcome,
    VisitFinding,
    VisitState,
)
from bastion.campaigns.models.materials import (
    DistributionAction,
    Material,
    MaterialDistribution,
    MaterialKind,
    PartnerCompany,
)
from bastion.campaigns.models.venues import (
    CheckIn,
    Commitment,
    Inspection,
    InspectionResult,
    TraceRequest,
    Venue,
    VenueKind,
)

__all__ = [
    "CONCLUSIVE",
    "COVERED",
    "Campaign",
    "CampaignArea",
    "CampaignKind",
    "CampaignRound",
    "CheckIn",
    "CoverageCount",
    "Commitment",
    "DistributionAction",
    "FindingKind",
    "HouseholdVisit",
    "Inspection",
    "InspectionResult",
    "Material",
    "MaterialDistribution",
    "MaterialKind",
    "Outcome",
    "PartnerCompany",
    "TraceRequest",
    "Venue",
    "VenueKind",
    "VisitFinding",
    "VisitState",
]
