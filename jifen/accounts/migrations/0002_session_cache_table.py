from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Sessions are read through a database cache (settings.CACHES["sessions"]), shared by every
    # app server; `migrate` alone makes its table. The command skips existing tables.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_password_state_and_history")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
