"""Indexes for the practice's worklists: its plans by evaluation date (those with one),
and its open referrals by the date of their last news. Built CONCURRENTLY on
PostgreSQL, so that plans and referrals can be written meanwhile (the migration runs
outside a transaction for that)."""

from django.db import migrations, models

from brede_gesprek.migration_operations import AddIndexWhileWriting


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consult", "0015_plan_referral_practice"),
    ]

    operations = [
        AddIndexWhileWriting(
            model_name="plan",
            index=models.Index(
                condition=models.Q(("next_evaluation_on__isnull", False)),
                fields=["practice", "next_evaluation_on"],
                name="plan_practice_evaluation",
            ),
        ),
        AddIndexWhileWriting(
            model_name="referral",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ("voorgesteld", "verwezen", "aangenomen", "gestart"))
                ),
                fields=["practice", "status_on"],
                name="referral_practice_open",
            ),
        ),
    ]
