"""The roster's ID numbers, phones and birth dates become encrypted columns (text holding
ciphertext, jifen/orgs/fields.py), with room for the ID number's blind index. The rows are
encrypted by the next migration: on PostgreSQL a migration that changes a table's rows may not
change its schema afterwards (pending trigger events), so each step is a migration of its own."""

from django.db import migrations

import jifen.orgs.fields
import jifen.orgs.validators


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='id_number_index',
            field=jifen.orgs.fields.BlindIndexField(null=True, normalise=jifen.orgs.validators.normalise_id_number, source='id_number'),
        ),
        migrations.AlterField(
            model_name='member',
            name='birth_date',
            field=jifen.orgs.fields.EncryptedDateField(blank=True, null=True, verbose_name='birth date'),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_number',
            field=jifen.orgs.fields.EncryptedCharField(max_length=18, validators=[jifen.orgs.validators.validate_id_number], verbose_name='ID number'),
        ),
        migrations.AlterField(
            model_name='member',
            name='phone',
            field=jifen.orgs.fields.EncryptedCharField(blank=True, max_length=20, verbose_name='phone'),
        ),
    ]
