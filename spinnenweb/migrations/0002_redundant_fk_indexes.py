"""As consult.0013: foreign keys' own indexes that a longer index starts with, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from brede_gesprek.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('consult', '0013_redundant_fk_indexes'),
        ('spinnenweb', '0001_initial'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='web',
            name='consult',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='webs', to='consult.consult'),
        ),
        DropForeignKeyIndex(
            model_name='webdimension',
            name='web',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='dimensions', to='spinnenweb.web'),
        ),
    ]
