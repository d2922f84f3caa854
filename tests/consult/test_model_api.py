"""The core carries a fifth model built from the published API alone: its own URLs,
hooks, goal suggestions, continued consults and its demo data."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.demo import seed_demo
from consult.models import AuditEvent, Consult, Goal, PatientFlag
from consult.registry import conversation_models
from consult.services.consults import consult_start
from consult.services.plans import goal_add
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory
from tests.throwaway_model import SLUG, throwaway_model  # noqa: F401

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
MODEL_APPS = ("models_4d", "spinnenweb", "kop", "emboss")


def imports_of(package: str) -> list[tuple[str, str]]:
    found = []
    for file in (ROOT / package).rglob("*.py"):
        if "migrations" in file.parts:
            continue
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((str(file.relative_to(ROOT)), node.module))
            elif isinstance(node, ast.Import):
                found.extend((str(file.relative_to(ROOT)), alias.name) for alias in node.names)
    return found


def test_the_core_and_the_project_import_no_model_app():
    offending = [
        (file, module)
        for package in ("consult", "brede_gesprek", "sociale_kaart")
        for file, module in imports_of(package)
        if module.split(".")[0] in MODEL_APPS
    ]
    assert offending == []
    assert not any(app in (ROOT / "brede_gesprek/urls.py").read_text() for app in MODEL_APPS)


def test_model_apps_import_only_the_published_api_of_the_core():
    offending = [
        (file, module)
        for package in MODEL_APPS
        for file, module in imports_of(package)
        if module.split(".")[0] == "consult"
        and module not in {"consult.conversation_api", "consult.models"}
    ]
    assert offending == []


def test_every_registered_model_maps_its_domains_onto_shared_themes():
    from sociale_kaart.themes import ThemeSlug

    known = {theme.value for theme in ThemeSlug}
    for model in conversation_models():
        assert model.steps, model.slug
        assert model.domains, f"{model.slug} declares no domains"
        for domain in model.domains:
            assert domain.themes, f"{model.slug}:{domain.key} has no themes"
            assert set(domain.themes) <= known


@pytest.fixture
def patient(practice_a, huisarts_a):
    patient = PatientFactory.create(practice=practice_a, postcode="9999 AB")
    ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
    return patient


@pytest.fixture
def consult(throwaway_model, patient, huisarts_a):  # noqa: F811
    return consult_start(actor=Actor(user=huisarts_a), patient=patient, model_slug=SLUG)


def test_the_models_own_url_runs_through_the_step_action(consult, huisarts_a):
    url = reverse("proef_raise_worry", kwargs={"consult_id": consult.public_id})
    assert url == f"/consulten/{consult.public_id}/{SLUG}/zorg/"
    client = client_for(huisarts_a)
    response = client.post(url, {"step": "een", "text": "Zorgen over veiligheid"})
    assert response.status_code == 302
    assert response["Location"].endswith("/stap/een/")
    assert PatientFlag.objects.get().text == "Zorgen over veiligheid"
    swapped = client.post(
        url, {"step": "een", "text": ""}, headers={"HX-Request": "true", "HX-Target": "step"}
    )
    assert swapped.status_code == 422
    assert "Zeg in een paar woorden waar het signaal over gaat." in swapped.content.decode()


def test_a_model_url_refuses_another_models_consult_and_another_practice(
    consult, consult_4d, huisarts_b
):
    # The proef URL with a 4D consult: not this model's.
    url = f"/consulten/{consult_4d.public_id}/{SLUG}/zorg/"
    response = client_for(consult_4d.started_by).post(url, {"step": "een", "text": "x"})
    assert response.status_code == 404
    outsider = client_for(huisarts_b).post(
        reverse("proef_raise_worry", kwargs={"consult_id": consult.public_id}),
        {"step": "een", "text": "x"},
    )
    assert outsider.status_code == 404
    assert not PatientFlag.objects.exists()
    assert AuditEvent.objects.filter(user=huisarts_b, outcome="refused").exists()


def test_a_finished_consult_refuses_the_models_actions(consult, huisarts_a):
    client = client_for(huisarts_a)
    client.post(
        reverse("consult_finish", kwargs={"consult_id": consult.public_id}), {"confirm": "yes"}
    )
    response = client.post(
        reverse("proef_raise_worry", kwargs={"consult_id": consult.public_id}),
        {"step": "een", "text": "Te laat"},
        follow=True,
    )
    assert "afgerond" in response.content.decode()
    assert not PatientFlag.objects.exists()


def test_on_step_done_can_refuse_a_step_with_its_message(consult, huisarts_a):
    client = client_for(huisarts_a)
    done = reverse("step_done", kwargs={"consult_id": consult.public_id, "step_slug": "twee"})
    page = client.post(done, follow=True).content.decode()
    assert "Eerst een doel, dan stap twee." in page
    swapped = client.post(done, headers={"HX-Request": "true", "HX-Target": "step"})
    assert swapped.status_code == 422
    assert "Eerst een doel, dan stap twee." in swapped.content.decode()
    consult.refresh_from_db()
    assert "twee" not in consult.completed_steps
    goal_add(actor=Actor(user=huisarts_a), consult=consult, text="Rust")
    client.post(done)
    consult.refresh_from_db()
    assert "twee" in consult.completed_steps


def test_on_finish_is_called(throwaway_model, consult, huisarts_a):  # noqa: F811
    client_for(huisarts_a).post(
        reverse("consult_finish", kwargs={"consult_id": consult.public_id}), {"confirm": "yes"}
    )
    assert ("finish", consult.pk) in throwaway_model.calls


def test_a_suggestion_is_taken_over_once_with_the_models_themes(consult, huisarts_a):
    client = client_for(huisarts_a)
    step = reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": "twee"})
    page = client.get(step).content.decode()
    assert "Rust in mijn hoofd" in page
    assert "Overnemen als doel" in page
    take = reverse("goal_from_suggestion", kwargs={"consult_id": consult.public_id})
    response = client.post(
        take,
        {"suggestion": f"{SLUG}:rust"},
        headers={"HX-Request": "true", "HX-Target": "plan-panel"},
    )
    assert response.status_code == 200
    swapped = response.content.decode()
    assert 'id="goal-suggestions"' in swapped
    assert "overgenomen als doel" in swapped
    again = client.post(
        take,
        {"suggestion": f"{SLUG}:rust"},
        headers={"HX-Request": "true", "HX-Target": "plan-panel"},
    )
    assert again.status_code == 422
    assert "al overgenomen" in again.content.decode()
    goal = Goal.objects.get()
    assert goal.text == "Rust in mijn hoofd"
    assert goal.domain == f"{SLUG}:geld"
    assert [theme.slug for theme in goal.themes.all()] == ["geld-en-schulden"]
    page = client.get(step).content.decode()
    assert "Overnemen als doel" not in page
    # A made-up suggestion is refused; the text of a goal never comes from the browser.
    fake = client.post(take, {"suggestion": "proef:iets-anders", "new-goal-text": "Verzonnen"})
    assert fake.status_code == 422
    assert Goal.objects.count() == 1


def test_the_demo_asks_every_model_for_its_demo_data(throwaway_model):  # noqa: F811
    seed_demo()
    # One per demo practice: the model got each practice's patients and staff.
    assert Consult.objects.filter(model_slug=SLUG).values("practice").distinct().count() == 2
    assert Consult.objects.filter(model_slug=SLUG).count() == 2
    assert Consult.objects.filter(model_slug="4d").count() == 1
    seed_demo()
    assert Consult.objects.filter(model_slug=SLUG).count() == 2
