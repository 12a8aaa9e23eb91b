from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "bastion.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bastion.access import auth_events

        auth_events.connect()
