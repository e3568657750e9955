"""Password states and histories. Accounts that exist already get a state dated now: their
password's age counts from this release, rather than every older account having to change its
password at once."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def date_existing_passwords(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    PasswordState = apps.get_model("accounts", "PasswordState")
    now = django.utils.timezone.now()
    PasswordState.objects.bulk_create(
        [PasswordState(user_id=pk, changed_at=now) for pk in User.objects.values_list("pk", flat=True)],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PasswordState',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='password_state', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('changed_at', models.DateTimeField(verbose_name='password set at')),
                ('must_change', models.BooleanField(default=False, verbose_name='one-time password')),
            ],
            options={
                'verbose_name': 'password state',
                'verbose_name_plural': 'password states',
            },
        ),
        migrations.CreateModel(
            name='PasswordHistory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password hash')),
                ('set_at', models.DateTimeField(verbose_name='set at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='password_history', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'earlier password',
                'verbose_name_plural': 'earlier passwords',
                'ordering': ['user_id', '-set_at', '-id'],
            },
        ),
        migrations.RunPython(date_existing_passwords, migrations.RunPython.noop),
    ]
