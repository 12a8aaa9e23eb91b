"""Recording visits: the revisit rule, idempotent form tokens, corrections, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from bastion.campaigns.models import CoverageCount, HouseholdVisit, Outcome, VisitState
from bastion.campaigns.selectors.campaigns import next_household, revisit_rows
from bastion.campaigns.services.campaigns import campaign_round_open
from bastion.campaigns.services.visits import (
    visit_correct,
    visit_record,
    visit_states_rebuild,
)
from bastion.core.models import AuditEntry


def record(user, campaign, household, outcome, **kw):
    return visit_record(actor=user, campaign=campaign, household=household, outcome=outcome, **kw)


def test_nobody_home_puts_the_household_on_the_revisit_list_until_a_later_visit(
    county, campaign, households
):
    h11 = households["h11"]
    record(county.gridworker, campaign, h11, Outcome.NOBODY_HOME)
    within = county.town_a.path
    assert [
        s.household for s in revisit_rows(user=county.town, campaign=campaign, within=within)
    ] == [h11]
    record(county.gridworker, campaign, h11, Outcome.NOBODY_HOME)
    state = VisitState.objects.get(household=h11)
    assert state.attempts == 2 and state.outcome == Outcome.NOBODY_HOME
    record(county.gridworker, campaign, h11, Outcome.VISITED, people_present=2)
    assert not revisit_rows(user=county.town, campaign=campaign, within=within).exists()
    assert VisitState.objects.get(household=h11).attempts == 3


def test_a_settled_household_refuses_another_visit_in_the_same_round(county, campaign, households):
    h11 = households["h11"]
    record(county.gridworker, campaign, h11, Outcome.REFUSED)
    with pytest.raises(ValidationError) as exc:
        record(county.gridworker, campaign, h11, Outcome.VISITED, people_present=1)
    assert "更正" in str(exc.value)
    assert HouseholdVisit.objects.count() == 1


def test_a_new_round_makes_every_household_pending_again(county, campaign, households):
    h11 = households["h11"]
    record(county.gridworker, campaign, h11, Outcome.VISITED, people_present=1)
    campaign_round_open(actor=county.town, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.current_round == 2
    assert (
        next_household(user=county.gridworker, campaign=campaign, within=county.town_a.path) == h11
    )
    record(county.gridworker, campaign, h11, Outcome.NOBODY_HOME)
    assert VisitState.objects.filter(household=h11).count() == 2


def test_the_same_form_token_twice_writes_one_visit(county, campaign, households):
    h11 = households["h11"]
    first = record(county.gridworker, campaign, h11, Outcome.NOBODY_HOME, entry_key="tok-1")
    again = record(county.gridworker, campaign, h11, Outcome.NOBODY_HOME, entry_key="tok-1")
    assert first.created and not again.created
    assert again.visit.pk == first.visit.pk
    assert HouseholdVisit.objects.count() == 1
    assert VisitState.objects.get(household=h11).attempts == 1
    assert AuditEntry.objects.filter(object_type="campaigns.householdvisit").count() == 1


def test_future_visit_time_is_refused(county, campaign, households):
    with pytest.raises(ValidationError) as exc:
        record(
            county.gridworker,
            campaign,
            households["h11"],
            Outcome.VISITED,
            visited_at=timezone.now() + dt.timedelta(hours=2),
        )
    assert "visited_at" in exc.value.message_dict
    assert not HouseholdVisit.objects.exists()


def test_visit_before_the_campaign_started_is_refused(county, campaign, households):
    with pytest.raises(ValidationError) as exc:
        record(
            county.gridworker,
            campaign,
            households["h11"],
            Outcome.VISITED,
            visited_at=timezone.now() - dt.timedelta(days=30),
        )
    assert "visited_at" in exc.value.message_dict


def test_outsider_cannot_record_a_visit_in_town_a(county, campaign, households):
    with pytest.raises(Http404):
        record(county.outsider, campaign, households["h11"], Outcome.VISITED)


def test_gridworker_cannot_record_in_the_other_grid(county, campaign, households):
    with pytest.raises(Http404):
        record(county.gridworker, campaign, households["h12"], Outcome.VISITED)


def test_correction_replaces_the_latest_visit_and_keeps_both(county, campaign, households):
    h11 = households["h11"]
    visit = record(county.gridworker, campaign, h11, Outcome.REFUSED).visit
    fixed = visit_correct(
        actor=county.gridworker,
        visit=visit,
        outcome=Outcome.VISITED,
        people_present=2,
        reason="误点了拒绝",
    )
    assert fixed.corrects_id == visit.pk
    state = VisitState.objects.get(household=h11)
    assert (state.outcome, state.visit_id) == (Outcome.VISITED, fixed.pk)
    with pytest.raises(ValidationError):
        visit_correct(actor=county.gridworker, visit=visit, outcome="vacant", reason="再改一次")


def test_correction_needs_a_reason_and_the_recorder_or_a_manager(county, campaign, households):
    visit = record(county.gridworker, campaign, households["h11"], Outcome.REFUSED).visit
    with pytest.raises(ValidationError):
        visit_correct(actor=county.gridworker, visit=visit, outcome="vacant", reason="")
    other = county.users["volunteer"]
    with pytest.raises(PermissionDenied):
        visit_correct(actor=other, visit=visit, outcome="vacant", reason="看错了门牌")


def test_state_rebuild_reproduces_the_live_state(county, campaign, households):
    h11 = households["h11"]
    record(county.gridworker, campaign, h11, Outcome.NOBODY_HOME)
    visit = record(county.gridworker, campaign, h11, Outcome.REFUSED).visit
    visit_correct(
        actor=county.community,
        visit=visit,
        outcome=Outcome.VISITED,
        people_present=1,
        reason="核实后更正",
    )
    record(county.community, campaign, households["h12"], Outcome.VACANT)
    live = sorted(
        VisitState.objects.values_list("household_id", "round", "outcome", "visit_id", "attempts")
    )
    counters = sorted(CoverageCount.objects.filter(n__gt=0).values_list("path", "outcome", "n"))
    assert visit_states_rebuild(campaign=campaign) == 2
    rebuilt = sorted(
        VisitState.objects.values_list("household_id", "round", "outcome", "visit_id", "attempts")
    )
    assert rebuilt == live
    assert sorted(CoverageCount.objects.values_list("path", "outcome", "n")) == counters


def test_rebuild_command_reports_each_campaign(county, campaign, households):
    from io import StringIO

    from django.core.management import call_command

    record(county.gridworker, campaign, households["h11"], Outcome.NOBODY_HOME)
    out = StringIO()
    call_command("campaigns_rebuild_state", stdout=out)
    assert f"{campaign.public_id} {campaign.name}: 1 household states" in out.getvalue()


def test_purge_command_deletes_old_checkins(county, venue):
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command

    from bastion.campaigns.models import CheckIn
    from bastion.campaigns.services.checkins import checkin_record

    checkin_record(
        venue=venue, name="旧", phone="13900001111", now=timezone.now() - dt.timedelta(days=60)
    )
    out = StringIO()
    call_command("campaigns_purge_checkins", stdout=out)
    assert "deleted 1 check-ins" in out.getvalue() and not CheckIn.objects.exists()
