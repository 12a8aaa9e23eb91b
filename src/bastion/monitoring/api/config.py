"""Policies and risk areas: everyone who monitors may read them; editing needs
Perm.POLICY_MANAGE (the county command), checked by the services (403 otherwise).

No `from __future__ import annotations`: ninja reads the runtime annotations.
"""

from uuid import UUID

from ninja import Router, Status

from bastion.monitoring.api.common import api_user, get_or_404
from bastion.monitoring.api.schemas import (
    PolicyOut,
    PolicyPatchIn,
    RiskAreaIn,
    RiskAreaOut,
    RiskAreaPatchIn,
)

router = Router(tags=["monitoring"])


def _policies():
    from bastion.monitoring.models import Policy

    return Policy.objects.select_related("team_template")


@router.get("/policies", response=list[PolicyOut])
def list_policies(request):
    """Every observation policy (configuration, not personal data)."""
    return list(_policies().order_by("category"))


@router.patch("/policies/{public_id}", response=PolicyOut)
def update_policy(request, public_id: UUID, payload: PolicyPatchIn):
    from bastion.monitoring.services.policy import policy_update

    user = api_user(request)
    policy = get_or_404(_policies(), public_id=public_id)
    policy_update(
        actor=user,
        policy=policy,
        changes=payload.dict(exclude_unset=True),
    )
    return get_or_404(_policies(), public_id=public_id)


def _risk_areas():
    from bastion.monitoring.models import RiskArea

    return RiskArea.objects.all()


@router.get("/risk-areas", response=list[RiskAreaOut])
def list_risk_areas(request):
    return list(_risk_areas())


@router.post("/risk-areas", response={201: RiskAreaOut})
def create_risk_area(request, payload: RiskAreaIn):
    from bastion.monitoring.services.policy import risk_area_create

    user = api_user(request)
    area = risk_area_create(
        actor=user,
        name=payload.name,
        code=payload.code,
        risky_from=payload.risky_from,
        risky_until=payload.risky_until,
    )
    return Status(201, area)


@router.patch("/risk-areas/{public_id}", response=RiskAreaOut)
def update_risk_area(request, public_id: UUID, payload: RiskAreaPatchIn):
    from bastion.monitoring.services.policy import risk_area_update

    user = api_user(request)
    area = get_or_404(_risk_areas(), public_id=public_id)
    risk_area_update(actor=user, area=area, changes=payload.dict(exclude_unset=True))
    return get_or_404(_risk_areas(), public_id=public_id)
