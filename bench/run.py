"""Benchmarks, printed as figures. Run with `make bench` (SQLite) or with
DATABASE_URL set to a PostgreSQL server.

Each figure is the median of many requests through Django's full middleware stack,
logged in with both factors, against a plan of 50 goals and 200 agreements, and is
printed beside a baseline measured in the same run: a bare view that reads one row
and writes one row. Exit code 1 when the autosave costs more than twice the bare view.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import consenting_patient, logged_in_client  # sets Django up before anything else

# isort: split
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
WARMUP = 30


def interleaved_medians(runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median milliseconds per run, taking one sample of each in turn, so that every
    figure and its baseline see the same machine load."""
    for _ in range(WARMUP):
        for run in runs.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


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
    for number in range(50):
        goal = goal_add(actor=actor, consult=consult, text=f"Doel {number}", domain="4d:geest")
        goals.append(goal)
        for item in range(4):
            agreement_add(actor=actor, consult=consult, goal=goal, what=f"Afspraak {number}.{item}")
    return user, consult, goals[0]


def main() -> int:
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
            user, consult, goal = build_data()
            client = logged_in_client(user)
            step_url = reverse(
                "consult_step", kwargs={"consult_id": consult.public_id, "step_slug": "verbanden"}
            )
            save_url = reverse(
                "autosave",
                kwargs={
                    "consult_id": consult.public_id,
                    "kind": "goal",
                    "record_id": goal.public_id,
                },
            )
            prefix = str(goal.public_id)
            state = {"version": goal.version, "n": 0}

            def step_partial() -> None:
                response = client.get(step_url, headers={"HX-Request": "true", "HX-Target": "step"})
                assert response.status_code == 200

            def autosave() -> None:
                state["n"] += 1
                response = client.post(
                    save_url,
                    {f"{prefix}-text": f"Doel {state['n']}", f"{prefix}-version": state["version"]},
                    headers={"HX-Request": "true"},
                )
                assert response.status_code == 200, response.status_code
                state["version"] += 1

            def bare() -> None:
                response = client.post(
                    f"/bench/bare/{goal.pk}/",
                    {f"{prefix}-text": "Doel", f"{prefix}-version": state["version"]},
                )
                assert response.status_code == 200

            medians = interleaved_medians(
                {"bare": bare, "autosave": autosave, "step": step_partial}
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    baseline, save_ms, step_ms = medians["bare"], medians["autosave"], medians["step"]
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"database: {vendor}; {ROUNDS} requests each, interleaved; plan of 50 goals, 200 agreements"
    )
    print(f"bare view (read 1 row, write 1 row): {baseline:7.2f} ms median")
    print(
        f"autosave of one field:               {save_ms:7.2f} ms median  = {save_ms / baseline:.2f} x bare (limit 2.00)"
    )
    print(
        f"step partial (4D connections step):  {step_ms:7.2f} ms median  = {step_ms / baseline:.2f} x bare"
    )
    if save_ms > 2 * baseline:
        print("FAIL: the autosave costs more than twice the bare view")
        return 1
    print("OK: the autosave costs at most twice the bare view")
    return 0


if __name__ == "__main__":
    sys.exit(main())
