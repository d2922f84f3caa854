"""Who may open which page: every patient URL for every persona."""

import pytest
from django.urls import reverse

from consult.models import AuditEvent, AuditOutcome
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


def patient_urls(patient):
    pid = patient.public_id
    return [
        ("get", reverse("patient_detail", kwargs={"patient_id": pid})),
        ("get", reverse("patient_edit", kwargs={"patient_id": pid})),
        ("post", reverse("consent_give", kwargs={"patient_id": pid})),
        ("post", reverse("consent_revoke", kwargs={"patient_id": pid})),
        ("post", reverse("consult_new", kwargs={"patient_id": pid})),
    ]


def test_praktijkmanager_never_reaches_patient_data(manager_a, patient_a):
    client = client_for(manager_a)
    urls = [
        ("get", reverse("patient_list")),
        ("get", reverse("patient_new")),
        *patient_urls(patient_a),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), url
        assert patient_a.last_name not in response.content.decode(), url


def test_beheerder_does_not_see_patients_either(beheerder_a, patient_a):
    response = client_for(beheerder_a).get(
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    )
    assert response.status_code == 403


def test_other_practice_gets_404_on_every_patient_url(huisarts_b, patient_a):
    client = client_for(huisarts_b)
    for method, url in patient_urls(patient_a):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert patient_a.last_name not in response.content.decode()


def test_other_practice_does_not_find_the_patient_in_search(huisarts_b, patient_a):
    response = client_for(huisarts_b).post(reverse("patient_list"), {"q": "Hoekstra"})
    assert response.status_code == 200
    assert str(patient_a.public_id) not in response.content.decode()
    assert "Geen patiënt gevonden" in response.content.decode()


def test_refused_access_is_audited(huisarts_b, patient_a):
    client_for(huisarts_b).get(
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    )
    event = AuditEvent.objects.get(patient_id=patient_a.public_id)
    assert event.outcome == AuditOutcome.REFUSED
    assert event.user == huisarts_b


def test_consult_of_other_practice_is_404(huisarts_a, huisarts_b, practice_a):
    consent = ConsentFactory.create(patient=PatientFactory.create(practice=practice_a))
    from consult.access import Actor
    from consult.services.consults import consult_start

    consult = consult_start(actor=Actor(user=huisarts_a), patient=consent.patient, model_slug="4d")
    url = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    assert client_for(huisarts_a).get(url).status_code == 200
    assert client_for(huisarts_b).get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, patient_a):
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_integer_ids_do_not_route(huisarts_a, patient_a):
    response = client_for(huisarts_a).get(f"/patienten/{patient_a.pk}/")
    assert response.status_code == 404


def test_users_pages_only_for_beheerder(huisarts_a, manager_a, beheerder_a):
    for user in (huisarts_a, manager_a):
        assert client_for(user).get(reverse("user_list")).status_code == 403
    assert client_for(beheerder_a).get(reverse("user_list")).status_code == 200
