"""The incident kinds every county starts with (the county command edits them later)."""

from django.db import migrations

KINDS = [
    ("symptomatic_person", "发现有症状人员", "Person with symptoms", "general", 10),
    ("venue_violation", "场所违规经营", "Venue breaking the rules", "simple", 20),
    ("risk_area_arrival", "重点地区来人", "Arrival from a risk area", "simple", 30),
    ("supplies_shortage", "物资短缺", "Supplies shortage", "general", 40),
    ("other", "其他", "Other", "simple", 90),
]


def seed(apps, schema_editor):
    IncidentKind = apps.get_model("command", "IncidentKind")
    for code, name_zh, name_en, grade, order in KINDS:
        IncidentKind.objects.get_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "default_grade": grade, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("command", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
