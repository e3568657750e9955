from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # The rendered public notices live in a database cache (settings.CACHES["pages"]), shared
    # by every app server; `migrate` alone makes its table. The command skips existing tables.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("cycle", "0006_notice_changed_at")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
