from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0003_tokens_without_expiry_expire")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
