"""The audit log as evidence: each event keeps the user name and the client address; user and
organisation are references that no deletion rewrites; access records of full ID numbers and
phones; triggers that refuse UPDATE, and DELETE of rows younger than 180 days."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from jifen.audit import triggers


def copy_user_names(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    actors = AuditEvent.objects.filter(actor__isnull=False).values_list("actor_id", flat=True)
    # jifen uses Django's own user model, whose user name is `username`.
    users = User.objects.filter(pk__in=actors.distinct()).values_list("pk", "username")
    for pk, username in users:
        AuditEvent.objects.filter(actor_id=pk).update(actor_name=username)


def install_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='user name'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='client_address',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='client address'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.organisation', verbose_name='organisation'),
        ),
        migrations.CreateModel(
            name='AccessRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                ('client_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='client address')),
                ('viewer_name', models.CharField(blank=True, max_length=150, verbose_name='user name')),
                ('member_name', models.CharField(max_length=50, verbose_name='member')),
                ('fields', models.CharField(max_length=60, verbose_name='fields')),
                ('channel', models.CharField(choices=[('page', 'page'), ('export', 'export'), ('api', 'API')], max_length=10, verbose_name='where')),
                ('place', models.CharField(max_length=200, verbose_name='page or file')),
                ('member', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.member', verbose_name='whose')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.organisation', verbose_name='branch')),
                ('viewer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='seen by')),
            ],
            options={
                'verbose_name': 'access record',
                'verbose_name_plural': 'access records',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunPython(copy_user_names, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
