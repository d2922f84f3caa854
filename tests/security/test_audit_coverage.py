"""Audit coverage (issue 13, point 8): every URL that touches patient data leaves an
audit record (NEN 7513) naming the patient when the treating huisarts uses it, and a
refusal record when a huisarts of another practice tries.

A URL touches patient data when it names a patient or a consult (patient_id,
consult_id), opens the patient's own entry (a token), reads a consult by its query
string (the sociale kaart opened to refer), or lists patients (the patient list and
search, the referral follow-up and the evaluations due). Pages are requested with GET;
a URL that only takes POST gets the body with which it succeeds (World.valid_post).

Every request runs in a savepoint that is rolled back, after its audit records are
counted. URLs that leave no record today are listed in KNOWN_UNAUDITED and
KNOWN_UNREFUSED: each is a strict xfail, so the test flips when the app is fixed.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db.models import Max
from django.test import Client

from consult.models import AuditEvent, AuditOutcome, User
from consult.views.audit_review import audit_object_labels
from tests.security.world import UrlCase, World, rolled_back

pytestmark = pytest.mark.django_db

# URLs without a patient in their kwargs that list patients: they log each patient shown.
PATIENT_LISTS = frozenset({"patient_list", "referral_follow_up", "evaluations_due"})

# URL case keys that leave no audit record naming the patient when the treating
# huisarts uses them: app bugs, reported. Remove an entry when the app is fixed (the
# test says so).
KNOWN_UNAUDITED: dict[str, str] = {}

# URL case keys whose refusal to huisarts_b leaves no REFUSED record.
KNOWN_UNREFUSED: dict[str, str] = {}


@dataclass(frozen=True)
class Outcome:
    status: int
    audited: bool  # a record naming the patient (allowed), or a refusal (refused)
    error: str = ""
    object_types: frozenset[str] = frozenset()  # of the records the request left


@dataclass(frozen=True)
class Coverage:
    cases: dict[str, UrlCase]
    allowed: dict[str, Outcome]  # as the treating huisarts of A
    refused: dict[str, Outcome]  # as huisarts_b, for the URLs that name the patient


def touches_patient_data(case: UrlCase) -> bool:
    return case.patient_public_id is not None or case.name in PATIENT_LISTS


def _method(case: UrlCase) -> str:
    return "GET" if "GET" in case.methods else "POST"


def _last_audit_id() -> int:
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _request(client: Client, world: World, case: UrlCase, *, persona: str) -> Outcome:
    """Request the case as the persona in a savepoint, and look for its audit record
    before the savepoint is rolled back."""
    cookies = client.cookies
    client.cookies = type(cookies)()
    client.cookies.update(cookies)
    try:
        with rolled_back():
            before = _last_audit_id()
            try:
                if _method(case) == "GET":
                    response = client.get(case.path)
                else:
                    response = client.post(case.path, world.valid_post(case))
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
            except Exception as error:  # reported with the URL
                return Outcome(500, False, f"{type(error).__name__}: {error}")
            new = AuditEvent.objects.filter(id__gt=before)
            user = world.personas[persona]
            if persona == "huisarts_b":
                audited = new.filter(user=user, outcome=AuditOutcome.REFUSED).exists()
            elif case.name.startswith("patient_entry"):
                audited = new.filter(patient_id=world.patient.public_id, role="patient").exists()
            else:
                audited = new.filter(
                    patient_id=world.patient.public_id, user=user, outcome=AuditOutcome.ALLOWED
                ).exists()
            types = frozenset(new.values_list("object_type", flat=True))
            return Outcome(response.status_code, audited, object_types=types)
    finally:
        client.cookies = cookies


@pytest.fixture(scope="module")
def coverage(security_world: World) -> Coverage:
    world = security_world
    cases = {case.key: case for case in world.url_cases() if touches_patient_data(case)}
    huisarts, outsider, anonymous = (
        world.client_for("huisarts_a"),
        world.client_for("huisarts_b"),
        world.client_for("anonymous"),
    )
    allowed: dict[str, Outcome] = {}
    refused: dict[str, Outcome] = {}
    for key, case in cases.items():
        if case.name.startswith("patient_entry"):
            # The patient's own pages: the patient, without an account, opens them.
            allowed[key] = _request(anonymous, world, case, persona="anonymous")
            continue
        allowed[key] = _request(huisarts, world, case, persona="huisarts_a")
        if case.has_patient_kwargs or case.variant.endswith("refer"):
            refused[key] = _request(outsider, world, case, persona="huisarts_b")
    return Coverage(cases=cases, allowed=allowed, refused=refused)


def _describe(coverage: Coverage, key: str, outcome: Outcome) -> str:
    case = coverage.cases[key]
    detail = outcome.error or f"answer {outcome.status}"
    return f"{key}: {_method(case)} {case.path} ({detail})"


def _missing(coverage: Coverage, results: dict[str, Outcome]) -> Iterator[str]:
    for key, outcome in sorted(results.items()):
        if not outcome.audited or outcome.status >= 500:
            yield key


def test_the_world_has_patient_urls(coverage: Coverage) -> None:
    """The selection cannot silently shrink to nothing."""
    assert {"patient_detail", "patient_list", "consult_detail[4d]", "autosave[goal]"} <= set(
        coverage.allowed
    )
    assert len(coverage.refused) > 40


def test_every_patient_url_leaves_an_audit_record(coverage: Coverage) -> None:
    missing = [key for key in _missing(coverage, coverage.allowed) if key not in KNOWN_UNAUDITED]
    assert not missing, (
        "These URLs touch patient data but left no audit record naming the patient when the "
        "treating huisarts used them:\n"
        + "\n".join(_describe(coverage, key, coverage.allowed[key]) for key in missing)
    )


def test_every_refusal_leaves_an_audit_record(coverage: Coverage) -> None:
    missing = [key for key in _missing(coverage, coverage.refused) if key not in KNOWN_UNREFUSED]
    assert not missing, (
        "These URLs refused huisarts_b (another practice) without a REFUSED audit record:\n"
        + "\n".join(_describe(coverage, key, coverage.refused[key]) for key in missing)
    )


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=why))
        for key, why in sorted(KNOWN_UNAUDITED.items())
    ],
)
def test_known_unaudited_url(coverage: Coverage, key: str) -> None:
    """Fails (as expected) while the app leaves no record; passes, and so fails the
    strict xfail, once it does: then remove the entry from KNOWN_UNAUDITED."""
    assert key in coverage.allowed, f"{key} is no longer a URL that touches patient data"
    assert coverage.allowed[key].audited


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=why))
        for key, why in sorted(KNOWN_UNREFUSED.items())
    ],
)
def test_known_unrefused_url(coverage: Coverage, key: str) -> None:
    assert key in coverage.refused, f"{key} is no longer a URL that names the patient"
    assert coverage.refused[key].audited


def test_known_lists_are_current(coverage: Coverage) -> None:
    """Every entry of the known lists is still a URL case, so none lingers unnoticed."""
    stale = sorted(set(KNOWN_UNAUDITED) - set(coverage.allowed)) + sorted(
        set(KNOWN_UNREFUSED) - set(coverage.refused)
    )
    assert not stale, f"Entries for URLs that are no longer there: {stale}"


def test_a_user_for_every_persona(security_world: World) -> None:
    assert all(
        isinstance(user, User)
        for name, user in security_world.personas.items()
        if name != "anonymous"
    )


def test_the_reviewer_reads_every_kind_of_record_in_words(coverage: Coverage) -> None:
    """The Logboek showed codes such as "kop_intervention" and "4d_connection" for the
    records of the conversation models."""
    labels = audit_object_labels()
    seen = {kind for outcome in coverage.allowed.values() for kind in outcome.object_types}
    assert {"4d_connection", "kop_intervention", "emboss_mark", "web_dimension"} <= seen
    unlabelled = sorted(kind for kind in seen if kind not in labels)
    assert not unlabelled, ", ".join(unlabelled)
