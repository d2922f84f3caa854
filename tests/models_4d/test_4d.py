import pytest
from django.urls import reverse

from consult.access import Actor
from models_4d.chart import render_4d_svg
from models_4d.conversation import active_connections, active_entries
from models_4d.models import FourDConnection, FourDEntry, FourDSheet
from models_4d.services import connection_add, entry_add
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX_STEP = {"HX-Request": "true", "HX-Target": "step"}


def add(client, consult, domain, kind, text, step=None):
    prefix = "plays" if kind == "speelt" else "helps"
    return client.post(
        reverse("fourd_entry_add", kwargs={"consult_id": consult.public_id}),
        {
            "step": step or domain,
            "prefix": prefix,
            f"{prefix}-domain": domain,
            f"{prefix}-kind": kind,
            f"{prefix}-text": text,
        },
        headers=HTMX_STEP,
    )


def test_starting_a_4d_consult_prepares_its_sheet(consult_4d):
    assert FourDSheet.objects.filter(consult=consult_4d).exists()


def test_entries_per_domain_in_the_patients_words(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    response = add(
        client, consult_4d, "maatschappelijk", "speelt", "Schulden bij de energieleverancier"
    )
    add(client, consult_4d, "maatschappelijk", "helpt", "Mijn zus helpt met post")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Schulden bij de energieleverancier" in content
    assert "<html" not in content
    assert list(FourDEntry.objects.values_list("domain", "kind")) == [
        ("maatschappelijk", "speelt"),
        ("maatschappelijk", "helpt"),
    ]


def test_an_empty_entry_is_refused_with_a_dutch_message(huisarts_a, consult_4d):
    response = add(client_for(huisarts_a), consult_4d, "geest", "speelt", "")
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.content.decode()
    assert not FourDEntry.objects.exists()


def test_connections_are_drawn_between_domains(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts = entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    stress = entry_add(
        actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Stress"
    )
    headache = entry_add(
        actor=actor, consult=consult_4d, domain="lichaam", kind="speelt", text="Hoofdpijn"
    )
    client = client_for(huisarts_a)
    url = reverse("fourd_connection_add", kwargs={"consult_id": consult_4d.public_id})
    for cause, effect in ((debts, stress), (stress, headache)):
        client.post(
            url,
            {"step": "verbanden", "cause": cause.public_id, "effect": effect.public_id},
            headers=HTMX_STEP,
        )
    response = client.get(
        reverse(
            "consult_step", kwargs={"consult_id": consult_4d.public_id, "step_slug": "verbanden"}
        )
    )
    content = response.content.decode()
    assert FourDConnection.objects.count() == 2
    assert content.count('<g class="connection"') == 2
    assert "Verbanden: Schulden → Stress; Stress → Hoofdpijn" in content


def test_a_connection_within_one_domain_or_twice_is_refused(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    one = entry_add(actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Piekeren")
    two = entry_add(actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Somber")
    three = entry_add(actor=actor, consult=consult_4d, domain="lichaam", kind="speelt", text="Moe")
    client = client_for(huisarts_a)
    url = reverse("fourd_connection_add", kwargs={"consult_id": consult_4d.public_id})
    response = client.post(
        url,
        {"step": "verbanden", "cause": one.public_id, "effect": two.public_id},
        headers=HTMX_STEP,
    )
    assert "Verbind punten uit twee verschillende levensgebieden." in response.content.decode()
    client.post(
        url,
        {"step": "verbanden", "cause": one.public_id, "effect": three.public_id},
        headers=HTMX_STEP,
    )
    response = client.post(
        url,
        {"step": "verbanden", "cause": one.public_id, "effect": three.public_id},
        headers=HTMX_STEP,
    )
    assert "Dit verband is al gelegd." in response.content.decode()
    assert FourDConnection.objects.count() == 1


def test_removed_entries_leave_the_diagram_and_can_come_back(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts = entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    stress = entry_add(
        actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Stress"
    )
    connection_add(actor=actor, consult=consult_4d, cause=debts, effect=stress)
    client = client_for(huisarts_a)
    client.post(
        reverse(
            "fourd_entry_remove",
            kwargs={"consult_id": consult_4d.public_id, "entry_id": debts.public_id},
        ),
        {"step": "maatschappelijk"},
    )
    assert [entry.text for entry in active_entries(consult_4d)] == ["Stress"]
    assert active_connections(consult_4d) == []
    client.post(
        reverse(
            "fourd_entry_restore",
            kwargs={"consult_id": consult_4d.public_id, "entry_id": debts.public_id},
        ),
        {"step": "maatschappelijk"},
    )
    assert len(active_connections(consult_4d)) == 1


def test_the_svg_escapes_patient_text(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    entry_add(
        actor=actor,
        consult=consult_4d,
        domain="geest",
        kind="speelt",
        text='</text><script>alert("x")</script>',
    )
    svg = render_4d_svg(active_entries(consult_4d), [])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    for label in ("Lichaam", "Geest", "Sociaal", "Maatschappelijk", "Patiënt"):
        assert label in svg


def test_priorities_become_goal_suggestions(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts = entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    entry_add(
        actor=actor, consult=consult_4d, domain="lichaam", kind="speelt", text="Slecht slapen"
    )
    client = client_for(huisarts_a)
    prefix = str(debts.public_id)
    client.post(
        reverse(
            "autosave",
            kwargs={
                "consult_id": consult_4d.public_id,
                "kind": "4d_entry",
                "record_id": debts.public_id,
            },
        ),
        {f"{prefix}-priority": "1", f"{prefix}-version": 1},
        headers={"HX-Request": "true"},
    )
    content = client.get(
        reverse("consult_step", kwargs={"consult_id": consult_4d.public_id, "step_slug": "plan"})
    ).content.decode()
    suggestions = content[content.index('id="goal-suggestions"') :]
    suggestions = suggestions[: suggestions.index("</section>")]
    assert "Overnemen als doel" in suggestions
    assert f'value="4d_entry:{debts.public_id}"' in suggestions
    assert "Schulden" in suggestions
    assert "Slecht slapen" not in suggestions


def test_look_along_shows_diagram_and_plan_but_no_notes(huisarts_a, consult_4d, patient_a):
    from consult.services.plans import goal_add

    patient_a.notes = "Klinische notitie die de patiënt niet hoeft te zien"
    patient_a.save()
    goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Ik wil van mijn schulden af")
    content = (
        client_for(huisarts_a)
        .get(reverse("look_along", kwargs={"consult_id": consult_4d.public_id}))
        .content.decode()
    )
    assert "<svg" in content
    assert "Ik wil van mijn schulden af" in content
    assert "Klinische notitie" not in content
    assert "HIS" not in content


def test_4d_actions_are_closed_to_other_practices(huisarts_b, consult_4d):
    response = add(client_for(huisarts_b), consult_4d, "geest", "speelt", "Inbraak")
    assert response.status_code == 404
    assert not FourDEntry.objects.exists()


def test_the_connections_are_read_without_a_join_on_the_entries(huisarts_a, consult_4d):
    """Issue 14.3: on a database without statistics, a join of connections on entries
    probed an index for every pair. The step reads the connections by their consult
    alone and pairs them with the entries it already has, and still leaves out those of
    removed entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consult.services.plans import item_remove

    actor = Actor(user=huisarts_a)
    entries = [
        entry_add(actor=actor, consult=consult_4d, domain=domain, kind="speelt", text=domain)
        for domain in ("lichaam", "geest", "sociaal")
    ]
    connection_add(actor=actor, consult=consult_4d, cause=entries[0], effect=entries[1])
    connection_add(actor=actor, consult=consult_4d, cause=entries[2], effect=entries[1])
    item_remove(actor=actor, consult=consult_4d, item=entries[2], kind="4d_entry")
    client = client_for(huisarts_a)
    url = reverse(
        "consult_step", kwargs={"consult_id": consult_4d.public_id, "step_slug": "verbanden"}
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, headers={"HX-Request": "true", "HX-Target": "step"})
    assert page.status_code == 200
    reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "models_4d_fourdconnection"' in q["sql"]
    ]
    assert len(reads) == 1
    assert "JOIN" not in reads[0]
    drawn = [(c.cause.text, c.effect.text) for c in active_connections(consult_4d)]
    assert drawn == [("lichaam", "geest")]
