"""What the professional waits for in the browser: Debian's Chromium, driven by
Playwright, against gunicorn with the production settings (DEBUG off, the hashed and
compressed static files of `collectstatic`) on the benchmark's own database, in the
4D consult of bench/run.py (twelve entries, six connections, eight goals), at
1366 x 768. Each figure is timed inside the page, from the click to the painted
result, and measured beside the least the browser can do through the same server:

- browser_workspace_page: opening the workspace until its load event (styles and
  scripts run; from the browser's cache after the first round), beside a bare page
  (bench/urls.py: one row read, no styles, no scripts). Target: under 1 s, the limit
  for keeping the flow of thought (Nielsen, "Response times: the three important
  limits").
- browser_step_switch: a click on the connections step in the step list until the
  step is swapped in and the next frame painted, beside an htmx request of the bare
  view (one row read, one written) swapped into the same page. Target: under 0.1 s,
  the limit for feeling that the screen answers at once.
- browser_step_switch_kop_schema: the same click to the KOP schema, the heaviest step
  of the four models on the server (bench/run.py), in a KOP consult as far as the
  load test's professionals get (bench/load/consults.py), beside the same bare swap
  in that page. Target: under 0.1 s.
- browser_autosave: a goal's text changed (the change event, as when the
  professional leaves the field; while typing, the field first waits 800 ms for the
  next key, hx-trigger) until its save line has been swapped and painted. Target:
  under 0.1 s.

Then all of them again over a practice's connection to the server
(PRACTICE_NETWORK, emulated by Chromium for every request of the page), named with
"_practice_network", beside the bare page and swap over that connection; and the
workspace opened with an empty cache, as on the first visit of the day
(browser_workspace_page_first_visit: every style, script and image fetched again).
Same targets.

Between rounds the workspace goes to another step (4D: the first; KOP: the second),
untimed, so that every switch is a real one. Run alone with
`uv run --frozen python bench/browser.py` (SQLite) or with DATABASE_URL set to a
PostgreSQL server; `make bench` runs it with the others."""

import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client  # sets Django up first

# isort: split
from django.conf import settings
from django.db import connection
from django.urls import reverse
from playwright.sync_api import CDPSession, Page, ViewportSize, sync_playwright

from bench import harness
from bench.load.configs import gunicorn_defaults
from bench.load.consults import consult_under_way
from bench.load.scenario import step_url, workspace_url
from bench.load.servers import Gunicorn, app_environment
from bench.run import build_data
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = harness.rounds(100)
BUDGET_S = 30.0
PAGE_TARGET_MS = 1000.0
ANSWER_TARGET_MS = 100.0
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
PRACTICE = "_practice_network"
FIGURES = (
    "browser_workspace_page",
    "browser_step_switch",
    "browser_autosave",
    "browser_step_switch_kop_schema",
    "browser_workspace_page_practice_network",
    "browser_workspace_page_first_visit",
    "browser_step_switch_practice_network",
    "browser_autosave_practice_network",
    "browser_step_switch_kop_schema_practice_network",
)
# A practice's connection to the data centre: Lighthouse's desktop profile (40 ms
# round trip, 10 Mbit/s each way; "broadband", its dense 4G 25th percentile), which
# Chromium applies to every request of the page: the round trip is added once per
# request, the connection kept open as a browser keeps it.
PRACTICE_ROUND_TRIP_MS = 40
PRACTICE_MBIT_S = 10  # Lighthouse's 10 * 1024 kbit/s
PRACTICE_BYTES_PER_S = PRACTICE_MBIT_S * 1024 * 1024 / 8
PRACTICE_NETWORK = {
    "offline": False,
    "latency": PRACTICE_ROUND_TRIP_MS,
    "downloadThroughput": PRACTICE_BYTES_PER_S,
    "uploadThroughput": PRACTICE_BYTES_PER_S,
}

# The page's load event, in ms from the start of the navigation (read after the event
# has finished, when loadEventEnd is set).
LOADED = """() => new Promise((resolve) => setTimeout(() =>
  resolve(performance.getEntriesByType("navigation")[0].loadEventEnd), 0))"""

# `act` starts an htmx request from `selector`; resolves with the ms from just before
# it to the frame painted after the answer was swapped in (afterSwap: the new content
# is on the page). htmx settles at once (defaultSettleDelay 0 in base.html): the new
# content is wired up and the focus moved before that frame, so both are in the
# figure. The figure ends at a frame, so it depends on where in the display's frame
# (16.7 ms at 60 Hz) the click falls: each round first waits, untimed, for a frame and
# then a random part of one, as a person's click falls at any moment. Without that, the
# rounds kept the rhythm of what ran before them (the bare swap took 12 ms with htmx's
# settle delay of 20 ms and 19 ms without it, for the same work). Fails on an error
# answer, a lost connection or after 10 s.
TIMED_HTMX = """async ([selector, act]) => {
  const element = document.querySelector(selector);
  if (!element) throw new Error("not on the page: " + selector);
  // detail.elt is the element swapped; the element that asked is in requestConfig.
  const ours = (event) =>
    event.detail.requestConfig && event.detail.requestConfig.elt === element;
  const after = (name) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error("no answer in 10 s")), 10000);
    function finish(error) {
      clearTimeout(timer);
      document.removeEventListener(name, onEvent);
      document.removeEventListener("htmx:responseError", onError);
      document.removeEventListener("htmx:sendError", onError);
      error ? reject(error) : resolve();
    }
    function onEvent(event) { if (ours(event)) finish(); }
    function onError(event) {
      if (event.detail.elt === element) finish(new Error("request failed: " + selector));
    }
    document.addEventListener(name, onEvent);
    document.addEventListener("htmx:responseError", onError);
    document.addEventListener("htmx:sendError", onError);
  });
  await new Promise((resolve) =>
    requestAnimationFrame(() => setTimeout(resolve, Math.random() * 1000 / 60)));
  const swapped = after("htmx:afterSwap");
  const settled = after("htmx:afterSettle");
  const start = performance.now();
  if (act === "click") {
    element.click();
  } else {
    element.value = act;
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }
  await swapped;
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const elapsed = performance.now() - start;
  await settled;
  return elapsed;
}"""

# A hidden button that posts to the bare view and swaps its answer into a hidden
# element: htmx, the CSRF header and the server's middleware, without the app.
ADD_BARE_BUTTON = """(url) => {
  const sink = document.createElement("div");
  sink.id = "bench-sink";
  sink.hidden = true;
  const button = document.createElement("button");
  button.id = "bench-bare";
  button.hidden = true;
  button.setAttribute("hx-post", url);
  button.setAttribute("hx-target", "#bench-sink");
  button.setAttribute("hx-vals", JSON.stringify({ text: "Doel" }));
  document.body.append(sink, button);
  window.htmx.process(button);
}"""


def database_url() -> str:
    """The benchmark database's address, for gunicorn in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def served(workdir: Path) -> Iterator[str]:
    """gunicorn with the production settings and bench/urls.py, on a free port of
    127.0.0.1, serving the static files collected into `workdir`; yields its url."""
    env = {
        **app_environment(database_url(), secret_key=settings.SECRET_KEY),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "STATIC_MANIFEST": "true",
        "STATIC_ROOT": str(workdir / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Gunicorn(gunicorn_defaults(), env, workdir / "gunicorn.log")
    gunicorn.start()
    try:
        yield gunicorn.url
    finally:
        gunicorn.stop()


@contextmanager
def browser_page(base_url: str, session_key: str) -> Iterator[Page]:
    """A page of Chromium, logged in with the session (both factors passed)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="nl-NL")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}]
        )
        try:
            yield context.new_page()
        finally:
            browser.close()


def measure(
    page: Page, consult: Any, goal: Any, kop_consult: str, practice: CDPSession | None = None
) -> None:
    """The figures over loopback, or, with the CDP session of a page whose network
    emulates a practice's (practice_network), over that connection."""
    suffix = PRACTICE if practice is not None else ""
    workspace = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    extra = {
        "viewport": "1366x768",
        "browser": "chromium",
        "network": (
            f"{PRACTICE_ROUND_TRIP_MS} ms round trip, {PRACTICE_MBIT_S} Mbit/s"
            if practice
            else "loopback"
        ),
    }

    def open_page(url: str) -> float:
        page.goto(url, wait_until="load")
        return float(page.evaluate(LOADED))

    def first_visit() -> float:
        assert practice is not None
        practice.send("Network.setCacheDisabled", {"cacheDisabled": True})
        try:
            return open_page(workspace)
        finally:
            practice.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def page_figure(name: str, run: Callable[[], float]) -> harness.Figure:
        return harness.Figure(
            name,
            run,
            target_abs=PAGE_TARGET_MS,
            target_note="the 1 s limit of an uninterrupted flow of thought",
        )

    pages = [page_figure(f"browser_workspace_page{suffix}", lambda: open_page(workspace))]
    if practice is not None:
        pages.append(page_figure("browser_workspace_page_first_visit", first_visit))
    harness.measure_group(
        f"browser_bare_page{suffix}",
        lambda: open_page(f"/bench/page/{goal.pk}/"),
        pages,
        ROUNDS,
        budget_s=BUDGET_S,
        timed_by_run=True,
        extra=extra,
    )

    text = f'[name="{goal.public_id}-text"]'
    typed = {"n": 0}

    def timed(selector: str, act: str) -> float:
        return float(page.evaluate(TIMED_HTMX, [selector, act]))

    def autosave() -> float:
        typed["n"] += 1
        return timed(text, f"Weer elke dag een half uur fietsen ({typed['n']})")

    def answers(
        consult_id: str,
        step_from: str,
        step_to: str,
        switch_name: str,
        others: dict[str, Callable[[], float]] | None = None,
    ) -> None:
        """In the consult's workspace, beside the bare swap: the click from `step_from`
        (untimed, before each round) to `step_to`, named `switch_name`, and the
        `others` (name to run)."""
        page.goto(workspace_url(consult_id), wait_until="load")
        page.evaluate(ADD_BARE_BUTTON, f"/bench/bare/{goal.pk}/")
        back = f'.steps-nav [hx-get="{step_url(consult_id, step_from)}"]'
        switch = f'.steps-nav [hx-get="{step_url(consult_id, step_to)}"]'
        runs = {switch_name: lambda: timed(switch, "click"), **(others or {})}
        harness.measure_group(
            f"browser_bare_swap{suffix}",
            lambda: timed("#bench-bare", "click"),
            [
                harness.Figure(
                    name + suffix,
                    run,
                    target_abs=ANSWER_TARGET_MS,
                    target_note="the 0.1 s limit of an answer at once",
                )
                for name, run in runs.items()
            ],
            ROUNDS,
            budget_s=BUDGET_S,
            before_round=lambda: timed(back, "click"),
            timed_by_run=True,
            extra=extra,
        )

    four_d = str(consult.public_id)
    answers(four_d, "lichaam", "verbanden", "browser_step_switch", {"browser_autosave": autosave})
    answers(kop_consult, "risico", "schema", "browser_step_switch_kop_schema")


def practice_network(page: Page) -> CDPSession:
    """From now on, every request of the page goes over a practice's connection
    (PRACTICE_NETWORK); returns the page's CDP session, to empty its cache with."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", PRACTICE_NETWORK)
    return session


def measure_all() -> None:
    with harness.bench_database():
        user, consult, goal = build_data()
        kop_consult, _steps, _editables = consult_under_way(user, consult.patient, "kop", plan=True)
        client = logged_in_client(user)
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        connection.close()  # the benchmark's own work in the database is done
        with (
            tempfile.TemporaryDirectory(prefix="bench-browser-") as workdir,
            served(Path(workdir)) as base_url,
            browser_page(base_url, session_key) as page,
        ):
            measure(page, consult, goal, kop_consult)
            measure(page, consult, goal, kop_consult, practice_network(page))


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
