"""As consult.0013: foreign keys' own indexes that a longer index starts with, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from brede_gesprek.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('sociale_kaart', '0010_service_costs_index'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='searchterm',
            name='service_map',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='sociale_kaart.servicemap'),
        ),
        DropForeignKeyIndex(
            model_name='service',
            name='service_map',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='sociale_kaart.servicemap', verbose_name='map'),
        ),
        DropForeignKeyIndex(
            model_name='servicerevision',
            name='service',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='sociale_kaart.service'),
        ),
    ]
