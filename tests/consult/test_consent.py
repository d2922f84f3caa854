import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import Consult
from consult.services.consent import consent_record, consent_withdraw
from consult.services.consults import consult_start
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_starting_a_consult_without_consent_is_refused_in_the_page(huisarts_a, patient_a):
    response = client_for(huisarts_a).post(
        reverse("consult_new", kwargs={"patient_id": patient_a.public_id}), {"model_slug": "4d"}
    )
    assert response.status_code == 400
    assert (
        "heeft (nog) geen toestemming gegeven voor het brede gesprek" in response.content.decode()
    )
    assert not Consult.objects.exists()


def test_record_consent_then_start_a_consult(huisarts_a, poh_a, patient_a):
    client = client_for(huisarts_a)
    today = timezone.localdate()
    response = client.post(
        reverse("consent_give", kwargs={"patient_id": patient_a.public_id}),
        {"given_on": today.isoformat(), "given_to": poh_a.pk},
        follow=True,
    )
    content = response.content.decode()
    assert "Toestemming vastgelegd." in content
    assert f"aan {poh_a.full_name}" in content
    response = client.post(
        reverse("consult_new", kwargs={"patient_id": patient_a.public_id}), {"model_slug": "4d"}
    )
    consult = Consult.objects.get()
    assert response["Location"] == reverse(
        "consult_detail", kwargs={"consult_id": consult.public_id}
    )
    assert consult.started_by == huisarts_a


def test_withdrawn_consent_blocks_a_new_consult(actor_huisarts_a, huisarts_a, patient_a):
    today = timezone.localdate()
    consent_record(actor=actor_huisarts_a, patient=patient_a, given_on=today, given_to=huisarts_a)
    consent_withdraw(actor=actor_huisarts_a, patient=patient_a, withdrawn_on=today)
    with pytest.raises(ValidationError) as error:
        consult_start(actor=actor_huisarts_a, patient=patient_a, model_slug="4d")
    assert error.value.code == "no_consent"


def test_consent_in_the_future_is_refused(huisarts_a, patient_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(huisarts_a).post(
        reverse("consent_give", kwargs={"patient_id": patient_a.public_id}),
        {"given_on": tomorrow.isoformat(), "given_to": huisarts_a.pk},
    )
    assert response.status_code == 400
    assert "niet op een datum in de toekomst" in response.content.decode()
    assert not patient_a.consents.exists()


def test_consent_cannot_be_given_to_someone_of_another_practice(huisarts_a, huisarts_b, patient_a):
    response = client_for(huisarts_a).post(
        reverse("consent_give", kwargs={"patient_id": patient_a.public_id}),
        {"given_on": timezone.localdate().isoformat(), "given_to": huisarts_b.pk},
    )
    assert response.status_code == 400
    assert not patient_a.consents.exists()


def test_withdrawal_via_the_page(huisarts_a, actor_huisarts_a, patient_a):
    today = timezone.localdate()
    consent_record(actor=actor_huisarts_a, patient=patient_a, given_on=today, given_to=huisarts_a)
    response = client_for(huisarts_a).post(
        reverse("consent_revoke", kwargs={"patient_id": patient_a.public_id}),
        {"withdrawn_on": today.isoformat()},
        follow=True,
    )
    content = response.content.decode()
    assert "Intrekking van de toestemming vastgelegd." in content
    assert "niet gegeven" in content
    assert "Vraag eerst: “Ik zie vaker dat klachten" in content  # how to ask again
    assert not patient_a.consents.current().exists()


def test_withdrawal_stands_behind_one_click_and_opens_when_refused(
    huisarts_a, actor_huisarts_a, patient_a
):
    """The first thing on the patient page was a date of today and "Intrekking
    vastleggen": one click from a withdrawal nobody asked for."""
    today = timezone.localdate()
    consent_record(actor=actor_huisarts_a, patient=patient_a, given_on=today, given_to=huisarts_a)
    client = client_for(huisarts_a)
    path = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    withdraw = re.compile(
        r'<details class="consent-withdraw"( open)?>\s*<summary>De patiënt trekt de toestemming '
        r'in</summary>.*?name="withdrawn_on".*?Intrekking vastleggen.*?</details>',
        re.S,
    )
    page = client.get(path).content.decode()
    shown = withdraw.search(page)
    assert shown, "the withdrawal is not behind its own summary"
    assert "Vraag eerst" not in page, "the question for consent stands beside the consent"
    assert shown.group(1) is None, "the withdrawal stands open"
    refused = client.post(
        reverse("consent_revoke", kwargs={"patient_id": patient_a.public_id}),
        {"withdrawn_on": (today + datetime.timedelta(days=1)).isoformat()},
    )
    assert refused.status_code == 400
    shown = withdraw.search(refused.content.decode())
    assert shown, "the refused withdrawal is not behind its summary"
    assert shown.group(1) == " open", "the refused withdrawal hides its message"
    assert "Kies vandaag of een datum in het verleden." in shown.group(0)
    assert patient_a.consents.current().exists()


def test_unknown_model_is_refused(actor_huisarts_a, huisarts_a, patient_a):
    consent_record(
        actor=actor_huisarts_a,
        patient=patient_a,
        given_on=timezone.localdate(),
        given_to=huisarts_a,
    )
    response = client_for(huisarts_a).post(
        reverse("consult_new", kwargs={"patient_id": patient_a.public_id}), {"model_slug": "nope"}
    )
    assert response.status_code == 400
    assert not Consult.objects.exists()


def test_patient_page_lists_consults_newest_first(actor_huisarts_a, huisarts_a, patient_a):
    consent_record(
        actor=actor_huisarts_a,
        patient=patient_a,
        given_on=timezone.localdate(),
        given_to=huisarts_a,
    )
    consult_start(actor=actor_huisarts_a, patient=patient_a, model_slug="kop")
    consult_start(actor=actor_huisarts_a, patient=patient_a, model_slug="4d")
    content = (
        client_for(huisarts_a)
        .get(reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}))
        .content.decode()
    )
    assert content.index("<h3>4D-model") < content.index("<h3>KOP-model")
    assert isinstance(actor_huisarts_a, Actor)
