from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "bastion.party"
    label = "party"
    verbose_name = _("党组织")
    person_moved = "bastion.party.services.members.members_follow_person"
