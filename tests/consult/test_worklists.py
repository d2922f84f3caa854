"""The practice's worklists, evaluations due and referrals to follow up: every row is
reachable a page at a time, the total is said, and only the rows shown are audited as
read. Before, both lists stopped at 200 rows without a word about the rest."""

import datetime
import itertools
import re

import pytest
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from consult.models import AuditEvent, Patient, Plan, Referral, ReferralStatus
from consult.selectors.evaluations import evaluations_due
from consult.services.referrals import referrals_to_follow_up
from consult.views.patients import WORKLIST_PAGE_SIZE
from tests.conftest import client_for
from tests.query_plans import rows_read_from_table
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr>\s*<td><a href="/patienten/([0-9a-f-]{36})/">')


def patient_ids_on(page: str) -> list[str]:
    return ROW.findall(page)


HIS_NUMBERS = itertools.count(1)


def patients_with_plans(
    practice, count: int, *, evaluation_on=None, last_name: str | None = None
) -> list[Plan]:
    """`count` patients of the practice, each with a plan (evaluated on `evaluation_on`),
    made in two statements; surnames Achternaam0, 1, ... unless `last_name` is given."""
    patients = Patient.objects.bulk_create(
        Patient(
            practice=practice,
            first_name="Voornaam",
            last_name=last_name or f"Achternaam{number}",
            date_of_birth=datetime.date(1970, 5, 17),
            his_number=str(next(HIS_NUMBERS)),
        )
        for number in range(count)
    )
    return Plan.objects.bulk_create(
        Plan(patient=patient, practice=practice, next_evaluation_on=evaluation_on)
        for patient in patients
    )


def referrals_for(plans: list[Plan], user, *, status: str) -> None:
    """A referral for each plan, its last news 60 days ago."""
    practice = plans[0].practice
    service = make_service(practice.own_map, name=f"Schuldhulp {next(HIS_NUMBERS)}")
    Referral.objects.bulk_create(
        Referral(
            plan=plan,
            practice=practice,
            service=service,
            status=status,
            status_on=timezone.localdate() - datetime.timedelta(days=60),
            created_by=user,
        )
        for plan in plans
    )


def public_ids(plans: list[Plan]) -> set[str]:
    return {str(plan.patient.public_id) for plan in plans}


def plans_due(practice, count: int) -> set[str]:
    """`count` plans due on the same day, of patients with the same surname: only the
    tie-breaker keeps the pages apart."""
    due_on = timezone.localdate() - datetime.timedelta(days=3)
    return public_ids(
        patients_with_plans(practice, count, evaluation_on=due_on, last_name="Bakker")
    )


def quiet_referrals(practice, user, count: int) -> set[str]:
    plans = patients_with_plans(practice, count)
    referrals_for(plans, user, status=ReferralStatus.REFERRED)
    return public_ids(plans)


def read_all_pages(client, url: str) -> tuple[list[str], list[str]]:
    """The patients on every page, following the "Volgende" link; and the pages."""
    pages, seen = [], []
    next_url: str | None = url
    while next_url:
        page = client.get(next_url).content.decode()
        pages.append(page)
        seen += patient_ids_on(page)
        following = re.search(r'<a class="button" href="(\?pagina=\d+)">Volgende</a>', page)
        next_url = url + following.group(1) if following else None
        assert len(pages) < 10, "the pages do not end"
    return seen, pages


def test_every_plan_due_is_on_a_page_once_with_the_total(huisarts_a, practice_a, huisarts_b):
    due = plans_due(practice_a, 60)
    plans_due(huisarts_b.practice, 3)
    seen, pages = read_all_pages(client_for(huisarts_a), reverse("evaluations_due"))
    assert len(pages) == 2
    assert len(seen) == 60
    assert set(seen) == due
    assert "60 plannen moeten geëvalueerd worden." in pages[0]
    assert "Pagina 1 van 2" in pages[0]
    assert "Pagina 2 van 2" in pages[1]
    assert "Vorige" in pages[1]


def test_every_quiet_referral_is_on_a_page_once_with_the_total(huisarts_a, practice_a):
    waiting = quiet_referrals(practice_a, huisarts_a, 55)
    seen, pages = read_all_pages(client_for(huisarts_a), reverse("referral_follow_up"))
    assert len(pages) == 2
    assert len(seen) == 55
    assert set(seen) == waiting
    assert "55 verwijzingen wachten op nieuws." in pages[0]


def test_one_row_is_said_in_the_singular_and_needs_no_pages(huisarts_a, practice_a):
    plans_due(practice_a, 1)
    page = client_for(huisarts_a).get(reverse("evaluations_due")).content.decode()
    assert "Eén plan moet geëvalueerd worden." in page
    assert "Pagina" not in page


def test_a_total_in_the_thousands_is_written_the_dutch_way(huisarts_a, practice_a):
    patients_with_plans(practice_a, 1001, evaluation_on=timezone.localdate())
    page = client_for(huisarts_a).get(reverse("evaluations_due")).content.decode()
    assert "1.001 plannen moeten geëvalueerd worden." in page
    assert "Pagina 1 van 21" in page


@pytest.mark.parametrize("asked", ["abc", "0", "-1", "999", "2.5", "%00"])
def test_a_page_that_does_not_exist_shows_the_nearest(huisarts_a, practice_a, asked):
    due = plans_due(practice_a, 60)
    client = client_for(huisarts_a)
    response = client.get(reverse("evaluations_due"), {"pagina": asked})
    assert response.status_code == 200
    shown = patient_ids_on(response.content.decode())
    assert len(shown) in (50, 10)
    assert set(shown) <= due


def test_only_the_patients_shown_are_audited_as_read(huisarts_a, practice_a):
    due = plans_due(practice_a, 60)
    page = client_for(huisarts_a).get(reverse("evaluations_due"), {"pagina": "2"}).content.decode()
    read = AuditEvent.objects.filter(object_type="evaluation_list")
    assert read.count() == 10
    audited = {str(event.patient_id) for event in read}
    assert audited == set(patient_ids_on(page))
    assert audited < due


def test_the_demos_plans_keep_their_patients_practice():
    from consult.demo import seed_demo

    seed_demo()
    assert Plan.objects.exists()
    assert not Plan.objects.exclude(practice_id=models.F("patient__practice_id")).exists()


# --- At a care group's size (PostgreSQL's plans) ---------------------------------------

LISTED = 40  # this practice's plans due, and its quiet open referrals
NOT_DUE = 2_000  # its plans not yet due, and its closed referrals
ELSEWHERE = 5_000  # another practice's plans not due, with closed referrals


def many(practice, user, count: int, *, due: bool, open_: bool) -> None:
    evaluation_on = timezone.localdate() + datetime.timedelta(days=-3 if due else 90)
    plans = patients_with_plans(practice, count, evaluation_on=evaluation_on)
    status = ReferralStatus.REFERRED if open_ else ReferralStatus.FINISHED
    referrals_for(plans, user, status=status)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
def test_the_worklists_read_the_practices_own_rows(huisarts_a, practice_a, huisarts_b):
    """Each query of a worklist (the count and the page) reads of the order of the rows
    on the list, not the practice's other plans nor another practice's. Before, both
    read every plan of the database (and every referral) through the practice's
    patients."""
    many(practice_a, huisarts_a, LISTED, due=True, open_=True)
    many(practice_a, huisarts_a, NOT_DUE, due=False, open_=False)
    many(huisarts_b.practice, huisarts_b, 5 * LISTED, due=True, open_=True)
    many(huisarts_b.practice, huisarts_b, ELSEWHERE, due=False, open_=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consult_plan; ANALYZE consult_referral; ANALYZE consult_patient")
    today = timezone.localdate()

    def page_of(rows) -> None:
        assert rows.count() == LISTED
        assert len(list(rows[:WORKLIST_PAGE_SIZE])) == LISTED

    plans = rows_read_from_table(
        "consult_plan", lambda: page_of(evaluations_due(practice_a.pk, today=today))
    )
    referrals = rows_read_from_table(
        "consult_referral", lambda: page_of(referrals_to_follow_up(practice_a.pk))
    )
    assert len(plans) == len(referrals) == 2
    assert max(plans) <= 3 * LISTED, plans
    assert max(referrals) <= 3 * LISTED, referrals


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_plans_and_referrals_their_patients_practice():
    from django.db.migrations.executor import MigrationExecutor

    before = [("consult", "0014_patient_search_indexes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        practices = [
            old.get_model("consult", "Practice").objects.create(name=name, phone="0501234567")
            for name in ("Zonnedal", "Heideweg")
        ]
        service_map = old.get_model("sociale_kaart", "ServiceMap").objects.create(name="Kaart")
        service = old.get_model("sociale_kaart", "Service").objects.create(
            service_map=service_map, name="Schuldhulp", description="Hulp."
        )
        for number, practice in enumerate(practices * 2):
            user = old.get_model("consult", "User").objects.create(
                email=f"u{number}@praktijk.example", practice=practice, role="huisarts"
            )
            patient = old.get_model("consult", "Patient").objects.create(
                practice=practice,
                first_name="Anna",
                last_name="Bakker",
                date_of_birth=datetime.date(1970, 5, 17),
                his_number=str(number),
            )
            plan = old.get_model("consult", "Plan").objects.create(patient=patient)
            old.get_model("consult", "Referral").objects.create(
                plan=plan,
                service=service,
                status="verwezen",
                status_on=datetime.date(2026, 1, 5),
                created_by=user,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    plans = Plan.objects.select_related("patient")
    assert len(plans) == 4
    assert {plan.practice_id for plan in plans} == {p.pk for p in practices}
    assert all(plan.practice_id == plan.patient.practice_id for plan in plans)
    referrals = Referral.objects.select_related("plan")
    assert len(referrals) == 4
    assert all(referral.practice_id == referral.plan.practice_id for referral in referrals)


def test_each_worklist_gives_the_patients_number_to_call(huisarts_a, practice_a):
    """Both lists ask to call (to make an appointment, to ask how it goes); the patient's
    number stood only on the patient's page."""
    due_on = timezone.localdate() - datetime.timedelta(days=3)
    plans = patients_with_plans(practice_a, 2, evaluation_on=due_on)
    Patient.objects.filter(pk__in=[plan.patient_id for plan in plans]).update(phone="0612345678")
    referrals_for(plans, huisarts_a, status=ReferralStatus.REFERRED)
    client = client_for(huisarts_a)
    for url in (reverse("evaluations_due"), reverse("referral_follow_up")):
        words = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())
        assert words.count("Voornaam Achternaam0 06 1234 5678") == 1, url
        assert words.count("Voornaam Achternaam1 06 1234 5678") == 1, url
