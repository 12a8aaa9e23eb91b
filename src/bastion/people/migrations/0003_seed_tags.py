"""Seed the fixed set of care tags."""

from django.db import migrations

TAGS = [
    ("elderly_alone", "独居老人", "Elderly living alone"),
    ("chronic", "慢性病", "Chronic illness"),
    ("pregnant", "孕产妇", "Pregnant or postpartum"),
    ("disabled", "残疾人", "Disabled"),
    ("child", "儿童", "Child"),
    ("low_income", "低保户", "Minimum-income household"),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    for code, name_zh, name_en in TAGS:
        Tag.objects.update_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en})


def unseed(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    Tag.objects.filter(code__in=[t[0] for t in TAGS], people__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_import_job")]

    operations = [migrations.RunPython(seed, unseed)]
