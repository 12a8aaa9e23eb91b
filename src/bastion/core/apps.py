from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _recount_tally(sender, using="default", **kwargs) -> None:
    """After `migrate` and `flush`: count the tallied tables afresh (decision 0093). A
    flush on SQLite empties the tables with DELETE, in no fixed order, so the triggers may
    write their negative counts after the tally itself was emptied."""
    from bastion.core.tally import tally_rebuild

    tally_rebuild(using=using)


class CoreConfig(AppConfig):
    name = "bastion.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from bastion.core import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(_recount_tally, sender=self, dispatch_uid="bastion.core.tally")
