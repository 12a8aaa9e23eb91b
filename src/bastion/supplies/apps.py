from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "bastion.supplies"
    label = "supplies"
    verbose_name = _("捐赠物资")
