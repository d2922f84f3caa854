"""What a patient filled in at home for a consult, for any model that keeps it in a
record of its own (the Spinnenweb's web, the EMBOSS card): one rule for which one a
consult shows."""

from django.db.models import F, Model, Q, QuerySet

from consult.models import Consult


def sent_from_home[M: Model](records: QuerySet[M], consult: Consult) -> QuerySet[M]:
    """The patient's records from home for this consult, the one to show first: the one
    it took up, or else, while it is open, the latest one no consult has taken up yet.
    A finished consult shows only its own: one sent after it was made for the next.

    `records` has the model's home records (a `consult` and a `patient` foreign key, a
    `filled_on` date and a `created_at` moment)."""
    ours = Q(consult=consult) if consult.is_finished else Q(consult=consult) | Q(consult=None)
    return records.filter(ours, patient_id=consult.patient_id).order_by(
        F("consult_id").desc(nulls_last=True), "-filled_on", "-created_at"
    )
