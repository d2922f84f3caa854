"""From a goal to a service on the sociale kaart, and following the referral up."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import AuditEvent, Referral
from consult.services.plans import goal_add
from consult.services.referrals import referral_create
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def debt_goal(huisarts_a, consult_4d, patient_a):
    patient_a.postcode = "9992 AB"
    patient_a.save()
    return goal_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        text="Van mijn schulden af",
        domain="4d:maatschappelijk",
    )


@pytest.fixture
def debt_help(practice_a):
    return make_service(
        practice_a.own_map,
        name="Schuldhulp Zonnedal",
        phone="0501234567",
        serves_whole_region=False,
        area_postcodes="9990-9994",
    )


def workspace(client, consult):
    return client.get(
        reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": "plan"})
    ).content.decode()


def test_the_plan_suggests_services_for_the_goal_and_the_patients_area(
    huisarts_a, consult_4d, debt_goal, debt_help, practice_a, practice_b
):
    make_service(
        practice_a.own_map,
        name="Schuldhulp Elders",
        serves_whole_region=False,
        area_postcodes="9800-9810",
    )
    make_service(practice_a.own_map, name="Sportclub", themes=("bewegen-en-leefstijl",))
    make_service(practice_b.own_map, name="Schuldhulp van praktijk B")
    page = workspace(client_for(huisarts_a), consult_4d)
    assert "Passende voorzieningen" in page
    assert "Schuldhulp Zonnedal" in page
    for other in ("Schuldhulp Elders", "Sportclub", "Schuldhulp van praktijk B"):
        assert other not in page


def test_refer_with_one_action_and_see_it_in_the_plan(huisarts_a, consult_4d, debt_goal, debt_help):
    client = client_for(huisarts_a)
    response = client.post(
        reverse(
            "referral_add",
            kwargs={"consult_id": consult_4d.public_id, "goal_id": debt_goal.public_id},
        ),
        {"service": str(debt_help.public_id)},
        headers=HTMX,
    )
    referral = Referral.objects.get()
    assert (referral.status, referral.status_on, referral.goal) == (
        "verwezen",
        timezone.localdate(),
        debt_goal,
    )
    content = response.content.decode()
    assert "Schuldhulp Zonnedal" in content
    assert "0501234567" in content
    assert "verwezen" in content
    assert AuditEvent.objects.filter(object_type="referral", action="create").count() == 1


def test_a_referral_follows_its_statuses_with_feedback(
    huisarts_a, consult_4d, debt_goal, debt_help
):
    referral = referral_create(
        actor=Actor(user=huisarts_a), consult=consult_4d, service=debt_help, goal=debt_goal
    )
    client = client_for(huisarts_a)
    url = reverse(
        "referral_update",
        kwargs={"consult_id": consult_4d.public_id, "referral_id": referral.public_id},
    )
    prefix = str(referral.public_id)
    today = timezone.localdate().isoformat()
    for status, note in (
        ("aangenomen", "Intake op 3 december"),
        ("gestart", ""),
        ("afgerond", "Schulden in beeld, budgetplan loopt"),
    ):
        response = client.post(
            url,
            {f"{prefix}-status": status, f"{prefix}-on": today, f"{prefix}-note": note},
            headers=HTMX,
        )
        assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == "afgerond"
    assert referral.feedback == "Schulden in beeld, budgetplan loopt"
    assert list(referral.events.values_list("status", flat=True)) == [
        "verwezen",
        "aangenomen",
        "gestart",
        "afgerond",
    ]


def test_an_impossible_step_or_a_future_date_is_refused(
    huisarts_a, consult_4d, debt_goal, debt_help
):
    referral = referral_create(
        actor=Actor(user=huisarts_a), consult=consult_4d, service=debt_help, goal=debt_goal
    )
    client = client_for(huisarts_a)
    url = reverse(
        "referral_update",
        kwargs={"consult_id": consult_4d.public_id, "referral_id": referral.public_id},
    )
    prefix = str(referral.public_id)
    response = client.post(
        url,
        {f"{prefix}-status": "afgerond", f"{prefix}-on": timezone.localdate().isoformat()},
        headers=HTMX,
    )
    assert response.status_code == 422
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url, {f"{prefix}-status": "aangenomen", f"{prefix}-on": tomorrow}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Kies vandaag of een datum in het verleden." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "verwezen"


def test_a_service_of_another_practice_cannot_be_referred_to(
    huisarts_a, consult_4d, debt_goal, practice_b
):
    elsewhere = make_service(practice_b.own_map, name="Elders")
    response = client_for(huisarts_a).post(
        reverse(
            "referral_add",
            kwargs={"consult_id": consult_4d.public_id, "goal_id": debt_goal.public_id},
        ),
        {"service": str(elsewhere.public_id)},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert not Referral.objects.exists()


def test_quiet_open_referrals_show_up_for_follow_up(
    huisarts_a, huisarts_b, manager_a, consult_4d, debt_goal, debt_help, settings
):
    settings.REFERRAL_FOLLOW_UP_DAYS = 21
    actor = Actor(user=huisarts_a)
    quiet = referral_create(actor=actor, consult=consult_4d, service=debt_help, goal=debt_goal)
    Referral.objects.filter(pk=quiet.pk).update(
        status_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    fresh_service = make_service(debt_help.service_map, name="Formulierenhulp")
    referral_create(actor=actor, consult=consult_4d, service=fresh_service, goal=debt_goal)
    page = client_for(huisarts_a).get(reverse("referral_follow_up")).content.decode()
    assert "Schuldhulp Zonnedal" in page
    assert "Formulierenhulp" not in page
    assert "Ingrid Hoekstra" in page
    assert (
        "Schuldhulp Zonnedal"
        not in client_for(huisarts_b).get(reverse("referral_follow_up")).content.decode()
    )
    assert client_for(manager_a).get(reverse("referral_follow_up")).status_code == 403


def test_the_look_along_view_shows_who_helps_with_contact_details(
    huisarts_a, consult_4d, debt_goal, debt_help
):
    referral_create(
        actor=Actor(user=huisarts_a), consult=consult_4d, service=debt_help, goal=debt_goal
    )
    page = (
        client_for(huisarts_a)
        .get(reverse("look_along", kwargs={"consult_id": consult_4d.public_id}))
        .content.decode()
    )
    assert "Schuldhulp Zonnedal" in page
    assert "0501234567" in page
