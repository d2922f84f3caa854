"""Foreign keys that lead a composite index or unique constraint of their table lose
their own index, which served no query the longer one does not and cost every write
(tests/performance/test_indexes.py). Only the index is dropped, CONCURRENTLY on
PostgreSQL (brede_gesprek.migration_operations.DropForeignKeyIndex), so the
migration runs outside a transaction."""

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
