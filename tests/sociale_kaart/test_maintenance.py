"""Keeping the map: the practice manager's work, with history and isolation."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sociale_kaart.models import Service, ServiceRevision, Theme
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's words as a reader sees them, each tag a space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def form_data(map_id, **overrides):
    data = {
        "service_map": map_id,
        "name": "Schuldhulp Noord",
        "organisation": "Gemeente",
        "description": "Hulp bij geldzorgen.",
        "themes": [Theme.objects.get(slug="geld-en-schulden").pk],
        "area_postcodes": "9990 - 9994, 9801",
        "costs": "gratis",
        "referral": "geen",
        "phone": "0800 1234",
        "email": "info@schuldhulp.example",
        "website": "https://schuldhulp.example/",
        "postcode": "9991ab",
    }
    data.update(overrides)
    return data


def test_manager_adds_a_service_with_normalised_contact_data(manager_a, practice_a):
    response = client_for(manager_a).post(
        reverse("service_new"), form_data(practice_a.own_map_id), follow=True
    )
    assert "Dienst toegevoegd aan de sociale kaart." in response.content.decode()
    service = Service.objects.get()
    assert (service.phone, service.postcode, service.area_postcodes) == (
        "08001234",
        "9991 AB",
        "9990-9994, 9801",
    )
    assert list(service.areas.values_list("postcode_from", "postcode_to")) == [
        (9990, 9994),
        (9801, 9801),
    ]
    assert service.revisions.get().changed_by == manager_a


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Vul een Nederlands telefoonnummer van tien cijfers in"),
        ("email", "geen-mail", "Voer een geldig e-mailadres in."),
        ("website", "niet een adres", "Voer een geldige URL in."),
        ("postcode", "123", "Vul een Nederlandse postcode in"),
        ("area_postcodes", "99-12", "Schrijf postcodegebieden als vier cijfers"),
        ("area_postcodes", "", "Geef de postcodegebieden"),
        ("name", "", "Dit veld is verplicht."),
        ("description", "x" * 1001, "niet meer dan 1000 tekens"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_saves_nothing(
    manager_a, practice_a, field, value, message
):
    response = client_for(manager_a).post(
        reverse("service_new"), form_data(practice_a.own_map_id, **{field: value})
    )
    assert message in response.content.decode()
    assert not Service.objects.exists()


def test_edit_keeps_the_previous_version_visible(manager_a, practice_a):
    service = make_service(practice_a.own_map, name="Taalhuis", description="Leren lezen.")
    client = client_for(manager_a)
    client.post(
        reverse("service_edit", kwargs={"service_id": service.public_id}),
        {
            **form_data(
                practice_a.own_map_id,
                name="Taalhuis Zonnedal",
                description="Leren lezen en schrijven.",
            ),
            "version": 1,
        },
    )
    service.refresh_from_db()
    assert (service.name, service.version) == ("Taalhuis Zonnedal", 2)
    revisions = ServiceRevision.objects.filter(service=service).order_by("number")
    assert [revision.data["name"] for revision in revisions] == ["Taalhuis", "Taalhuis Zonnedal"]
    page = client.get(
        reverse("service_history", kwargs={"service_id": service.public_id})
    ).content.decode()
    assert "Taalhuis Zonnedal" in page
    assert "Leren lezen." in page
    assert manager_a.full_name in page


def test_the_history_reads_in_the_words_of_the_services_page(manager_a, practice_a):
    """It showed "added", "True", "geen", "0800 1234" as "08001234", "2026-09-08" and
    "geld-en-schulden": the stored values, half of them in English."""
    service = make_service(
        practice_a.own_map, phone="08001234", costs="verzekerd", referral="geen", checked_days_ago=0
    )
    client = client_for(manager_a)
    client.post(reverse("service_active", kwargs={"service_id": service.public_id}))
    page = text_of(client.get(reverse("service_history", kwargs={"service_id": service.public_id})))
    today = timezone.localdate().strftime("%d-%m-%Y")
    for words in (
        "import of systeem · toegevoegd",
        f"{manager_a.full_name} · gedeactiveerd",
        "Actief nee",
        "Bedient de hele regio ja",
        "Kosten vergoed uit de basisverzekering",
        "Verwijzing geen verwijzing nodig: mensen melden zich zelf aan",
        "Telefoon 0800 1234",
        f"Laatst gecontroleerd op {today}",
        "Thema's Geld en schulden",
    ):
        assert words in page
    for stored in ("added", "True", "False", "08001234", "geld-en-schulden", "verzekerd"):
        assert stored not in page
    assert "Doelgroep" not in page, "the first version lists a field never filled in"


def test_a_stale_edit_is_refused_not_overwritten(manager_a, practice_a):
    service = make_service(practice_a.own_map, name="Origineel")
    client = client_for(manager_a)
    url = reverse("service_edit", kwargs={"service_id": service.public_id})
    client.post(url, {**form_data(practice_a.own_map_id, name="Eerste"), "version": 1})
    response = client.post(url, {**form_data(practice_a.own_map_id, name="Tweede"), "version": 1})
    assert "iemand anders heeft deze dienst intussen gewijzigd" in response.content.decode().lower()
    service.refresh_from_db()
    assert service.name == "Eerste"


def test_an_empty_post_to_the_edit_form_is_answered_not_a_server_error(manager_a, practice_a):
    service = make_service(practice_a.own_map, name="Origineel")
    url = reverse("service_edit", kwargs={"service_id": service.public_id})
    response = client_for(manager_a).post(url, {})
    assert response.status_code == 200
    assert "iemand anders heeft deze dienst intussen gewijzigd" in response.content.decode().lower()
    service.refresh_from_db()
    assert (service.name, service.version) == ("Origineel", 1)


def test_an_empty_post_to_the_new_form_names_what_is_missing(manager_a, practice_a):
    response = client_for(manager_a).post(reverse("service_new"), {})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize("theme", ["99999999999999999999", "-99999999999999999999"])
def test_a_theme_number_no_database_holds_is_refused(manager_a, practice_a, theme):
    response = client_for(manager_a).post(
        reverse("service_new"), form_data(practice_a.own_map_id, themes=[theme])
    )
    assert response.status_code == 200
    assert f"Selecteer een geldige keuze. {theme} is geen beschikbare keuze." in (
        response.content.decode()
    )
    assert not Service.objects.exists()


def test_stale_records_are_listed_and_checked_with_one_click(manager_a, practice_a):
    old = make_service(practice_a.own_map, name="Oud", checked_days_ago=400)
    make_service(practice_a.own_map, name="Recent", checked_days_ago=10)
    client = client_for(manager_a)
    page = client.get(reverse("service_review")).content.decode()
    assert "Oud" in page
    assert "Recent" not in page
    client.post(
        reverse("service_checked", kwargs={"service_id": old.public_id}), {"next": "review"}
    )
    old.refresh_from_db()
    assert old.last_checked_on == timezone.localdate()
    assert "Oud" not in client.get(reverse("service_review")).content.decode()
    assert old.revisions.values_list("change", flat=True)[0] == "checked"


def test_the_list_to_check_gives_the_number_to_call(manager_a, practice_a):
    """The page says to call them; the number stood only on each service's own page."""
    make_service(practice_a.own_map, name="Oud", checked_days_ago=400, phone="0501234567")
    page = text_of(client_for(manager_a).get(reverse("service_review")))
    assert "Oud 050 123 4567" in page


def test_deactivate_and_activate(manager_a, practice_a):
    service = make_service(practice_a.own_map, name="Tijdelijk")
    client = client_for(manager_a)
    client.post(
        reverse("service_active", kwargs={"service_id": service.public_id}), {"active": "0"}
    )
    service.refresh_from_db()
    assert not service.is_active
    client.post(
        reverse("service_active", kwargs={"service_id": service.public_id}), {"active": "1"}
    )
    service.refresh_from_db()
    assert service.is_active


def test_professionals_search_but_cannot_change_the_map(huisarts_a, poh_a, practice_a):
    service = make_service(practice_a.own_map, name="Alleen lezen")
    for user in (huisarts_a, poh_a):
        client = client_for(user)
        assert (
            client.get(
                reverse("service_detail", kwargs={"service_id": service.public_id})
            ).status_code
            == 200
        )
        assert client.get(reverse("service_new")).status_code == 403
        assert (
            client.get(
                reverse("service_edit", kwargs={"service_id": service.public_id})
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("service_active", kwargs={"service_id": service.public_id}), {"active": "0"}
            ).status_code
            == 403
        )
    service.refresh_from_db()
    assert service.is_active


def test_another_practice_cannot_reach_this_practices_services(huisarts_b, practice_a):
    service = make_service(practice_a.own_map, name="Van praktijk A")
    assert (
        client_for(huisarts_b)
        .get(reverse("service_detail", kwargs={"service_id": service.public_id}))
        .status_code
        == 404
    )


def test_the_manager_lands_on_the_map_and_sees_no_patients(manager_a, patient_a):
    client = client_for(manager_a)
    assert client.get(reverse("home"))["Location"] == reverse("service_list")
    page = client.get(reverse("service_list")).content.decode()
    assert patient_a.last_name not in page
    assert reverse("patient_list") not in page


def test_shared_map_is_kept_together_and_local_additions_stay_local(
    manager_a, practice_a, practice_b, shared_map
):
    practice_b.shared_map = shared_map
    practice_b.save()
    make_service(shared_map, name="Gedeeld")
    make_service(practice_a.own_map, name="Lokaal A")
    from tests.factories import UserFactory

    huisarts_b = UserFactory.create(practice=practice_b, role="huisarts")
    response = client_for(huisarts_b).get(reverse("service_list"))
    found = [service.name for service in response.context["services"]]
    assert found == ["Gedeeld"]
