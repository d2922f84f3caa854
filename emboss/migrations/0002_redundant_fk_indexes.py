"""As consult.0013: foreign keys' own indexes that a longer index starts with, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from brede_gesprek.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('consult', '0013_redundant_fk_indexes'),
        ('emboss', '0001_initial'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='agreementcheck',
            name='consult',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='agreement_checks', to='consult.consult'),
        ),
        DropForeignKeyIndex(
            model_name='card',
            name='consult',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='cards', to='consult.consult'),
        ),
        DropForeignKeyIndex(
            model_name='cardmark',
            name='card',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='marks', to='emboss.card'),
        ),
        DropForeignKeyIndex(
            model_name='goalevaluation',
            name='consult',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='goal_evaluations', to='consult.consult'),
        ),
    ]
