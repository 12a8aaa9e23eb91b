"""Community registration (在职党员进社区报到), one module per concern: submit, confirm
and withdraw; renew; and the registration target's counterpart, the member's service
record. A confirmed registration is in force until `valid_until` (set when confirmed, by
default BASTION_PARTY_REGISTRATION_DAYS after confirmation); after that it has lapsed
(derived when read) until it is renewed. A renewal is a `RegistrationRenewal` row: the
member asks online and the community confirms, or community staff renew offline at once.
The registration keeps its history of renewals."""

from bastion.party.services.registrations.renewals import (
    RENEWAL_WINDOW_DAYS,
    registration_renew,
    registration_renew_request,
    registration_renewal_reject,
)
from bastion.party.services.registrations.servicerecord import service_record_add
from bastion.party.services.registrations.submission import (
    MAX_SKILLS,
    default_valid_until,
    registration_decide,
    registration_period_days,
    registration_submit,
    registration_withdraw,
)

__all__ = [
    "RENEWAL_WINDOW_DAYS",
    "MAX_SKILLS",
    "registration_period_days",
    "default_valid_until",
    "registration_submit",
    "registration_decide",
    "registration_withdraw",
    "registration_renew_request",
    "registration_renew",
    "registration_renewal_reject",
    "service_record_add",
]
