"""`bastion campaigns_rebuild_state [--campaign UUID]`: recompute the per-household visit
state and the per-grid coverage counters from the visit ledger (after a restore, a bulk
load or a manual repair). Safe to run at any time; it reports what it wrote."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bastion.campaigns.models import Campaign
from bastion.campaigns.services.visits import visit_states_rebuild


class Command(BaseCommand):
    help = "Recompute campaign visit states and coverage counters from the visit ledger."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="public id of one campaign (default: all)")

    def handle(self, *args, **options):
        campaigns = Campaign.objects.order_by("id")
        if options["campaign"]:
            try:
                campaigns = campaigns.filter(public_id=options["campaign"])
            except Exception as exc:  # noqa: BLE001 - a malformed UUID
                raise CommandError(f"not a campaign id: {options['campaign']}") from exc
            if not campaigns.exists():
                raise CommandError(f"no campaign {options['campaign']}")
        for campaign in campaigns:
            written = visit_states_rebuild(campaign=campaign)
            self.stdout.write(f"{campaign.public_id} {campaign.name}: {written} household states")
