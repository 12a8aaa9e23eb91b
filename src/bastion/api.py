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

# Error answers every operation may give (core.apierrors shapes them all alike); declared
# in the schema so that clients, and schemathesis, know them.
ERROR_RESPONSES = {
    "400": "Bad request",
    "401": "Not signed in, or the token is not valid",
    "403": "Signed in, but without the permission (or a password change is due)",
    "404": "No such object, or not in the caller's scope",
    "409": "Conflict: the state changed, or an idempotency key was reused with another body",
    "413": "Request body too large",
    "422": "Invalid input; fields name the problems",
    "429": "Too many requests",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array"}},
    },
    "required": ["code", "message"],
}


class BastionAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": ref})
        return schema


api = BastionAPI(
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
