"""The API at /api/v1/: one NinjaAPI, each app contributes a Router."""

from __future__ import annotations

from ninja import NinjaAPI

from bastion.access.api import router as access_router
from bastion.access.api_manage import router as manage_router
from bastion.access.apiauth import api_auth
from bastion.campaigns.api import router as campaigns_router
from bastion.command.api import router as command_router
from bastion.core.apierrors import install_error_handlers
from bastion.field.api import router as field_router
from bastion.geo.api import router as geo_router
from bastion.monitoring.api import router as monitoring_router
from bastion.party.api import router as party_router
from bastion.people.api import router as people_router
from bastion.reports.api import router as reports_router
from bastion.supplies.api import router as supplies_router
from bastion.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="Bastion API",
    version="1",
    description="Community epidemic prevention. Every read is scoped to the caller.",
    auth=api_auth,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/regions", geo_router)
api.add_router("/people", people_router)
api.add_router("/", access_router)
api.add_router("/", manage_router)
api.add_router("/indicators", reports_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/party", party_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/supplies", supplies_router)
api.add_router("/command", command_router)
api.add_router("/field", field_router)
