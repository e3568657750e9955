"""An organisation's newest audit event in one index probe, and the table of the signed-in pages
that are kept rendered until it changes (jifen/web/personal.py, settings.CACHES["personal"])."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def create_cache_tables(apps, schema_editor):
    # `migrate` alone makes the table; the command skips the tables that exist.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_evidence_retention_client_address_access_records"),
        ("orgs", "0005_member_staff_number"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation", "id"], name="audit_event_org_newest"),
        ),
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
