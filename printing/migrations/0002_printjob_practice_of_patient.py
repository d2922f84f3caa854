"""A print job's practice is its patient's, kept by PostgreSQL (see consult.0017)."""

from django.db import migrations

from brede_gesprek.migration_operations import SamePracticeAsParent


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consult", "0017_practice_copies_kept"),
        ("printing", "0001_initial"),
    ]

    operations = [
        SamePracticeAsParent(
            model_name="printjob", parent_field="patient", name="printjob_practice_of_patient"
        ),
    ]
