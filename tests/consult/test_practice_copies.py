"""The practice copied onto consults, plans, referrals and print jobs is kept true by
PostgreSQL (migration consult.0017): the practice's worklists and every query scoped
to a practice read these copies, so a copy with another practice would show one
practice's plan in another's list. The application writes them right; these tests go
around it, as a bug or a hand in the database would."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from consult.access import Actor
from consult.models import Consult, Patient, Plan, Referral
from consult.services.referrals import referral_create
from printing.models import PrintJob
from tests.factories import PatientFactory
from tests.sociale_kaart.conftest import make_service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the keys are PostgreSQL's; SQLite is the development database",
    ),
]


def _refused(update) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        update()


def test_a_copy_cannot_name_another_practice(huisarts_a, consult_4d, practice_a, practice_b):
    plan = Plan.objects.get(patient=consult_4d.patient)
    service = make_service(practice_a.own_map, name="Schuldhulp Zonnedal")
    referral = referral_create(
        actor=Actor(user=huisarts_a), consult=consult_4d, service=service, goal=None
    )
    job = PrintJob.objects.create(
        practice=practice_a,
        requested_by=huisarts_a,
        patient=consult_4d.patient,
        kind="plan",
        language="nl",
        file_name="plan.pdf",
        expires_at=consult_4d.started_at,
    )

    for model, pk in ((Consult, consult_4d.pk), (Plan, plan.pk), (Referral, referral.pk)):
        _refused(lambda model=model, pk=pk: model.objects.filter(pk=pk).update(practice=practice_b))
    _refused(lambda: PrintJob.objects.filter(pk=job.pk).update(practice=practice_b))
    # A new row too, not only a changed one.
    _refused(
        lambda: Consult.objects.create(
            practice=practice_b, patient=consult_4d.patient, model_slug="4d", started_by=huisarts_a
        )
    )

    assert set(Plan.objects.values_list("practice", flat=True)) == {practice_a.pk}
    assert Referral.objects.get().practice_id == practice_a.pk
    assert Consult.objects.get().practice_id == practice_a.pk


def test_a_patient_with_consults_stays_in_the_practice(consult_4d, practice_b):
    patient = consult_4d.patient
    _refused(lambda: Patient.objects.filter(pk=patient.pk).update(practice=practice_b))
    assert Patient.objects.get(pk=patient.pk).practice_id == consult_4d.practice_id

    # A patient with nothing copied from it can still be corrected.
    newcomer = PatientFactory.create(practice=patient.practice)
    Patient.objects.filter(pk=newcomer.pk).update(practice=practice_b)
    assert Patient.objects.get(pk=newcomer.pk).practice_id == practice_b.pk


def test_erasing_a_patient_removes_what_refers_to_it(consult_4d):
    """The keys do not stand in the way of a patient's erasure, which deletes the
    consults and the plan before the patient."""
    consult_4d.patient.delete()
    assert not Consult.objects.exists()
    assert not Plan.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_at_a_copy_that_is_wrong_and_changes_nothing(
    consult_4d, practice_b
) -> None:
    call_command("migrate", "consult", "0016", verbosity=0)
    try:
        Plan.objects.filter(patient=consult_4d.patient).update(practice=practice_b)
        with pytest.raises(RuntimeError, match="1 rows of consult_plan carry a practice other"):
            call_command("migrate", "consult", "0017", verbosity=0)
        assert not _constraints("plan_practice_of_patient")

        # Put right, the migration runs to the end from where it stopped.
        Plan.objects.filter(patient=consult_4d.patient).update(practice=consult_4d.practice)
        call_command("migrate", "consult", "0017", verbosity=0)
        assert _constraints("plan_practice_of_patient") == {"plan_practice_of_patient": True}
    finally:
        call_command("migrate", verbosity=0)
    assert len(_constraints(*NAMES)) == len(NAMES)


NAMES = (
    "patient_id_practice",
    "plan_id_practice",
    "consult_practice_of_patient",
    "plan_practice_of_patient",
    "referral_practice_of_plan",
    "printjob_practice_of_patient",
)


def _constraints(*names: str) -> dict[str, bool]:
    """Name -> validated, of those constraints that exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, convalidated FROM pg_constraint WHERE conname = ANY(%s)",
            [list(names)],
        )
        return dict(cursor.fetchall())
