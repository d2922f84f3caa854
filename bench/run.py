"""Requests in the workspace, through Django's full middleware stack, logged in with
both factors, in a full 4D consult (twelve entries, six connections) with a plan of
eight goals and three agreements each: the autosave of one field, a step partial (the
4D connections step, as htmx asks for it) and the whole workspace page, each beside a
bare view that reads one row and writes one row (bench/urls.py), interleaved in the
same run. Then the workspace page once more with a plan of 50 goals and 200
agreements, far more than a consult holds, to show how it grows. Then the heaviest
step of each of the other three models (OTHER_STEPS), in a consult as far as the load
test's professionals get (bench/load/consults.py), beside the bare view again.

Targets: autosave <= 1.3x, step partial <= 2x (every model's), workspace page <= 4x
the bare view; the page with 50 goals under a quarter of a second.
Run alone with `uv run --frozen python bench/run.py` (SQLite) or with DATABASE_URL
set to a PostgreSQL server; `make bench` runs it with the others."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import consenting_patient, logged_in_client  # sets Django up first

# isort: split
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from bench import harness
from consult.models import Goal

ROUNDS = harness.rounds(300)
BUDGET_S = 30.0  # the workspace page's timed rounds stop after about half a minute
GOALS, AGREEMENTS_PER_GOAL = 8, 3
LARGE_GOALS, LARGE_AGREEMENTS_PER_GOAL = 50, 4
LARGE_PLAN_TARGET_MS = 250.0
# The slowest step of each other model as a step partial (timed step by step, 3 Dec).
OTHER_STEPS = {"spinnenweb": "scores", "kop": "schema", "emboss": "voorbereiden"}
OTHER_FIGURES = tuple(f"step_partial_{model}_{slug}" for model, slug in OTHER_STEPS.items())
FIGURES = (
    "autosave",
    "step_partial",
    "workspace_page",
    "workspace_page_50_goals",
    *OTHER_FIGURES,
)
ENTRY_TEXTS = {
    "lichaam": ["Slecht slapen", "Hoofdpijn", "Fietst weer"],
    "geest": ["Piekeren over geld", "Somber", "Kan relativeren"],
    "sociaal": ["Weinig contact met de kinderen", "Ruzie met de buren", "Goede vriendin"],
    "maatschappelijk": ["Schulden", "Bang baan te verliezen", "Vrijwilligerswerk"],
}
CONNECTIONS = [(10, 4), (4, 1), (5, 7), (11, 5), (7, 2), (1, 8)]


def build_data(goals: int = GOALS, agreements_per_goal: int = AGREEMENTS_PER_GOAL):
    from consult.access import Actor
    from consult.services.consults import consult_start
    from consult.services.plans import agreement_add, goal_add
    from models_4d.services import connection_add, entry_add

    user, patient = consenting_patient(f"bench{goals}@praktijk.example", his_number=f"{goals}")
    actor = Actor(user=user, client_address="127.0.0.1")
    consult = consult_start(actor=actor, patient=patient, model_slug="4d")
    entries = [
        entry_add(
            actor=actor,
            consult=consult,
            domain=domain,
            kind="helpt" if number == 2 else "speelt",
            text=text,
        )
        for domain, texts in ENTRY_TEXTS.items()
        for number, text in enumerate(texts)
    ]
    for cause, effect in CONNECTIONS:
        connection_add(
            actor=actor, consult=consult, cause=entries[cause - 1], effect=entries[effect - 1]
        )
    first_goal = None
    for number in range(goals):
        goal = goal_add(actor=actor, consult=consult, text=f"Doel {number}", domain="4d:geest")
        first_goal = first_goal or goal
        for item in range(agreements_per_goal):
            agreement_add(actor=actor, consult=consult, goal=goal, what=f"Afspraak {number}.{item}")
    return user, consult, first_goal


def measure() -> None:
    user, consult, goal = build_data()
    client = logged_in_client(user)
    page_url = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    step_url = reverse(
        "consult_step", kwargs={"consult_id": consult.public_id, "step_slug": "verbanden"}
    )
    save_url = reverse(
        "autosave",
        kwargs={"consult_id": consult.public_id, "kind": "goal", "record_id": goal.public_id},
    )
    prefix = str(goal.public_id)
    state = {"version": goal.version, "n": 0}

    def bare() -> None:
        response = client.post(
            f"/bench/bare/{goal.pk}/",
            {f"{prefix}-text": "Doel", f"{prefix}-version": state["version"]},
        )
        assert response.status_code == 200, response.status_code

    def autosave() -> None:
        state["n"] += 1
        response = client.post(
            save_url,
            {f"{prefix}-text": f"Doel {state['n']}", f"{prefix}-version": state["version"]},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200, response.status_code
        state["version"] += 1

    def step_partial() -> None:
        response = client.get(step_url, headers={"HX-Request": "true", "HX-Target": "step"})
        assert response.status_code == 200, response.status_code

    def workspace_page() -> None:
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code

    extra = {"goals": GOALS, "agreements": GOALS * AGREEMENTS_PER_GOAL}
    harness.measure_group(
        "bare_view",
        bare,
        [
            harness.Figure("autosave", autosave, target_ratio=1.3),
            harness.Figure("step_partial", step_partial, target_ratio=2.0),
        ],
        ROUNDS,
        extra=extra,
    )
    # Beside its own run of the bare view: the page may be slow enough to need fewer
    # rounds than the autosave, which should keep its many samples.
    harness.measure_pair(
        "workspace_page",
        workspace_page,
        "bare_view",
        bare,
        ROUNDS,
        target_ratio=4.0,
        budget_s=BUDGET_S,
        min_rounds=10,
        extra=extra,
    )


def measure_large_plan() -> None:
    user, consult, _goal = build_data(LARGE_GOALS, LARGE_AGREEMENTS_PER_GOAL)
    client = logged_in_client(user)
    page_url = reverse("consult_detail", kwargs={"consult_id": consult.public_id})

    def bare() -> None:
        response = client.post(f"/bench/bare/{_goal.pk}/", {"text": "Doel"})
        assert response.status_code == 200, response.status_code

    def workspace_page() -> None:
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code

    harness.measure_pair(
        "workspace_page_50_goals",
        workspace_page,
        "bare_view",
        bare,
        ROUNDS,
        target_abs=LARGE_PLAN_TARGET_MS,
        budget_s=BUDGET_S,
        min_rounds=10,
        extra={"goals": LARGE_GOALS, "agreements": LARGE_GOALS * LARGE_AGREEMENTS_PER_GOAL},
    )


def measure_other_models() -> None:
    from bench.load.consults import consult_under_way
    from bench.load.scenario import STEP_SWAP, step_url

    figures = []
    for model, slug in OTHER_STEPS.items():
        user, patient = consenting_patient(f"bench-{model}@praktijk.example", his_number=model)
        consult, _steps, _editables = consult_under_way(user, patient, model, plan=True)
        client = logged_in_client(user)
        url = step_url(consult, slug)

        def step(client: Client = client, url: str = url) -> None:
            response = client.get(url, headers=STEP_SWAP)
            assert response.status_code == 200, response.status_code

        figures.append(harness.Figure(f"step_partial_{model}_{slug}", step, target_ratio=2.0))
    goal = Goal.objects.filter(plan__patient=patient).first()
    assert goal is not None

    def bare() -> None:
        response = client.post(f"/bench/bare/{goal.pk}/", {"text": "Doel"})
        assert response.status_code == 200, response.status_code

    harness.measure_group("bare_view", bare, figures, ROUNDS)


def measure_all() -> None:
    with harness.bench_database(), override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        measure()
        harness.attempt(["workspace_page_50_goals"], measure_large_plan)
        harness.attempt(OTHER_FIGURES, measure_other_models)


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
