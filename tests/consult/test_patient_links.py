"""A patient's own entry by link: no account, no name, single-use, expiring,
withdrawable, audited, and the same plain page for every token that does not work."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult.models import AuditEvent, PatientLink
from tests.conftest import client_for, told_back
from tests.factories import ConsentFactory, PatientFactory
from tests.throwaway_model import SLUG, throwaway_model  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice_a, huisarts_a):
    patient = PatientFactory.create(
        practice=practice_a, first_name="Wilhelmina", last_name="Zonderland"
    )
    ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
    return patient


def make_link(client: Client, patient, entry: str = f"{SLUG}:thuis") -> str:
    """Make a link as the professional does; returns the patient's path."""
    response = client.post(
        reverse("patient_link_new", kwargs={"patient_id": patient.public_id}), {"entry": entry}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    assert 'src="data:image/svg+xml' in content  # the QR code
    found = re.search(r"http://testserver(/mijn/[^<\s]+/)", content)
    assert found, "the page shows the link"
    return found.group(1)


@pytest.fixture
def link_path(throwaway_model, patient, huisarts_a):  # noqa: F811
    return make_link(client_for(huisarts_a), patient)


def test_the_token_is_shown_once_and_stored_only_as_a_hash(link_path, huisarts_a, patient):
    token = link_path.split("/")[2]
    link = PatientLink.objects.get()
    assert token not in link.token_hash
    assert len(token) >= 32
    page = client_for(huisarts_a).get(
        reverse("patient_detail", kwargs={"patient_id": patient.public_id})
    )
    assert token not in page.content.decode()
    assert "open tot" in page.content.decode()


def test_the_patient_fills_in_screen_by_screen_without_name_or_script(
    throwaway_model,  # noqa: F811
    link_path,
):
    patient_client = Client()
    start = patient_client.get(link_path)
    content = start.content.decode()
    assert start.status_code == 200
    assert "Hoe gaat het met je?" in content
    assert "Wilhelmina" not in content
    assert "Zonderland" not in content
    assert "<script" not in content
    screen = patient_client.get(f"{link_path}cijfer/")
    assert "Vraag 1 van 2" in screen.content.decode()
    assert "<script" not in screen.content.decode()
    bad = patient_client.post(f"{link_path}cijfer/", {"score": "elf"})
    assert bad.status_code == 400
    assert "Voer een geheel getal in." in bad.content.decode()
    too_high = patient_client.post(f"{link_path}cijfer/", {"score": "11"})
    assert "hoogstens 10" in too_high.content.decode()
    assert PatientLink.objects.get().answers == {}
    paused = patient_client.post(f"{link_path}cijfer/", {"score": "7", "stoppen": "1"})
    assert paused["Location"].endswith("/pauze/")
    assert PatientLink.objects.get().answers == {"cijfer": {"score": 7}}
    again = patient_client.get(link_path).content.decode()
    assert "Verder waar je stopte" in again
    assert f"{link_path}woorden/" in again
    following = patient_client.post(f"{link_path}woorden/", {"words": "Beter dan vorige week"})
    assert following["Location"].endswith("/versturen/")
    assert told_back(patient_client.get(following["Location"]).content.decode()) == {
        "Welk cijfer geef je?": ["7"],
        "Wat wil je nog zeggen?": ["“Beter dan vorige week”"],
    }
    sent = patient_client.post(f"{link_path}versturen/")
    assert "Dank je wel" in sent.content.decode()
    link = PatientLink.objects.get()
    assert link.completed_at is not None
    assert ("entry", {"cijfer": {"score": 7}, "woorden": {"words": "Beter dan vorige week"}}) in (
        throwaway_model.calls
    )
    assert (
        AuditEvent.objects.filter(
            object_type="patient_link", role="patient", patient_id=link.patient.public_id
        ).count()
        >= 6
    )


def test_withdrawing_an_open_link_asks_once(link_path, huisarts_a, patient):
    """A link the patient may be filling in was withdrawn with one click."""
    page = (
        client_for(huisarts_a)
        .get(reverse("patient_detail", kwargs={"patient_id": patient.public_id}))
        .content.decode()
    )
    asked = re.search(
        r'<details class="link-withdraw">\s*<summary>Intrekken</summary>.*?niet meer openen.*?'
        r'<button type="submit"[^>]*>Ja, link intrekken</button>.*?</details>',
        page,
        re.S,
    )
    assert asked, "withdrawing the link does not ask first"
    assert page.count(">Ja, link intrekken</button>") == 1


def test_used_expired_withdrawn_and_made_up_tokens_get_the_same_page(
    throwaway_model,  # noqa: F811
    patient,
    huisarts_a,
):
    professional = client_for(huisarts_a)
    used = make_link(professional, patient)
    Client().post(f"{used}versturen/")
    expired = make_link(professional, patient)
    PatientLink.objects.filter(completed_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    withdrawn = make_link(professional, patient)
    withdrawn_link = PatientLink.objects.filter(completed_at__isnull=True).latest("created_at")
    professional.post(
        reverse(
            "patient_link_withdraw",
            kwargs={"patient_id": patient.public_id, "link_id": withdrawn_link.public_id},
        )
    )
    made_up = "/mijn/" + "x" * 32 + "/"
    pages = []
    for path in (used, expired, withdrawn, made_up, f"{made_up}cijfer/"):
        response = Client().get(path)
        assert response.status_code == 404
        pages.append(response.content.decode())
    assert len(set(pages)) == 1
    assert "Deze link werkt niet" in pages[0]
    assert AuditEvent.objects.filter(object_type="patient_link", outcome="refused").count() == 5


def test_repeated_guessing_is_throttled_even_for_a_real_token(link_path, settings):
    settings.PATIENT_LINK_THROTTLE_MISSES = 5
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(5):
        assert guesser.get(f"/mijn/{'g' * 30}{attempt:02d}/").status_code == 404
    throttled = guesser.get(link_path)
    assert throttled.status_code == 429
    assert "Wacht een kwartier" in throttled.content.decode()
    # Another address is not affected.
    assert Client(REMOTE_ADDR="198.51.100.4").get(link_path).status_code == 200


def test_only_treating_roles_of_the_practice_make_or_withdraw_links(
    throwaway_model,  # noqa: F811
    patient,
    manager_a,
    huisarts_b,
):
    url = reverse("patient_link_new", kwargs={"patient_id": patient.public_id})
    assert client_for(manager_a).post(url, {"entry": f"{SLUG}:thuis"}).status_code == 403
    assert client_for(huisarts_b).post(url, {"entry": f"{SLUG}:thuis"}).status_code == 404
    assert not PatientLink.objects.exists()


def test_no_link_without_consent_or_for_an_unknown_purpose(
    throwaway_model,  # noqa: F811
    practice_a,
    huisarts_a,
    patient,
):
    client = client_for(huisarts_a)
    unknown = client.post(
        reverse("patient_link_new", kwargs={"patient_id": patient.public_id}),
        {"entry": "proef:verzonnen"},
    )
    assert unknown.status_code == 400
    without_consent = PatientFactory.create(practice=practice_a)
    refused = client.post(
        reverse("patient_link_new", kwargs={"patient_id": without_consent.public_id}),
        {"entry": f"{SLUG}:thuis"},
    )
    assert refused.status_code == 400
    assert "toestemming" in refused.content.decode()
    assert not PatientLink.objects.exists()


@pytest.mark.parametrize("entry", ["spinnenweb:web", "emboss:kaart"])
def test_the_patients_first_screen_says_each_thing_once(patient, huisarts_a, entry):
    """The conversation card's first screen said “We praten er samen over.” and then
    “We praten er samen over in het gesprek.”"""
    path = make_link(client_for(huisarts_a), patient, entry)
    main = re.search(r"<main.*?</main>", Client().get(path).content.decode(), re.S)
    assert main
    words = " ".join(re.sub(r"<[^>]+>", " ", main.group(0)).split())
    sentences = [s.strip().rstrip(".?") for s in re.split(r"(?<=[.?])\s", words) if s.strip()]
    for i, one in enumerate(sentences):
        for other in sentences[i + 1 :]:
            assert not one.startswith(other), (one, other)
            assert not other.startswith(one), (one, other)


def test_before_sending_the_patient_sees_the_answers_and_can_change_one(
    throwaway_model,  # noqa: F811
    link_path,
):
    patient_client = Client()
    patient_client.post(f"{link_path}woorden/", {"words": ""})
    send_page = patient_client.get(f"{link_path}versturen/").content.decode()
    assert told_back(send_page) == {
        "Welk cijfer geef je?": ["Overgeslagen"],
        "Wat wil je nog zeggen?": ["Niets ingevuld"],
    }
    change = f"{link_path}cijfer/?naar=versturen"
    assert f'href="{change}"' in send_page
    screen = patient_client.get(change).content.decode()
    assert '<input type="hidden" name="naar" value="versturen">' in screen
    assert ">Opslaan</button>" in screen
    assert f'<a href="{link_path}versturen/">Terug</a>' in screen
    refused = patient_client.post(change, {"score": "elf", "naar": "versturen"})
    assert refused.status_code == 400
    assert '<input type="hidden" name="naar" value="versturen">' in refused.content.decode()
    saved = patient_client.post(change, {"score": "3", "naar": "versturen"})
    assert saved["Location"].endswith("/versturen/")
    assert told_back(patient_client.get(saved["Location"]).content.decode()) == {
        "Welk cijfer geef je?": ["3"],
        "Wat wil je nog zeggen?": ["Niets ingevuld"],
    }
    assert PatientLink.objects.get().completed_at is None  # nothing sent yet
