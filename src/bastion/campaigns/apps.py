from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "bastion.campaigns"
    label = "campaigns"
    verbose_name = _("排查行动")
