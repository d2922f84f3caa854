"""Foreign keys that lead a composite index or unique constraint of their table lose
their own index, which served no query the longer one does not and cost every write
(tests/performance/test_indexes.py). Only the index is dropped, CONCURRENTLY on
PostgreSQL (brede_gesprek.migration_operations.DropForeignKeyIndex), so the
migration runs outside a transaction."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from brede_gesprek.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('consult', '0012_audit_trail_indexes'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='auditevent',
            name='practice',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consult.practice'),
        ),
        DropForeignKeyIndex(
            model_name='auditevent',
            name='user',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        DropForeignKeyIndex(
            model_name='patient',
            name='practice',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='patients', to='consult.practice'),
        ),
    ]
