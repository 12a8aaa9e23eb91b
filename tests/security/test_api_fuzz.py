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
# In multipart/form-data every field is text: "0" or "on" for a boolean is how forms say
# false or true, which schemathesis counts as a schema-invalid value accepted.
NOT_CHECKED_IN_FORMS = [*NOT_CHECKED, schemathesis.checks.negative_data_rejection]

# Findings not fixed yet (issue 13, see RELIABILITY.md): each names an operation whose
# answers break its schema or accept schema-invalid input. Empty: keep it so.
KNOWN_FINDINGS: set[str] = set()

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """schemathesis calls the WSGI app directly, whose request signals close the database
    connection after each request (close_old_connections), which on PostgreSQL ends the
    test's transaction. Django's test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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
    excluded = NOT_CHECKED_IN_FORMS if case.media_type == "multipart/form-data" else NOT_CHECKED
    case.call_and_validate(headers=bearer, excluded_checks=excluded)
