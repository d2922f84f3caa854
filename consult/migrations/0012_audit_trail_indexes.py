"""Indexes for the reviewer's trail: a practice's patients and its accounts, each with
the time, so that PostgreSQL finds a practice's events in a period without reading
those of every other practice (consult.selectors.audit_review); the time's own index
goes.

The audit table is the largest of the database and every request writes to it, so on
PostgreSQL the indexes are built CONCURRENTLY: the app keeps writing its audit records
while they are built (the migration runs outside a transaction for that; see
brede_gesprek.migration_operations.AddIndexWhileWriting). Elsewhere (SQLite, the demo)
as a plain CREATE INDEX."""

from django.db import migrations, models

from brede_gesprek.migration_operations import AddIndexWhileWriting


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consult", "0011_erasure_record"),
    ]

    operations = [
        AddIndexWhileWriting(
            model_name="auditevent",
            index=models.Index(fields=["patient_id", "at"], name="consult_audit_patient_at"),
        ),
        AddIndexWhileWriting(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("object_type", "user")),
                fields=["object_id", "at"],
                name="consult_audit_account_at",
            ),
        ),
        # The patient's own index is covered by the new one, which starts with it; the
        # time's own index served no question, and led the trail's pages astray.
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="patient_id",
            field=models.UUIDField(null=True),
        ),
    ]
