"""Every member has a blind index now: it is required, and unique, as the ID number is."""

from django.db import migrations

import jifen.orgs.fields
import jifen.orgs.validators


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0003_personal_data_encrypted'),
    ]

    operations = [
        migrations.AlterField(
            model_name='member',
            name='id_number_index',
            field=jifen.orgs.fields.BlindIndexField(normalise=jifen.orgs.validators.normalise_id_number, source='id_number', unique=True),
        ),
    ]
