"""What the load test's users send, without locust: the login with password and the
authenticator's code, the autosave of a field as the page's htmx posts it, the step
partials, the printed plan and the sociale kaart pages. locustfile.py sends these with
locust; tests/test_load_tool.py sends the same through Django's test client, so a
changed URL or form field fails a test instead of the next load run.

Imports nothing of Django's settings: locust's process does not set Django up."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django_otp.oath import TOTP

LOGIN_PATH = "/inloggen/"
CODE_PATH = "/inloggen/code/"
KAART_PATH = "/sociale-kaart/"

# The manager's searches: text only, text with three filters (bench/search.py's), a typo.
KAART_SEARCHES = {
    "kaart: search": {"q": "schulden"},
    "kaart: search filtered": {
        "q": "schulden",
        "theme": "geld-en-schulden",
        "postcode": "9992 AB",
        "costs": "gratis",
    },
    "kaart: search typo": {"q": "schuldn"},
}

HTMX = {"HX-Request": "true"}
STEP_SWAP = {**HTMX, "HX-Target": "step"}
# With PRINT_IN_WORKER the print URL queues a job and sends the browser to its page,
# whose status htmx asks for every second until the worker made the PDF.
PRINT_STATUS_SWAP = {**HTMX, "HX-Target": "print-job-status"}
PRINT_POLL_S = 1.0

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


@dataclass
class Editable:
    """One field of a record the professional types in, with the version and value
    the page last knew the server to have."""

    kind: str  # the autosave kind: "4d_entry", "4d_sheet", ...
    record_id: str
    field: str
    version: int
    value: str
    max_length: int = 200


@dataclass
class Account:
    role: str  # "professional", "printer" or "manager"
    email: str
    password: str
    totp_key: str  # the authenticator's secret, hex, as TOTPDevice.key stores it
    consult: str = ""
    model: str = ""  # the consult's conversation model: "4d", "spinnenweb", ...
    steps: list[str] = field(default_factory=list)  # its model's steps, in order
    editables: list[Editable] = field(default_factory=list)
    services: list[str] = field(default_factory=list)


def accounts_to_json(accounts: list[Account]) -> str:
    return json.dumps(
        [
            {**account.__dict__, "editables": [e.__dict__ for e in account.editables]}
            for account in accounts
        ],
        indent=1,
    )


def load_accounts(path: str | Path) -> dict[str, list[Account]]:
    """The seeded accounts per role, from seed.py's file."""
    return load_accounts_from_json(Path(path).read_text(encoding="utf-8"))


def load_accounts_from_json(text: str) -> dict[str, list[Account]]:
    by_role: dict[str, list[Account]] = {}
    for item in json.loads(text):
        editables = [Editable(**e) for e in item.pop("editables")]
        account = Account(**item, editables=editables)
        by_role.setdefault(account.role, []).append(account)
    return by_role


def csrf_from_html(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF_INPUT.search(html)
    if match is None:
        raise ValueError("no csrfmiddlewaretoken on the page")
    return match.group(1)


def totp_code(key_hex: str, at: float | None = None) -> str:
    """The six digits the professional's authenticator app shows (now, or at `at`)."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def login_form(account: Account, csrf: str) -> dict[str, str]:
    return {"username": account.email, "password": account.password, "csrfmiddlewaretoken": csrf}


def code_form(account: Account, csrf: str, at: float | None = None) -> dict[str, str]:
    return {"token": totp_code(account.totp_key, at), "csrfmiddlewaretoken": csrf}


def step_partial_name(model: str) -> str:
    """The load report's name for a step partial of the model ("step partial: kop")."""
    return f"step partial: {model}"


def workspace_url(consult: str) -> str:
    return f"/consulten/{consult}/"


def step_url(consult: str, slug: str) -> str:
    return f"/consulten/{consult}/stap/{slug}/"


def plan_pdf_url(consult: str) -> str:
    return f"/consulten/{consult}/mijn-plan.pdf"


def print_job_pdf_url(job_url: str) -> str:
    """The finished PDF of the print job whose page is at `job_url`."""
    return f"{job_url.rstrip('/')}.pdf"


def print_job_state(html: str) -> str:
    """ "ready", "failed" or "pending", as the job page's status says it."""
    if 'id="print-job-open"' in html:
        return "ready"
    if 'id="print-job-retry"' in html:
        return "failed"
    return "pending"


def autosave_url(consult: str, editable: Editable) -> str:
    return f"/consulten/{consult}/bewaar/{editable.kind}/{editable.record_id}/"


def kaart_search_url(params: dict[str, str]) -> str:
    return f"{KAART_PATH}?{urlencode(params)}"


def service_url(service: str) -> str:
    return f"{KAART_PATH}{service}/"


def typed(value: str, keystrokes: int, max_length: int) -> str:
    """The field's text after a few more words: what autosave.js posts after a pause
    in typing. Starts over when the field would grow past its limit."""
    words = ("en", "ook", "soms", "slecht", "slapen", "zorgen", "werk", "geld", "moe")
    grown = f"{value} {words[keystrokes % len(words)]}".strip()
    return grown if len(grown) <= max_length else words[keystrokes % len(words)]


def autosave_form(editable: Editable, new_value: str) -> dict[str, Any]:
    """The POST of one field as autosave.js sends it: the value, the version the page
    saw, and the field's base (the value the page last knew the server to have)."""
    prefix = editable.record_id
    return {
        f"{prefix}-{editable.field}": new_value,
        f"{prefix}-version": str(editable.version),
        f"base:{prefix}-{editable.field}": editable.value,
    }


def autosave_headers(csrf: str) -> dict[str, str]:
    return {**HTMX, "X-CSRFToken": csrf}


def saved(editable: Editable, new_value: str) -> None:
    """The server stored it: the page's next post carries the next version."""
    editable.version += 1
    editable.value = new_value
