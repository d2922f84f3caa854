import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CLINICAL_ROLES = ("huisarts", "poh_s", "poh_ggz")


def confirm_existing_clinicians(apps, schema_editor):
    """Accounts that saw patient data before confirmation existed keep doing so; the
    record says no colleague confirmed them."""
    User = apps.get_model("consult", "User")
    User.objects.filter(role__in=CLINICAL_ROLES).update(confirmed_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0009_audit_chain_and_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="reviews_audit",
            field=models.BooleanField(default=False, verbose_name="reviews the audit trail"),
        ),
        migrations.RunPython(confirm_existing_clinicians, migrations.RunPython.noop),
    ]
