"""Writes of the party app, one module per aggregate; import them from here.

Every function is keyword-only, runs in one transaction, validates and writes an audit
entry. An actor who cannot see the record gets Http404; one who sees it but may not do
the write gets PermissionDenied (services/common.py).
"""

from bastion.party.services.accounts import (
    member_account_create,
    member_account_link,
    member_account_unlink,
    org_officer_account_create,
    org_officer_grant,
    org_officer_revoke,
)
from bastion.party.services.common import party_can
from bastion.party.services.exemplars import (
    exemplar_edit,
    exemplar_nominate,
    exemplar_publish,
    exemplar_review,
    exemplar_withdraw,
    redact_identifiers,
)
from bastion.party.services.fees import (
    fee_expense_record,
    fee_expense_reverse,
    fee_grant_adjust,
    fee_grant_create,
    grant_balance,
    parse_amount,
)
from bastion.party.services.liaison import (
    cadre_observation_record,
    liaison_group_create,
    liaison_group_update,
    liaison_group_user_add,
    liaison_group_user_remove,
    liaison_pair,
    liaison_unpair,
    liaison_visit_record,
)
from bastion.party.services.memberimport import (
    member_import,
    member_import_error_workbook,
    member_import_execute,
    member_import_preview,
    member_import_upload,
)
from bastion.party.services.members import (
    member_enroll,
    member_register,
    member_transfer,
    member_update,
)
from bastion.party.services.mobilization import (
    mobilization_close,
    mobilization_mark_seen,
    mobilization_respond,
    mobilization_send,
)
from bastion.party.services.organizations import (
    organization_close,
    organization_create,
    organization_target_set,
    organization_update,
    secondment_add,
    secondment_end,
)
from bastion.party.services.registrations import (
    registration_decide,
    registration_renew,
    registration_renew_request,
    registration_renewal_reject,
    registration_submit,
    registration_withdraw,
    service_record_add,
)
from bastion.party.services.teams import (
    answered_end,
    answered_reassign,
    post_create,
    team_create,
    team_disband,
    team_member_add,
    team_member_remove,
    team_update,
    zone_create,
)

__all__ = [
    "answered_end",
    "answered_reassign",
    "cadre_observation_record",
    "exemplar_edit",
    "exemplar_nominate",
    "exemplar_publish",
    "exemplar_review",
    "exemplar_withdraw",
    "fee_expense_record",
    "fee_expense_reverse",
    "fee_grant_adjust",
    "fee_grant_create",
    "grant_balance",
    "liaison_group_create",
    "liaison_group_update",
    "liaison_group_user_add",
    "liaison_group_user_remove",
    "liaison_pair",
    "liaison_unpair",
    "liaison_visit_record",
    "member_account_create",
    "member_account_link",
    "member_account_unlink",
    "member_enroll",
    "member_import",
    "member_import_error_workbook",
    "member_import_execute",
    "member_import_preview",
    "member_import_upload",
    "member_register",
    "member_transfer",
    "member_update",
    "mobilization_close",
    "mobilization_mark_seen",
    "mobilization_respond",
    "mobilization_send",
    "org_officer_account_create",
    "org_officer_grant",
    "org_officer_revoke",
    "organization_close",
    "organization_create",
    "organization_target_set",
    "organization_update",
    "parse_amount",
    "party_can",
    "post_create",
    "redact_identifiers",
    "registration_decide",
    "registration_renew",
    "registration_renew_request",
    "registration_renewal_reject",
    "registration_submit",
    "registration_withdraw",
    "secondment_add",
    "secondment_end",
    "service_record_add",
    "team_create",
    "team_disband",
    "team_member_add",
    "team_member_remove",
    "team_update",
    "zone_create",
]
