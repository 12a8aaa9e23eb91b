from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "bastion.monitoring"
    label = "monitoring"
    default_auto_field = "django.db.models.BigAutoField"
    # people.services.person_relocated calls it when a person's grid changes
    person_moved = "bastion.monitoring.services.relocation.observations_follow_person"
