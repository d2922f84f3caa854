"""The practice copied onto consults, plans and referrals is kept true by PostgreSQL:
each carries a foreign key over (patient, practice) to the patient's (id, practice), a
referral over (plan, practice) to its plan's. A row with another practice than its
patient's cannot be written, and a patient with consults cannot move to another
practice. The practice's worklists and every query scoped to a practice read these
copies; before, only the application kept them true (migration 0015).

The unique constraints the keys refer to are built CONCURRENTLY, the keys added NOT
VALID and then validated, so that patients, plans and referrals are written
meanwhile; the migration runs outside a transaction for that."""

from django.db import migrations, models

from brede_gesprek.migration_operations import (
    AddUniqueConstraintWhileWriting,
    SamePracticeAsParent,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consult", "0016_worklist_indexes"),
    ]

    operations = [
        AddUniqueConstraintWhileWriting(
            model_name="patient",
            constraint=models.UniqueConstraint(
                fields=("id", "practice"), name="patient_id_practice"
            ),
        ),
        AddUniqueConstraintWhileWriting(
            model_name="plan",
            constraint=models.UniqueConstraint(fields=("id", "practice"), name="plan_id_practice"),
        ),
        SamePracticeAsParent(
            model_name="consult", parent_field="patient", name="consult_practice_of_patient"
        ),
        SamePracticeAsParent(
            model_name="plan", parent_field="patient", name="plan_practice_of_patient"
        ),
        SamePracticeAsParent(
            model_name="referral", parent_field="plan", name="referral_practice_of_plan"
        ),
    ]
