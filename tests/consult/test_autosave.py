"""Saving as you type: a small fragment back, and never a silent overwrite."""

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import AuditEvent, Goal
from consult.services.plans import consult_finish, goal_add
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def save_url(consult, kind, record):
    return reverse(
        "autosave",
        kwargs={"consult_id": consult.public_id, "kind": kind, "record_id": record.public_id},
    )


@pytest.fixture
def goal(consult_4d, huisarts_a) -> Goal:
    return goal_add(
        actor=Actor(user=huisarts_a), consult=consult_4d, text="Minder zorgen", domain="4d:geest"
    )


def post(client, consult, goal, text, version):
    prefix = str(goal.public_id)
    return client.post(
        save_url(consult, "goal", goal),
        {f"{prefix}-text": text, f"{prefix}-version": version},
        headers=HTMX,
    )


def test_a_field_saves_and_answers_with_a_small_fragment(huisarts_a, consult_4d, goal):
    response = post(client_for(huisarts_a), consult_4d, goal, "Ik wil weer rust in mijn hoofd", 1)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Opgeslagen om" in content
    assert "<html" not in content
    assert len(content) < 600
    assert f'name="{goal.public_id}-version" value="2"' in content
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Ik wil weer rust in mijn hoofd", 2)
    assert AuditEvent.objects.filter(action="update", object_type="goal").count() == 1


def test_a_stale_version_is_refused_with_both_texts(huisarts_a, poh_a, consult_4d, goal):
    post(client_for(huisarts_a), consult_4d, goal, "Tekst van de huisarts", 1)
    response = post(client_for(poh_a), consult_4d, goal, "Tekst van de POH", 1)
    content = response.content.decode()
    assert response.status_code == 409
    assert "iemand anders heeft dit intussen gewijzigd" in content
    assert "Tekst van de huisarts" in content
    assert "Tekst van de POH" in content
    goal.refresh_from_db()
    assert goal.text == "Tekst van de huisarts"


def test_saving_anyway_uses_the_current_version(huisarts_a, poh_a, consult_4d, goal):
    post(client_for(huisarts_a), consult_4d, goal, "Eerste", 1)
    assert post(client_for(poh_a), consult_4d, goal, "Tweede", 2).status_code == 200
    goal.refresh_from_db()
    assert goal.text == "Tweede"


def test_the_same_text_from_a_stale_page_is_no_conflict(huisarts_a, consult_4d, goal):
    client = client_for(huisarts_a)
    post(client, consult_4d, goal, "Zelfde", 1)
    response = post(client, consult_4d, goal, "Zelfde", 1)
    assert response.status_code == 200
    assert f'name="{goal.public_id}-version" value="2"' in response.content.decode()
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Zelfde", 2)
    assert AuditEvent.objects.filter(action="update", object_type="goal").count() == 1


def test_a_save_is_audited_with_who_and_which_patient(huisarts_a, consult_4d, goal):
    post(client_for(huisarts_a), consult_4d, goal, "Rust", 1)
    event = AuditEvent.objects.get(action="update", object_type="goal")
    assert (event.user, event.role, event.practice_id) == (
        huisarts_a,
        huisarts_a.role,
        huisarts_a.practice_id,
    )
    assert (event.patient_id, event.object_id) == (
        consult_4d.patient.public_id,
        str(goal.public_id),
    )


def test_no_save_without_its_audit_record(huisarts_a, consult_4d, goal, monkeypatch):
    def audit_trail_down(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("consult.autosave.audit_log", audit_trail_down)
    with pytest.raises(RuntimeError):
        post(client_for(huisarts_a), consult_4d, goal, "Zonder spoor", 1)
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Minder zorgen", 1)


def test_too_long_text_is_refused_in_dutch_and_changes_nothing(huisarts_a, consult_4d, goal):
    response = post(client_for(huisarts_a), consult_4d, goal, "x" * 301, 1)
    assert response.status_code == 422
    assert "niet meer dan 300 tekens" in response.content.decode()
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Minder zorgen", 1)


def test_markup_is_stored_as_text_and_shown_escaped(huisarts_a, consult_4d, goal):
    client = client_for(huisarts_a)
    post(client, consult_4d, goal, "<img src=x onerror=alert(1)>", 1)
    page = client.get(
        reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})
    ).content.decode()
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_finished_consult_is_read_only(huisarts_a, consult_4d, goal):
    consult_finish(actor=Actor(user=huisarts_a), consult=consult_4d)
    response = post(client_for(huisarts_a), consult_4d, goal, "Toch nog wijzigen", 1)
    assert response.status_code == 422
    assert "afgerond" in response.content.decode()
    goal.refresh_from_db()
    assert goal.text == "Minder zorgen"


def test_other_practice_and_unknown_kinds_get_404(huisarts_a, huisarts_b, consult_4d, goal):
    assert post(client_for(huisarts_b), consult_4d, goal, "Inbraak", 1).status_code == 404
    url = reverse(
        "autosave",
        kwargs={
            "consult_id": consult_4d.public_id,
            "kind": "onbekend",
            "record_id": goal.public_id,
        },
    )
    assert client_for(huisarts_a).post(url, {}, headers=HTMX).status_code == 404
    goal.refresh_from_db()
    assert goal.text == "Minder zorgen"


def test_without_javascript_the_form_post_redirects_back(huisarts_a, consult_4d, goal):
    prefix = str(goal.public_id)
    step_url = reverse(
        "consult_step", kwargs={"consult_id": consult_4d.public_id, "step_slug": "plan"}
    )
    response = client_for(huisarts_a).post(
        save_url(consult_4d, "goal", goal),
        {f"{prefix}-text": "Zonder JavaScript", f"{prefix}-version": 1, "next": step_url},
    )
    assert response["Location"] == step_url
    goal.refresh_from_db()
    assert goal.text == "Zonder JavaScript"


def test_next_cannot_leave_the_site(huisarts_a, consult_4d, goal):
    prefix = str(goal.public_id)
    response = client_for(huisarts_a).post(
        save_url(consult_4d, "goal", goal),
        {f"{prefix}-text": "x", f"{prefix}-version": 1, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse(
        "consult_detail", kwargs={"consult_id": consult_4d.public_id}
    )
