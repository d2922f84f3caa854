"""Two hands at once: a double click on "Gesprek starten", two goals added together,
consent recorded twice. Fired at a real, threaded server on its own database (a
SQLite file, or a PostgreSQL database of its own when the suite runs on PostgreSQL),
every request gets an answer, never a server error, and the data stays whole."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from bench.load.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
HANDS = 8

SETUP = """
import json
from datetime import date
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from consult.access import Actor
from consult.models import Consent, Patient, Practice, Role, User
from consult.services.consults import consult_start

practice = Practice.objects.create(name="Praktijk Gelijktijdig", phone="0501234567")
user = User.objects.create_user(
    email="twee@handen.example", password="een-lang-wachtwoord-2026",
    full_name="Twee Handen", practice=practice, role=Role.HUISARTS,
    confirmed_at=timezone.now(),
)
consenting = Patient.objects.create(
    practice=practice, first_name="Met", last_name="Toestemming",
    date_of_birth=date(1970, 1, 1), his_number="1",
)
Consent.objects.create(patient=consenting, given_on=date(2026, 1, 1), given_to=user, recorded_by=user)
without = Patient.objects.create(
    practice=practice, first_name="Zonder", last_name="Toestemming",
    date_of_birth=date(1970, 1, 1), his_number="2",
)
consult = consult_start(actor=Actor(user=user), patient=consenting, model_slug="4d")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "account_security.request_user.Backend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(json.dumps({
    "session": session.session_key, "consenting": str(consenting.public_id),
    "without": str(without.public_id), "consult": str(consult.public_id), "user": str(user.pk),
}))
"""

COUNTS = """
import json
from consult.models import Consent, Consult, Goal, Patient
print(json.dumps({
    "consults": Consult.objects.count(),
    "goals": Goal.objects.count(),
    "consents": Consent.objects.filter(patient__his_number="2").count(),
}))
"""


@dataclass
class Server:
    url: str
    env: dict[str, str]
    ids: dict[str, str]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def counts(self) -> dict[str, int]:
        return json.loads(self.manage("shell", "-c", COUNTS).strip().splitlines()[-1])


def database_url(tmp_path: Path) -> tuple[str, str | None]:
    """A database of this test's own, like the suite's: PostgreSQL when the suite runs
    on it, else a SQLite file."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.postgresql":
        name = f"bg_concurrency_{os.getpid()}"
        host, port, user = default["HOST"] or "127.0.0.1", default["PORT"] or 5432, default["USER"]
        subprocess.run(["createdb", "-h", host, "-p", str(port), "-U", user, name], check=True)
        return f"postgres://{user}@{host}:{port}/{name}", name
    return f"sqlite:///{tmp_path / 'concurrency.sqlite3'}", None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    url, pg_name = database_url(tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        # Two-factor login may be off only in development (DEBUG): these requests are
        # about concurrent writes, not about logging in.
        "DEBUG": "true",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TWO_FACTOR_REQUIRED": "false",
        "SECRET_KEY": "concurrency-test-only",
        "DB_CONN_MAX_AGE": "0",
    }
    running = Server(url=f"http://127.0.0.1:{port}", env=env, ids={})
    process = None
    try:
        running.manage("migrate", "--noinput", "-v0")
        running.ids = json.loads(running.manage("shell", "-c", SETUP).strip().splitlines()[-1])
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{running.url}/healthz", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        yield running
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        if pg_name:
            default = settings.DATABASES["default"]
            subprocess.run(
                ["dropdb", "-h", default["HOST"] or "127.0.0.1", "-U", default["USER"], pg_name],
                check=False,
            )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def post_at_once(server: Server, path: str, data: dict[str, str]) -> list[int]:
    """POST the same form from HANDS threads released together; their status codes."""
    token = "a" * 32
    cookie = f"sessionid={server.ids['session']}; csrftoken={token}"
    body = urllib.parse.urlencode(data).encode()
    opener = urllib.request.build_opener(NoRedirect)
    start = threading.Barrier(HANDS)
    statuses: list[int] = []

    def hand() -> None:
        request = urllib.request.Request(
            server.url + path,
            data=body,
            headers={
                "Cookie": cookie,
                "X-CSRFToken": token,
                "Referer": server.url + "/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        start.wait()
        try:
            statuses.append(opener.open(request, timeout=60).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=hand) for _ in range(HANDS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db
def test_two_hands_at_once_never_get_a_server_error(server):
    ids = server.ids
    started = post_at_once(
        server, f"/patienten/{ids['consenting']}/consulten/", {"model_slug": "4d"}
    )
    goals = post_at_once(
        server,
        f"/consulten/{ids['consult']}/plan/doelen/",
        {"new-goal-text": "Rust in mijn hoofd", "new-goal-domain": ""},
    )
    consents = post_at_once(
        server,
        f"/patienten/{ids['without']}/toestemming/",
        {"given_on": "2026-01-01", "given_to": ids["user"]},
    )
    assert started == [302] * HANDS
    assert goals == [302] * HANDS
    assert sorted(consents) == [302] + [400] * (HANDS - 1)
    counts = server.counts()
    assert counts == {"consults": 1 + HANDS, "goals": HANDS, "consents": 1}
