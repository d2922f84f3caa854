"""Query counts (issue 14, point 3): every page and partial, and the main POSTs, run a
number of database queries that does not grow with the data, and no more than the
maximum in tests/performance/query_budget.yaml.

What is measured comes from the same source as the access matrix: every URL case of
`World.url_cases()` (tests/security/world.py) gives probes, each requested as the
persona who may use it according to tests/security/access_matrix.yaml (a public page
as anonymous, else the first of PREFERENCE that gets past access control):

- a GET of every page, and of the partials htmx swaps in (GET_PARTIALS: every step of
  every model, the patient search's results, the sociale kaart's results);
- a POST of every URL that only takes POST, and of a form page with a body in
  POST_BODIES or `World.valid_post` (the body with which it succeeds), sent the way
  the page sends it: with htmx where its form does (the plan panel, a step, the
  autosave status, the patient search).

A URL case that gives no probe and is not in EXCLUDED (with the reason) fails the
test, so a page added later is measured or excluded on purpose.

Every probe is requested in a small world and in a large one
(tests/performance/world.py: a patient with 30 consults of all four models, a plan of
50 goals with agreements and referrals, 60 services per map, 40 other patients, ...),
side by side in one database, each request in a savepoint that is rolled back; in the
small world, which is measured first, once more before, to warm the caches.

- test_query_counts_do_not_grow_with_the_data, the N+1 detector: the large world's
  count is at most the small world's, plus the allowance of ALLOWANCES for a probe
  where a bounded growth is legitimate (never one per row). An N+1 it finds is fixed,
  not put aside.
- test_the_detector_sees_a_dropped_prefetch: with select_related and
  prefetch_related switched off, the detector fails, so it cannot pass by measuring
  nothing.
- test_query_counts_within_budget: the large world's count is at most the maximum in
  query_budget.yaml for this database (sqlite or postgresql: savepoints and the
  PostgreSQL search index make them differ slightly). After a change that is meant
  to change a count, regenerate the file and review its diff:

    UPDATE_QUERY_BUDGET=1 uv run --frozen pytest tests/performance
    UPDATE_QUERY_BUDGET=1 DATABASE_URL=postgres://... uv run --frozen pytest tests/performance

  Each run rewrites only its own database's column.
"""

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from consult import documents
from consult.models import Agreement, AuditEvent, Goal, Patient, PatientFlag, Referral
from sociale_kaart.models import Service
from tests.performance.world import LARGE
from tests.security.test_access_matrix import ANONYMOUS_OK, MATRIX_FILE, read_matrix
from tests.security.world import PERSONAS, UrlCase, World, rolled_back

# Marked so that pytest-django sets the test database up; the worlds are built once
# for the module (the sized_worlds fixture), each request runs in a savepoint.
pytestmark = pytest.mark.django_db

BUDGET_FILE = Path(__file__).with_name("query_budget.yaml")
UPDATE_VARIABLE = "UPDATE_QUERY_BUDGET"
BACKENDS = ("postgresql", "sqlite")

# Whom to measure a URL case as: the first of these whose answer in the access matrix
# gets past access control (for a GET a page, "ok", before anything else).
PREFERENCE = (
    "huisarts_a",
    "poh_s_a",
    "poh_ggz_a",
    "praktijkmanager_a",
    "beheerder_a",
    "anonymous",
    "unconfirmed_a",
    "no_second_factor_a",
    "huisarts_b",
    "deactivated_a",
)
assert set(PREFERENCE) == set(PERSONAS), "PREFERENCE must name every persona"
# Answers of the access matrix that mean the persona did not get past access control.
# (For a POST, a logged-in persona sent to the login page has logged out; one that may
# not log in comes after the treating roles in PREFERENCE.)
REFUSED = frozenset({"gate", "forbidden", "not_allowed", "too_many_requests"})

# The partials htmx asks for with GET, by URL name: the id of the element it swaps.
GET_PARTIALS = {
    "consult_step": "step",
    "patient_list": "patient-results",
    "service_list": "service-results",
}

# Bodies of POSTs to measure beside World.valid_post's, by URL name. A URL that takes
# GET and POST (a form page) has its POST measured only with a body: an empty one is
# refused and shows the GET page again.
POST_BODIES: dict[str, dict[str, str]] = {
    # The patient search posts its terms; one that finds many (the other patients).
    "patient_list": {"q": "Vries"},
    # The patient's own entry at home: a screen saved (empty answers are answers), and
    # the whole sent to the practice.
    "patient_entry_screen": {},
    "patient_entry_send": {},
}

# URL cases that are not measured, with the reason. Every other URL case must give
# at least one probe.
EXCLUDED: dict[str, str] = {
    "two_factor_setup": (
        "only an account without an authenticator gets it; every persona of the world has "
        "one (the gate sends them to the code), and the page lists nothing that grows"
    ),
}


# Probes whose count may grow with the data by a bounded number of queries, with the
# reason: key -> (extra queries allowed in the large world, why). Never a growth per
# row: that is an N+1 to fix.
ALLOWANCES: dict[str, tuple[int, str]] = {}

# The statements of a probe shown when it fails: the ones that grew most.
SHOWN_STATEMENTS = 8


@dataclass(frozen=True)
class Probe:
    """One request to measure: a URL case, a method, a persona, and the element htmx
    swaps with the answer (None for a plain request, "" for an element without id)."""

    case: UrlCase
    method: str
    persona: str
    htmx_target: str | None = None

    @property
    def key(self) -> str:
        return f"{self.case.key} {self.method}" + (" htmx" if self.htmx_target is not None else "")


@dataclass(frozen=True)
class Count:
    status: int
    sql: tuple[str, ...]  # the queries run, with their values
    error: str = ""

    @property
    def queries(self) -> int:
        return len(self.sql)

    def statements(self) -> Counter[str]:
        """The statements run, without their values."""
        return Counter(statement_of(sql) for sql in self.sql)


@dataclass(frozen=True)
class Measured:
    probes: dict[str, dict[str, Probe]]  # world size -> key -> probe
    counts: dict[str, dict[str, Count]]  # world size -> key -> count
    unmeasured: dict[str, str]  # URL case key -> why it gave no probe


# --- which probes ---------------------------------------------------------------------


def _persona_for(case: UrlCase, answers: dict[str, dict[str, str]], method: str) -> str | None:
    """A public page (the login page, the patient's own entry, ...: the access
    matrix's ANONYMOUS_OK) as anonymous. Else, for a GET, the first persona of
    PREFERENCE that gets the page, or the first that gets past access control (a page
    that redirects everyone: a link whose token moves to the session, a page that
    wants a fresh password first). For a POST, the first that gets past access
    control: an empty POST (the access matrix's) may be refused for its body
    (not_found, unprocessable) or end in the login page (the logout), but not with a
    403, a 405 or the second factor's gate."""
    passes = GET_PASSES if method == "GET" else POST_PASSES
    if ANONYMOUS_OK.match(case.name) and passes[-1](
        answers.get("anonymous", {}).get(method, "not_allowed")
    ):
        return "anonymous"
    for accepted in passes:
        for persona in PREFERENCE:
            if accepted(answers.get(persona, {}).get(method, "not_allowed")):
                return persona
    return None


GET_PASSES: tuple[Callable[[str], bool], ...] = (
    lambda outcome: outcome == "ok",
    lambda outcome: outcome not in REFUSED | {"login", "not_found"},
)
POST_PASSES: tuple[Callable[[str], bool], ...] = (lambda outcome: outcome not in REFUSED,)


def _wrapper_names(view: Any) -> set[str]:
    names: set[str] = set()
    while view is not None and getattr(view, "__qualname__", None) not in names:
        names.add(getattr(view, "__qualname__", ""))
        view = getattr(view, "__wrapped__", None)
    return names


def post_target(case: UrlCase) -> str | None:
    """The element the page's form swaps with the answer to its POST (the forms that
    post with htmx), or None for a plain form post."""
    names = _wrapper_names(resolve(case.path.split("?")[0]).func)
    if any(name.startswith("plan_action.") for name in names):
        return "plan-panel"
    if any(name.startswith("step_action.") for name in names) or case.name == "step_done":
        return "step"
    if case.name == "autosave":
        return f"status-{case.kwargs['record_id']}"
    if case.name == "patient_list":
        return "patient-results"
    if case.name == "consult_finish":
        return ""  # the form swaps itself: it has no id
    return None


def probes_of(world: World) -> tuple[dict[str, Probe], dict[str, str]]:
    """The probes of every URL case, and the URL cases without one (with why)."""
    matrix = read_matrix()
    probes: dict[str, Probe] = {}
    unmeasured: dict[str, str] = {}
    for case in world.url_cases():
        if case.key in EXCLUDED:
            continue
        answers = matrix.get(case.key)
        if answers is None:
            unmeasured[case.key] = f"no entry in {MATRIX_FILE.name}: whom to measure it as?"
            continue
        found: list[Probe] = []
        page_persona = _persona_for(case, answers, "GET") if "GET" in case.methods else None
        if page_persona is not None:
            found.append(Probe(case, "GET", page_persona))
            if case.name in GET_PARTIALS:
                found.append(Probe(case, "GET", page_persona, GET_PARTIALS[case.name]))
        if "POST" in case.methods and (
            "GET" not in case.methods or case.name in POST_BODIES or world.valid_post(case)
        ):
            # The page's own form is posted by whom it is shown to.
            persona = page_persona or _persona_for(case, answers, "POST")
            if persona is not None:
                found.append(Probe(case, "POST", persona, post_target(case)))
        if not found:
            unmeasured[case.key] = "no persona of the access matrix gets past access control"
        probes.update((probe.key, probe) for probe in found)
    return probes, unmeasured


# --- measuring ------------------------------------------------------------------------

_VALUES = (
    (re.compile(r'"s\d+_x\d+"'), "?"),  # the name of a savepoint
    (re.compile(r"'(?:[^']|'')*'"), "?"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "?"),
    (re.compile(r"\b\d+(\.\d+)?\b"), "?"),
    (re.compile(r"\((\?(, )?)+\)"), "(...)"),
    (re.compile(r"(\(\.\.\.\)(, )?)+"), "(...)"),
)


def statement_of(sql: str) -> str:
    """The statement without its values, so that the same query for another row
    counts as the same statement."""
    for pattern, replacement in _VALUES:
        sql = pattern.sub(replacement, sql)
    return sql


def _send(client: Client, world: World, probe: Probe) -> Any:
    headers: dict[str, str] = {}
    if probe.htmx_target is not None:
        headers["HX-Request"] = "true"
    if probe.htmx_target:
        headers["HX-Target"] = probe.htmx_target
    if probe.method == "GET":
        response = client.get(probe.case.path, headers=headers)
    else:
        name = probe.case.name
        body = POST_BODIES[name] if name in POST_BODIES else world.valid_post(probe.case)
        response = client.post(probe.case.path, body, headers=headers)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response


def measure(client: Client, world: World, probe: Probe, *, warm_up: bool) -> Count:
    """Request the probe in a savepoint that is rolled back, with the client's cookies
    put back afterwards, and count its queries. With `warm_up`, request it once more
    before, uncounted: the first request of a kind fills the process's caches (a
    translation catalogue, the content types, the compiled templates)."""
    cookies = client.cookies
    try:
        for counting in (False, True) if warm_up else (True,):
            client.cookies = type(cookies)()
            client.cookies.update(cookies)
            # The log of the queries keeps the last 9000 only: start from an empty one.
            connection.queries_log.clear()
            with rolled_back(), CaptureQueriesContext(connection) as captured:
                try:
                    response = _send(client, world, probe)
                except Exception as error:  # reported with the probe
                    return Count(500, (), f"{type(error).__name__}: {error}")
            if counting:
                queries = captured.captured_queries
                assert len(queries) < (connection.queries_log.maxlen or 9000), (
                    f"{probe.key}: more queries than Django's query log keeps"
                )
                return Count(response.status_code, tuple(query["sql"] for query in queries))
    finally:
        client.cookies = cookies
    raise AssertionError("unreachable")


class _NoPdf:
    """WeasyPrint, without the PDF: the page's HTML is rendered (and its queries
    counted) as always, the seconds of layout a document takes are left out."""

    pages: list[Any] = []  # laid out as no pages: nothing to fit

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def render(self, *args: Any, **kwargs: Any) -> "_NoPdf":
        return self

    def write_pdf(self, *args: Any, **kwargs: Any) -> bytes:
        return b"%PDF-1.7\n%%EOF\n"


def measure_world(world: World, probes: dict[str, Probe], *, warm_up: bool) -> dict[str, Count]:
    clients: dict[str, Client] = {}
    counts: dict[str, Count] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "HTML", _NoPdf)
        for key, probe in sorted(probes.items()):
            if probe.persona not in clients:
                clients[probe.persona] = world.client_for(probe.persona)
            counts[key] = measure(clients[probe.persona], world, probe, warm_up=warm_up)
    return counts


@pytest.fixture(scope="module")
def measured(sized_worlds: dict[str, World]) -> Measured:
    probes: dict[str, dict[str, Probe]] = {}
    counts: dict[str, dict[str, Count]] = {}
    unmeasured: dict[str, str] = {}
    for number, (name, world) in enumerate(sized_worlds.items()):
        probes[name], unmeasured = probes_of(world)
        # The caches of the process are warm after the first world.
        counts[name] = measure_world(world, probes[name], warm_up=number == 0)
    return Measured(probes=probes, counts=counts, unmeasured=unmeasured)


def _pairs(measured: Measured) -> Iterator[tuple[str, Count, Count]]:
    small, large = measured.counts["small"], measured.counts["large"]
    for key in sorted(set(small) & set(large)):
        yield key, small[key], large[key]


def _grown_statements(small: Count, large: Count) -> list[str]:
    before = small.statements()
    after = large.statements()
    grown = sorted(
        (
            (after[statement] - before[statement], statement)
            for statement in after
            if after[statement] > before[statement]
        ),
        reverse=True,
    )
    return [f"    +{more}x {statement[:300]}" for more, statement in grown[:SHOWN_STATEMENTS]]


def growth(small: Count, large: Count) -> int:
    """How many more queries the large world ran."""
    return large.queries - small.queries


# --- the tests --------------------------------------------------------------------------


def test_every_url_case_is_measured_or_excluded(
    measured: Measured, sized_worlds: dict[str, World]
) -> None:
    assert not measured.unmeasured, (
        "URL cases without a query count: give them a persona in the access matrix, or "
        "add them to EXCLUDED with the reason:\n"
        + "\n".join(f"  {key}: {why}" for key, why in sorted(measured.unmeasured.items()))
    )
    keys = {case.key for case in sized_worlds["small"].url_cases()}
    stale = sorted(set(EXCLUDED) - keys)
    assert not stale, f"EXCLUDED names URL cases that are no longer there: {stale}"


def test_both_worlds_give_the_same_probes(measured: Measured) -> None:
    assert set(measured.probes["small"]) == set(measured.probes["large"])
    assert len(measured.probes["large"]) > 150, "the probes cannot silently shrink"


def test_no_server_error_and_the_same_answer_in_both_worlds(measured: Measured) -> None:
    """A probe that answers differently in the large world took another path through
    the code, and its counts say nothing; a server error measures nothing."""
    wrong = [
        f"{key}: {small.status} in the small world, {large.status} in the large one "
        f"{small.error or large.error}"
        for key, small, large in _pairs(measured)
        if small.status != large.status or large.status >= 500
    ]
    assert not wrong, "Probes that did not answer as expected:\n" + "\n".join(wrong)


def test_query_counts_do_not_grow_with_the_data(measured: Measured) -> None:
    """The N+1 detector: ten times the consults, goals, services, patients, ... and
    not one query more (save a documented, bounded allowance)."""
    grown = []
    for key, small, large in _pairs(measured):
        allowed = ALLOWANCES.get(key, (0, ""))[0]
        more = growth(small, large)
        if more > allowed:
            grown.append(
                f"{key}: {more} more queries in the large world than in the small one "
                f"({small.queries} and {large.queries}; allowed: {allowed} more); the "
                "statements that grew:\n" + "\n".join(_grown_statements(small, large))
            )
    assert not grown, (
        "The number of queries grows with the data (an N+1: prefetch or select the "
        "related rows, or read them in one query):\n" + "\n".join(grown)
    )


def test_the_detector_sees_a_dropped_prefetch(
    measured: Measured, sized_worlds: dict[str, World]
) -> None:
    """The detector is alive: with select_related and prefetch_related switched off
    everywhere, the patient page (its timeline of consults and who started them, its
    consents and closed flags) and the look-along view (the plan's goals with their
    themes and referred services) read their rows one by one, and the comparison of
    the two worlds shows it."""
    keys = ("patient_detail GET", "look_along[4d] GET")

    def switched_off(queryset: QuerySet[Any], *args: Any) -> QuerySet[Any]:
        return queryset._chain()  # type: ignore[attr-defined]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QuerySet, "select_related", switched_off)
        patch.setattr(QuerySet, "prefetch_related", switched_off)
        counts = {
            name: measure_world(
                world, {key: measured.probes[name][key] for key in keys}, warm_up=False
            )
            for name, world in sized_worlds.items()
        }
    for key in keys:
        small, large = counts["small"][key], counts["large"][key]
        assert small.status == large.status == 200, (key, small.error, large.error)
        assert growth(small, large) > 10, (
            f"{key}: without select_related and prefetch_related, {small.queries} queries "
            f"in the small world and {large.queries} in the large one: the detector sees "
            "no N+1"
        )


def test_the_large_world_is_large(sized_worlds: dict[str, World]) -> None:
    """The world is as big as the issue asks, in the large size."""
    world = sized_worlds["large"]
    patient = world.patient
    assert patient.consults.count() == LARGE.consults == 30
    assert set(patient.consults.values_list("model_slug", flat=True)) == {
        "4d",
        "spinnenweb",
        "kop",
        "emboss",
    }
    goals = Goal.objects.active().filter(plan__patient=patient, reached_on__isnull=True)
    assert goals.count() == LARGE.goals == 50
    assert Agreement.objects.active().filter(goal__in=goals).count() >= 2 * LARGE.goals
    assert Referral.objects.filter(plan__patient=patient).count() > LARGE.goals // 3
    assert PatientFlag.objects.filter(patient=patient).count() > LARGE.flags
    assert Service.objects.filter(service_map=world.practice_a.own_map).count() > LARGE.services
    assert Patient.objects.filter(practice=world.practice_a).count() > LARGE.patients
    assert AuditEvent.objects.filter(patient_id=patient.public_id).count() > 400
    assert AuditEvent.objects.filter(practice=world.practice_a).count() > 500


def test_allowances_are_current(measured: Measured) -> None:
    stale = sorted(set(ALLOWANCES) - set(measured.counts["large"]))
    assert not stale, f"ALLOWANCES names probes that are no longer there: {stale}"


# --- the budget file --------------------------------------------------------------------

HEADER = """\
# The most database queries each probe may run on the large world of
# tests/performance/world.py (a patient with 30 consults of all four models, a plan of
# 50 goals, 60 services per map, 40 other patients), per database. A probe is a URL
# case of the access matrix, the method, and "htmx" for the partial or the POST that
# htmx swaps in. Checked by tests/performance/test_query_counts.py.
#
# After a change that is meant to change a count, regenerate the column of the
# database the tests ran on, and review the diff before committing:
#   UPDATE_QUERY_BUDGET=1 uv run --frozen pytest tests/performance
#   UPDATE_QUERY_BUDGET=1 DATABASE_URL=postgres://... uv run --frozen pytest tests/performance
"""

type Budget = dict[str, dict[str, int]]  # probe key -> backend -> maximum


def read_budget() -> Budget:
    if not BUDGET_FILE.exists():
        return {}
    loaded: Any = yaml.safe_load(BUDGET_FILE.read_text(encoding="utf-8")) or {}
    assert isinstance(loaded, dict), f"{BUDGET_FILE.name} is not a mapping"
    return {
        str(key): {str(backend): int(count) for backend, count in counts.items()}
        for key, counts in loaded.items()
    }


def render_budget(budget: Budget) -> str:
    lines = [HEADER]
    for key in sorted(budget):
        counts = ", ".join(f"{backend}: {budget[key][backend]}" for backend in sorted(budget[key]))
        lines.append(f'"{key}": {{{counts}}}')
    return "\n".join(lines) + "\n"


def maximum_for(budget: Budget, key: str, backend: str) -> int | None:
    """The maximum for this database; for a probe measured only on the other one so
    far, the highest recorded."""
    counts = budget.get(key, {})
    if backend in counts:
        return counts[backend]
    return max(counts.values()) if counts else None


def test_query_counts_within_budget(measured: Measured) -> None:
    backend = connection.vendor
    large = measured.counts["large"]
    if os.environ.get(UPDATE_VARIABLE):
        budget = {key: counts for key, counts in read_budget().items() if key in large}
        for key, count in large.items():
            budget.setdefault(key, {})[backend] = count.queries
        BUDGET_FILE.write_text(render_budget(budget), encoding="utf-8")
        pytest.fail(
            f"{BUDGET_FILE} was rewritten for {backend}: review the diff and commit it, "
            f"then run again without {UPDATE_VARIABLE}."
        )
    budget = read_budget()
    assert budget, f"No {BUDGET_FILE.name}: make it with {UPDATE_VARIABLE}=1"
    problems = []
    for key, count in sorted(large.items()):
        maximum = maximum_for(budget, key, backend)
        if maximum is None:
            problems.append(f"{key}: no maximum in {BUDGET_FILE.name} (a new page?)")
        elif count.queries > maximum:
            problems.append(f"{key}: {count.queries} queries, at most {maximum}")
    stale = sorted(set(budget) - set(large))
    problems.extend(f"{key}: in {BUDGET_FILE.name} but no longer measured" for key in stale)
    assert not problems, (
        f"Query counts on {backend} beyond {BUDGET_FILE.name}. If the change is intended, "
        f"regenerate it with {UPDATE_VARIABLE}=1 and review the diff:\n" + "\n".join(problems)
    )


def test_budget_file_is_sorted_and_stable() -> None:
    """The file is exactly as the update writes it, so its diffs stay reviewable."""
    if os.environ.get(UPDATE_VARIABLE) or not BUDGET_FILE.exists():
        pytest.skip("the file is being (re)written")
    budget = read_budget()
    assert BUDGET_FILE.read_text(encoding="utf-8") == render_budget(budget), (
        f"{BUDGET_FILE.name} is not in the order and layout the update writes: "
        f"regenerate it with {UPDATE_VARIABLE}=1"
    )
    unknown = sorted({b for counts in budget.values() for b in counts} - set(BACKENDS))
    assert not unknown, f"Unknown databases in {BUDGET_FILE.name}: {unknown}"
