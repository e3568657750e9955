"""Reminders name their task, so that a reminder is settled when its task is done. Reminders
made before had keys "<task>:due" or "<task>:overdue": their task is the key without that."""

from django.db import migrations, models


def name_tasks(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for stage in ("due", "overdue"):
        for notification in Notification.objects.filter(key__endswith=f":{stage}"):
            notification.task = notification.key.rsplit(":", 1)[0]
            notification.save(update_fields=["task"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="task",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.RunPython(name_tasks, migrations.RunPython.noop),
    ]
