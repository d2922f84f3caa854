"""Consults that continue each other: KOP session 3 of 8, the next EMBOSS cycle."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import AuditEvent, Consult
from consult.services.consults import consult_start
from consult.services.plans import consult_finish
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory
from tests.throwaway_model import SLUG, throwaway_model  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice_a, huisarts_a):
    patient = PatientFactory.create(practice=practice_a)
    ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
    return patient


@pytest.fixture
def first(throwaway_model, patient, huisarts_a):  # noqa: F811
    return consult_start(actor=Actor(user=huisarts_a), patient=patient, model_slug=SLUG)


def test_continuing_links_the_sessions_and_hands_the_model_the_earlier_one(
    throwaway_model,  # noqa: F811
    first,
    patient,
    poh_a,
):
    second = consult_start(
        actor=Actor(user=poh_a), patient=patient, model_slug=SLUG, continues=first
    )
    assert second.continues == first
    assert second.session_number == 2
    assert second.trajectory_id == first.trajectory_id
    assert ("continue", (second.pk, first.pk)) in throwaway_model.calls
    first.refresh_from_db()
    assert first.finished_at is not None
    assert AuditEvent.objects.filter(
        object_type="consult", object_id=str(first.public_id), action="update"
    ).exists()
    third = consult_start(
        actor=Actor(user=poh_a), patient=patient, model_slug=SLUG, continues=second
    )
    assert third.session_number == 3


def test_continuing_is_refused_for_another_patient_model_or_practice_or_twice(
    first, patient, practice_a, huisarts_a, consult_4d, huisarts_b, practice_b
):
    actor = Actor(user=huisarts_a)
    other = PatientFactory.create(practice=practice_a)
    ConsentFactory.create(patient=other, given_to=huisarts_a, recorded_by=huisarts_a)
    with pytest.raises(ValidationError, match="hetzelfde model en dezelfde patiënt"):
        consult_start(actor=actor, patient=other, model_slug=SLUG, continues=first)
    with pytest.raises(ValidationError, match="hetzelfde model en dezelfde patiënt"):
        consult_start(actor=actor, patient=patient, model_slug="4d", continues=first)
    with pytest.raises(ValidationError, match="niet in sessies"):
        consult_start(
            actor=actor, patient=consult_4d.patient, model_slug="4d", continues=consult_4d
        )
    outsider_patient = PatientFactory.create(practice=practice_b)
    ConsentFactory.create(patient=outsider_patient, given_to=huisarts_b, recorded_by=huisarts_b)
    with pytest.raises(ValidationError):
        consult_start(
            actor=Actor(user=huisarts_b),
            patient=outsider_patient,
            model_slug=SLUG,
            continues=first,
        )
    consult_start(actor=actor, patient=patient, model_slug=SLUG, continues=first)
    with pytest.raises(ValidationError, match="al voortgezet"):
        consult_start(actor=actor, patient=patient, model_slug=SLUG, continues=first)
    assert Consult.objects.filter(model_slug=SLUG).count() == 2


def test_the_patient_page_continues_a_trajectory_and_refuses_a_foreign_consult(
    first, patient, huisarts_a, huisarts_b, practice_b
):
    client = client_for(huisarts_a)
    page = client.get(reverse("patient_detail", kwargs={"patient_id": patient.public_id}))
    assert "Start ronde 2" in page.content.decode()
    response = client.post(
        reverse("consult_new", kwargs={"patient_id": patient.public_id}),
        {"model_slug": SLUG, "continues": str(first.public_id)},
    )
    second = Consult.objects.get(session_number=2)
    assert response["Location"] == reverse(
        "consult_detail", kwargs={"consult_id": second.public_id}
    )
    # A consult id of another patient is not found under this patient.
    stranger = PatientFactory.create(practice=practice_b)
    ConsentFactory.create(patient=stranger, given_to=huisarts_b, recorded_by=huisarts_b)
    foreign = consult_start(actor=Actor(user=huisarts_b), patient=stranger, model_slug=SLUG)
    refused = client.post(
        reverse("consult_new", kwargs={"patient_id": patient.public_id}),
        {"model_slug": SLUG, "continues": str(foreign.public_id)},
    )
    assert refused.status_code == 404
    assert Consult.objects.filter(patient=patient).count() == 2


def test_an_open_session_is_continued_and_starting_the_next_asks_once(first, patient, huisarts_a):
    """Under an EMBOSS cycle still under way (1 of 7 steps) the patient page offered
    only "Start cyclus 3", which finished cycle 2 in one click. While the latest is open
    the page goes on with it; the next one stands behind a question that says so."""
    client = client_for(huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": patient.public_id})
    page = client.get(url).content.decode()
    consult_url = reverse("consult_detail", kwargs={"consult_id": first.public_id})
    assert f'<a class="button primary" href="{consult_url}">Verder met ronde 1</a>' in page
    asked = re.search(r'<details class="next-session">(.*?)</details>', page, re.S)
    assert asked, "starting the next round does not ask"
    assert "<summary>Start ronde 2</summary>" in asked.group(1)
    assert "Ronde 1 is nog open. Als je ronde 2 start, wordt ronde 1 afgerond." in asked.group(1)
    assert '<button type="submit">Ja, start ronde 2</button>' in asked.group(1)
    continues = f'<input type="hidden" name="continues" value="{first.public_id}">'
    assert continues in asked.group(1)
    assert page.count("ronde 2</") == 2, "a start button outside the question"

    consult_finish(actor=Actor(user=huisarts_a), consult=first)
    page = client.get(url).content.decode()
    assert "Verder met ronde" not in page
    assert "next-session" not in page
    assert '<button type="submit">Start ronde 2</button>' in page
    assert page.count(continues) == 1


def test_the_workspace_shows_the_session_and_opens_earlier_ones_read_only(
    first, patient, huisarts_a
):
    second = consult_start(
        actor=Actor(user=huisarts_a), patient=patient, model_slug=SLUG, continues=first
    )
    client = client_for(huisarts_a)
    page = client.get(reverse("consult_detail", kwargs={"consult_id": second.public_id}))
    content = page.content.decode()
    assert "Proefmodel · ronde 2" in content
    assert reverse("consult_detail", kwargs={"consult_id": first.public_id}) in content
    earlier = client.get(reverse("consult_detail", kwargs={"consult_id": first.public_id}))
    assert "dit gesprek kun je lezen, niet meer wijzigen" in earlier.content.decode()
    refused = client.post(
        reverse("step_done", kwargs={"consult_id": first.public_id, "step_slug": "een"}),
        follow=True,
    )
    assert "afgerond" in refused.content.decode()
    first.refresh_from_db()
    assert first.completed_steps == []


def test_starting_a_model_with_a_conversation_still_open_points_at_it(consult_4d, huisarts_a):
    """The start form offered the 4D-model as if none were under way: a click began a
    second 4D conversation beside the open one. Under the model it now says so, with the
    way to the open one; the other models say nothing."""
    client = client_for(huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": consult_4d.patient.public_id})
    page = client.get(url).content.decode()
    notice = re.search(r'<p class="open-consult" id="model-4d-open">(.*?)</p>', page, re.S)
    assert notice, "no word of the open 4D conversation"
    started = timezone.localtime(consult_4d.started_at)
    assert f"Er loopt nog een gesprek met dit model, begonnen op {started:%-d} " in notice[1]
    consult_url = reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})
    assert f'<a href="{consult_url}">Daarmee verder</a>' in notice[1]
    assert 'aria-describedby="model-4d-for model-4d-open"' in page
    assert page.count('class="open-consult"') == 1

    consult_finish(actor=Actor(user=huisarts_a), consult=consult_4d)
    assert 'class="open-consult"' not in client.get(url).content.decode()
