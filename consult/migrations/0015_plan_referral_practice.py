"""The practice copied onto plans and referrals, so that the practice's worklists
(evaluations due, referrals to follow up) read its own rows, not its 10,000 patients
and every plan and referral of a care group's database (bench/worklists.py).

Filled from the patient of each plan and the plan of each referral before the column
becomes required; a patient never changes practice, so the copy stays true."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE consult_plan SET practice_id = (SELECT practice_id FROM consult_patient "
    "WHERE consult_patient.id = consult_plan.patient_id)",
    "UPDATE consult_referral SET practice_id = (SELECT practice_id FROM consult_plan "
    "WHERE consult_plan.id = consult_referral.plan_id)",
)


def practice_field(required: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=not required,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="consult.practice",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0014_patient_search_indexes"),
    ]

    operations = [
        migrations.AddField("plan", "practice", practice_field(required=False)),
        migrations.AddField("referral", "practice", practice_field(required=False)),
        migrations.RunSQL(list(FILL), reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField("plan", "practice", practice_field(required=True)),
        migrations.AlterField("referral", "practice", practice_field(required=True)),
    ]
