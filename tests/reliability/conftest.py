"""The reliability proofs borrow the domain apps' fixtures (one definition each)."""

from tests.campaigns.conftest import campaign, households  # noqa: F401
from tests.monitoring.conftest import monitoring_users, policy  # noqa: F401
from tests.supplies.conftest import stocked, supplies  # noqa: F401
from tests.volunteers.conftest import vol  # noqa: F401
