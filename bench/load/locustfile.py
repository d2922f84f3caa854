"""The load test's users, for locust (started by run_load.py, one locust process per
step, in a process of its own beside gunicorn):

- Professional: walks a consult of one of the four models (seed.py's, in turn).
  Autosaves 7 times in 10 requests (a field after a pause in typing), else the next
  step of the model as htmx asks for it (2 in 10) or the whole workspace page (1 in
  10). Think time 2 to 5 s between requests: a professional who
  types in the consult while talking with the patient.
- Printer (2): prints a patient's plan as PDF every 5 to 10 s. 200 professionals
  with consults of some 15 minutes finish about 0.22 consults a second; two printers
  at this pace print 0.27 plans a second. With LOAD_PRINT_IN_WORKER the app prints in
  its worker: the printer follows the job's page until the PDF is there.
- Manager (1): the sociale kaart: the list, a search (text, with filters, with a
  typo) and a service, every 2 to 5 s.

Every user logs in as a person does: the login page, e-mail and password, then the
authenticator's code (computed from the linked device's secret).

Measuring: once every user is spawned and logged in and LOAD_WARMUP seconds have
passed, the statistics are reset; LOAD_SECONDS later they are written as JSON to
LOAD_STATS_OUT and locust stops. Failed requests before the window count as errors
too. Settings from the environment: LOAD_ACCOUNTS (seed.py's file), LOAD_STATS_OUT,
LOAD_SECONDS, LOAD_WARMUP, LOAD_PROFESSIONALS, LOAD_SERVER_PID (gunicorn's master, for
its CPU), LOAD_OTHER_PIDS (JSON: name to pid of the proxy, pooler and worker, for
theirs), LOAD_DATABASE_URL (the app's database, to find the PostgreSQL server's
processes for their CPU)."""

import itertools
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

# Only where the load group is installed (uv run --group load); gevent has no stubs.
import gevent  # type: ignore[import-untyped,import-not-found,unused-ignore]
from locust import (  # type: ignore[import-not-found,unused-ignore]
    FastHttpUser,
    between,
    events,
    task,
)
from locust.exception import StopUser  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import report, scenario  # noqa: E402
from bench.load.configs import parse_flag  # noqa: E402
from bench.load.machine import (  # noqa: E402
    CpuSample,
    command_name,
    cores,
    cpu_shares,
    load_average,
    parent_pid,
)

_accounts: dict[str, "itertools.count[int]"] = {}
_loaded: dict[str, list[scenario.Account]] = {}
_errors_whole_run: Counter[str] = Counter()
_logins_done = [0]  # users whose login ended (passed or failed)
_requests_whole_run = [0]  # logins and warm-up included
_run: dict[str, Any] = {"environment": None, "measuring": False}
LOGIN_WAIT_S = 120  # at most, after the last user was spawned
PRINT_WAIT_S = 120  # the job page says a print failed after two minutes without a worker


def next_account(role: str) -> scenario.Account:
    """Each user of a role its own account, in order."""
    if not _loaded:
        _loaded.update(scenario.load_accounts(os.environ["LOAD_ACCOUNTS"]))
    number = next(_accounts.setdefault(role, itertools.count()))
    accounts = _loaded.get(role, [])
    if number >= len(accounts):
        raise StopUser(f"only {len(accounts)} {role} accounts were seeded")
    return accounts[number]


class LoggedIn(FastHttpUser):
    abstract = True
    role = ""
    account: scenario.Account
    csrf = ""

    def __init__(self, environment: Any) -> None:
        # A browser names the page's origin on every form post and htmx request;
        # over https Django's CSRF check needs it (or a Referer).
        self.default_headers = {"Origin": (self.host or environment.host or "").rstrip("/")}
        super().__init__(environment)

    def on_start(self) -> None:
        try:
            self.account = next_account(self.role)
            self.log_in()
        finally:
            _logins_done[0] += 1

    def log_in(self) -> None:
        page = self.client.get(scenario.LOGIN_PATH, name="login: page")
        with self.client.post(
            scenario.LOGIN_PATH,
            data=scenario.login_form(self.account, scenario.csrf_from_html(page.text or "")),
            name="login: password",
            catch_response=True,
        ) as answer:
            # Followed to the code page: the password was right.
            if 'name="token"' not in (answer.text or ""):
                answer.failure(f"password refused for {self.account.email}")
                raise StopUser()
            code_csrf = scenario.csrf_from_html(answer.text or "")
        with self.client.post(
            scenario.CODE_PATH,
            data=scenario.code_form(self.account, code_csrf),
            name="login: code",
            catch_response=True,
        ) as answer:
            if 'name="token"' in (answer.text or "") or answer.status_code != 200:
                answer.failure(f"code refused for {self.account.email} ({answer.status_code})")
                raise StopUser()
            self.csrf = scenario.csrf_from_html(answer.text or "")


class Professional(LoggedIn):
    role = "professional"
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        self.keystrokes = 0
        self.step = random.choice(self.account.steps)
        self.workspace_page()

    @task(7)
    def autosave(self) -> None:
        editable = random.choice(self.account.editables)
        self.keystrokes += 1
        value = scenario.typed(editable.value, self.keystrokes, editable.max_length)
        with self.client.post(
            scenario.autosave_url(self.account.consult, editable),
            data=scenario.autosave_form(editable, value),
            headers=scenario.autosave_headers(self.csrf),
            name="autosave",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"autosave answered {answer.status_code}")
            else:
                scenario.saved(editable, value)

    @task(2)
    def step_partial(self) -> None:
        steps = self.account.steps
        self.step = steps[(steps.index(self.step) + 1) % len(steps)]
        self.client.get(
            scenario.step_url(self.account.consult, self.step),
            headers=scenario.STEP_SWAP,
            name=scenario.step_partial_name(self.account.model),
        )

    @task(1)
    def workspace_page(self) -> None:
        self.client.get(scenario.workspace_url(self.account.consult), name="workspace page")


class Printer(LoggedIn):
    role = "printer"
    fixed_count = int(os.environ.get("LOAD_PRINTERS") or 2)
    wait_time = between(5, 10)
    in_worker = parse_flag(os.environ.get("LOAD_PRINT_IN_WORKER"))

    @task
    def print_plan(self) -> None:
        if self.in_worker:
            self.print_through_worker()
            return
        with self.client.get(
            scenario.plan_pdf_url(self.account.consult),
            name="print plan (PDF)",
            catch_response=True,
        ) as answer:
            if not (answer.headers or {}).get("content-type", "").startswith("application/pdf"):
                answer.failure(f"no PDF ({answer.status_code})")

    def print_through_worker(self) -> None:
        """As a browser does with PRINT_IN_WORKER: the print URL queues the job and
        redirects to its page, whose status htmx asks for every second until the PDF
        is ready; then the PDF. The whole wait is reported as one more request."""
        started = time.perf_counter()
        with self.client.get(
            scenario.plan_pdf_url(self.account.consult),
            name="print plan: queue",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            job_url = (answer.headers or {}).get("location", "")
            if answer.status_code != 302 or not job_url:
                answer.failure(f"no print job ({answer.status_code})")
                return
        self.client.get(job_url, name="print plan: job page")
        state = "pending"
        while state == "pending" and time.perf_counter() - started < PRINT_WAIT_S:
            gevent.sleep(scenario.PRINT_POLL_S)
            with self.client.get(
                job_url,
                headers=scenario.PRINT_STATUS_SWAP,
                name="print plan: job status",
                catch_response=True,
            ) as answer:
                if answer.status_code != 200:
                    answer.failure(f"job status answered {answer.status_code}")
                    return
                state = scenario.print_job_state(answer.text or "")
        pdf = b""
        if state == "ready":
            with self.client.get(
                scenario.print_job_pdf_url(job_url),
                name="print plan: PDF from the worker",
                catch_response=True,
            ) as answer:
                if (answer.headers or {}).get("content-type", "").startswith("application/pdf"):
                    pdf = answer.content or b""
                else:
                    answer.failure(f"no PDF ({answer.status_code})")
        events.request.fire(
            request_type="PRINT",
            name="print plan: asked to PDF",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=len(pdf),
            exception=None if pdf else RuntimeError(f"the print job ended {state}"),
            context={},
        )


class Manager(LoggedIn):
    role = "manager"
    fixed_count = 1
    wait_time = between(2, 5)

    @task(2)
    def kaart_list(self) -> None:
        self.client.get(scenario.KAART_PATH, name="kaart: list")

    @task(6)
    def kaart_search(self) -> None:
        name, params = random.choice(list(scenario.KAART_SEARCHES.items()))
        self.client.get(scenario.kaart_search_url(params), name=name)

    @task(2)
    def kaart_service(self) -> None:
        self.client.get(
            scenario.service_url(random.choice(self.account.services)), name="kaart: service"
        )


# --- the measuring window --------------------------------------------------------------


@events.request.add_listener
def _count(request_type, name, exception=None, **_kwargs) -> None:
    _requests_whole_run[0] += 1
    if exception is not None:
        _errors_whole_run[f"{request_type} {name}"] += 1


@events.init.add_listener
def _init(environment, **_kwargs) -> None:
    _run["environment"] = environment


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_kwargs) -> None:
    if _run["environment"] is None or _run["measuring"]:
        return
    _run["measuring"] = True
    gevent.spawn(_measure, _run["environment"], user_count)


def database_server() -> int | None:
    """The PostgreSQL server's main process (the postmaster, the parent of every
    backend) when it runs on this machine, for the CPU of all its processes; None for
    a server elsewhere (the pid of its backend is then no postgres process here)."""
    url = os.environ.get("LOAD_DATABASE_URL")
    if not url:
        return None
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SELECT pg_backend_pid()").fetchone()
    if not row or command_name(int(row[0])) != "postgres":
        return None
    return parent_pid(int(row[0]))


def _measure(environment, user_count: int) -> None:
    warmup = float(os.environ.get("LOAD_WARMUP", "10"))
    seconds = float(os.environ.get("LOAD_SECONDS", "60"))
    server_pid = int(os.environ.get("LOAD_SERVER_PID") or 0) or None
    other_pids = json.loads(os.environ.get("LOAD_OTHER_PIDS") or "{}")
    # Every user logged in (a loaded server takes a while over 200 logins), then the
    # warm-up: the window measures the work of people in their consults.
    deadline = time.monotonic() + LOGIN_WAIT_S
    while _logins_done[0] < user_count and time.monotonic() < deadline:
        gevent.sleep(0.5)
    gevent.sleep(warmup)
    runner = environment.runner
    runner.stats.reset_all()
    database_pid = database_server()
    start = CpuSample.take(server_pid, database_pid, other_pids)
    started_at = time.monotonic()
    gevent.sleep(seconds)
    stats = runner.stats
    window = time.monotonic() - started_at
    end = CpuSample.take(server_pid, database_pid, other_pids)
    result = {
        "professionals": int(os.environ.get("LOAD_PROFESSIONALS") or 0),
        "users": user_count,
        "warmup_s": warmup,
        "window_s": round(window, 2),
        "endpoints": report.sort_endpoints(
            report.endpoint_figures(entry, window)
            for entry in stats.entries.values()
            if entry.num_requests  # the logins were before the window
        ),
        "total": report.endpoint_figures(stats.total, window) | {"name": "all requests"},
        "errors": [
            {
                "method": error.method,
                "name": error.name,
                "error": str(error.error),
                "occurrences": error.occurrences,
            }
            for error in stats.errors.values()
        ],
        "requests_whole_run": _requests_whole_run[0],
        "errors_whole_run": sum(_errors_whole_run.values()),
        "errors_whole_run_by_name": dict(_errors_whole_run),
        "exceptions": sum(e["count"] for e in runner.exceptions.values()),
        "exception_messages": [e["msg"] for e in runner.exceptions.values()],
        "cpu": cpu_shares(start, end),
        "load_average": load_average(),
        "cores": cores(),
    }
    Path(os.environ["LOAD_STATS_OUT"]).write_text(json.dumps(result, indent=1), encoding="utf-8")
    runner.quit()
