from django.db import migrations

from bastion.campaigns.defaults import seed_venue_kinds


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(seed_venue_kinds, migrations.RunPython.noop)]
