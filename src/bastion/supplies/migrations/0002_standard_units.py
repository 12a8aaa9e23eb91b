"""The standard units of measure. Counties add packaging units from the catalogue page;
this only seeds a fresh install (and `seed` is called again by tests that flush)."""

from decimal import Decimal

from django.db import migrations

UNITS = [
    # code, name_zh, name_en, dimension, standard factor (piece / gram / millilitre)
    ("piece", "个", "piece", "count", Decimal(1)),
    ("jian", "件", "item", "count", Decimal(1)),
    ("zhi", "只", "piece (zhi)", "count", Decimal(1)),
    ("pair", "双", "pair", "count", Decimal(2)),
    ("tai", "台", "unit (device)", "count", None),
    ("set", "套", "set", "count", None),
    ("box", "箱", "box", "count", None),
    ("carton", "盒", "carton", "count", None),
    ("bottle", "瓶", "bottle", "count", None),
    ("barrel", "桶", "barrel", "count", None),
    ("bag", "袋", "bag", "count", None),
    ("g", "克", "gram", "mass", Decimal(1)),
    ("jin", "斤", "jin (500 g)", "mass", Decimal(500)),
    ("kg", "千克", "kilogram", "mass", Decimal(1000)),
    ("t", "吨", "tonne", "mass", Decimal(1000000)),
    ("ml", "毫升", "millilitre", "volume", Decimal(1)),
    ("l", "升", "litre", "volume", Decimal(1000)),
]


def seed(apps, schema_editor):
    Unit = apps.get_model("supplies", "Unit")
    for code, name_zh, name_en, dimension, factor in UNITS:
        Unit.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "dimension": dimension,
                "standard_factor": factor,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
