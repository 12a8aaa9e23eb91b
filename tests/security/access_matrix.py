"""Who may use each page and API operation: the permission matrix's table (issue 13).

Keyed by url name (pages) or OpenAPI operation id (API). See tests/security/matrix.py
Entry for the columns. A permission code means exactly the roles holding it in
bastion.access.roles.ROLE_PERMISSIONS, so the table follows the roles table.
Specs are described in matrix.object_values() (a second parameter follows " / "; "$name"
is a raw token the builder kept). "public" rows with an object: every caller gets the
page, and a made-up id, code or token gets 404.
API writes are sent a body (matrix.request_body(): every required field of the schema,
then the row's `body`, whose "@spec" values name objects in town 1). A write refused
with the very answer a missing object gets (the path's, or the one the body names)
counts as denied; any other refusal (409,
422 about the object's state) means the caller reached the object. A create whose body
names an object inside town 1 (a region, organization or record) is checked outside
scope like a path object: the outside user gets what a missing one would get.
New rows: MATRIX_PROPOSE=1 pytest tests/security/test_permission_matrix.py -k classified -s
"""

from __future__ import annotations

from tests.security.matrix import Entry as E

# party.view's roles, and the volunteer persona as the party member a call reached.
PARTY_VIEW_AND_MEMBER = (
    "auditor",
    "community_officer",
    "county_command",
    "org_department",
    "org_officer",
    "town_officer",
    "volunteer",
)

# Objects of town 1 that the bodies of API writes name (see matrix.request_body()).
GRID = "@geo.Region:code?level=grid"
COMMUNITY = "@geo.Region:code?level=community"
TOWN = "@geo.Region:code"  # town 1 itself: the first region inside it
ORG = "@party.Organization:code"
MEMBER = "@party.PartyMember"
WORKER = "@access.RoleAssignment:user.username?role=grid_worker"
ID_NUMBER = "110101199003071233"  # well-formed; nobody in the demo county holds it
# The county's own level: what the county command issues directives and notices from.
COUNTY_UNIT = "region:430121000000"
# A volunteer task (or series) of a grid of town 1, published by its community.
TASK_BODY = {
    "region": GRID,
    "location_kind": "grid",
    "publisher": {"kind": "community", "community": COMMUNITY},
}

TABLE: dict[str, E] = {
    "access:login": E(None, "public"),
    "access:logout": E(None, "session"),
    "access:otp_setup": E(None, "session"),
    "access:otp_verify": E(None, "session"),
    "access:password_change": E(None, "login"),
    "access:inbox": E(None, "login"),
    "access:inbox_read_all": E(None, "login"),
    # its recipient only (matrix.OWNED_MODELS)
    "access:notification_read": E("access.Notification", ("county_command",)),
    "access:audit": E(None, "access.audit"),
    "access:tokens": E(None, "login"),
    # its holder only (matrix.OWNED_MODELS)
    "access:token_revoke": E("access.ApiToken", ("county_command",)),
    "access:reveal": E(
        "people.Person", ("community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "access:manage_users": E(None, "access.assign"),
    "access:manage_user_create": E(None, "access.assign"),
    "access:manage_user": E("access.RoleAssignment:user.public_id", "access.assign"),
    "access:manage_grant": E("access.RoleAssignment:user.public_id", "access.assign"),
    "access:manage_grant_revoke": E(
        "access.RoleAssignment:user.public_id / public_id", "access.assign"
    ),
    "access:manage_user_deactivate": E("access.RoleAssignment:user.public_id", "access.assign"),
    "access:manage_user_reactivate": E("access.RoleAssignment:user.public_id", "access.assign"),
    "access:manage_user_password": E("access.RoleAssignment:user.public_id", "access.assign"),
    "access:manage_assignment_add": E(None, "login"),
    "access:manage_assignment_remove": E("access.Assignment", "access.assign"),
    "people:list": E(None, "login"),
    "people:duplicates": E(None, "login"),
    "people:duplicate_merge": E("people.Person?duplicate_of__isnull=False", "people.change"),
    "people:import": E(None, "people.change"),
    "people:import_regions": E(None, ("county_command",)),
    # its uploader only (matrix.OWNED_MODELS)
    "people:import_job": E("people.ImportJob?kind=people", ("county_command",)),
    "people:import_run": E("people.ImportJob?kind=people", ("county_command",)),
    "people:import_progress": E("people.ImportJob?kind=people", ("county_command",)),
    # no rejected rows in the empty upload: 404 for its uploader too
    "people:import_errors": E("people.ImportJob?kind=people", "nobody"),
    "people:person": E(
        "people.Person",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "reports:index": E(None, "login"),
    "reports:records": E("=people", "reports.view"),
    "monitoring:observation_list": E(None, "login"),
    "monitoring:observation_register": E(
        None, ("community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "monitoring:observation": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:observation_team": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:observation_release": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:observation_end": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:observation_extend": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:rescreen": E(
        None,
        (
            "auditor",
            "community_officer",
            "county_command",
            "grid_worker",
            "team_member",
            "town_officer",
        ),
    ),
    "monitoring:arrival_new": E(
        "people.Person", ("community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "monitoring:list_import": E(
        None, ("community_officer", "county_command", "grid_worker", "town_officer")
    ),
    # its uploader only (matrix.OWNED_MODELS)
    "monitoring:list_job": E("people.ImportJob?kind=observations", ("county_command",)),
    "monitoring:list_run": E("people.ImportJob?kind=observations", ("county_command",)),
    "monitoring:list_progress": E("people.ImportJob?kind=observations", ("county_command",)),
    # no rejected rows in the empty upload: 404 for its uploader too
    "monitoring:list_errors": E("people.ImportJob?kind=observations", "nobody"),
    "monitoring:config": E(None, "monitoring.policy"),
    "monitoring:policy_new": E(None, "monitoring.policy"),
    "monitoring:policy_edit": E("monitoring.Policy", "monitoring.policy"),
    "monitoring:template_new": E(None, "monitoring.policy"),
    "monitoring:template_edit": E("monitoring.TeamTemplate", "monitoring.policy"),
    "monitoring:risk_area_new": E(None, "monitoring.policy"),
    "monitoring:risk_area_edit": E("monitoring.RiskArea", "monitoring.policy"),
    "monitoring:seats": E(None, ("community_officer", "county_command", "town_officer")),
    "monitoring:seat_remove": E(
        "monitoring.SeatAssignment", ("community_officer", "county_command", "town_officer")
    ),
    "monitoring:today": E(None, "login"),
    "monitoring:followup_record": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:selfreport_qr": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:alert_list": E(None, "login"),
    "monitoring:alert_detail": E(
        "monitoring.Alert",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:alert_acknowledge": E(
        "monitoring.Alert", ("community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "monitoring:alert_resolve": E(
        "monitoring.Alert", ("community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "monitoring:service_list": E(None, "login"),
    "monitoring:service_assign": E(
        "monitoring.ServiceRequest",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:service_status": E(
        "monitoring.ServiceRequest",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:service_create": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:timeline": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:monitor": E(
        None, ("auditor", "community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "monitoring:monitor_drill": E(
        "=under", ("auditor", "community_officer", "county_command", "grid_worker", "town_officer")
    ),
    "monitoring:monitor_region": E(
        "geo.Region:code",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "monitoring:monitor_region_drill": E("geo.Region:code", "nobody"),
    # party.view, and the linked member (the volunteer persona) is sent to her own page
    "party:home": E(
        None,
        PARTY_VIEW_AND_MEMBER,
    ),
    "party:organizations": E(None, "party.view"),
    "party:organization_detail": E("party.Organization", "party.view"),
    "party:organization_create": E("party.Organization", "party.manage"),
    "party:organization_edit": E("party.Organization", "party.manage"),
    "party:organization_close": E("party.Organization?tier=temporary_branch", "party.manage"),
    "party:organization_target": E("party.Organization", "party.manage"),
    "party:secondment_add": E("party.Organization?tier=temporary_branch", "party.manage"),
    "party:officers": E("party.Organization", "party.manage"),
    # the second id: an officer grant over that organization (matrix._party_self_service)
    "party:officer_revoke": E(
        "party.Organization / access.RoleAssignment?role=org_officer&org_path={path}",
        "party.manage",
    ),
    "party:service_cards": E("party.Organization", "party.view"),
    "party:secondment_end": E("party.Secondment", "party.manage"),
    "party:members": E(None, "party.view"),
    "party:member_create": E(None, "party.manage"),
    "party:import_upload": E(None, "party.manage"),
    # its uploader only (matrix.OWNED_MODELS)
    "party:import_preview": E("party.MemberImport", ("org_department",)),
    "party:import_run": E("party.MemberImport", ("org_department",)),
    # no rejected rows in the empty upload: 404 for its uploader too
    "party:import_errors": E("party.MemberImport", "nobody"),
    "party:member_detail": E("party.PartyMember", "party.view"),
    "party:member_edit": E("party.PartyMember", "party.manage"),
    "party:member_transfer": E("party.PartyMember", "party.manage"),
    "party:member_account": E("party.PartyMember", "party.manage"),
    "party:member_card": E("party.PartyMember", "party.view"),
    "party:service_entry_add": E("party.PartyMember", "party.registration"),
    "party:service_entry_correct": E("party.PartyMember", "nobody"),
    "party:registrations": E(None, "party.view"),
    "party:registration_create": E(None, "party.registration"),
    "party:registration_detail": E("party.CommunityRegistration", "party.view"),
    "party:registration_withdraw": E("party.CommunityRegistration", "party.registration"),
    "party:renewal_reject": E("party.RegistrationRenewal", "party.registration"),
    # the volunteer persona is linked to a party member (matrix._party_self_service)
    "party:me": E(None, ("volunteer",)),
    "party:me_register": E(None, ("volunteer",)),
    "party:me_renew": E(None, "nobody"),
    "party:me_withdraw": E(None, "nobody"),
    # the member's own call: only the volunteer persona is linked to a member
    "party:me_call": E(
        "party.Mobilization?recipients__member__user__username=mx_volunteer_in", ("volunteer",)
    ),
    "party:teams": E(None, "party.view"),
    "party:team_create": E(None, "party.manage"),
    "party:team_detail": E("party.Team", "party.view"),
    "party:team_edit": E("party.Team", "party.manage"),
    "party:team_disband": E("party.Team", "party.manage"),
    "party:seat_remove": E("party.Team", "nobody"),
    "party:zones": E(None, "party.view"),
    "party:zone_create": E(None, "party.manage"),
    "party:zone_detail": E("party.ResponsibilityZone", "party.view"),
    "party:post_create": E(None, "party.manage"),
    "party:post_detail": E("party.VanguardPost", "party.view"),
    "party:liaison": E(None, "party.view"),
    "party:liaison_create": E(None, "party.manage"),
    "party:liaison_detail": E("party.LiaisonGroup", "party.view"),
    # the form shows to viewers; liaison_visit_record() lets group users and party.manage
    "party:visit_create": E("party.LiaisonGroup", "party.manage"),
    "party:visit_detail": E("party.LiaisonVisit", "party.view"),
    "party:visit_file": E("party.LiaisonVisit", "nobody"),
    "party:cadres": E(None, "party.fees"),
    "party:cadre_create": E(None, "party.fees"),
    "party:cadre_detail": E("party.CadreObservation", "party.fees"),
    "party:cadre_file": E("party.CadreObservation", "nobody"),
    "party:calls": E(None, "party.view"),
    "party:call_create": E(None, "party.manage"),
    # party.view, and the member who received it (sent to her own view of the call)
    "party:call_detail": E(
        "party.Mobilization",
        PARTY_VIEW_AND_MEMBER,
    ),
    "party:call_close": E("party.Mobilization", "nobody"),
    "party:call_respond": E("party.Mobilization", "nobody"),
    "party:fees": E(None, "party.view"),
    "party:grant_create": E(None, "party.fees"),
    "party:grant_detail": E("party.FeeGrant", "party.view"),
    "party:entry_reverse": E("party.FeeEntry?kind=expense&receipt__isnull=False", "party.manage"),
    "party:entry_receipt": E("party.FeeEntry?kind=expense&receipt__isnull=False", "party.view"),
    "party:exemplars": E(None, "party.view"),
    "party:exemplar_create": E(None, "party.manage"),
    "party:exemplar_detail": E("party.Exemplar", "party.view"),
    # a nomination waiting for review: reviewers, and party.manage of the nominating side
    "party:exemplar_edit": E("party.Exemplar", ("county_command", "org_department", "org_officer")),
    "party:exemplar_file": E("party.Exemplar / photo.public_id", "party.view"),
    "campaigns:home": E(None, "campaigns.view"),
    "campaigns:campaign_new": E(None, "campaigns.manage"),
    "campaigns:campaign": E("campaigns.Campaign", "campaigns.view"),
    "campaigns:campaign_edit": E("campaigns.Campaign", "campaigns.manage"),
    "campaigns:campaign_round": E("campaigns.Campaign", "campaigns.manage"),
    "campaigns:campaign_close": E("campaigns.Campaign", "campaigns.manage"),
    "campaigns:coverage_map": E("campaigns.Campaign", "campaigns.view"),
    "campaigns:coverage_export": E("campaigns.Campaign", "campaigns.view"),
    "campaigns:visits_export": E("campaigns.Campaign", "campaigns.trace"),
    "campaigns:visit_next": E("campaigns.Campaign", "campaigns.view"),
    "campaigns:revisit": E("campaigns.Campaign", "campaigns.view"),
    "campaigns:household_visit": E("campaigns.Campaign", "nobody"),
    "campaigns:visit": E("campaigns.HouseholdVisit", "campaigns.view"),
    "campaigns:visit_correct": E("campaigns.HouseholdVisit", "campaigns.view"),
    "campaigns:visit_incident": E("campaigns.HouseholdVisit", "campaigns.visit"),
    "campaigns:visit_photo": E("campaigns.HouseholdVisit", "nobody"),
    "campaigns:venues": E(None, "campaigns.view"),
    "campaigns:venue_new": E(None, "campaigns.manage"),
    "campaigns:venue": E("campaigns.Venue", "campaigns.view"),
    "campaigns:venue_edit": E("campaigns.Venue", "campaigns.manage"),
    "campaigns:venue_close": E("campaigns.Venue", "campaigns.manage"),
    "campaigns:venue_qr": E("campaigns.Venue", "campaigns.view"),
    "campaigns:venue_qr_reissue": E("campaigns.Venue", "campaigns.manage"),
    "campaigns:venue_contact": E("campaigns.Venue", "campaigns.visit"),
    "campaigns:inspection_new": E("campaigns.Venue", "campaigns.visit"),
    "campaigns:commitment_new": E("campaigns.Venue", "campaigns.visit"),
    "campaigns:trace_new": E("campaigns.Venue", "campaigns.trace"),
    "campaigns:inspection": E("campaigns.Inspection", "campaigns.view"),
    "campaigns:inspection_incident": E("campaigns.Inspection", "campaigns.visit"),
    "campaigns:inspection_photo": E("campaigns.Inspection", "nobody"),
    "campaigns:commitment_scan": E("campaigns.Commitment?scan__isnull=False", "campaigns.view"),
    "campaigns:commitment_withdraw": E("campaigns.Commitment", "campaigns.manage"),
    "campaigns:venue_kinds": E(None, "campaigns.view"),
    "campaigns:venue_kind_new": E(None, "campaigns.manage"),
    "campaigns:venue_kind_edit": E("campaigns.VenueKind", "campaigns.manage"),
    "campaigns:traces": E(None, "campaigns.trace"),
    # its requester only (matrix.OWNED_MODELS); auditors read traces in the audit log
    "campaigns:trace": E("campaigns.TraceRequest", ("county_command",)),
    # 422: no reason given
    "campaigns:trace_reveal": E(
        "campaigns.TraceRequest / venue.checkins.public_id", ("county_command",)
    ),
    "campaigns:materials": E(None, "campaigns.view"),
    "campaigns:material_new": E(None, "campaigns.manage"),
    "campaigns:material": E("campaigns.Material", "campaigns.view"),
    "campaigns:distribution_new": E(None, "campaigns.visit"),
    "campaigns:distribution_void": E("campaigns.MaterialDistribution", "campaigns.manage"),
    "campaigns:companies": E(None, "campaigns.view"),
    "campaigns:company_new": E(None, "campaigns.manage"),
    "campaigns:company": E("campaigns.PartnerCompany", "campaigns.view"),
    "campaigns:company_edit": E("campaigns.PartnerCompany", "campaigns.manage"),
    "volunteers:home": E(None, "login"),
    "volunteers:task_list": E(None, "login"),
    "volunteers:task_new": E(None, "volunteers.publish"),
    "volunteers:task_detail": E("volunteers.Task", "volunteers.view"),
    "volunteers:task_edit": E("volunteers.Task", "volunteers.publish"),
    "volunteers:task_cancel": E("volunteers.Task", "volunteers.publish"),
    "volunteers:task_qr": E("volunteers.Task", "volunteers.publish"),
    "volunteers:claim": E("volunteers.Task", "volunteers.claim"),
    "volunteers:claim_offline": E("volunteers.Task", "volunteers.publish"),
    "volunteers:confirm_all": E("volunteers.Task", "volunteers.publish"),
    "volunteers:series_detail": E("volunteers.TaskSeries", "volunteers.view"),
    "volunteers:series_cancel": E("volunteers.TaskSeries", "volunteers.publish"),
    "volunteers:claim_cancel": E("volunteers.Claim", "volunteers.publish"),
    "volunteers:claim_check": E("volunteers.Claim", "volunteers.publish"),
    "volunteers:claim_confirm": E("volunteers.Claim", "volunteers.publish"),
    "volunteers:claim_no_show": E("volunteers.Claim", "volunteers.publish"),
    "volunteers:attendance_correct": E("volunteers.Attendance", "volunteers.publish"),
    "volunteers:checkin": E(
        "volunteers.Task:checkin_secret?status=published",
        "login",
        "the task's QR code is the key: whoever scans it may check in",
    ),
    "volunteers:me": E(None, "login"),
    "volunteers:person_record": E("volunteers.Claim:person.public_id", "volunteers.view"),
    "volunteers:ranking": E(None, "volunteers.view"),
    "volunteers:no_shows": E(None, "volunteers.publish"),
    "volunteers:order_list": E(None, "login"),
    "volunteers:order_new": E(None, "volunteers.publish"),
    "volunteers:order_detail": E("volunteers.ServiceOrder", "volunteers.view"),
    "volunteers:order_dispatch": E("volunteers.ServiceOrder", "volunteers.view"),
    "volunteers:order_accept": E("volunteers.ServiceOrder", "volunteers.view"),
    "volunteers:order_release": E("volunteers.ServiceOrder", "volunteers.publish"),
    "volunteers:order_done": E("volunteers.ServiceOrder", "volunteers.publish"),
    "volunteers:order_cancel": E("volunteers.ServiceOrder", "volunteers.publish"),
    "volunteers:order_rating_link": E("volunteers.ServiceOrder", "volunteers.publish"),
    "volunteers:resident_index": E(None, "volunteers.publish"),
    "volunteers:resident_new": E(None, "volunteers.publish"),
    "volunteers:resident_leave": E("volunteers.ResidentVolunteer", "volunteers.publish"),
    "volunteers:communities": E(None, "volunteers.view"),
    "volunteers:community": E("geo.Region:code", "volunteers.view"),
    "volunteers:kinds": E(None, "login"),
    "supplies:home": E(None, "supplies.view"),
    "supplies:donor_list": E(None, "supplies.view"),
    "supplies:donor_create": E(None, "supplies.donations"),
    "supplies:donor_detail": E("supplies.Donor", "supplies.view"),
    "supplies:donor_edit": E("supplies.Donor", "supplies.donations"),
    "supplies:donor_reveal": E("supplies.Donor", "supplies.donations"),
    "supplies:donation_list": E(None, "supplies.view"),
    "supplies:donation_create": E(None, "supplies.donations"),
    "supplies:donation_detail": E("supplies.Donation", "supplies.view"),
    "supplies:donation_line_add": E("supplies.Donation", "supplies.donations"),
    # only keepers of a warehouse receive goods (the persona keeps one in town 1)
    "supplies:donation_receive": E("supplies.Donation?lines__isnull=False", ("warehouse_keeper",)),
    "supplies:donation_cash": E("supplies.Donation", "supplies.donations"),
    "supplies:donation_cancel": E("supplies.Donation", "supplies.donations"),
    "supplies:donation_acknowledgement": E("supplies.Donation", "supplies.view"),
    "supplies:item_list": E(None, "supplies.view"),
    "supplies:item_create": E(None, "supplies.donations"),
    "supplies:unit_create": E(None, "supplies.donations"),
    "supplies:item_detail": E("supplies.Item", "supplies.view"),
    "supplies:item_edit": E("supplies.Item", "supplies.donations"),
    "supplies:warehouse_list": E(None, "supplies.view"),
    "supplies:warehouse_create": E(None, "supplies.donations"),
    "supplies:warehouse_detail": E("supplies.Warehouse", "supplies.view"),
    "supplies:warehouse_edit": E("supplies.Warehouse", "supplies.donations"),
    # only its keepers (the persona keeps this one: matrix._supplies_objects)
    "supplies:stock_adjust": E("supplies.Warehouse", ("warehouse_keeper",)),
    "supplies:stock_write_off": E("supplies.Warehouse", ("warehouse_keeper",)),
    "supplies:stock_transfer": E("supplies.Warehouse", ("warehouse_keeper",)),
    "supplies:ledger": E(None, "supplies.view"),
    "supplies:ledger_export": E(None, "supplies.view"),
    "supplies:move_detail": E("supplies.StockMove", "supplies.view"),
    "supplies:transfer_detail": E("supplies.Transfer", "supplies.view"),
    "supplies:allocation_list": E(None, "supplies.view"),
    "supplies:allocation_create": E(None, "supplies.request"),
    "supplies:allocation_detail": E("supplies.Allocation", "supplies.view"),
    "supplies:allocation_decide": E("supplies.Allocation", "supplies.approve"),
    "supplies:shipment_issue": E("supplies.Allocation", "nobody"),
    "supplies:allocation_cancel": E("supplies.Allocation", "supplies.request"),
    "supplies:shipment_confirm": E("supplies.Shipment", "supplies.request"),
    "supplies:cash_home": E(None, "supplies.view"),
    "supplies:cash_export": E(None, "supplies.view"),
    "supplies:account_create": E(None, "supplies.donations"),
    "supplies:account_detail": E("supplies.CashAccount", "supplies.view"),
    "supplies:account_adjust": E("supplies.CashAccount", "supplies.donations"),
    "supplies:purpose_create": E(None, "supplies.approve"),
    "supplies:purpose_detail": E("supplies.CashPurpose", "supplies.view"),
    "supplies:purpose_spend": E(
        "supplies.CashPurpose",
        ("community_officer", "county_command", "org_officer", "town_officer", "warehouse_keeper"),
    ),
    "supplies:purpose_top_up": E("supplies.CashPurpose", "supplies.approve"),
    "supplies:purpose_close": E("supplies.CashPurpose", "supplies.approve"),
    "supplies:entry_receipt": E("supplies.CashEntry?kind=spent", "supplies.view"),
    "supplies:entry_correct": E("supplies.CashEntry", "supplies.donations"),
    "command:home": E(
        None,
        (
            "auditor",
            "community_officer",
            "county_command",
            "grid_worker",
            "org_department",
            "org_officer",
            "team_member",
            "town_officer",
            "volunteer",
        ),
    ),
    "command:inbox": E(None, "command.view"),
    "command:figures": E(None, "command.view"),
    "command:figures_region": E("geo.Region:code", "command.view"),
    # a notice's attachment: the notice's readers
    "command:attachment": E(
        "command.Notice:versions.attachments.public_id?versions__attachments__isnull=False",
        "reports.view",
    ),
    "command:meeting_list": E(None, "command.view"),
    "command:meeting_new": E(None, "command.issue"),
    "command:meeting_detail": E("command.Meeting", "reports.view"),
    "command:meeting_edit": E("command.Meeting", "command.issue"),
    "command:decision_add": E("command.Meeting", "reports.view"),
    "command:directive_list": E(None, "command.view"),
    "command:directive_new": E(None, "command.issue"),
    "command:directive_detail": E("command.Directive", "command.view"),
    "command:directive_cancel": E("command.Directive", "command.view"),
    "command:target_detail": E("command.DirectiveTarget", "command.view"),
    "command:target_step": E("command.DirectiveTarget", "nobody"),
    "command:notice_list": E(None, "command.view"),
    "command:notice_new": E(None, "command.issue"),
    "command:notice_detail": E("command.Notice", "reports.view"),
    "command:notice_revise": E("command.Notice", "command.issue"),
    "command:notice_add_targets": E("command.Notice", "reports.view"),
    "command:notice_withdraw": E("command.Notice", "reports.view"),
    "command:incident_list": E(
        None,
        (
            "auditor",
            "community_officer",
            "county_command",
            "grid_worker",
            "org_department",
            "org_officer",
            "team_member",
            "town_officer",
            "volunteer",
        ),
    ),
    "command:incident_new": E(None, "command.report"),
    "command:incident_units": E(None, "command.view"),
    "command:incident_kinds": E(None, "command.view"),
    "command:incident_detail": E("command.Incident", "command.view"),
    "command:incident_step": E("command.Incident", "nobody"),
    "command:extension_decide": E("command.IncidentExtension", "command.view"),
    "command:daily_list": E(None, "command.view"),
    "command:daily_new": E(None, ("county_command",)),
    "command:daily_detail": E("command.DailyForm", "reports.view"),
    "command:daily_edit": E("command.DailyForm", "geo.import"),
    "command:daily_fill": E("command.DailyForm", "access.assign"),
    "command:daily_field_add": E("command.DailyForm", ("county_command",)),
    "command:daily_field_toggle": E("command.DailyForm / fields.code", ("county_command",)),
    "party_public:column": E(None, "public"),
    # public pages of an object, a code or a token: everyone gets them, no login; a
    # made-up id, code or token gets 404
    "party_public:story": E(
        "party.Exemplar?published_at__isnull=False&withdrawn_at__isnull=True", "public"
    ),
    "party_public:photo": E(
        "party.Exemplar?published_at__isnull=False&withdrawn_at__isnull=True&photo__isnull=False",
        "public",
    ),
    "campaigns_public:checkin": E("campaigns.Venue:checkin_code?closed_at__isnull=True", "public"),
    "volunteers_public:request": E("geo.Region?level=community", "public"),
    "volunteers_public:rate": E("$rating", "public"),
    "supplies_public:index": E(None, "public"),
    "supplies_public:donations": E(None, "public"),
    "supplies_public:donation": E("supplies.Donation", "public"),
    "supplies_public:allocations": E(None, "public"),
    "supplies_public:allocation": E("supplies.Allocation", "public"),
    "supplies_public:export": E(None, "public"),
    "selfreport:page": E("$selfreport", "public"),
    "selfreport:service": E("$selfreport", "public"),
    "geo:home": E(None, "login"),
    "geo:regions": E(None, "login"),
    "geo:region": E("geo.Region:code", "geo.view"),
    "geo:grid": E("geo.Region:code?level=grid", "geo.view"),
    "bastion_geo_api_list_regions": E(None, "login"),
    "bastion_geo_api_create_region": E(None, "nobody"),
    "bastion_geo_api_import_regions": E(None, "geo.import"),
    "bastion_geo_api_get_region": E("geo.Region:code", "geo.view"),
    "bastion_geo_api_update_region": E("geo.Region:code", "geo.change"),
    "bastion_geo_api_list_region_households": E("geo.Region:code", "geo.view"),
    "bastion_people_api_list_people": E(None, "login"),
    "bastion_people_api_register_person": E(
        None,
        "people.change",
        body={"grid": GRID, "id_number": ID_NUMBER},
    ),
    "bastion_people_api_search_people": E(None, "login"),
    "bastion_people_api_list_duplicates": E(None, "login"),
    "bastion_people_api_merge_duplicate": E(
        "people.Person?duplicate_of__isnull=False", "people.change", body={"keep": "original"}
    ),
    "bastion_people_api_get_person": E(
        "people.Person",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "bastion_people_api_update_person": E("people.Person", "people.change"),
    "bastion_access_api_me": E(None, "login"),
    "bastion_access_api_me_password": E(None, "login"),
    "bastion_access_api_token_list": E(None, "login"),
    "bastion_access_api_token_create": E(None, "login"),
    "bastion_access_api_token_revoke": E("access.ApiToken", "geo.import"),
    "bastion_access_api_notification_list": E(None, "login"),
    "bastion_access_api_notification_read": E("access.Notification", "geo.import"),
    "bastion_access_api_audit_list": E(None, "access.audit"),
    "bastion_access_api_person_reveal": E("people.Person", "people.change", reveals=True),
    "bastion_access_api_manage_user_list": E(None, "access.assign"),
    "bastion_access_api_manage_user_create": E(
        None,
        "access.assign",
        body={
            "username": "mx_new_user",
            "role": "grid_worker",
            "region_code": GRID,
        },
    ),
    "bastion_access_api_manage_user_detail": E(
        "access.RoleAssignment:user.public_id", "access.assign"
    ),
    "bastion_access_api_manage_user_role_grant": E(
        "access.RoleAssignment:user.public_id",
        "access.assign",
        body={"role": "grid_worker", "region_code": GRID},
    ),
    "bastion_access_api_manage_user_role_revoke": E(
        "access.RoleAssignment:user.public_id / public_id", "access.assign"
    ),
    "bastion_access_api_manage_user_password_reset": E(
        "access.RoleAssignment:user.public_id", "access.assign"
    ),
    "bastion_access_api_manage_user_deactivate": E(
        "access.RoleAssignment:user.public_id", "access.assign"
    ),
    "bastion_access_api_manage_user_reactivate": E(
        "access.RoleAssignment:user.public_id", "access.assign"
    ),
    "bastion_access_api_manage_assignment_list": E(None, "access.assign"),
    "bastion_access_api_manage_assignment_create": E(
        None,
        "access.assign",
        body={
            "user": "@access.RoleAssignment:user.public_id?role=grid_worker",
            "kind": "grid",
            "region_code": GRID,
        },
    ),
    "bastion_access_api_manage_assignment_delete": E("access.Assignment", "access.assign"),
    "bastion_reports_api_indicator_list": E(None, "login"),
    "bastion_reports_api_indicator_value": E("=people", "reports.view"),
    "bastion_reports_api_indicator_records": E("=people", "reports.view"),
    "bastion_monitoring_api_config_list_policies": E(None, "login"),
    "bastion_monitoring_api_config_update_policy": E("monitoring.Policy", "geo.import"),
    "bastion_monitoring_api_config_list_risk_areas": E(None, "login"),
    "bastion_monitoring_api_config_create_risk_area": E(None, "geo.import"),
    "bastion_monitoring_api_config_update_risk_area": E("monitoring.RiskArea", "geo.import"),
    "bastion_monitoring_api_monitor_monitor": E(
        None, "campaigns.view", query="region=@geo.Region:code"
    ),
    "bastion_monitoring_api_alerts_list_alerts": E(None, "login"),
    "bastion_monitoring_api_alerts_acknowledge_alert": E("monitoring.Alert", "people.change"),
    "bastion_monitoring_api_alerts_resolve_alert": E("monitoring.Alert", "people.change"),
    "bastion_monitoring_api_alerts_list_service_requests": E(None, "login"),
    "bastion_monitoring_api_alerts_create_service_request": E(
        None, "people.change", body={"observation": "@monitoring.Observation", "kind": "groceries"}
    ),
    "bastion_monitoring_api_alerts_assign_service_request": E(
        "monitoring.ServiceRequest",
        "people.change",
        body={"user": "@monitoring.ServiceRequest:observation.team.user.username"},
    ),
    "bastion_monitoring_api_alerts_set_service_request_status": E(
        "monitoring.ServiceRequest", "people.change", body={"status": "in_progress"}
    ),
    "bastion_monitoring_api_imports_import_list": E(None, "login"),
    "bastion_monitoring_api_followups_list_followups": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "bastion_monitoring_api_followups_record_followup": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "bastion_monitoring_api_followups_correct_followup": E("monitoring.Observation", "nobody"),
    "bastion_monitoring_api_observations_list_observations": E(None, "login"),
    "bastion_monitoring_api_observations_register_observation": E(
        None, "people.change", body={"person": "@people.Person?duplicate_of__isnull=True"}
    ),
    "bastion_monitoring_api_observations_get_observation": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    # checks the request (or the object's state) before the role: a read-only role's
    # 422 tells it nothing it cannot read
    "bastion_monitoring_api_observations_release_observation": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "bastion_monitoring_api_observations_end_observation": E(
        "monitoring.Observation", "people.change"
    ),
    "bastion_monitoring_api_observations_extend_observation": E(
        "monitoring.Observation", "people.change"
    ),
    "bastion_monitoring_api_observations_get_team": E(
        "monitoring.Observation",
        ("auditor", "community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "bastion_monitoring_api_observations_set_team": E("monitoring.Observation", "people.change"),
    "bastion_monitoring_api_observations_issue_selfreport_token": E(
        "monitoring.Observation",
        ("community_officer", "county_command", "grid_worker", "town_officer"),
    ),
    "bastion_monitoring_api_seats_list_seat_duties": E(
        None, ("community_officer", "county_command", "town_officer")
    ),
    "bastion_monitoring_api_seats_create_seat_duty": E(
        None,
        "access.assign",
        body={
            "region": COMMUNITY,
            "user": WORKER,
        },
    ),
    "bastion_monitoring_api_seats_delete_seat_duty": E(
        "monitoring.SeatAssignment", "access.assign"
    ),
    "bastion_party_api_organizations_list_organizations": E(None, "login"),
    "bastion_party_api_organizations_create_organization": E(
        None,
        "party.manage",
        body={"parent": "@party.Organization", "code": "MX-NEW-01", "tier": "branch"},
    ),
    "bastion_party_api_organizations_get_organization": E("party.Organization", "party.view"),
    "bastion_party_api_organizations_update_organization": E("party.Organization", "party.manage"),
    "bastion_party_api_organizations_close_organization": E("party.Organization", "party.manage"),
    "bastion_party_api_organizations_set_target": E("party.Organization", "party.manage"),
    "bastion_party_api_organizations_registration_rate": E("party.Organization", "party.view"),
    "bastion_party_api_organizations_service_cards": E(
        "party.Organization", "party.view", query="year=2020&quarter=1"
    ),
    "bastion_party_api_organizations_list_secondments": E("party.Organization", "party.view"),
    "bastion_party_api_organizations_add_secondment": E(
        "party.Organization", "party.manage", body={"member": MEMBER}
    ),
    "bastion_party_api_organizations_end_secondment": E("party.Secondment", "party.manage"),
    "bastion_party_api_organizations_list_officers": E("party.Organization", "party.manage"),
    "bastion_party_api_organizations_grant_officer": E(
        "party.Organization",
        "party.manage",
        body={"username": WORKER},
    ),
    "bastion_party_api_organizations_revoke_officer": E(
        "party.Organization / access.RoleAssignment?role=org_officer&org_path={path}",
        "party.manage",
    ),
    "bastion_party_api_members_list_members": E(None, "login"),
    "bastion_party_api_members_create_member": E(
        None,
        "party.manage",
        body={
            "organization": ORG,
            "id_number": ID_NUMBER,
            "grid": GRID,
        },
    ),
    "bastion_party_api_members_search_members": E(None, "login"),
    "bastion_party_api_members_import_members": E(None, "party.manage", body={"organization": ORG}),
    "bastion_party_api_members_get_member": E("party.PartyMember", "party.view"),
    "bastion_party_api_members_update_member": E("party.PartyMember", "party.manage"),
    "bastion_party_api_members_transfer_member": E(
        "party.PartyMember", "party.manage", body={"to": ORG}
    ),
    "bastion_party_api_members_create_account": E("party.PartyMember", "party.manage"),
    "bastion_party_api_members_service_card": E(
        "party.PartyMember", "party.view", query="year=2020&quarter=1"
    ),
    "bastion_party_api_members_add_service_entry": E(
        "party.PartyMember",
        "party.registration",
        body={"community": COMMUNITY},
    ),
    "bastion_party_api_registrations_list_registrations": E(None, "login"),
    "bastion_party_api_registrations_create_registration": E(
        None,
        "party.registration",
        body={"member": MEMBER, "community": COMMUNITY},
    ),
    "bastion_party_api_registrations_get_registration": E(
        "party.CommunityRegistration", "party.view"
    ),
    "bastion_party_api_registrations_decide_registration": E(
        "party.CommunityRegistration", "party.registration"
    ),
    "bastion_party_api_registrations_renew_registration": E(
        "party.CommunityRegistration", "party.registration"
    ),
    "bastion_party_api_registrations_withdraw_registration": E(
        "party.CommunityRegistration", "party.registration"
    ),
    "bastion_party_api_registrations_reject_renewal": E(
        "party.RegistrationRenewal", "party.registration"
    ),
    "bastion_party_api_registrations_me": E(None, ("volunteer",)),
    "bastion_party_api_registrations_register_myself": E(
        None, "volunteers.claim", body={"community": COMMUNITY}
    ),
    "bastion_party_api_registrations_ask_renewal": E(None, "nobody"),
    "bastion_party_api_registrations_withdraw_mine": E(None, "nobody"),
    "bastion_party_api_work_list_teams": E(None, "login"),
    "bastion_party_api_work_create_team": E(None, "party.manage", body={"organization": ORG}),
    "bastion_party_api_work_get_team": E("party.Team", "party.view"),
    "bastion_party_api_work_update_team": E("party.Team", "party.manage"),
    "bastion_party_api_work_add_team_member": E(
        "party.Team", "party.manage", body={"member": MEMBER}
    ),
    "bastion_party_api_work_remove_team_member": E("party.Team", "nobody"),
    "bastion_party_api_work_disband_team": E("party.Team", "party.manage"),
    "party_list_zones": E(None, "login"),
    "party_create_zones": E(
        None,
        "party.manage",
        body={"organization": ORG, "member": MEMBER},
    ),
    "party_get_zones": E("party.ResponsibilityZone", "party.view"),
    "party_reassign_zones": E("party.ResponsibilityZone", "party.manage", body={"member": MEMBER}),
    "party_end_zones": E("party.ResponsibilityZone", "party.manage"),
    "party_list_posts": E(None, "login"),
    "party_create_posts": E(
        None,
        "party.manage",
        body={"organization": ORG, "member": MEMBER},
    ),
    "party_get_posts": E("party.VanguardPost", "party.view"),
    "party_reassign_posts": E("party.VanguardPost", "party.manage", body={"member": MEMBER}),
    "party_end_posts": E("party.VanguardPost", "party.manage"),
    "bastion_party_api_work_list_groups": E(None, "login"),
    "bastion_party_api_work_create_group": E(
        None, "party.manage", body={"organization": ORG, "number": 92}
    ),
    "bastion_party_api_work_get_group": E("party.LiaisonGroup", "party.view"),
    "bastion_party_api_work_pair_unit": E("party.LiaisonGroup", "party.manage", body={"unit": ORG}),
    "bastion_party_api_work_list_visits": E("party.LiaisonGroup", "party.view"),
    "bastion_party_api_work_record_visit": E("party.LiaisonGroup", "nobody", body={"unit": ORG}),
    "bastion_party_api_work_list_cadre_observations": E(None, "party.fees"),
    "bastion_party_api_work_record_cadre_observation": E(None, "party.fees", body={"unit": ORG}),
    "bastion_party_api_work_get_cadre_observation": E("party.CadreObservation", "party.fees"),
    "bastion_party_api_calls_list_calls": E(None, "login"),
    "bastion_party_api_calls_send_call": E(
        None,
        "party.manage",
        body={"organization": ORG, "audience": "members"},
    ),
    # party.view, and the member who received it (the volunteer persona)
    "bastion_party_api_calls_get_call": E(
        "party.Mobilization",
        PARTY_VIEW_AND_MEMBER,
    ),
    "bastion_party_api_calls_list_recipients": E(
        "party.Mobilization",
        PARTY_VIEW_AND_MEMBER,
    ),
    "bastion_party_api_calls_respond": E("party.Mobilization", "nobody"),
    "bastion_party_api_calls_mark_seen": E("party.Mobilization", "nobody"),
    "bastion_party_api_calls_close_call": E("party.Mobilization", "party.manage"),
    "bastion_party_api_calls_list_grants": E(None, "login"),
    "bastion_party_api_calls_create_grant": E(
        None,
        "nobody",
        body={
            "organization": ORG,
            "grantor": ORG,
            "amount": "100",
        },
    ),
    "bastion_party_api_calls_get_grant": E("party.FeeGrant", "party.view"),
    "bastion_party_api_calls_record_expense": E("party.FeeGrant", "party.manage"),
    "bastion_party_api_calls_reverse_expense": E("party.FeeEntry", "nobody"),
    "bastion_party_api_calls_adjust_grant": E("party.FeeGrant", "party.fees"),
    "bastion_party_api_calls_list_exemplars": E(None, "login"),
    "bastion_party_api_calls_nominate": E(
        None,
        "party.manage",
        body={
            "nominating_org": ORG,
            "kind": "person",
            "subject": MEMBER,
        },
    ),
    "bastion_party_api_calls_get_exemplar": E("party.Exemplar", "party.view"),
    "bastion_party_api_calls_review": E("party.Exemplar", "party.exemplar"),
    "bastion_party_api_calls_publish": E("party.Exemplar", "party.exemplar"),
    "bastion_party_api_calls_withdraw": E("party.Exemplar", "party.exemplar"),
    "bastion_campaigns_api_campaigns_list_campaigns": E(None, "login"),
    "bastion_campaigns_api_campaigns_create_campaign": E(
        None, "access.assign", body={"regions": [TOWN], "kind": "door_knock"}
    ),
    "bastion_campaigns_api_campaigns_get_campaign": E("campaigns.Campaign", "campaigns.view"),
    "bastion_campaigns_api_campaigns_update_campaign": E("campaigns.Campaign", "access.assign"),
    "bastion_campaigns_api_campaigns_open_round": E("campaigns.Campaign", "access.assign"),
    "bastion_campaigns_api_campaigns_close_campaign": E("campaigns.Campaign", "access.assign"),
    "bastion_campaigns_api_campaigns_get_coverage": E("campaigns.Campaign", "campaigns.view"),
    "bastion_campaigns_api_campaigns_list_households": E("campaigns.Campaign", "campaigns.view"),
    "bastion_campaigns_api_campaigns_get_next_household": E("campaigns.Campaign", "campaigns.view"),
    "bastion_campaigns_api_campaigns_create_visit": E(
        "campaigns.Campaign", "people.change", body={"household": "@geo.Household"}
    ),
    "bastion_campaigns_api_campaigns_list_visits": E("campaigns.Campaign", "campaigns.view"),
    "bastion_campaigns_api_campaigns_list_revisits": E("campaigns.Campaign", "campaigns.view"),
    "bastion_campaigns_api_campaigns_get_visit": E("campaigns.HouseholdVisit", "campaigns.view"),
    "bastion_campaigns_api_campaigns_correct_visit": E("campaigns.HouseholdVisit", "access.assign"),
    "bastion_campaigns_api_campaigns_attach_visit_photo": E("campaigns.HouseholdVisit", "nobody"),
    "bastion_campaigns_api_venues_list_venue_kinds": E(None, "login"),
    "bastion_campaigns_api_venues_create_venue_kind": E(None, "access.assign"),
    "bastion_campaigns_api_venues_update_venue_kind": E("campaigns.VenueKind", "access.assign"),
    "bastion_campaigns_api_venues_list_venues": E(None, "login"),
    "bastion_campaigns_api_venues_create_venue": E(
        None,
        "access.assign",
        body={"grid": GRID, "kind": "@campaigns.VenueKind:code"},
    ),
    "bastion_campaigns_api_venues_get_venue": E("campaigns.Venue", "campaigns.view"),
    "bastion_campaigns_api_venues_update_venue": E("campaigns.Venue", "access.assign"),
    "bastion_campaigns_api_venues_close_venue": E("campaigns.Venue", "access.assign"),
    "bastion_campaigns_api_venues_get_checkin_code": E("campaigns.Venue", "campaigns.view"),
    "bastion_campaigns_api_venues_reissue_checkin_code": E("campaigns.Venue", "access.assign"),
    "bastion_campaigns_api_venues_list_inspections": E("campaigns.Venue", "campaigns.view"),
    "bastion_campaigns_api_venues_create_inspection": E("campaigns.Venue", "people.change"),
    "bastion_campaigns_api_venues_get_inspection": E("campaigns.Inspection", "campaigns.view"),
    "bastion_campaigns_api_venues_add_inspection_photos": E(
        "campaigns.Inspection", "people.change"
    ),
    "bastion_campaigns_api_venues_list_commitments": E("campaigns.Venue", "campaigns.view"),
    "bastion_campaigns_api_venues_create_commitment": E("campaigns.Venue", "people.change"),
    "bastion_campaigns_api_venues_withdraw_commitment": E("campaigns.Commitment", "access.assign"),
    "bastion_campaigns_api_venues_create_trace": E("campaigns.Venue", "geo.change"),
    "bastion_campaigns_api_venues_list_traces": E(None, "login"),
    "bastion_campaigns_api_venues_get_trace": E("campaigns.TraceRequest", ("county_command",)),
    "bastion_campaigns_api_venues_list_trace_checkins": E(
        "campaigns.TraceRequest", ("county_command",)
    ),
    "bastion_campaigns_api_venues_reveal_checkin": E(
        "campaigns.TraceRequest / venue.checkins.public_id", "geo.import", body={"field": "phone"}
    ),
    "bastion_campaigns_api_materials_list_materials": E(None, "login"),
    "bastion_campaigns_api_materials_create_material": E(
        None, "access.assign", body={"region": TOWN, "kind": "proposal"}
    ),
    "bastion_campaigns_api_materials_get_material": E("campaigns.Material", "campaigns.view"),
    "bastion_campaigns_api_materials_list_companies": E(None, "login"),
    "bastion_campaigns_api_materials_create_company": E(
        None, "access.assign", body={"region": TOWN}
    ),
    "bastion_campaigns_api_materials_get_company": E("campaigns.PartnerCompany", "campaigns.view"),
    "bastion_campaigns_api_materials_update_company": E(
        "campaigns.PartnerCompany", "access.assign"
    ),
    "bastion_campaigns_api_materials_list_distributions": E(None, "login"),
    "bastion_campaigns_api_materials_create_distribution": E(
        None,
        "people.change",
        body={
            "material": "@campaigns.Material",
            "region": TOWN,
            "action": "handed_out",
        },
    ),
    "bastion_campaigns_api_materials_void_distribution": E(
        "campaigns.MaterialDistribution", "access.assign"
    ),
    "bastion_volunteers_api_tasks_list_tasks": E(None, "login"),
    "bastion_volunteers_api_tasks_publish_task": E(
        None,
        "volunteers.publish",
        body=TASK_BODY,
    ),
    "bastion_volunteers_api_tasks_nearby": E(None, "login"),
    "bastion_volunteers_api_tasks_publish_series": E(
        None,
        "volunteers.publish",
        body=TASK_BODY,
    ),
    "bastion_volunteers_api_tasks_get_series": E("volunteers.TaskSeries", "volunteers.view"),
    "bastion_volunteers_api_tasks_cancel_series": E(
        "volunteers.TaskSeries", "volunteers.publish", body={"reason": "矩阵测试：天气原因取消"}
    ),
    "bastion_volunteers_api_tasks_get_task": E("volunteers.Task", "volunteers.view"),
    "bastion_volunteers_api_tasks_change_task": E("volunteers.Task", "volunteers.publish"),
    "bastion_volunteers_api_tasks_cancel_task": E("volunteers.Task", "volunteers.publish"),
    "bastion_volunteers_api_tasks_rotate_code": E("volunteers.Task", "volunteers.publish"),
    "bastion_volunteers_api_claims_claim": E("volunteers.Task", "volunteers.claim"),
    "bastion_volunteers_api_claims_claim_for": E(
        "volunteers.Task",
        "volunteers.publish",
        body={"person": "@people.Person?duplicate_of__isnull=True"},
    ),
    "bastion_volunteers_api_claims_roster": E("volunteers.Task", "volunteers.publish"),
    "bastion_volunteers_api_claims_cancel": E("volunteers.Claim", "volunteers.publish"),
    "bastion_volunteers_api_claims_scan": E(None, "nobody"),
    "bastion_volunteers_api_claims_leader_check": E("volunteers.Claim", "volunteers.publish"),
    "bastion_volunteers_api_claims_confirm": E("volunteers.Claim", "volunteers.publish"),
    "bastion_volunteers_api_claims_no_show": E("volunteers.Claim", "volunteers.publish"),
    "bastion_volunteers_api_claims_correct": E("volunteers.Attendance", "volunteers.publish"),
    # the linked member is a volunteer with a record of her own
    "bastion_volunteers_api_claims_record": E(None, ("volunteer",)),
    "bastion_volunteers_api_claims_community_ranking": E(
        None, "volunteers.view", query="community=@geo.Region:code?level=community"
    ),
    "bastion_volunteers_api_orders_list_orders": E(None, "login"),
    "bastion_volunteers_api_orders_create_order": E(
        None, "volunteers.publish", body={"community": COMMUNITY}
    ),
    "bastion_volunteers_api_orders_get_order": E("volunteers.ServiceOrder", "volunteers.view"),
    "bastion_volunteers_api_orders_dispatch": E(
        "volunteers.ServiceOrder",
        "volunteers.publish",
        body={"person": "@volunteers.ResidentVolunteer:person.public_id"},
    ),
    # checks the request (or the object's state) before the role: a read-only role's
    # 422 tells it nothing it cannot read
    "bastion_volunteers_api_orders_accept": E("volunteers.ServiceOrder", "volunteers.view"),
    "bastion_volunteers_api_orders_release": E("volunteers.ServiceOrder", "volunteers.publish"),
    "bastion_volunteers_api_orders_done": E("volunteers.ServiceOrder", "volunteers.publish"),
    "bastion_volunteers_api_orders_cancel": E("volunteers.ServiceOrder", "volunteers.publish"),
    "bastion_volunteers_api_orders_rating_link": E("volunteers.ServiceOrder", "volunteers.publish"),
    "bastion_volunteers_api_config_list_kinds": E(None, "login"),
    "bastion_volunteers_api_config_save_kind": E(None, "volunteers.publish"),
    "bastion_volunteers_api_config_get_rules": E("geo.Region:code", "volunteers.view"),
    "bastion_volunteers_api_config_put_rules": E("geo.Region:code", "volunteers.publish"),
    "bastion_volunteers_api_config_list_residents": E(None, "login"),
    "bastion_volunteers_api_config_register_resident": E(
        None,
        "access.assign",
        body={
            "person": "@people.Person?duplicate_of__isnull=True",
            "home_grid": GRID,
        },
    ),
    "bastion_volunteers_api_config_resident_leave": E(
        "volunteers.ResidentVolunteer", "volunteers.publish"
    ),
    "bastion_supplies_api_catalogue_list_units": E(None, "supplies.view"),
    "bastion_supplies_api_catalogue_create_unit": E(None, "supplies.donations"),
    "bastion_supplies_api_catalogue_list_items": E(None, "login"),
    "bastion_supplies_api_catalogue_create_item": E(None, "login"),
    "bastion_supplies_api_catalogue_get_item": E("supplies.Item", "supplies.view"),
    "bastion_supplies_api_catalogue_update_item": E("supplies.Item", "supplies.donations"),
    "bastion_supplies_api_catalogue_add_conversion": E(
        "supplies.Item", "supplies.donations", body={"unit": "@supplies.Unit:code", "factor": "2"}
    ),
    "bastion_supplies_api_donations_list_donors": E(None, "login"),
    "bastion_supplies_api_donations_create_donor": E(
        None, "supplies.donations", body={"kind": "individual", "region": TOWN}
    ),
    "bastion_supplies_api_donations_get_donor": E("supplies.Donor", "supplies.view"),
    "bastion_supplies_api_donations_update_donor": E("supplies.Donor", "supplies.donations"),
    "bastion_supplies_api_donations_list_donations": E(None, "login"),
    "bastion_supplies_api_donations_create_donation": E(
        None, "supplies.donations", body={"donor": "@supplies.Donor"}
    ),
    "bastion_supplies_api_donations_get_donation": E("supplies.Donation", "supplies.view"),
    "bastion_supplies_api_donations_add_donation_line": E(
        "supplies.Donation",
        "supplies.donations",
        body={"item": "@supplies.Item:code", "quantity": "1"},
    ),
    "bastion_supplies_api_donations_receive_goods": E(
        "supplies.Donation?lines__isnull=False",
        "supplies.stock",
        body={
            "warehouse": "@supplies.Warehouse",
            "lines": [
                {"line": "@supplies.Donation:lines.public_id?lines__isnull=False", "quantity": "1"}
            ],
        },
    ),
    "bastion_supplies_api_donations_receive_cash": E(
        "supplies.Donation",
        "supplies.donations",
        body={"account": "@supplies.CashAccount", "amount": "10"},
    ),
    "bastion_supplies_api_donations_cancel_donation": E("supplies.Donation", "supplies.donations"),
    "bastion_supplies_api_donations_acknowledgement": E("supplies.Donation", "supplies.view"),
    "bastion_supplies_api_stock_list_warehouses": E(None, "login"),
    "bastion_supplies_api_stock_create_warehouse": E(
        None, "supplies.donations", body={"region": TOWN, "code": "MX-WH-9"}
    ),
    "bastion_supplies_api_stock_get_warehouse": E("supplies.Warehouse", "supplies.view"),
    "bastion_supplies_api_stock_update_warehouse": E("supplies.Warehouse", "supplies.donations"),
    "bastion_supplies_api_stock_warehouse_stock": E("supplies.Warehouse", "supplies.view"),
    "bastion_supplies_api_stock_warehouse_lots": E("supplies.Warehouse", "supplies.view"),
    "bastion_supplies_api_stock_adjust": E(
        "supplies.Warehouse",
        "supplies.stock",
        body={"item": "@supplies.Item:code", "quantity": "1"},
    ),
    "bastion_supplies_api_stock_write_off": E(
        "supplies.Warehouse",
        "supplies.stock",
        body={"item": "@supplies.Item:code", "quantity": "1"},
    ),
    "bastion_supplies_api_stock_transfer": E(
        None,
        "supplies.stock",
        body={
            "source": "@supplies.Warehouse",
            "target": "@supplies.Warehouse",
            "lines": [{"item": "@supplies.Item:code", "quantity": "1"}],
        },
    ),
    "bastion_supplies_api_stock_stock": E(None, "login"),
    "bastion_supplies_api_stock_list_moves": E(None, "login"),
    "bastion_supplies_api_stock_get_move": E("supplies.StockMove", "supplies.view"),
    "bastion_supplies_api_stock_correct_move": E("supplies.StockMove", "supplies.stock"),
    "bastion_supplies_api_stock_export_ledger": E(None, "login"),
    "bastion_supplies_api_allocations_list_allocations": E(None, "login"),
    "bastion_supplies_api_allocations_create_allocation": E(
        None,
        "volunteers.publish",
        body={
            "recipient": "region:" + COMMUNITY,
            "lines": [{"item": "@supplies.Item:code", "quantity": "1"}],
        },
    ),
    "bastion_supplies_api_allocations_get_allocation": E("supplies.Allocation", "supplies.view"),
    "bastion_supplies_api_allocations_decide": E(
        "supplies.Allocation?status=requested",
        "supplies.approve",
        body={
            "lines": [
                {"line": "@supplies.Allocation:lines.public_id?status=requested", "quantity": "1"}
            ]
        },
    ),
    # checks the request (or the object's state) before the role: a read-only role's
    # 422 tells it nothing it cannot read
    "bastion_supplies_api_allocations_issue": E("supplies.Allocation", "supplies.view"),
    "bastion_supplies_api_allocations_confirm": E(
        "supplies.Shipment",
        "volunteers.publish",
        body={"lines": [{"line": "@supplies.AllocationLine", "quantity": "1"}]},
    ),
    "bastion_supplies_api_allocations_cancel": E("supplies.Allocation", "volunteers.publish"),
    "bastion_supplies_api_cash_list_accounts": E(None, "login"),
    "bastion_supplies_api_cash_create_account": E(
        None, "supplies.donations", body={"region": TOWN}
    ),
    "bastion_supplies_api_cash_get_account": E("supplies.CashAccount", "supplies.view"),
    "bastion_supplies_api_cash_adjust_account": E(
        "supplies.CashAccount", "supplies.donations", body={"amount": "10"}
    ),
    "bastion_supplies_api_cash_list_purposes": E(None, "login"),
    "bastion_supplies_api_cash_create_purpose": E(
        None, "geo.import", body={"account": "@supplies.CashAccount", "amount": "10"}
    ),
    "bastion_supplies_api_cash_get_purpose": E("supplies.CashPurpose", "supplies.view"),
    "bastion_supplies_api_cash_top_up": E("supplies.CashPurpose", "geo.import"),
    "bastion_supplies_api_cash_close": E("supplies.CashPurpose", "geo.import"),
    "bastion_supplies_api_cash_spend": E(
        "supplies.CashPurpose",
        ("community_officer", "county_command", "org_officer", "town_officer", "warehouse_keeper"),
    ),
    "bastion_supplies_api_cash_list_entries": E(None, "login"),
    "bastion_supplies_api_cash_correct_entry": E(
        "supplies.CashEntry", "supplies.donations", body={"amount": "10"}
    ),
    "bastion_supplies_api_summary_summary": E(None, "supplies.view"),
    "bastion_supplies_api_summary_public_summary": E(None, "public"),
    "bastion_command_api_directives_list_units": E(None, "login"),
    "bastion_command_api_directives_list_directives": E(None, "login"),
    "bastion_command_api_directives_issue_directive": E(
        None,
        "command.issue",
        body={
            "issuer": COUNTY_UNIT,
            "targets": ["region:" + COMMUNITY],
        },
    ),
    "bastion_command_api_directives_get_directive": E("command.Directive", "command.view"),
    "bastion_command_api_directives_list_targets": E("command.Directive", "command.view"),
    "bastion_command_api_directives_cancel_directive": E("command.Directive", "command.issue"),
    "bastion_command_api_directives_get_target": E("command.DirectiveTarget", "command.view"),
    "bastion_command_api_directives_acknowledge_target": E("command.DirectiveTarget", "nobody"),
    "bastion_command_api_directives_report_progress": E("command.DirectiveTarget", "nobody"),
    "bastion_command_api_directives_report_done": E("command.DirectiveTarget", "nobody"),
    "bastion_command_api_directives_return_target": E("command.DirectiveTarget", "command.issue"),
    "bastion_command_api_directives_get_inbox": E(None, "login"),
    "bastion_command_api_meetings_list_meetings": E(None, "login"),
    "bastion_command_api_meetings_record_meeting": E(
        None, "login", body={"issuer": COUNTY_UNIT, "kind": "video_dispatch"}
    ),
    "bastion_command_api_meetings_get_meeting": E("command.Meeting", "reports.view"),
    "bastion_command_api_meetings_add_decision": E("command.Meeting", "command.issue"),
    "bastion_command_api_notices_list_notices": E(None, "login"),
    "bastion_command_api_notices_publish_notice": E(
        None,
        "command.issue",
        body={
            "issuer": COUNTY_UNIT,
            "kind": "notice",
            "targets": ["region:" + COMMUNITY],
        },
    ),
    "bastion_command_api_notices_get_notice": E("command.Notice", "reports.view"),
    "bastion_command_api_notices_revise_notice": E("command.Notice", "command.issue"),
    "bastion_command_api_notices_add_notice_targets": E(
        "command.Notice",
        "command.issue",
        body={"targets": ["region:" + COMMUNITY]},
    ),
    "bastion_command_api_notices_withdraw_notice": E("command.Notice", "command.issue"),
    "bastion_command_api_notices_list_receipts": E("command.Notice", "reports.view"),
    "bastion_command_api_incidents_list_incident_kinds": E(None, "login"),
    "bastion_command_api_incidents_save_incident_kind": E(None, "geo.import"),
    "bastion_command_api_incidents_list_incidents": E(None, "login"),
    "bastion_command_api_incidents_report_incident": E(
        None,
        "command.report",
        body={
            "region": GRID,
            "grade": "simple",
            "kind": "@command.IncidentKind:code",
        },
    ),
    "bastion_command_api_incidents_incidents_by_unit": E(None, "login"),
    "bastion_command_api_incidents_get_incident": E("command.Incident", "command.view"),
    "bastion_command_api_incidents_get_incident_log": E("command.Incident", "command.view"),
    "bastion_command_api_incidents_register_incident": E("command.Incident", "volunteers.publish"),
    "bastion_command_api_incidents_regrade_incident": E(
        "command.Incident", "volunteers.publish", body={"grade": "general"}
    ),
    "bastion_command_api_incidents_dismiss_incident": E("command.Incident", "volunteers.publish"),
    "bastion_command_api_incidents_dispatch_incident": E(
        "command.Incident?status=registered",
        "command.handle",
        body={"handler": "region:" + COMMUNITY},
    ),
    "bastion_command_api_incidents_handle_incident": E(
        "command.Incident?status=dispatched", "command.handle"
    ),
    "bastion_command_api_incidents_verify_incident": E(
        "command.Incident?status=handled", "command.handle"
    ),
    "bastion_command_api_incidents_send_back_incident": E(
        "command.Incident?status=handled", "command.handle"
    ),
    "bastion_command_api_incidents_archive_incident": E(
        "command.Incident?status=closed", "command.handle"
    ),
    "bastion_command_api_incidents_request_extension": E(
        "command.Incident?status=dispatched", "command.handle"
    ),
    "bastion_command_api_incidents_decide_extension": E(
        "command.IncidentExtension", "volunteers.publish"
    ),
    "bastion_command_api_dailyforms_upload": E(None, "login"),
    "bastion_command_api_dailyforms_list_daily_forms": E(None, "login"),
    "bastion_command_api_dailyforms_create_daily_form": E(None, "geo.import"),
    "bastion_command_api_dailyforms_get_daily_form": E("command.DailyForm", "reports.view"),
    "bastion_command_api_dailyforms_update_daily_form": E("command.DailyForm", "geo.import"),
    "bastion_command_api_dailyforms_add_daily_field": E(
        "command.DailyForm", "geo.import", body={"code": "mx_checks", "label": "矩阵测试检查次数"}
    ),
    "bastion_command_api_dailyforms_set_daily_field_active": E(
        "command.DailyForm / fields.code", "geo.import"
    ),
    "bastion_command_api_dailyforms_file_daily_report": E(
        "command.DailyForm",
        "command.daily",
        body={"unit": COMMUNITY, "values": {"meetings_held": 1}},
    ),
    "bastion_command_api_dailyforms_daily_form_status": E("command.DailyForm", "reports.view"),
    "bastion_command_api_dailyforms_unit_figures": E("geo.Region:code", "command.view"),
    "reports:dashboard": E(None, "reports.view"),
    "reports:bigscreen": E(None, "reports.view"),
    "reports:dashboard_data": E("=figures", "reports.view"),
    "reports:dashboard_export": E("=figures", "reports.view"),
    "reports:briefing_list": E(None, "reports.view"),
    "reports:briefing_detail": E("reports.Briefing", "reports.briefing"),  # a draft
    "reports:briefing_edit": E("reports.Briefing", "reports.briefing"),  # a draft
    "reports:briefing_regenerate": E("reports.Briefing", "reports.briefing"),  # a draft
    "reports:briefing_publish": E("reports.Briefing", "reports.briefing"),  # a draft
    "reports:briefing_word": E("reports.Briefing", "reports.briefing"),  # a draft
    "field:home": E(None, "login"),
    "field:today": E(None, "login"),
    "field:visits": E(None, "login"),
    "field:tasks": E(None, "login"),
    "field:incident": E(None, "login"),
    "field:sw": E(None, "public"),
    "field:manifest": E(None, "public"),
    "field:conflicts": E(None, "login"),
    "field:conflict_detail": E("field.FieldConflict", "access.assign"),
    "bastion_field_api_get_day": E(None, "login"),
    "bastion_field_api_submit_entry": E(None, "login"),
    "bastion_field_api_list_conflicts": E(None, "login"),
    "bastion_field_api_get_conflict": E("field.FieldConflict", "access.assign"),
    "bastion_field_api_resolve_conflict": E("field.FieldConflict", "access.assign"),
}
