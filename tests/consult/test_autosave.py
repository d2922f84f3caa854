"""Saving as you type: a small fragment back, never a silent overwrite, and nothing lost
when the page closes while a save is on its way."""

import re

import pytest
from django.db import IntegrityError
from django.urls import reverse

from consult import audit
from consult.access import Actor
from consult.models import AuditEvent, Goal
from consult.services.plans import agreement_add, consult_finish, goal_add
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


@pytest.mark.django_db(transaction=True)
def test_no_save_without_its_audit_record(huisarts_a, consult_4d, goal, monkeypatch):
    """The database refuses the audit record (no action): the text is not saved either,
    whether the two went in one statement (PostgreSQL) or one transaction."""
    build_event = audit._event

    def event_without_action(**kwargs):
        record = build_event(**kwargs)
        record.action = None  # type: ignore[assignment]
        return record

    monkeypatch.setattr(audit, "_event", event_without_action)
    with pytest.raises(IntegrityError):
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


@pytest.mark.parametrize("target", ["foo", "consult_detail", "home", "?x=1", "#top", "a.b"])
def test_a_next_that_is_not_a_path_goes_back_to_the_conversation(
    huisarts_a, consult_4d, goal, target
):
    """Not a page to go back to (a URL name, a query, a fragment): the conversation."""
    prefix = str(goal.public_id)
    response = client_for(huisarts_a).post(
        save_url(consult_4d, "goal", goal),
        {f"{prefix}-text": "Toch bewaard", f"{prefix}-version": 1, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consult_detail", kwargs={"consult_id": consult_4d.public_id}
    )
    goal.refresh_from_db()
    assert goal.text == "Toch bewaard"


def test_a_plan_form_without_javascript_with_a_next_that_is_not_a_path(huisarts_a, consult_4d):
    response = client_for(huisarts_a).post(
        reverse("goal_add", kwargs={"consult_id": consult_4d.public_id}),
        {"new-goal-text": "Beter slapen", "next": "consult_detail"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consult_detail", kwargs={"consult_id": consult_4d.public_id}
    )
    assert consult_4d.patient.plan.goals.get().text == "Beter slapen"


# Per field, by base: the value the page last knew the server to have for that field.


def post_field(client, consult, kind, record, field, value, version, bases=(), **extra):
    prefix = str(record.public_id)
    data = {f"{prefix}-{field}": value, f"{prefix}-version": version, **extra}
    if bases:
        data[f"base:{prefix}-{field}"] = list(bases)
    return client.post(save_url(consult, kind, record), data, headers=HTMX)


@pytest.fixture
def agreement(consult_4d, huisarts_a, goal):
    return agreement_add(
        actor=Actor(user=huisarts_a), consult=consult_4d, goal=goal, what="Elke dag wandelen"
    )


def test_closing_while_a_save_is_on_its_way_keeps_the_last_words(huisarts_a, consult_4d, goal):
    """The save of "Rust" is still on its way when the tab closes; the page-close
    save carries the version the page had (1) and, as bases, both the stored text
    and the text on its way."""
    client = client_for(huisarts_a)
    assert post(client, consult_4d, goal, "Rust", 1).status_code == 200  # reached the server
    response = post_field(
        client, consult_4d, "goal", goal, "text", "Rust in mijn hoofd", 1,
        bases=["Minder zorgen", "Rust"],
    )  # fmt: skip
    assert response.status_code == 200
    assert f'name="{goal.public_id}-version" value="3"' in response.content.decode()
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Rust in mijn hoofd", 3)
    assert AuditEvent.objects.filter(action="update", object_type="goal").count() == 2


def test_the_page_close_save_may_arrive_before_the_one_on_its_way(huisarts_a, consult_4d, goal):
    client = client_for(huisarts_a)
    last = post_field(
        client, consult_4d, "goal", goal, "text", "Rust in mijn hoofd", 1,
        bases=["Minder zorgen", "Rust"],
    )  # fmt: skip
    assert last.status_code == 200
    earlier = post_field(
        client, consult_4d, "goal", goal, "text", "Rust", 1, bases=["Minder zorgen"]
    )
    assert earlier.status_code == 409  # refused, so it does not undo the last words
    goal.refresh_from_db()
    assert goal.text == "Rust in mijn hoofd"


def test_another_field_saved_by_someone_else_is_no_conflict(
    huisarts_a, poh_a, consult_4d, agreement
):
    huisarts, poh = client_for(huisarts_a), client_for(poh_a)
    first = post_field(
        huisarts, consult_4d, "agreement", agreement, "what", "Elke ochtend wandelen", 1,
        bases=["Elke dag wandelen"],
    )  # fmt: skip
    assert first.status_code == 200
    second = post_field(
        poh, consult_4d, "agreement", agreement, "coordinator", "POH", 1, bases=[""]
    )
    assert second.status_code == 200, second.content.decode()
    assert "Opgeslagen om" in second.content.decode()
    agreement.refresh_from_db()
    assert (agreement.what, agreement.coordinator, agreement.version) == (
        "Elke ochtend wandelen",
        "POH",
        3,
    )


def test_the_same_field_changed_by_someone_else_is_a_conflict_of_that_field_only(
    huisarts_a, poh_a, consult_4d, agreement
):
    post_field(
        client_for(huisarts_a), consult_4d, "agreement", agreement, "what", "Fietsen", 1,
        bases=["Elke dag wandelen"],
    )  # fmt: skip
    response = post_field(
        client_for(poh_a), consult_4d, "agreement", agreement, "what", "Zwemmen", 1,
        bases=["Elke dag wandelen"],
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 409
    assert content.count('class="conflict-texts"') == 1
    assert "Fietsen" in content
    assert "Zwemmen" in content
    assert "—" not in content  # no empty "stored text" of a field nobody changed
    agreement.refresh_from_db()
    assert (agreement.what, agreement.version) == ("Fietsen", 2)


def test_a_form_posted_without_javascript_saves_only_what_changed_on_that_page(
    huisarts_a, poh_a, consult_4d, agreement
):
    post_field(
        client_for(huisarts_a), consult_4d, "agreement", agreement, "coordinator", "Huisarts", 1,
        bases=[""],
    )  # fmt: skip
    prefix = str(agreement.public_id)
    shown = {"what": "Elke dag wandelen", "who_kind": agreement.who_kind, "who_name": ""}
    shown |= {"coordinator": "", "evaluate_on": ""}
    data = {f"{prefix}-{name}": value for name, value in shown.items()}
    data |= {f"base:{prefix}-{name}": value for name, value in shown.items()}
    data |= {f"{prefix}-what": "Elke avond wandelen", f"{prefix}-version": 1}
    response = client_for(poh_a).post(save_url(consult_4d, "agreement", agreement), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.what, agreement.coordinator) == ("Elke avond wandelen", "Huisarts")


def test_a_field_the_record_does_not_have_is_refused(huisarts_a, consult_4d, goal):
    prefix = str(goal.public_id)
    response = client_for(huisarts_a).post(
        save_url(consult_4d, "goal", goal),
        {f"{prefix}-nonsense": "x", f"{prefix}-text": "Rust", f"{prefix}-version": 1},
        headers=HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert "Niet opgeslagen:" in content
    assert "“nonsense”" in content
    assert "Opgeslagen om" not in content
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Minder zorgen", 1)


def test_a_save_without_any_field_is_refused(huisarts_a, consult_4d, goal):
    response = client_for(huisarts_a).post(
        save_url(consult_4d, "goal", goal), {f"{goal.public_id}-version": 1}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Opgeslagen om" not in response.content.decode()


def test_too_long_text_is_refused_at_the_field_and_never_cut(huisarts_a, consult_4d, goal):
    client = client_for(huisarts_a)
    response = post_field(
        client, consult_4d, "goal", goal, "text", "x" * 301, 1, bases=["Minder zorgen"]
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert "niet meer dan 300 tekens" in content
    assert f'data-invalid-fields="{goal.public_id}-text"' in content
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Minder zorgen", 1)
    # The browser is not told to cut pasted text: the limit is checked and named instead.
    page = client.get(reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id}))
    field = re.search(rf'<[^>]*id="id_{goal.public_id}-text"[^>]*>', page.content.decode())
    assert field is not None
    assert "maxlength" not in field.group(0).replace("data-maxlength", "")
    assert 'data-maxlength="300"' in field.group(0)
