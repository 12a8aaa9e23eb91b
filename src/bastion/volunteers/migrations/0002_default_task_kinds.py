"""The task kinds every county starts with (editable afterwards at /volunteers/kinds/)."""

from django.db import migrations

KINDS = [
    ("checkpoint", "卡口值守", "Checkpoint duty"),
    ("door_duty", "小区门岗", "Door duty"),
    ("delivery", "代购配送（生活物资、药品）", "Delivery of groceries or medicine"),
    ("publicity", "宣传劝导", "Publicity"),
    ("disinfection", "消杀", "Disinfection"),
    ("patrol", "巡查", "Patrol"),
    ("data_entry", "信息录入", "Data entry"),
    ("phone_followup", "电话随访", "Phone follow-up"),
    ("other", "其他", "Other"),
]


def add_kinds(apps, schema_editor):
    TaskKind = apps.get_model("volunteers", "TaskKind")
    for order, (code, name_zh, name_en) in enumerate(KINDS, start=1):
        TaskKind.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
