"""Default configuration: the 五包一 team template and the four 2020 categories.

Counties change all of it from the policy pages; this only seeds a fresh install.
"""

from decimal import Decimal

from django.db import migrations

SEATS = [
    # code, label_zh, label_en, confirms_release
    ("town_liaison", "镇联村干部", "Town liaison cadre", False),
    ("grid_cadre", "网格干部", "Grid cadre", False),
    ("village_cadre", "村干部", "Village cadre", False),
    ("police", "民警", "Police officer", False),
    ("village_doctor", "乡村医生", "Village doctor", True),
]

POLICIES = [
    # category, name_zh, name_en, clock_start
    ("returnee", "返乡人员", "Returnee from a risk area", "arrival"),
    ("close_contact", "密切接触者", "Close contact", "last_contact"),
    ("family_member", "返乡人员家属", "Family member of a returnee", "arrival"),
    ("inbound_traveller", "入境人员", "Inbound traveller", "arrival"),
]


def seed(apps, schema_editor):
    TeamTemplate = apps.get_model("monitoring", "TeamTemplate")
    TeamTemplateRole = apps.get_model("monitoring", "TeamTemplateRole")
    Policy = apps.get_model("monitoring", "Policy")
    template, created = TeamTemplate.objects.get_or_create(name="五包一")
    if created:
        for order, (code, zh, en, confirms) in enumerate(SEATS, start=1):
            TeamTemplateRole.objects.create(
                template=template,
                code=code,
                label_zh=zh,
                label_en=en,
                order=order,
                confirms_release=confirms,
            )
    for category, zh, en, clock in POLICIES:
        Policy.objects.get_or_create(
            category=category,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "observation_days": 14,
                "clock_start": clock,
                "followups_per_day": 1,
                "fever_threshold": Decimal("37.3"),
                "cutoff_hour": 20,
                "retention_days": 30,
                "escalation_hours": [2, 4, 8, 24],
                "team_template": template,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
