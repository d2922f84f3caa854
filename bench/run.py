"""Requests in the workspace, through Django's full middleware stack, logged in with
both factors, against a plan of 50 goals and 200 agreements: the autosave of one
field, a step partial (the 4D connections step, as htmx asks for it) and the whole
workspace page, each beside a bare view that reads one row and writes one row
(bench/urls.py), all four interleaved in the same run.

Targets: autosave <= 1.3x, step partial <= 2x, workspace page <= 4x the bare view.
Run alone with `uv run --frozen python bench/run.py` (SQLite) or with DATABASE_URL
set to a PostgreSQL server; `make bench` runs it with the others."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import consenting_patient, logged_in_client  # sets Django up first

# isort: split
from django.test.utils import override_settings
from django.urls import reverse

from bench import harness

ROUNDS = harness.rounds(300)
BUDGET_S = 30.0  # the workspace page's timed rounds stop after about half a minute
GOALS, AGREEMENTS_PER_GOAL = 50, 4
FIGURES = ("autosave", "step_partial", "workspace_page")


def build_data():
    from consult.access import Actor
    from consult.services.consults import consult_start
    from consult.services.plans import agreement_add, goal_add
    from models_4d.services import connection_add, entry_add

    user, patient = consenting_patient()
    actor = Actor(user=user, client_address="127.0.0.1")
    consult = consult_start(actor=actor, patient=patient, model_slug="4d")
    entries = [
        entry_add(actor=actor, consult=consult, domain=domain, kind="speelt", text=f"Punt {domain}")
        for domain in ("lichaam", "geest", "sociaal", "maatschappelijk")
    ]
    connection_add(actor=actor, consult=consult, cause=entries[3], effect=entries[1])
    goals = []
    for number in range(GOALS):
        goal = goal_add(actor=actor, consult=consult, text=f"Doel {number}", domain="4d:geest")
        goals.append(goal)
        for item in range(AGREEMENTS_PER_GOAL):
            agreement_add(actor=actor, consult=consult, goal=goal, what=f"Afspraak {number}.{item}")
    return user, consult, goals[0]


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


def measure_all() -> None:
    with harness.bench_database(), override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        measure()


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
