"""Community registration (报到): online by the member, offline by community staff,
confirmation, lapse and renewal with history, withdrawal; the employer's rate against its
target; the quarterly service record card (Word and Excel)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from bastion.core.models import AuditEntry
from bastion.party import services
from bastion.party.models import (
    CommunityRegistration,
    RegistrationChannel,
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
)
from bastion.party.selectors import (
    registration_in_force_covering,
    registration_rate,
    registration_state,
    service_card,
)
from tests.conftest import make_user
from tests.mixins import api_post

API = "/api/v1/party"


def test_member_registers_online_and_the_community_confirms(county, party_tree, world, login):
    wang = party_tree.members["wang"]
    me = login(world.wang_login)
    response = api_post(
        me,
        f"{API}/me/registration",
        {
            "community": county.community_a1.code,
            "skills": ["驾驶", "驾驶", " "],
            "availability": "周末",
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    registration = CommunityRegistration.objects.get(member=wang)
    assert registration.channel == RegistrationChannel.ONLINE and registration.skills == ["驾驶"]
    assert registration.status == RegistrationStatus.PENDING
    # The member cannot confirm their own registration; the community can.
    assert api_post(me, f"{API}/registrations/{registration.public_id}/decide",
                    {"confirm": True}).status_code == 404  # fmt: skip
    response = api_post(
        login(county.community),
        f"{API}/registrations/{registration.public_id}/decide",
        {"confirm": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_force"
    assert registration_in_force_covering(
        person_id=wang.person_id, region_path=county.grid_a1_2.path
    )


def test_someone_else_cannot_register_a_member_online(county, party_tree):
    with pytest.raises(Http404):
        services.registration_submit(
            actor=county.volunteer,
            member=party_tree.members["wang"],
            community=county.community_a1,
            channel=RegistrationChannel.ONLINE,
        )


def test_offline_entry_by_community_staff_through_the_page(county, party_tree, login):
    client = login(county.community)
    response = client.post(
        "/party/registrations/new/",
        {"member": "王小明", "community": county.community_a1.code, "skills": ["医疗护理"]},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    registration = CommunityRegistration.objects.get(member=party_tree.members["wang"])
    assert registration.channel == RegistrationChannel.OFFLINE
    assert registration.submitted_by == county.community


def test_community_staff_cannot_enter_registrations_at_another_community(county, party_tree):
    with pytest.raises(Http404):
        services.registration_submit(
            actor=county.community,
            member=party_tree.members["wang"],
            community=county.community_b1,
            channel=RegistrationChannel.OFFLINE,
        )


def test_confirmation_defaults_to_the_configured_period(county, party_tree, settings):
    settings.BASTION_PARTY_REGISTRATION_DAYS = 180
    registration = services.registration_submit(
        actor=county.community,
        member=party_tree.members["wang"],
        community=county.community_a1,
        channel=RegistrationChannel.OFFLINE,
    )
    services.registration_decide(actor=county.community, registration=registration, confirm=True)
    assert registration.valid_until == timezone.localdate() + dt.timedelta(days=180)


def test_registration_lapses_after_valid_until_and_renewal_keeps_history(
    county, party_tree, world, login
):
    registration = world.registration
    zhang = party_tree.members["zhang"]
    lapsed_day = world.valid_until + dt.timedelta(days=1)
    with freeze_time(lapsed_day):
        registration.refresh_from_db()
        assert registration_state(registration) == "lapsed"
        assert (
            registration_in_force_covering(
                person_id=zhang.person_id, region_path=county.grid_a1_1.path
            )
            is None
        )
        renewal = services.registration_renew(actor=county.community, registration=registration)
        registration.refresh_from_db()
        assert registration_state(registration) == "in_force"
        assert renewal.previous_valid_until == world.valid_until
        assert renewal.valid_until == registration.valid_until > lapsed_day
        assert (
            registration_in_force_covering(
                person_id=zhang.person_id, region_path=county.grid_a1_1.path
            )
            == registration
        )
    # The same registration, with its renewal on record.
    assert CommunityRegistration.objects.filter(member=zhang).count() == 1
    assert list(RegistrationRenewal.objects.filter(registration=registration).values_list(
        "previous_valid_until", flat=True)) == [world.valid_until]  # fmt: skip
    html = (
        login(county.community)
        .get(f"/party/registrations/{registration.public_id}/")
        .content.decode()
    )
    assert world.valid_until.isoformat() in html


def test_member_asks_to_renew_within_the_window_and_the_community_confirms(
    county, party_tree, world
):
    zhang = party_tree.members["zhang"]
    user = make_user("zhang_login")
    services.member_account_link(actor=None, member=zhang, user=user)
    registration = world.registration
    with pytest.raises(ValidationError) as err:  # three months before it lapses: too early
        services.registration_renew_request(actor=user, registration=registration)
    assert "续期" in err.value.messages[0]
    with freeze_time(world.valid_until - dt.timedelta(days=5)):
        request = services.registration_renew_request(actor=user, registration=registration)
        assert request.status == RenewalStatus.PENDING
        with pytest.raises(ValidationError):
            services.registration_renew_request(actor=user, registration=registration)
        confirmed = services.registration_renew(
            actor=county.community,
            registration=registration,
            valid_until=world.valid_until + dt.timedelta(days=365),
        )
    assert confirmed.pk == request.pk and confirmed.status == RenewalStatus.CONFIRMED
    registration.refresh_from_db()
    assert registration.valid_until == world.valid_until + dt.timedelta(days=365)


def test_renewal_to_an_earlier_date_is_refused(county, world):
    with pytest.raises(ValidationError) as err:
        services.registration_renew(
            actor=county.community,
            registration=world.registration,
            valid_until=world.valid_until - dt.timedelta(days=1),
        )
    assert "valid_until" in err.value.message_dict


def test_withdrawal_frees_the_member_to_register_elsewhere(county, party_tree, world):
    services.registration_withdraw(actor=county.community, registration=world.registration)
    assert world.registration.status == RegistrationStatus.WITHDRAWN
    again = services.registration_submit(
        actor=None,
        member=party_tree.members["zhang"],
        community=county.community_b1,
        channel=RegistrationChannel.OFFLINE,
    )
    assert again.status == RegistrationStatus.PENDING


def test_employer_rate_counts_employed_members_registered_in_force(county, party_tree, world):
    organ = party_tree.organ
    assert registration_rate(organization=organ).rate == 100.0
    with freeze_time(world.valid_until + dt.timedelta(days=2)):
        assert registration_rate(organization=organ).registered == 0
    root = registration_rate(organization=party_tree.root)
    assert (root.employed, root.registered) == (1, 1)


def test_service_card_counts_corrected_entries_once(county, party_tree, world):
    zhang = party_tree.members["zhang"]
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    first = services.service_record_add(
        actor=county.community, member=zhang, served_on=today, hours=Decimal("3"),
        description="卡口值守", community=county.community_a1,
    )  # fmt: skip
    services.service_record_add(
        actor=county.community, member=zhang, served_on=today, hours=Decimal("2.5"),
        description="卡口值守（更正）", community=county.community_a1, corrects=first,
    )  # fmt: skip
    with pytest.raises(ValidationError):  # the corrected entry is not corrected twice
        services.service_record_add(
            actor=county.community, member=zhang, served_on=today, hours=Decimal("1"),
            description="再更正", community=county.community_a1, corrects=first,
        )  # fmt: skip
    card = service_card(member=zhang, year=year, quarter=quarter)
    assert card.hours == Decimal("2.50") and len(card.entries) == 1 and card.days == 1


def test_staff_service_entries_need_the_community_and_a_sane_number(county, party_tree):
    zhang = party_tree.members["zhang"]
    with pytest.raises(ValidationError):
        services.service_record_add(
            actor=county.community, member=zhang, served_on=timezone.localdate(),
            hours=Decimal("3"), description="x",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.service_record_add(
            actor=county.community, member=zhang, served_on=timezone.localdate(),
            hours=Decimal("-2"), description="x", community=county.community_a1,
        )  # fmt: skip
    with pytest.raises(Http404):
        services.service_record_add(
            actor=county.gridworker, member=zhang, served_on=timezone.localdate(),
            hours=Decimal("2"), description="x", community=county.community_a1,
        )  # fmt: skip


def test_quarterly_card_exports_to_word_and_the_organization_to_excel(
    county, party_tree, world, login
):
    zhang = party_tree.members["zhang"]
    today = timezone.localdate()
    services.service_record_add(
        actor=county.community, member=zhang, served_on=today, hours=Decimal("4"),
        description="入户排查", community=county.community_a1,
    )  # fmt: skip
    year, quarter = today.year, (today.month - 1) // 3 + 1
    client = login(party_tree.orgdept_tree)
    response = client.get(
        f"/party/members/{zhang.public_id}/card/",
        {"year": year, "quarter": quarter, "format": "docx"},
    )
    assert response.status_code == 200
    from docx import Document

    text = "\n".join(
        cell.text for table in Document(io.BytesIO(response.content)).tables
        for row in table.rows for cell in row.cells
    )  # fmt: skip
    assert "张建国" in text and "入户排查" in text and "4.00" in text
    assert AuditEntry.objects.filter(action="export", object_type="party.servicecard").exists()
    sheet = client.get(
        f"/party/organizations/{party_tree.root.public_id}/cards/",
        {"year": year, "quarter": quarter, "format": "xlsx"},
    )
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    member_rows = [r for r in rows if r and r[0] == "张建国"]
    assert member_rows and member_rows[0][4] == "松雅社区" and member_rows[0][5] == "4.00"


def test_word_card_needs_the_export_permission(county, party_tree, world, login):
    response = login(county.community).get(
        f"/party/members/{party_tree.members['zhang'].public_id}/card/", {"format": "docx"}
    )
    assert response.status_code == 403


def test_decision_audit_names_the_status_change(county, world):
    entry = AuditEntry.objects.filter(
        object_id=str(world.registration.public_id), action="update"
    ).get()
    assert entry.changes["status"] == ["pending", "confirmed"]


def test_staff_correct_an_entry_on_the_card_page(county, party_tree, world, login):
    zhang = party_tree.members["zhang"]
    today = timezone.localdate()
    entry = services.service_record_add(
        actor=county.community, member=zhang, served_on=today, hours=Decimal("5"),
        description="值守", community=county.community_a1,
    )  # fmt: skip
    client = login(county.community)
    response = client.post(
        f"/party/members/{zhang.public_id}/service/{entry.public_id}/correct/",
        {"hours": "0", "description": "值守（未到岗，不计）"},
    )
    assert response.status_code == 302
    card = service_card(member=zhang, year=today.year, quarter=(today.month - 1) // 3 + 1)
    assert card.hours == Decimal("0") and entry.corrections.count() == 1
    # The corrected entry cannot be corrected again; the page says so.
    again = client.post(
        f"/party/members/{zhang.public_id}/service/{entry.public_id}/correct/",
        {"hours": "1", "description": "x"},
    )
    assert again.status_code == 404
