"""schemathesis against /api/v1/openapi.json (issue 13): every operation, called through
the WSGI app in process by an authenticated town officer (bearer token), with a small,
derandomized number of examples. Checks: no server error, the response conforms to
the schema (status code, content type, headers, body), invalid input is answered with
a 4xx (schemathesis' default checks but positive_data_acceptance: see NOT_CHECKED).

Examples per operation: SCHEMATHESIS_EXAMPLES (default 3; CI runs the default).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from bastion.access.roles import Role
from bastion.access.services import api_token_create
from tests.conftest import make_user

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))

# A schema-valid body may still break a rule the schema cannot say (an ID number's check
# digit, a region code's parent): a 4xx for it is right, not a failure.
NOT_CHECKED = [schemathesis.checks.positive_data_acceptance]

# Findings of the first run not fixed yet (issue 13, see RELIABILITY.md): each names an
# operation whose answers break its schema or accept schema-invalid input.
KNOWN_FINDINGS = {
    "POST /api/v1/people/search",
    "GET /api/v1/me",
    "POST /api/v1/monitoring/imports",
    "POST /api/v1/party/members",
    "POST /api/v1/party/members/search",
    "POST /api/v1/party/liaison-groups",
    "POST /api/v1/party/teams",
    "POST /api/v1/party/calls",
    "POST /api/v1/party/fee-grants",
    "GET /api/v1/supplies/units",
    "GET /api/v1/supplies/exports/ledger",
    "GET /api/v1/supplies/moves",
    "GET /api/v1/supplies/summary",
}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(county):
    officer = make_user("fuzz_town", Role.TOWN_OFFICER, county.town_a)
    _token, raw = api_token_create(actor=officer, user=officer, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, bearer):
    if f"{case.method} {case.operation.path}" in KNOWN_FINDINGS:
        pytest.xfail("known finding, not fixed yet (RELIABILITY.md)")
    case.call_and_validate(headers=bearer, excluded_checks=NOT_CHECKED)
