import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import Agreement, Goal, NetworkMember
from consult.registry import get_conversation_model
from consult.services.plans import agreement_add, goal_add, plan_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def step_url(consult, slug):
    return reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": slug})


def test_workspace_shows_steps_current_step_and_plan(huisarts_a, consult_4d):
    content = (
        client_for(huisarts_a)
        .get(reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id}))
        .content.decode()
    )
    assert "Stap 1: Introductie en toestemming om breder te kijken" in content
    assert 'aria-current="step"' in content
    assert 'id="plan-panel"' in content
    assert "Ingrid Hoekstra" in content


def test_finishing_a_step_marks_it_done_and_opens_the_next(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    url = reverse(
        "step_done", kwargs={"consult_id": consult_4d.public_id, "step_slug": "introductie"}
    )
    response = client.post(url)
    assert response["Location"] == step_url(consult_4d, "lichaam")
    consult_4d.refresh_from_db()
    assert consult_4d.completed_steps == ["introductie"]
    # Coming back later opens the first step not yet done.
    content = client.get(
        reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})
    ).content.decode()
    assert "Stap 2: Lichaam" in content


def test_htmx_step_request_gets_the_step_and_the_pushed_url(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    headers = {"HX-Request": "true", "HX-Target": "step"}
    response = client.get(step_url(consult_4d, "geest"), headers=headers)
    content = response.content.decode()
    assert "Stap 3: Geest" in content
    assert "<html" not in content
    assert 'hx-swap-oob="true"' in content
    url = reverse("step_done", kwargs={"consult_id": consult_4d.public_id, "step_slug": "geest"})
    response = client.post(url, headers=headers)
    assert response["HX-Push-Url"] == step_url(consult_4d, "sociaal")
    assert "Stap 4: Sociaal" in response.content.decode()


def test_unknown_step_is_404(huisarts_a, consult_4d):
    assert client_for(huisarts_a).get(step_url(consult_4d, "bestaat-niet")).status_code == 404


def test_add_goal_with_domain_gives_it_the_shared_themes(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    response = client.post(
        reverse("goal_add", kwargs={"consult_id": consult_4d.public_id}),
        {"new-goal-text": "Ik wil van mijn schulden af", "new-goal-domain": "4d:maatschappelijk"},
        headers={"HX-Request": "true"},
    )
    goal = Goal.objects.get()
    assert {theme.slug for theme in goal.themes.all()} >= {"geld-en-schulden", "wonen"}
    content = response.content.decode()
    assert "Ik wil van mijn schulden af" in content
    assert "Geld en schulden" in content


def test_empty_goal_is_refused_in_dutch(huisarts_a, consult_4d):
    response = client_for(huisarts_a).post(
        reverse("goal_add", kwargs={"consult_id": consult_4d.public_id}),
        {"new-goal-text": "", "new-goal-domain": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.content.decode()
    assert not Goal.objects.exists()


def test_goals_reorder_and_remove_with_undo(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    first = goal_add(actor=actor, consult=consult_4d, text="Eerste")
    second = goal_add(actor=actor, consult=consult_4d, text="Tweede")
    client = client_for(huisarts_a)
    client.post(
        reverse(
            "goal_move",
            kwargs={
                "consult_id": consult_4d.public_id,
                "goal_id": second.public_id,
                "direction": "omhoog",
            },
        )
    )
    assert list(Goal.objects.active().order_by("position").values_list("text", flat=True)) == [
        "Tweede",
        "Eerste",
    ]
    response = client.post(
        reverse(
            "goal_remove", kwargs={"consult_id": consult_4d.public_id, "goal_id": first.public_id}
        ),
        headers={"HX-Request": "true"},
    )
    assert "Doel “Eerste” verwijderd." in response.content.decode()
    assert "Ongedaan maken" in response.content.decode()
    assert list(Goal.objects.active().values_list("text", flat=True)) == ["Tweede"]
    client.post(
        reverse(
            "goal_restore", kwargs={"consult_id": consult_4d.public_id, "goal_id": first.public_id}
        )
    )
    assert Goal.objects.active().count() == 2
    assert (
        client.post(
            reverse(
                "goal_move",
                kwargs={
                    "consult_id": consult_4d.public_id,
                    "goal_id": second.public_id,
                    "direction": "zijwaarts",
                },
            )
        ).status_code
        == 404
    )


def test_agreements_with_who_and_evaluation_date(huisarts_a, consult_4d):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Schulden regelen")
    client = client_for(huisarts_a)
    prefix = f"new-{goal.public_id}"
    in_six_weeks = timezone.localdate() + datetime.timedelta(weeks=6)
    client.post(
        reverse(
            "agreement_add", kwargs={"consult_id": consult_4d.public_id, "goal_id": goal.public_id}
        ),
        {
            f"{prefix}-what": "Aanmelden bij schuldhulp",
            f"{prefix}-who_kind": "organisation",
            f"{prefix}-who_name": "Schuldhulp Zonnedal",
            f"{prefix}-coordinator": "POH-S",
            f"{prefix}-evaluate_on": in_six_weeks.isoformat(),
        },
    )
    agreement = Agreement.objects.get()
    assert (agreement.who_name, agreement.evaluate_on) == ("Schuldhulp Zonnedal", in_six_weeks)


def test_one_regiehouder_per_plan(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    for name in ("Dochter", "Wijkverpleegkundige"):
        client.post(
            reverse("network_add", kwargs={"consult_id": consult_4d.public_id}),
            {"new-member-name": name},
        )
    for member in NetworkMember.objects.all():
        client.post(
            reverse(
                "network_regiehouder",
                kwargs={"consult_id": consult_4d.public_id, "member_id": member.public_id},
            )
        )
    assert list(
        NetworkMember.objects.filter(is_regiehouder=True).values_list("name", flat=True)
    ) == ["Wijkverpleegkundige"]


def test_plan_is_shared_across_consults_of_the_patient(huisarts_a, poh_a, consult_4d, patient_a):
    from consult.services.consults import consult_start

    goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    later = consult_start(actor=Actor(user=poh_a), patient=patient_a, model_slug="4d")
    content = (
        client_for(poh_a)
        .get(reverse("consult_detail", kwargs={"consult_id": later.public_id}))
        .content.decode()
    )
    assert "Beter slapen" in content


def _big_plan(consult, actor, goals, agreements_per_goal):
    for number in range(goals):
        goal = goal_add(actor=actor, consult=consult, text=f"Doel {number}", domain="4d:geest")
        for item in range(agreements_per_goal):
            agreement_add(actor=actor, consult=consult, goal=goal, what=f"Afspraak {number}.{item}")


def test_workspace_and_steps_run_a_fixed_number_of_queries(
    huisarts_a, consult_4d, django_assert_num_queries
):
    actor = Actor(user=huisarts_a)
    plan_for(consult_4d)
    client = client_for(huisarts_a)
    pages = [reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})] + [
        step_url(consult_4d, slug) for slug in ("lichaam", "verbanden", "plan")
    ]
    _big_plan(consult_4d, actor, 1, 4)
    counts = {}
    for url in pages:
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        counts[url] = len(small)
    _big_plan(consult_4d, actor, 49, 4)
    assert Goal.objects.count() == 50
    assert Agreement.objects.count() == 200
    for url in pages:
        with django_assert_num_queries(counts[url]):
            response = client.get(url)
        assert "Doel 49" in response.content.decode()


def test_agreements_reorder(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Fitter worden")
    agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Wandelen")
    second = agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Fietsen")
    client_for(huisarts_a).post(
        reverse(
            "agreement_move",
            kwargs={
                "consult_id": consult_4d.public_id,
                "agreement_id": second.public_id,
                "direction": "omhoog",
            },
        )
    )
    assert list(goal.agreements.active().order_by("position").values_list("what", flat=True)) == [
        "Fietsen",
        "Wandelen",
    ]


def test_a_finished_consult_shows_no_forms_and_refuses_changes(huisarts_a, consult_4d):
    from consult.services.plans import consult_finish

    actor = Actor(user=huisarts_a)
    goal_add(actor=actor, consult=consult_4d, text="Beter slapen")
    client = client_for(huisarts_a)
    client.post(
        reverse("consult_finish", kwargs={"consult_id": consult_4d.public_id}), {"confirm": "yes"}
    )
    content = client.get(
        reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})
    ).content.decode()
    assert "kun je lezen, niet meer wijzigen" in content
    assert "Doel toevoegen" not in content
    assert "Klaar, volgende" not in content
    response = client.post(
        reverse("goal_add", kwargs={"consult_id": consult_4d.public_id}),
        {"new-goal-text": "Nog een doel"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "afgerond" in response.content.decode()
    assert Goal.objects.count() == 1
    consult_4d.refresh_from_db()
    with pytest.raises(Exception, match="afgerond"):
        consult_finish(actor=actor, consult=consult_4d)


def test_every_step_and_its_partial_run_a_fixed_number_of_queries(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    client = client_for(huisarts_a)
    _big_plan(consult_4d, actor, 1, 4)
    model = get_conversation_model("4d")
    assert model is not None
    slugs = [step.slug for step in model.steps]
    headers = {"HX-Request": "true", "HX-Target": "step"}

    def counts():
        found = {}
        for slug in slugs:
            for partial in (False, True):
                with CaptureQueriesContext(connection) as queries:
                    client.get(step_url(consult_4d, slug), headers=headers if partial else {})
                found[(slug, partial)] = len(queries)
        return found

    small = counts()
    _big_plan(consult_4d, actor, 49, 4)
    assert counts() == small
