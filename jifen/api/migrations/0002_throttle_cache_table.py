from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # The throttle counters live in a database cache (settings.CACHES["api_throttle"]); creating
    # its table here means `migrate` alone prepares a server. The command skips existing tables.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
