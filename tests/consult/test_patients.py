import datetime

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import Patient
from consult.services.consults import consult_start
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


def valid_data(**overrides):
    data = {
        "first_name": "Ricardo",
        "name_prefix": "",
        "last_name": "Martina",
        "date_of_birth": "1985-03-14",
        "his_number": "100232",
        "postcode": "9999ad",
        "phone": "06-12 34 50 02",
        "email": "",
        "preferred_language": "nl",
        "plain_language": "on",
        "notes": "Hoofdpijn.",
    }
    data.update(overrides)
    return data


def test_create_patient_normalises_and_shows_detail(huisarts_a):
    client = client_for(huisarts_a)
    response = client.post(reverse("patient_new"), valid_data(), follow=True)
    patient = Patient.objects.get(his_number="100232")
    assert patient.practice == huisarts_a.practice
    assert patient.postcode == "9999 AD"
    assert patient.phone == "0612345002"
    assert patient.plain_language
    content = response.content.decode()
    assert "Patiënt toegevoegd." in content
    assert "Ricardo Martina" in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "123", "Vul een Nederlandse postcode in"),
        ("phone", "12345", "Vul een Nederlands telefoonnummer"),
        ("date_of_birth", "2999-01-01", "De geboortedatum kan niet in de toekomst liggen."),
        ("first_name", "x" * 81, "niet meer dan 80 tekens"),
        ("notes", "x" * 2001, "niet meer dan 2000 tekens"),
        ("last_name", "", "Dit veld is verplicht."),
    ],
)
def test_bad_input_is_refused_in_dutch_and_saves_nothing(huisarts_a, field, value, message):
    response = client_for(huisarts_a).post(reverse("patient_new"), valid_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Patient.objects.exists()


def test_his_number_unique_within_practice_only(huisarts_a, practice_b):
    PatientFactory.create(practice=practice_b, his_number="100232")
    client = client_for(huisarts_a)
    client.post(reverse("patient_new"), valid_data())
    response = client.post(reverse("patient_new"), valid_data(first_name="Ander"))
    assert (
        "Een andere patiënt van deze praktijk heeft dit HIS-nummer al." in response.content.decode()
    )
    assert Patient.objects.filter(his_number="100232").count() == 2


def test_edit_patient(huisarts_a, patient_a):
    url = reverse("patient_edit", kwargs={"patient_id": patient_a.public_id})
    response = client_for(huisarts_a).post(
        url, valid_data(first_name="Inge", his_number=patient_a.his_number), follow=True
    )
    assert "Wijzigingen opgeslagen." in response.content.decode()
    patient_a.refresh_from_db()
    assert patient_a.first_name == "Inge"


def test_markup_is_shown_as_text(huisarts_a, practice_a):
    patient = PatientFactory.create(practice=practice_a, notes="<script>alert(1)</script>")
    response = client_for(huisarts_a).get(
        reverse("patient_detail", kwargs={"patient_id": patient.public_id})
    )
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hoek", ["Hoekstra"]),
        ("ingrid hoek", ["Hoekstra"]),
        ("14-03-1973", ["Hoekstra"]),
        ("555001", ["Yilmaz"]),
        ("jansen", []),
        ("van der", ["Berg, Kees van der"]),
        ("DER BERG", ["Berg, Kees van der"]),
        ("%", []),  # typed, not a wildcard
        ("_", []),
        ("\\", []),
    ],
)
def test_search_by_name_date_of_birth_or_his_number(huisarts_a, practice_a, query, expected):
    PatientFactory.create(
        practice=practice_a,
        first_name="Ingrid",
        last_name="Hoekstra",
        date_of_birth=datetime.date(1973, 3, 14),
    )
    PatientFactory.create(
        practice=practice_a, first_name="Fatma", last_name="Yilmaz", his_number="555001"
    )
    PatientFactory.create(
        practice=practice_a, first_name="Kees", name_prefix="van der", last_name="Berg"
    )
    response = client_for(huisarts_a).post(reverse("patient_list"), {"q": query})
    content = response.content.decode()
    for name in ("Hoekstra", "Yilmaz", "Berg, Kees van der"):
        assert (name in content) == (name in expected), name


def test_the_practice_s_number_is_not_a_name_to_find(huisarts_a, practice_a, patient_a):
    """The search reads "<practice number> <names>"; the number itself finds nobody."""
    response = client_for(huisarts_a).post(reverse("patient_list"), {"q": str(practice_a.pk)})
    assert patient_a.last_name not in response.content.decode()


def test_htmx_search_returns_only_the_results_fragment(huisarts_a, patient_a):
    response = client_for(huisarts_a).post(
        reverse("patient_list"),
        {"q": "Hoek"},
        headers={"HX-Request": "true", "HX-Target": "patient-results"},
    )
    content = response.content.decode()
    assert 'id="patient-results"' not in content
    assert "<html" not in content
    assert "Hoekstra" in content


def test_search_terms_never_travel_in_the_url(huisarts_a, patient_a):
    """A name or HIS number in a URL ends up in access logs and browser history: the
    search takes them from the body only, and the page's forms post."""
    client = client_for(huisarts_a)
    by_url = client.get(reverse("patient_list"), {"q": "Hoekstra-onbekend"}).content.decode()
    assert "Hoekstra-onbekend" not in by_url
    page = client.get(reverse("patient_list")).content.decode()
    for form in ('class="search-form"', 'class="topbar-search"'):
        tag = page[page.rindex("<form", 0, page.index(form)) : page.index(form) + 200]
        assert 'method="post"' in tag, form
    assert "?q=" not in page


def test_paging_through_results_keeps_the_search_in_the_body(huisarts_a, practice_a):
    PatientFactory.create_batch(30, practice=practice_a, last_name="Jansen")
    client = client_for(huisarts_a)
    second = client.post(reverse("patient_list"), {"q": "Jansen", "pagina": "2"})
    content = second.content.decode()
    assert "Pagina 2 van 2" in content
    assert 'form="patient-search" name="pagina" value="1"' in content


def test_list_runs_a_fixed_number_of_queries(huisarts_a, practice_a, django_assert_max_num_queries):
    PatientFactory.create_batch(30, practice=practice_a)
    client = client_for(huisarts_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("patient_list"))
    assert response.status_code == 200


def test_detail_shows_every_consult_in_a_fixed_number_of_queries(
    huisarts_a, patient_a, django_assert_max_num_queries
):
    ConsentFactory.create(patient=patient_a, given_to=huisarts_a, recorded_by=huisarts_a)
    actor = Actor(user=huisarts_a)
    consults = [consult_start(actor=actor, patient=patient_a, model_slug="4d")]
    client = client_for(huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    client.get(url)  # the first request fills per-process caches; count the next ones
    with django_assert_max_num_queries(16) as one_consult:
        response = client.get(url)
    assert "Ingrid Hoekstra" in response.content.decode()
    consults += [consult_start(actor=actor, patient=patient_a, model_slug="4d") for _ in range(29)]
    with django_assert_max_num_queries(len(one_consult)):
        response = client.get(url)
    content = response.content.decode()
    assert "Ingrid Hoekstra" in content
    for consult in consults:
        assert reverse("consult_detail", kwargs={"consult_id": consult.public_id}) in content
