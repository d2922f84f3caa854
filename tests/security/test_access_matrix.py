"""The access matrix (issue 13, point 8): every URL of the app, requested as every
persona with GET and with an empty POST, compared with tests/security/access_matrix.yaml.

Each cell is the class of the answer: ok (2xx), login (redirect to the login page),
gate (redirect to the second factor, the recovery code or the password change),
redirect (another 3xx), bad_request (400), forbidden (403), not_found (404),
not_allowed (405), conflict (409), unprocessable (422), too_many_requests (429). A
server error always fails test_no_server_error, whatever the file says.

The file is the reviewed truth. After a change of access, regenerate it and review
the diff before committing it:

    UPDATE_ACCESS_MATRIX=1 uv run --frozen pytest tests/security/test_access_matrix.py

A URL added to the app fails the comparison with "URL x has no entry" until it is in
the file (and tests/security/world.py says which kwargs it takes, if it has new ones).

Beside the file, invariants that hold whatever it says:
- anonymous gets a page only on the login page, the health check, the pages of a
  password reset or an account activation, and the patient's own entry by link;
- the praktijkmanager, the beheerder, huisarts B, a deactivated account, an account
  without its second factor and an unconfirmed one never get a page of a URL with
  patient A or a consult in it, nor patient A's name in any answer;
- nobody but the treating roles of practice A gets patient A's name, HIS number or
  goal; nobody outside practice B gets practice B's patient;
- every answer that shows patient A leaves an audit record naming them.

Every request runs in a savepoint that is rolled back, with the client's cookies put
back afterwards, so a POST that finishes a consult or uses up a link changes nothing
for the next cell.
"""

import os
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
import yaml
from django.db.models import Max
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, override_settings
from django.urls import NoReverseMatch, get_resolver, path, reverse

from consult.models import AuditEvent
from tests.security.world import (
    GOAL_TEXT,
    PATIENT_B_HIS_NUMBER,
    PATIENT_B_LAST_NAME,
    PATIENT_HIS_NUMBER,
    PATIENT_LAST_NAME,
    PERSONAS,
    TREATING_PERSONAS,
    UrlCase,
    World,
    rolled_back,
)

# Marked so that pytest-django sets the test database up; the world is built once for
# the module (the security_world fixture), each test runs in a savepoint of its own.
pytestmark = pytest.mark.django_db

MATRIX_FILE = Path(__file__).with_name("access_matrix.yaml")
METHODS = ("GET", "POST")
UPDATE_VARIABLE = "UPDATE_ACCESS_MATRIX"

STATUS_CLASSES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    409: "conflict",
    422: "unprocessable",
    429: "too_many_requests",
}
# The pages a gate sends a logged-in user to before anything else.
GATE_URL_NAMES = (
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_recovery",
    "password_change",
)

# What anonymous may open: the login page, the health check, the pages of a password
# reset or an account activation (by name, also for ones added later), and the
# patient's own entry by link.
ANONYMOUS_OK = re.compile(
    r"^(login|healthz|patient_entry(_\w+)?|password_(reset|forgotten)\w*"
    r"|account_\w*(password|activat)\w*|activat\w*)$"
)
# Beside those, by name, with the reason they are open.
ANONYMOUS_OK_NAMES = {
    "session_status": "the idle-timeout script asks how long the session has left: 0",
    "session_keepalive": "the idle-timeout script's 'stay logged in': 0 seconds when not",
}
# What identifies patient A or is theirs: their name, their HIS number, a goal of their
# plan in their own words.
PATIENT_A_DATA = frozenset({PATIENT_LAST_NAME, PATIENT_HIS_NUMBER, GOAL_TEXT})
# Who must never get patient A's data.
OUTSIDERS = (
    "praktijkmanager_a",
    "beheerder_a",
    "huisarts_b",
    "deactivated_a",
    "no_second_factor_a",
    "unconfirmed_a",
)


# Found by this test, reported, not yet fixed: (case key, method) -> what is wrong.
# Each is a strict xfail, so the test flips when the app is fixed: then remove the
# entry (and regenerate the matrix file, whose cell changes with it).
KNOWN_SERVER_ERRORS: dict[tuple[str, str], str] = {}
KNOWN_UNAUDITED_READS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Cell:
    outcome: str
    status: int
    location: str
    leaks: frozenset[str]  # which of the secrets the response holds
    audited: bool  # an audit record naming patient A was written
    error: str = ""


@dataclass(frozen=True)
class Observed:
    cases: dict[str, UrlCase]
    cells: dict[tuple[str, str, str], Cell]  # (case key, persona, method)


def _gate_paths() -> set[str]:
    paths = set()
    for name in GATE_URL_NAMES:
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue
    return paths


def classify(response: HttpResponseBase, *, login_path: str, gate_paths: set[str]) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return "ok"
    if 300 <= status < 400:
        target = urlsplit(response.get("Location", "")).path
        if target == login_path:
            return "login"
        if target in gate_paths:
            return "gate"
        return "redirect"
    if status >= 500:
        return "server_error"
    return STATUS_CLASSES.get(status, f"status_{status}")


def _body(response: HttpResponseBase) -> bytes:
    """The whole answer: the body (a stream is read to its end, inside the request's
    savepoint) and the headers."""
    if isinstance(response, StreamingHttpResponse):
        content = b"".join(
            part if isinstance(part, bytes) else bytes(part)
            for part in response.streaming_content  # type: ignore[union-attr]
        )
    else:
        content = getattr(response, "content", b"")
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    return content + b"\n" + headers.encode()


def request_cell(
    client: Client,
    case: UrlCase,
    method: str,
    *,
    secrets: tuple[str, ...],
    patient_id: UUID,
    login_path: str,
    gate_paths: set[str],
) -> Cell:
    """One request in a savepoint that is rolled back, with the client's cookies put
    back afterwards."""
    cookies = client.cookies
    client.cookies = type(cookies)()
    client.cookies.update(cookies)
    try:
        with rolled_back():
            before = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
            try:
                response = client.get(case.path) if method == "GET" else client.post(case.path)
                body = _body(response)
            except Exception as error:  # every server error is reported
                return Cell(
                    "server_error", 500, "", frozenset(), False, f"{type(error).__name__}: {error}"
                )
            audited = AuditEvent.objects.filter(id__gt=before, patient_id=patient_id).exists()
    finally:
        client.cookies = cookies
    return Cell(
        outcome=classify(response, login_path=login_path, gate_paths=gate_paths),
        status=response.status_code,
        location=response.get("Location", ""),
        leaks=frozenset(secret for secret in secrets if secret.encode() in body),
        audited=audited,
    )


@pytest.fixture(scope="module")
def observed(security_world: World) -> Observed:
    world = security_world
    cases = {case.key: case for case in world.url_cases()}
    secrets = (
        PATIENT_LAST_NAME,
        PATIENT_HIS_NUMBER,
        GOAL_TEXT,
        PATIENT_B_LAST_NAME,
        PATIENT_B_HIS_NUMBER,
    )
    login_path = reverse("login")
    gate_paths = _gate_paths()
    cells: dict[tuple[str, str, str], Cell] = {}
    for persona in PERSONAS:
        client = world.client_for(persona)
        for key, case in cases.items():
            for method in METHODS:
                cells[key, persona, method] = request_cell(
                    client,
                    case,
                    method,
                    secrets=secrets,
                    patient_id=world.patient.public_id,
                    login_path=login_path,
                    gate_paths=gate_paths,
                )
    return Observed(cases=cases, cells=cells)


# --- the file ------------------------------------------------------------------------

HEADER = """\
# The access matrix of Brede Gesprek: for every URL case (the URL name, with a variant
# in brackets) and every persona, the class of the answer to a GET and to an empty
# POST. Checked by tests/security/test_access_matrix.py; a server error always fails.
#
#   ok          2xx                      forbidden          403
#   login       redirect to the login    not_found          404
#   gate        redirect to the second   not_allowed        405
#               factor or password page  conflict           409
#   redirect    any other redirect       unprocessable      422
#   bad_request 400                      too_many_requests  429
#   server_error: an exception or a 5xx (test_no_server_error fails on it)
#
# Personas: anonymous; huisarts_a, poh_s_a, poh_ggz_a (the treating roles of practice
# A), praktijkmanager_a, beheerder_a; huisarts_b (practice B); deactivated_a (a
# huisarts of A deactivated after logging in); no_second_factor_a (a huisarts of A
# logged in with the password, without the second factor); unconfirmed_a (a new
# huisarts of A, logged in, whom no treating colleague has confirmed yet). huisarts_a
# and huisarts_b each review their own practice's audit trail.
#
# Regenerate after a change of access, then review the diff before committing:
#   UPDATE_ACCESS_MATRIX=1 uv run --frozen pytest tests/security/test_access_matrix.py
"""

type Matrix = dict[str, dict[str, dict[str, str]]]


def matrix_of(observed: Observed) -> Matrix:
    matrix: Matrix = {}
    for (key, persona, method), cell in observed.cells.items():
        matrix.setdefault(key, {}).setdefault(persona, {})[method] = cell.outcome
    return matrix


def _yaml_key(key: str) -> str:
    return key if re.fullmatch(r"[a-z0-9_]+", key) else f'"{key}"'


def render_matrix(matrix: Matrix) -> str:
    lines = [HEADER]
    for key in sorted(matrix):
        lines.append(f"{_yaml_key(key)}:")
        for persona in PERSONAS:
            outcomes = matrix[key][persona]
            cells = ", ".join(f"{method}: {outcomes[method]}" for method in METHODS)
            lines.append(f"  {persona}: {{{cells}}}")
    return "\n".join(lines) + "\n"


def read_matrix() -> Matrix:
    loaded: Any = yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8")) or {}
    assert isinstance(loaded, dict), f"{MATRIX_FILE.name} is not a mapping"
    return {
        str(key): {str(persona): dict(cells) for persona, cells in personas.items()}
        for key, personas in loaded.items()
    }


def matrix_differences(expected: Matrix, got: Matrix) -> list[str]:
    problems: list[str] = []
    for key in sorted(set(got) - set(expected)):
        problems.append(
            f"URL {key} has no entry in {MATRIX_FILE.name} (a new URL?): review what each "
            f"persona gets and add it, e.g. with {UPDATE_VARIABLE}=1"
        )
    for key in sorted(set(expected) - set(got)):
        problems.append(f"URL {key} is in {MATRIX_FILE.name} but no longer in the app")
    rows = []
    for key in sorted(set(got) & set(expected)):
        for persona in PERSONAS:
            for method in METHODS:
                want = expected[key].get(persona, {}).get(method, "(missing)")
                have = got[key][persona][method]
                if want != have:
                    rows.append((key, persona, method, want, have))
    if rows:
        widths = [max(len(str(row[i])) for row in [*rows, HEADINGS]) for i in range(5)]
        for row in [HEADINGS, *rows]:
            problems.append(
                "  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True))
            )
    return problems


HEADINGS = ("url", "persona", "method", "expected", "got")


def test_every_url_and_persona_as_in_the_matrix_file(observed: Observed) -> None:
    got = matrix_of(observed)
    if os.environ.get(UPDATE_VARIABLE):
        MATRIX_FILE.write_text(render_matrix(got), encoding="utf-8")
        pytest.fail(
            f"{MATRIX_FILE} was rewritten from the app: review the diff (git diff "
            f"{MATRIX_FILE.relative_to(Path.cwd()) if MATRIX_FILE.is_relative_to(Path.cwd()) else MATRIX_FILE}) "
            f"and commit it, then run again without {UPDATE_VARIABLE}."
        )
    assert MATRIX_FILE.exists(), f"No {MATRIX_FILE.name}: make it with {UPDATE_VARIABLE}=1"
    problems = matrix_differences(read_matrix(), got)
    assert not problems, (
        f"The app's access differs from {MATRIX_FILE.name}. If the change is intended, "
        f"regenerate it with {UPDATE_VARIABLE}=1 and review the diff:\n" + "\n".join(problems)
    )


def test_matrix_file_is_sorted_and_stable() -> None:
    """The file is exactly as the update writes it, so its diffs stay reviewable."""
    if os.environ.get(UPDATE_VARIABLE) or not MATRIX_FILE.exists():
        pytest.skip("the file is being (re)written")
    expected = read_matrix()
    assert MATRIX_FILE.read_text(encoding="utf-8") == render_matrix(expected), (
        f"{MATRIX_FILE.name} is not in the order and layout the update writes: "
        f"regenerate it with {UPDATE_VARIABLE}=1"
    )


# --- invariants, whatever the file says ------------------------------------------------


def _cells(observed: Observed) -> Iterator[tuple[UrlCase, str, str, Cell]]:
    for (key, persona, method), cell in sorted(observed.cells.items()):
        yield observed.cases[key], persona, method, cell


def test_no_server_error(observed: Observed) -> None:
    errors = [
        f"{case.key} {method} as {persona}: {cell.error or cell.status} ({case.path})"
        for case, persona, method, cell in _cells(observed)
        if cell.outcome == "server_error" and (case.key, method) not in KNOWN_SERVER_ERRORS
    ]
    assert not errors, "Server errors:\n" + "\n".join(errors)


def _xfail_params(known: dict[tuple[str, str], str]) -> list[Any]:
    return [
        pytest.param(
            key, method, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=why)
        )
        for (key, method), why in sorted(known.items())
    ]


@pytest.mark.parametrize(("key", "method"), _xfail_params(KNOWN_SERVER_ERRORS))
def test_known_server_error(observed: Observed, key: str, method: str) -> None:
    """Fails (as expected) while the app answers with a server error; once fixed it
    passes, which fails the strict xfail: then remove the entry."""
    assert key in observed.cases, f"{key} is no longer a URL case"
    errors = [p for p in PERSONAS if observed.cells[key, p, method].outcome == "server_error"]
    assert not errors, f"server error for {errors}"


@pytest.mark.parametrize(("key", "method"), _xfail_params(KNOWN_UNAUDITED_READS))
def test_known_unaudited_read(observed: Observed, key: str, method: str) -> None:
    assert key in observed.cases, f"{key} is no longer a URL case"
    unaudited = [
        p
        for p in PERSONAS
        if (cell := observed.cells[key, p, method]).leaks & PATIENT_A_DATA and not cell.audited
    ]
    assert not unaudited, f"shown without an audit record to {unaudited}"


def test_anonymous_gets_only_the_public_pages(observed: Observed) -> None:
    wrong = [
        f"{case.key} {method}: {cell.outcome} ({cell.status})"
        for case, persona, method, cell in _cells(observed)
        if persona == "anonymous"
        and cell.outcome == "ok"
        and not ANONYMOUS_OK.match(case.name)
        and case.name not in ANONYMOUS_OK_NAMES
    ]
    assert not wrong, "Anonymous got a page that needs a login:\n" + "\n".join(wrong)


def test_outsiders_never_get_a_patient_page(observed: Observed) -> None:
    wrong = [
        f"{case.key} {method} as {persona}: {cell.outcome} ({cell.status})"
        for case, persona, method, cell in _cells(observed)
        if persona in OUTSIDERS and case.has_patient_kwargs and cell.outcome == "ok"
    ]
    assert not wrong, "A persona without access got a page of patient A:\n" + "\n".join(wrong)


def test_outsiders_never_see_the_patients_name(observed: Observed) -> None:
    wrong = [
        f"{case.key} {method} as {persona}: {cell.outcome} ({cell.status}) holds the last name"
        for case, persona, method, cell in _cells(observed)
        if persona in OUTSIDERS and PATIENT_LAST_NAME in cell.leaks
    ]
    assert not wrong, "Patient A's last name in a response to an outsider:\n" + "\n".join(wrong)


def test_only_the_treating_roles_see_patient_data(observed: Observed) -> None:
    wrong = [
        f"{case.key} {method} as {persona}: holds {', '.join(sorted(leaked))}"
        for case, persona, method, cell in _cells(observed)
        if persona not in TREATING_PERSONAS and (leaked := cell.leaks & PATIENT_A_DATA)
    ]
    assert not wrong, (
        "Patient A's name, HIS number or goal in a response to someone who does not treat "
        "them:\n" + "\n".join(wrong)
    )


def test_practice_a_never_sees_practice_bs_patient(observed: Observed) -> None:
    wrong = [
        f"{case.key} {method} as {persona}: holds {', '.join(sorted(leaked))}"
        for case, persona, method, cell in _cells(observed)
        if persona != "huisarts_b"
        and (leaked := cell.leaks & {PATIENT_B_LAST_NAME, PATIENT_B_HIS_NUMBER})
    ]
    assert not wrong, "Practice B's patient in a response outside practice B:\n" + "\n".join(wrong)


def test_every_answer_that_shows_the_patient_is_audited(observed: Observed) -> None:
    """Whatever the request (an empty POST that fails validation and shows the page
    again included): an answer with patient A's name, HIS number or goal in it is a
    read of their data, and leaves an audit record naming them."""
    wrong = [
        f"{case.key} {method} as {persona}: {cell.outcome} ({cell.status})"
        for case, persona, method, cell in _cells(observed)
        if cell.leaks & PATIENT_A_DATA
        and not cell.audited
        and (case.key, method) not in KNOWN_UNAUDITED_READS
    ]
    assert not wrong, (
        "Answers that show patient A without an audit record naming them:\n" + "\n".join(wrong)
    )


def test_the_treating_roles_do_see_the_patient(observed: Observed) -> None:
    """The other side, so the checks above cannot pass by looking for the wrong
    thing: the treating roles get the patient page, with the name on it."""
    for persona in TREATING_PERSONAS:
        cell = observed.cells["patient_detail", persona, "GET"]
        assert cell.outcome == "ok", (persona, cell)
        assert PATIENT_LAST_NAME in cell.leaks, (persona, cell)
        assert PATIENT_HIS_NUMBER in cell.leaks, (persona, cell)


def test_a_url_without_kwargs_in_the_world_is_named(
    security_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL added later with a kwarg the world does not know cannot slip through: the
    world refuses to make the cases, naming it."""
    module = types.ModuleType("tests.security._urls_with_an_extra_url")
    module.urlpatterns = [  # type: ignore[attr-defined]
        *get_resolver().url_patterns,
        path(
            "proef/<int:widget_id>/", lambda request, widget_id: HttpResponse(), name="proef_widget"
        ),
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with (
        override_settings(ROOT_URLCONF=module.__name__),
        pytest.raises(AssertionError, match=r"proef_widget .*unknown URL kwargs \['widget_id'\]"),
    ):
        security_world.url_cases()
