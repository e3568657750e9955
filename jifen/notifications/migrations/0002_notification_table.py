from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("cycle", "0004_notification_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="notification", table=None),
    ]
