"""As consult.0013: foreign keys' own indexes that a longer index starts with, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from brede_gesprek.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('models_4d', '0001_initial'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='fourdconnection',
            name='cause',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='models_4d.fourdentry'),
        ),
    ]
