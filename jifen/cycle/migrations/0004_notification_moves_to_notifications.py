"""Notifications move to an app of their own below the declarations and the cycle, so that
every service that decides something writes its notification in its own transaction. The
table is renamed; its rows stay (jifen.notifications 0001 takes the model over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cycle", "0003_period_stages_and_filings")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("Notification", "notifications_notification")
            ],
            state_operations=[migrations.DeleteModel("Notification")],
        )
    ]
