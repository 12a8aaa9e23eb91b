from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "bastion.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"
    # people.services.person_relocated calls it when a person's grid changes
    person_moved = "bastion.access.services.assignments_follow_person"

    def ready(self) -> None:
        from bastion.access import auth_events

        auth_events.connect()
