"""From a goal to a service on the sociale kaart, and following the referral up."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import AuditEvent, Referral
from consult.services.consults import consult_start
from consult.services.plans import consult_finish, goal_add, item_remove
from consult.services.referrals import referral_create
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory
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
    assert "050 123 4567" in content  # grouped as written
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
    assert quiet.practice_id == quiet.plan.practice_id == consult_4d.patient.practice_id
    Referral.objects.filter(pk=quiet.pk).update(
        status_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    fresh_service = make_service(debt_help.service_map, name="Formulierenhulp")
    referral_create(actor=actor, consult=consult_4d, service=fresh_service, goal=debt_goal)
    page = client_for(huisarts_a).get(reverse("referral_follow_up")).content.decode()
    assert "Schuldhulp Zonnedal" in page
    assert "Formulierenhulp" not in page
    assert "Ingrid Hoekstra" in page
    # The number to call, grouped as a Dutch reader writes it; for the patient too.
    assert "050 123 4567" in page
    assert "0501234567" not in page
    look_along = client_for(huisarts_a).get(
        reverse("look_along", kwargs={"consult_id": consult_4d.public_id})
    )
    assert "telefoon 050 123 4567" in look_along.content.decode()
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
    assert "050 123 4567" in page


# --- Referring from the sociale kaart's pages, opened from the plan ---------------------


def years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def patient_of_47(patient_a):
    patient_a.date_of_birth = years_ago(47)
    patient_a.save()
    return patient_a


def kaart_params(consult, goal) -> dict[str, str]:
    return {"gesprek": str(consult.public_id), "doel": str(goal.public_id)}


def search_page(client, **params):
    response = client.get(reverse("service_list"), params)
    assert response.status_code == 200
    return response


def refer_action(consult, goal) -> str:
    return reverse(
        "referral_add", kwargs={"consult_id": consult.public_id, "goal_id": goal.public_id}
    )


def test_the_plan_suggests_only_services_for_the_patients_age(
    huisarts_a, consult_4d, debt_goal, debt_help, patient_of_47, practice_a
):
    make_service(practice_a.own_map, name="Ouderenadvies 65+", age_min=65)
    page = workspace(client_for(huisarts_a), consult_4d)
    assert "Schuldhulp Zonnedal" in page
    assert "Ouderenadvies 65+" not in page


def test_the_plan_offers_up_to_ten_services_the_first_three_in_view(
    huisarts_a, consult_4d, debt_goal, practice_a
):
    for number in range(12):
        make_service(practice_a.own_map, name=f"Schuldhulp {number:02}")
    page = workspace(client_for(huisarts_a), consult_4d)
    goal_part = page.split(f'id="goal-{debt_goal.public_id}"')[1]
    listed, more = goal_part.split('<details class="more-suggestions">', 1)
    assert [f"Schuldhulp {n:02}" in listed for n in range(12)] == [True] * 3 + [False] * 9
    more = more.split("</details>")[0]
    assert [f"Schuldhulp {n:02}" in more for n in range(3, 12)] == [True] * 7 + [False] * 2


def test_the_plans_search_link_opens_the_sociale_kaart_for_this_goal(
    huisarts_a, consult_4d, debt_goal
):
    page = html.unescape(workspace(client_for(huisarts_a), consult_4d))
    link = re.search(r'<p class="more-services"><a href="([^"]+)"', page)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1)).query)
    assert query["gesprek"] == [str(consult_4d.public_id)]
    assert query["doel"] == [str(debt_goal.public_id)]


def test_refer_from_the_search_results_and_land_back_in_the_consult(
    huisarts_a, consult_4d, debt_goal, debt_help, patient_of_47, practice_a
):
    make_service(practice_a.own_map, name="Ouderenadvies 65+", age_min=65)
    make_service(
        practice_a.own_map,
        name="Schuldhulp Elders",
        serves_whole_region=False,
        area_postcodes="9800-9810",
    )
    client = client_for(huisarts_a)
    response = search_page(client, **kaart_params(consult_4d, debt_goal))
    # The patient's area and age filter the search from the start.
    assert [service.name for service in response.context["services"]] == ["Schuldhulp Zonnedal"]
    content = html.unescape(response.content.decode())
    assert "Van mijn schulden af" in content
    assert f'action="{refer_action(consult_4d, debt_goal)}"' in content
    consult_url = reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})
    back = f"{consult_url}#goal-{debt_goal.public_id}"
    assert f'name="next" value="{back}"' in content

    response = client.post(
        refer_action(consult_4d, debt_goal), {"service": str(debt_help.public_id), "next": back}
    )

    assert response.status_code == 302
    assert response["Location"] == back
    referral = Referral.objects.get()
    assert (referral.goal, referral.service) == (debt_goal, debt_help)
    landed = client.get(consult_url, follow=True).content.decode()
    assert "Schuldhulp Zonnedal" in landed.split('class="referrals"')[1]
    assert "Schuldhulp Zonnedal" in landed.split('class="messages"')[1].split("</div>")[0]
    # Back on the search page, the service is marked as referred to, not offered again.
    content = search_page(client, **kaart_params(consult_4d, debt_goal)).content.decode()
    assert f'action="{refer_action(consult_4d, debt_goal)}"' not in content


def test_refer_from_a_services_page_opened_from_the_plan(
    huisarts_a, consult_4d, debt_goal, debt_help
):
    client = client_for(huisarts_a)
    page = workspace(client, consult_4d)
    detail = reverse("service_detail", kwargs={"service_id": debt_help.public_id})
    assert f'href="{detail}?gesprek={consult_4d.public_id}&amp;doel={debt_goal.public_id}"' in page
    content = client.get(detail, kaart_params(consult_4d, debt_goal)).content.decode()
    assert f'action="{refer_action(consult_4d, debt_goal)}"' in content
    assert "Van mijn schulden af" in content


def test_the_search_opened_from_a_consult_is_an_audited_read_of_it(
    huisarts_a, consult_4d, debt_goal
):
    before = AuditEvent.objects.filter(object_type="consult", action="read").count()
    search_page(client_for(huisarts_a), **kaart_params(consult_4d, debt_goal))
    assert AuditEvent.objects.filter(object_type="consult", action="read").count() == before + 1


@pytest.mark.parametrize(
    "who", ["huisarts_b", "manager_a", "other goal", "finished", "removed goal", "bad ids"]
)
def test_no_refer_buttons_for_a_consult_the_user_may_not_see_or_refer_in(
    who, request, huisarts_a, consult_4d, debt_goal, debt_help, practice_a
):
    user, params = huisarts_a, kaart_params(consult_4d, debt_goal)
    if who in ("huisarts_b", "manager_a"):
        user = request.getfixturevalue(who)
    elif who == "other goal":
        other = PatientFactory.create(practice=practice_a)
        ConsentFactory.create(patient=other, given_to=huisarts_a, recorded_by=huisarts_a)
        other_consult = consult_start(actor=Actor(user=huisarts_a), patient=other, model_slug="4d")
        other_goal = goal_add(
            actor=Actor(user=huisarts_a), consult=other_consult, text="Ander doel", domain=""
        )
        params["doel"] = str(other_goal.public_id)
    elif who == "finished":
        consult_finish(actor=Actor(user=huisarts_a), consult=consult_4d)
    elif who == "removed goal":
        item_remove(actor=Actor(user=huisarts_a), consult=consult_4d, item=debt_goal, kind="goal")
    else:
        params = {"gesprek": "x' OR 1=1", "doel": "../../"}

    response = client_for(user).get(reverse("service_list"), params)

    assert response.status_code == 200
    content = response.content.decode()
    assert "/verwijzen/" not in content
    assert "Van mijn schulden af" not in content
    if who == "huisarts_b":
        assert AuditEvent.objects.filter(
            object_type="consult", object_id=str(consult_4d.public_id), outcome="refused"
        ).exists()
