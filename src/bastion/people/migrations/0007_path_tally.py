"""Count people by region path with database triggers (decision 0093)."""

from functools import partial

from django.db import migrations

from bastion.core.tally import tally_install, tally_uninstall


def _run(function, apps, schema_editor):
    function(schema_editor, table="people_person", subject="people")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_pathtally"),
        ("people", "0006_provisional_person"),
    ]

    operations = [
        migrations.RunPython(partial(_run, tally_install), partial(_run, tally_uninstall)),
    ]
