from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cycle", "0003_period_stages_and_filings"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
