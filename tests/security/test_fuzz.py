"""No server error on any input (issue 13, point 7).

Every URL that accepts a POST (the forms and the htmx endpoints: the plan, the autosave
of every conversation model's records, the models' own actions, the patient pages, the
sociale kaart and its CSV import, the patient's own entry by link, user management,
login, password change) and every form that searches with GET gets bodies made by
hypothesis: valid-looking values, empty strings, huge strings, unicode (emoji,
right-to-left, NUL), numbers where text is expected and text where numbers, dates or
ids are expected, repeated keys, missing fields and fields nobody asked for, with and
without htmx. Each is sent by the persona who may use the URL. No answer may be a
server error, and afterwards every row of the project's apps must still pass its
model's validation.

The URLs are those of tests/security/world.py (`url_cases()`), plus the form actions
found on the world's pages for the consults of the other models and the other steps.
The field names are read from the pages: every page of the world is opened, and each
form (or htmx field) recorded under the URL it sends to; the world's valid bodies add
the values that succeed.

`FUZZ_EXAMPLES` (default 10) sets how many bodies each URL gets; raise it locally to
search harder: `FUZZ_EXAMPLES=100 uv run --frozen pytest tests/security/test_fuzz.py`.
"""

import logging
import os
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.access import Actor
from consult.autosave import editable_kind
from consult.models import Consult, Role, User
from consult.registry import conversation_models
from consult.services.patient_links import link_create
from sociale_kaart.csv_io.columns import COLUMNS
from tests.conftest import client_for as two_factor_client_for
from tests.conftest import current_code
from tests.factories import PASSWORD, UserFactory
from tests.security.world import UrlCase, World

pytestmark = pytest.mark.django_db

settings.register_profile(
    "fuzz",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")),
    # The world is built once, outside the @given functions, and the huge strings are
    # sampled whole rather than drawn character by character.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)
FUZZ = settings.get_profile("fuzz")

PROJECT_APPS = ("consult", "models_4d", "spinnenweb", "kop", "emboss", "sociale_kaart")
MATRIX_FILE = Path(__file__).with_name("access_matrix.yaml")


# Reading the pages: which URL takes which fields.


@dataclass
class FieldInfo:
    kind: str = "text"  # the input's type, or "select", "textarea", "file"
    values: set[str] = field(default_factory=set)  # options, hidden and current values


@dataclass
class Endpoint:
    method: str
    path: str
    persona: str
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    # A URL the world names gets the full number of examples; the same form sent from
    # another model's consult or another step (a variant) fewer.
    variant: bool = False

    def add(self, name: str, kind: str, value: str | None) -> None:
        info = self.fields.setdefault(name, FieldInfo(kind=kind))
        if value is not None:
            info.values.add(value)


type Found = dict[tuple[str, str], list[tuple[str, str, str | None]]]


class PageReader(HTMLParser):
    """Per (method, path) a form or an htmx field sends to, the fields it sends:
    (name, kind, value)."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.found: Found = {}
        self.forms: list[tuple[str, str] | None] = []  # where each open form sends to
        self.targets: set[tuple[str, str]] = set()  # of the select or textarea open now
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def _path(self, url: str) -> str:
        return urlsplit(urljoin(self.page_url, url)).path

    def _add(self, target: tuple[str, str], name: str, kind: str, value: str | None) -> None:
        self.found.setdefault(target, []).append((name, kind, value))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            target = None
            for attribute, method in (("hx-post", "POST"), ("hx-get", "GET")):
                if a.get(attribute):
                    target = (method, self._path(a[attribute]))
            if target is None:
                method = a.get("method", "get").upper()
                target = (method, self._path(a.get("action") or self.page_url))
            self.forms.append(target)
            self.found.setdefault(target, [])
            return
        if tag == "option" and self.select:
            for target in self.targets:
                self._add(target, self.select, "select", a.get("value", ""))
            return
        if tag not in {"input", "select", "textarea", "button"}:
            return
        name = a.get("name", "")
        targets = {self.forms[-1]} if self.forms and self.forms[-1] else set()
        for attribute, method in (("hx-post", "POST"), ("hx-get", "GET"), ("formaction", "POST")):
            if a.get(attribute):
                own = (method, self._path(a[attribute]))
                targets.add(own)
                # An autosave field sends itself and its record's version (hx-params).
                for param in a.get("hx-params", "").split(","):
                    if param.strip() and param.strip() != name:
                        self._add(own, param.strip(), "hidden", None)
        if not name:
            return
        kind = {"select": "select", "textarea": "textarea", "button": "button"}.get(
            tag, a.get("type", "text").lower()
        )
        value: str | None = a.get("value")
        if kind in {"checkbox", "radio"}:
            value = a.get("value", "on")
        if kind == "password":
            value = None
        if tag == "select":
            self.select, self.targets = name, targets
        if tag == "textarea":
            self.textarea, self.targets, self.text = name, targets, []
            return
        for target in targets:
            self._add(target, name, kind, value if tag != "select" else None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.forms:
            self.forms.pop()
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            for target in self.targets:
                self._add(target, self.textarea, "textarea", "".join(self.text).strip())
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def read_pages(personas: "Personas", pages: list[tuple[str, str]]) -> Found:
    """Open each (persona, URL) and collect what its forms send where."""
    found: Found = {}
    clients: dict[str, Client] = {}
    for persona, url in pages:
        client = clients.get(persona) or clients.setdefault(persona, personas.client(persona))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = PageReader(url)
        reader.feed(response.content.decode())
        for target, fields in reader.found.items():
            found.setdefault(target, []).extend(fields)
    return found


# Who sends what where.


@dataclass
class Personas:
    """The world's personas, and a newcomer: a huisarts of practice A logged in with a
    password and no authenticator app linked yet (the world's no_second_factor_a has
    one), for the two-step setup."""

    world: World
    newcomer: User

    def client(self, persona: str) -> Client:
        if persona == "newcomer":
            client = Client()
            client.force_login(self.newcomer)
        else:
            client = self.world.client_for(persona)
        client.raise_request_exception = False  # a server error becomes a 500 to count
        return client


# Who may send to a URL, where the access matrix cannot tell from an empty POST.
PERSONA_OF = {
    "login": "anonymous",
    "password_forgotten": "anonymous",
    "account_set_password": "anonymous",
    "two_factor_verify": "no_second_factor_a",
    "two_factor_recovery": "no_second_factor_a",
    "two_factor_setup": "newcomer",
    "logout": "huisarts_a",
}
# Answers that show the persona got to the view's work (not turned away first).
REACHED = ("ok", "unprocessable", "bad_request", "conflict", "too_many_requests")
CANDIDATES = ("anonymous", "huisarts_a", "praktijkmanager_a", "beheerder_a")


def personas_from_matrix(method: str) -> dict[str, str]:
    """Per URL name, who of the candidates the access matrix lets do the work: the
    first one whose empty request reached the view, else the first one redirected."""
    matrix = yaml.safe_load(MATRIX_FILE.read_text()) if MATRIX_FILE.exists() else {}
    chosen: dict[str, str] = {}
    for key, cells in matrix.items():
        name = key.split("[")[0]
        for accepted in (REACHED, ("redirect",)):
            persona = next(
                (p for p in CANDIDATES if cells.get(p, {}).get(method) in accepted), None
            )
            if persona is not None:
                chosen.setdefault(name, persona)
                break
    return chosen


def persona_for(name: str, matrix: dict[str, str]) -> str:
    if name in PERSONA_OF:
        return PERSONA_OF[name]
    if name.startswith("patient_entry"):
        return "anonymous"
    return matrix.get(name, "huisarts_a")


def url_name(path: str) -> str:
    return resolve(path).url_name or ""


def endpoint_key(method: str, path: str) -> tuple[str, ...]:
    """Requests that differ only in the record they point at count as one."""
    match = resolve(path)
    parts = [method, match.url_name or "", str(match.kwargs.get("model_slug", ""))]
    for name in ("kind", "step_slug", "screen_key", "direction", "fmt"):
        if name in match.kwargs:
            parts.append(str(match.kwargs[name]))
    if "consult_id" in match.kwargs:
        consult = Consult.objects.filter(public_id=match.kwargs["consult_id"]).first()
        parts.append(consult.model_slug if consult else "")
    return tuple(parts)


# URLs whose valid POST changes what the others need (the consult finished, the link
# used up, the colleague's role, the patient erased): they go last.
LAST = (
    "patient_entry_send",
    "consult_finish",
    "user_edit",
    "password_change",
    "logout",
    "erasure_start",
    "erasure_carry_out",
)


# URLs after which the client may be someone else, or no one.
CHANGES_SESSION = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "account_set_password",
        "reauthenticate",
        "two_factor_verify",
        "two_factor_recovery",
        "two_factor_setup",
    }
)


def order(key: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
    return (LAST.index(key[1]) + 1 if key[1] in LAST else 0, key)


@dataclass
class Plan:
    personas: Personas
    endpoints: dict[tuple[str, ...], Endpoint]
    known_ids: list[str]


def make_plan(world: World) -> Plan:
    """Every URL to fuzz, with its fields."""
    cases = world.url_cases()
    personas = Personas(world, UserFactory.create(practice=world.practice_a, role=Role.HUISARTS))
    matrix = personas_from_matrix("POST")
    readers = personas_from_matrix("GET")
    # Links for every model's entry at home, so every screen's form is fuzzed.
    actor = Actor(user=world.user("huisarts_a"))
    entry_pages = [
        reverse("patient_entry_screen", kwargs={"token": token, "screen_key": screen.key})
        for model in conversation_models()
        for entry in model.patient_entries
        for token in [
            link_create(
                actor=actor, patient=world.patient, model_slug=model.slug, purpose=entry.purpose
            )[1]
        ]
        for screen in entry.screens
    ]
    pages = [
        (persona_for(case.name, readers), case.path)
        for case in cases
        if "GET" in case.methods and not case.path.endswith((".pdf", ".json", ".csv"))
    ] + [("anonymous", path) for path in entry_pages]
    found = read_pages(personas, pages)

    endpoints: dict[tuple[str, ...], Endpoint] = {}

    def endpoint(method: str, path: str, *, variant: bool = False) -> Endpoint | None:
        try:
            key = endpoint_key(method, path)
        except Resolver404:
            return None
        if key not in endpoints:
            endpoints[key] = Endpoint(method, path, persona_for(key[1], matrix), variant=variant)
        return endpoints[key]

    # The world's URLs first: their records are the world's, and so are their bodies.
    # A page that takes any method but has no form that posts to it (a step, a PDF) is
    # left out: a POST there is a GET.
    for case in cases:
        path = urlsplit(case.path).path
        takes_post = case.methods == ("POST",) or ("POST", path) in found
        if "POST" not in case.methods or not (takes_post or world.valid_post(case)):
            continue
        ep = endpoint("POST", path)
        assert ep is not None
        for name, kind, value in found.get(("POST", ep.path), []):
            ep.add(name, kind, value)
        for name, value in world.valid_post(case).items():
            ep.add(name, "text", value)
        if case.name == "autosave":
            add_autosave_fields(ep, case)
    # Then what the pages send elsewhere: the other models' consults, the other steps,
    # the other screens, and the searches.
    for (method, path), fields in sorted(found.items()):
        ep = endpoint(method, path, variant=method == "POST")
        if ep is None or ep.path != path:
            continue
        for name, kind, value in fields:
            ep.add(name, kind, value)
    # The two-step setup is fuzzed as someone without an authenticator app yet.
    endpoint("POST", reverse("two_factor_setup"))
    ids = {str(case.kwargs[name]) for case in cases for name in case.kwargs if "id" in name}
    return Plan(personas=personas, endpoints=endpoints, known_ids=sorted(ids))


def add_autosave_fields(ep: Endpoint, case: UrlCase) -> None:
    """Every field of the record's form, whether or not a page showed it."""
    kind = editable_kind(str(case.kwargs["kind"]))
    assert kind is not None
    record = kind.model._default_manager.get(public_id=case.kwargs["record_id"])
    form = kind.form_class(instance=record, prefix=str(record.public_id))
    ep.add(form.add_prefix("version"), "hidden", str(record.version))
    for name in form.fields:
        ep.add(form.add_prefix(name), "text", None)
        ep.add(f"base:{form.add_prefix(name)}", "hidden", None)


# What to send.

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\U0001f600\U0001f469\U0001f3fd\u200d\u2695\ufe0f\U0001f1f3\U0001f1f1",
    "\u202eRTL override",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u00dcn\u00efc\u00f6d\u00e9 \u1e9e \u0133",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "' OR 1=1 --",
    "%s %d %(name)s",
    "\r\n\t",
    "\ufeffBOM",
    "../../etc/passwd",
    "https://example.com/",
    "//evil.example/",
    "javascript:alert(1)",
    "home",
    "consult_detail",
    "?x=1",
    "#top",
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
HUGE = [
    "x" * 10_001,
    "\u00e9" * 20_000,
    "\U0001f600" * 10_001,
    "woord " * 2_000,
    "9" * 10_001,
]
NUMBERS = [
    "0",
    "-1",
    "1",
    "5",
    "11",
    "99999999999999999999",
    "-99999999999999999999",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "\u0663",  # Arabic-Indic three
    "\uff11\uff12",  # full-width twelve
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "31-12-2024",
    "2024-13-01",
    "1-1-1",
    "00-00-0000",
    "today",
]
EXTRA_NAMES = ["onbekend", "version", "next", "step", "confirm", "\U0001f600", "a" * 300]
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)  # no lone surrogates


def around_today() -> list[str]:
    today = date.today()
    return [(today + timedelta(days=days)).isoformat() for days in (0, 14, -3, 400)]


def valid_values(info: FieldInfo) -> st.SearchStrategy[str]:
    by_kind = {
        "date": around_today(),
        "number": ["3", "7", "0", "10"],
        "email": ["iemand@praktijk.example"],
        "tel": ["0501234567", "06 12345678"],
        "password": [PASSWORD, "een-heel-lang-nieuw-wachtwoord-2026"],
        "text": ["Gewone tekst", "Schulden en slecht slapen"],
        "textarea": ["Wat de pati\u00ebnt zegt, in eigen woorden."],
        "search": ["schuld"],
    }
    return st.sampled_from(sorted(info.values) + by_kind.get(info.kind, []) or ["x"])


def any_value(info: FieldInfo, known_ids: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        valid_values(info),
        st.sampled_from(NASTY),
        st.sampled_from(HUGE),
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**6), max_value=10**6).map(str),
        st.sampled_from(DATES + around_today()),
        st.dates().map(date.isoformat),
        st.uuids().map(str),
        st.sampled_from(known_ids),
        TEXT,
    )


@st.composite
def csv_files(draw: st.DrawFn) -> SimpleUploadedFile:
    """A CSV file as a map keeper might upload one, or something that is none."""
    kind = draw(st.sampled_from(["csv", "csv", "bytes", "huge"]))
    if kind == "bytes":
        content = draw(st.binary(max_size=200))
    elif kind == "huge":
        content = ("naam;sleutel\n" + "x;" * 10_000 + "\n").encode()
    else:
        cell = st.one_of(
            st.sampled_from(["Dienst", "ja", "nee", "geld-en-schulden", "9700-9799", "0501234567"]),
            st.sampled_from(NASTY + NUMBERS + DATES),
            st.sampled_from(["=1+1", "+31", "-2", "@SUM(A1)", '"quoted;cell"', "a\nb"]),
            TEXT.map(lambda text: text[:20]),
        )
        columns = [column.name for column in COLUMNS]
        names = draw(st.lists(st.sampled_from([*columns, "onbekend", ""]), max_size=8))
        separator = draw(st.sampled_from([";", ",", "\t"]))
        rows = draw(st.lists(st.lists(cell, max_size=len(names) + 2), max_size=4))
        text = "\n".join([separator.join(names), *(separator.join(row) for row in rows)])
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
        content = text.encode(encoding, errors="replace")
    name = draw(st.sampled_from(["diensten.csv", "x.txt", "../../x.csv", "\U0001f600.csv"]))
    return SimpleUploadedFile(name, content, content_type="text/csv")


HEADERS = st.sampled_from(
    [
        {},
        {"HX-Request": "true"},
        {"HX-Request": "true", "HX-Target": "step"},
        {"HX-Request": "true", "HX-Target": "plan-panel"},
        {"HX-Request": "true", "HX-Target": "patient-results"},
    ]
)


def bodies(endpoint: Endpoint, known_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies for the endpoint's fields (its strategies made once, not per example)."""
    values = {
        name: (csv_files(), csv_files())
        if info.kind == "file"
        else (valid_values(info), any_value(info, known_ids))
        for name, info in endpoint.fields.items()
    }
    return _bodies(endpoint, values)


@st.composite
def _bodies(
    draw: st.DrawFn,
    endpoint: Endpoint,
    values: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]],
) -> dict[str, Any]:
    names = sorted(endpoint.fields)

    def one(name: str, *, valid: bool) -> Any:
        return draw(values[name][0] if valid else values[name][1])

    body: dict[str, Any] = {}
    if draw(st.booleans()):
        # Nearly right: every field as the page sends it, then one or two spoiled.
        body = {name: one(name, valid=True) for name in names}
        spoiled = draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []
        for name in spoiled:
            how = draw(st.sampled_from(["drop", "bad", "repeat"]))
            if how == "drop":
                del body[name]
            elif how == "bad" or endpoint.fields[name].kind == "file":
                body[name] = one(name, valid=False)
            else:
                body[name] = [one(name, valid=False), one(name, valid=True)]
    else:
        for name in names:
            how = draw(st.sampled_from(["missing", "value", "value", "list"]))
            if how == "value" or (how == "list" and endpoint.fields[name].kind == "file"):
                body[name] = one(name, valid=False)
            elif how == "list":
                body[name] = [one(name, valid=False) for _ in range(draw(st.integers(2, 3)))]
    extra = draw(
        st.dictionaries(
            st.sampled_from(EXTRA_NAMES), st.sampled_from(NASTY + NUMBERS + HUGE[:1]), max_size=2
        )
    )
    return {**extra, **body}


# Sending, and what counts as a failure.


@dataclass
class Failure:
    key: tuple[str, ...]
    persona: str
    headers: dict[str, str]
    body: str
    error: str


# Where a page is to send the user back to, as the login gate writes it in the query.
NEXT_VALUES = [
    "foo",
    "home",
    "consult_detail",
    "?x=1",
    "#top",
    "//evil.example/",
    "https://evil.example/",
    "/patienten/",
    "\x00",
    "",
]


def send(
    client: Client,
    endpoint: Endpoint,
    body: dict[str, Any],
    headers: dict[str, str],
    form: bool,
    next_query: str | None,
) -> Any:
    path = endpoint.path
    if next_query is not None:
        path = f"{path}?{urlencode({'next': next_query})}"
    if endpoint.method == "GET":
        plain = {name: value for name, value in body.items() if not hasattr(value, "read")}
        return client.get(path, plain, headers=headers)
    if form and not any(hasattr(value, "read") for value in body.values()):
        # As htmx sends it; otherwise multipart, as a browser sends a form.
        return client.post(
            path,
            urlencode(body, doseq=True),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return client.post(path, body, headers=headers)


def shortened(body: dict[str, Any]) -> str:
    def cut(value: Any) -> str:
        text = repr(value)
        return text if len(text) <= 80 else f"{text[:60]}...({len(text)} characters)"

    return "{" + ", ".join(f"{name!r}: {cut(value)}" for name, value in body.items()) + "}"


def server_error(response: Any) -> str:
    """The traceback of a server error, or "" for any other answer."""
    error = ""
    if getattr(response, "streaming", False):
        # The CSV import writes while its page streams: read it to the end.
        try:
            b"".join(response.streaming_content)
        except Exception:
            error = traceback.format_exc()
    if response.status_code >= 500:
        exc_info = getattr(response, "exc_info", None)
        error = (
            "".join(traceback.format_exception(*exc_info))
            if exc_info
            else f"status {response.status_code}"
        )
    return error


def fuzz(plan: Plan, key: tuple[str, ...], failures: list[Failure]) -> int:
    endpoint = plan.endpoints[key]
    sent = 0

    examples = FUZZ.max_examples
    if endpoint.variant:
        examples = max(2, examples // 5)

    # One client for all examples (logging in costs more than most requests), unless
    # the URL changes the session itself.
    shared = None if key[1] in CHANGES_SESSION else plan.personas.client(endpoint.persona)

    @settings(FUZZ, max_examples=examples)
    @given(
        body=bodies(endpoint, plan.known_ids),
        headers=HEADERS,
        form=st.booleans(),
        next_query=st.none() | st.sampled_from(NEXT_VALUES),
    )
    def run(
        body: dict[str, Any], headers: dict[str, str], form: bool, next_query: str | None
    ) -> None:
        nonlocal sent
        client = shared or plan.personas.client(endpoint.persona)
        for value in body.values():
            if hasattr(value, "seek"):
                value.seek(0)
        error = ""
        try:
            # A savepoint per request, as each request is a transaction of its own in
            # production: kept, unless the request failed.
            with transaction.atomic():
                response = send(client, endpoint, body, headers, form, next_query)
                sent += 1
                error = server_error(response)
                if error:
                    transaction.set_rollback(True)
        except DatabaseError:
            error = traceback.format_exc()
        if error:
            query = "" if next_query is None else f"?next={next_query!r} "
            failures.append(Failure(key, endpoint.persona, headers, query + shortened(body), error))

    run()
    return sent


# Fields left empty on purpose although the model has no blank=True (no form offers
# them): an audit record of an account event has no patient, one of the patient at
# home or of a failed login no user or practice, one made without a request no client
# address, and its place in the chain comes after the commit; a revision made by an
# import or the demo has no user.
EMPTY_ON_PURPOSE = {
    "consult.AuditEvent": ["user", "practice", "patient_id", "client_address", "seq"],
    "sociale_kaart.ServiceRevision": ["changed_by"],
}


def invalid_rows() -> Iterator[str]:
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            exclude = EMPTY_ON_PURPOSE.get(model._meta.label, [])
            for row in model._default_manager.all():
                try:
                    row.full_clean(exclude=exclude)
                except ValidationError as error:
                    yield f"{model._meta.label} pk={row.pk}: {error.message_dict}"


def distinct(failures: list[Failure]) -> list[Failure]:
    """One failure per URL and place in the code."""
    seen: dict[tuple[Any, ...], Failure] = {}
    for failure in failures:
        last_line = failure.error.strip().splitlines()[-1] if failure.error else ""
        seen.setdefault((failure.key, last_line), failure)
    return list(seen.values())


@pytest.fixture(scope="module")
def fuzz_plan(security_world: World, django_db_blocker: Any) -> Plan:
    """What to fuzz, read once for the module from the world's pages."""
    with django_db_blocker.unblock():
        return make_plan(security_world)


def test_no_input_gives_a_server_error_or_stores_invalid_data(fuzz_plan: Plan) -> None:
    started = time.monotonic()
    plan = fuzz_plan
    failures: list[Failure] = []
    sent = 0
    # A server error is logged with its traceback; the report below has them once.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        for key in sorted(plan.endpoints, key=order):
            began = time.monotonic()
            sent += fuzz(plan, key, failures)
            if os.environ.get("FUZZ_PROGRESS"):
                print(f"{time.monotonic() - began:6.1f} s {key}", flush=True)
    finally:
        request_log.setLevel(level)
    invalid = list(invalid_rows())
    report = [
        f"{len(plan.endpoints)} URLs, {sent} requests, {time.monotonic() - started:.0f} s",
        *(
            f"500 at {f.key} as {f.persona} {f.headers}\n  body: {f.body}\n{f.error}"
            for f in distinct(failures)
        ),
        *invalid,
    ]
    print("\n".join(report))
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(report)
    assert not invalid, "Invalid data stored:\n" + "\n".join(invalid)


def test_every_form_is_fuzzed(fuzz_plan: Plan) -> None:
    """No form escapes: each URL that only takes a POST is in the plan, and so is every
    form found on the world's pages, with its fields, as the persona who may send it."""
    world = fuzz_plan.personas.world
    fuzzed = {key[1] for key in fuzz_plan.endpoints if key[0] == "POST"}
    posts = {case.name for case in world.url_cases() if case.methods == ("POST",)}
    assert posts <= fuzzed, sorted(posts - fuzzed)
    expected = {
        "goal_add": "huisarts_a",
        "agreement_add": "huisarts_a",
        "soep": "huisarts_a",
        "autosave": "huisarts_a",
        "service_edit": "praktijkmanager_a",
        "service_import": "praktijkmanager_a",
        "user_new": "beheerder_a",
        "login": "anonymous",
        "patient_entry_screen": "anonymous",
        "password_change": "huisarts_a",
    }
    for name, persona in expected.items():
        found = [ep for key, ep in fuzz_plan.endpoints.items() if key[:2] == ("POST", name)]
        assert found, name
        assert all(ep.fields and ep.persona == persona for ep in found), name
    assert any(key[:2] == ("GET", "service_list") for key in fuzz_plan.endpoints)


# Server errors the fuzzing found: `redirect(next)` took a `next` that is no path
# ("foo", "?x=1") for a URL name and raised NoReverseMatch.

NOT_A_PATH = pytest.mark.parametrize("target", ["foo", "?x=1"])


@NOT_A_PATH
def test_the_code_page_with_a_next_that_is_not_a_path(
    client: Client, huisarts_a: User, target: str
):
    device = TOTPDevice.objects.create(user=huisarts_a, name="authenticator", confirmed=True)
    client.post(reverse("login"), {"username": huisarts_a.email, "password": PASSWORD})
    client.raise_request_exception = False
    response = client.post(
        f"{reverse('two_factor_verify')}?{urlencode({'next': target})}",
        {"token": current_code(device)},
    )
    assert response.status_code == 302


@NOT_A_PATH
def test_confirming_the_password_with_a_next_that_is_not_a_path(huisarts_a: User, target: str):
    client = two_factor_client_for(huisarts_a)
    client.raise_request_exception = False
    response = client.post(
        f"{reverse('reauthenticate')}?{urlencode({'next': target})}", {"password": PASSWORD}
    )
    assert response.status_code == 302
