"""The patient's timeline: the patient page of someone with 30 consults of all four
models over two years (8 4D, 8 spider webs, 8 KOP sessions in one trajectory, 6
EMBOSS cycles, with the data their summaries and trend charts show), beside the same
page, through the same view, of a patient of the same practice without consults,
interleaved. Through the real view and middleware, logged in with both factors.

Target: at most 2x the page without consults: the history may cost as much as
everything else on the page together, not more (its number of queries does not grow
with it; the rows and the trend charts do)."""

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import consenting_patient, logged_in_client  # sets Django up first

# isort: split
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from bench import harness

if TYPE_CHECKING:
    from consult.access import Actor
    from consult.models import Patient

ROUNDS = harness.rounds(200)
BUDGET_S = 60.0
TARGET_RATIO = 2.0
PLAN = {"4d": 8, "spinnenweb": 8, "kop": 8, "emboss": 6}  # 30 consults


def build_history(actor: "Actor", patient: "Patient") -> None:
    """30 consults through the services, then spread over two years, oldest first."""
    from consult.models import Consult
    from consult.services.consults import consult_start
    from consult.services.plans import goal_add
    from emboss import services as emboss
    from emboss.models import CardMark
    from kop import services as kop
    from kop.models import Complaint
    from models_4d.services import connection_add, entry_add
    from spinnenweb import services as spinnenweb
    from spinnenweb.models import Web, WebDimension

    started: list[Consult] = []
    for n in range(PLAN["4d"]):
        consult = consult_start(actor=actor, patient=patient, model_slug="4d")
        entries = [
            entry_add(actor=actor, consult=consult, domain=domain, kind=kind, text=text)
            for domain, kind, text in (
                ("lichaam", "speelt", f"Hoofdpijn ({n})"),
                ("lichaam", "speelt", "Slecht slapen"),
                ("geest", "speelt", "Somber, veel piekeren"),
                ("sociaal", "helpt", "Mijn zus luistert"),
                ("maatschappelijk", "speelt", "Schulden"),
                ("maatschappelijk", "helpt", "Werk als chauffeur"),
            )
        ]
        connection_add(actor=actor, consult=consult, cause=entries[4], effect=entries[2])
        connection_add(actor=actor, consult=consult, cause=entries[2], effect=entries[0])
        started.append(consult)
    for n in range(PLAN["spinnenweb"]):
        consult = consult_start(actor=actor, patient=patient, model_slug="spinnenweb")
        web = spinnenweb.web_of(consult)
        for index, dimension in enumerate(WebDimension.objects.filter(web=web)):
            dimension.score = 3 + (n + index) % 6
            dimension.talk = index == n % 6
            dimension.save()
        started.append(consult)
    previous = None
    for n in range(PLAN["kop"]):
        consult = consult_start(actor=actor, patient=patient, model_slug="kop", continues=previous)
        if previous is None:
            for number in range(4):
                kop.complaint_add(
                    actor=actor, consult=consult, text=f"Klacht {number}", severity=8 - number
                )
        else:
            for number, complaint in enumerate(Complaint.objects.filter(consult=consult)):
                complaint.severity = max(1, 8 - number - n // 2)
                complaint.save(update_fields=["severity"])
        started.append(consult)
        previous = consult
    previous = None
    for n in range(PLAN["emboss"]):
        consult = consult_start(
            actor=actor, patient=patient, model_slug="emboss", continues=previous
        )
        card = emboss.card_of(consult)
        for index, mark in enumerate(CardMark.objects.filter(card=card)):
            mark.state = ("goed", "zorgen", "")[(n + index) % 3]
            mark.matters_most = index == n % 7
            mark.save()
        for number in range(2):
            goal = goal_add(
                actor=actor, consult=consult, text=f"Doel {n}.{number}", domain="emboss:mensen"
            )
            evaluation = emboss.evaluation_of(consult, goal)
            evaluation.outcome = "deels" if number else ""
            evaluation.score = None if number else (n % 3) - 1
            evaluation.save()
        started.append(consult)
        previous = consult
    # Oldest first, about three weeks apart, the last a few days ago.
    today = timezone.now()
    for index, consult in enumerate(started):
        when = today - timedelta(days=3 + 24 * (len(started) - 1 - index))
        Consult.objects.filter(pk=consult.pk).update(started_at=when)
        Web.objects.filter(consult=consult).update(filled_on=when.date())


def measure() -> None:
    from consult.access import Actor
    from consult.models import Consent, Patient

    user, patient = consenting_patient()
    actor = Actor(user=user, client_address="127.0.0.1")
    build_history(actor, patient)
    assert patient.consults.count() == sum(PLAN.values())
    other = Patient.objects.create(
        practice=patient.practice,
        first_name="Zonder",
        last_name="Consulten",
        date_of_birth=date(1980, 2, 2),
        his_number="2",
    )
    Consent.objects.create(
        patient=other, given_on=date(2026, 1, 1), given_to=user, recorded_by=user
    )
    client = logged_in_client(user)
    url = reverse("patient_detail", kwargs={"patient_id": patient.public_id})
    other_url = reverse("patient_detail", kwargs={"patient_id": other.public_id})

    def with_history() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def without() -> None:
        response = client.get(other_url)
        assert response.status_code == 200, response.status_code

    page = client.get(url).content.decode()
    harness.measure_pair(
        "timeline_30_consults",
        with_history,
        "patient_page_no_consults",
        without,
        ROUNDS,
        target_ratio=TARGET_RATIO,
        budget_s=BUDGET_S,
        min_rounds=20,
        extra={"consults": sum(PLAN.values()), "trend_charts": page.count("<svg")},
    )


def measure_all() -> None:
    with harness.bench_database(), override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        measure()


if __name__ == "__main__":
    sys.exit(harness.main(["timeline_30_consults"], measure_all))
