"""The printed plan: the time to make a two-page plan PDF as the app does (data,
template and WeasyPrint), beside WeasyPrint alone on the same HTML, interleaved.
Target: the app's own share (data and template) stays under 30% of the whole, that is
the whole at most 1/0.7 = 1.43x WeasyPrint alone."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import consenting_patient  # sets Django up before anything else

# isort: split
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from bench import harness

ROUNDS = harness.rounds(20)
LIMIT_SHARE = 0.30


def build_consult():
    from consult.access import Actor
    from consult.services.consults import consult_start
    from consult.services.plans import agreement_add, goal_add
    from consult.services.referrals import referral_create
    from models_4d.services import connection_add, entry_add
    from sociale_kaart.models import Service
    from sociale_kaart.services import service_save

    user, patient = consenting_patient(first_name="Ricardo", last_name="Bench", postcode="9992 AB")
    actor = Actor(user=user)
    consult = consult_start(actor=actor, patient=patient, model_slug="4d")
    a = entry_add(
        actor=actor, consult=consult, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    b = entry_add(
        actor=actor, consult=consult, domain="geest", kind="speelt", text="Stress en piekeren"
    )
    c = entry_add(actor=actor, consult=consult, domain="lichaam", kind="speelt", text="Hoofdpijn")
    connection_add(actor=actor, consult=consult, cause=a, effect=b)
    connection_add(actor=actor, consult=consult, cause=b, effect=c)
    service = Service(
        service_map=patient.practice.own_map,
        name="Schuldhulp Zonnedal",
        description="Hulp bij schulden.",
        serves_whole_region=True,
        phone="0501112233",
    )
    service_save(service=service, themes=["geld-en-schulden"], user=None, change="created")
    for number, text in enumerate(["Van mijn schulden af", "Weer goed slapen"]):
        goal = goal_add(actor=actor, consult=consult, text=text, domain="4d:maatschappelijk")
        agreement_add(
            actor=actor, consult=consult, goal=goal, what=f"Elke week een kleine stap ({number})"
        )
        agreement_add(
            actor=actor,
            consult=consult,
            goal=goal,
            what="Samen met de POH bespreken",
            who_kind="professional",
            who_name="POH-S",
        )
        if number == 0:
            referral_create(actor=actor, consult=consult, service=service, goal=goal)
    return consult


def pages(pdf: bytes) -> int:
    info = subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def measure() -> None:
    from consult.documents import BASE_URL, PDF_OPTIONS, STATIC_PREFIX, StaticOnlyFetcher
    from consult.plan_document import plan_document
    from printing.documents import plan_pdf

    translation.activate("nl")
    consult = build_consult()
    today = timezone.localdate()

    def whole() -> bytes:
        return plan_pdf(consult, today=today)

    html = render_to_string(
        "documents/plan.html",
        {"doc": plan_document(consult, today=today), "static_base": STATIC_PREFIX},
    )

    def weasyprint_alone() -> bytes:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(**PDF_OPTIONS)

    page_count = pages(whole())
    if page_count != 2:
        harness.note(f"NOTE: the printed plan has {page_count} pages, not two")
    harness.measure_pair(
        "printed_plan",
        whole,
        "weasyprint_alone",
        weasyprint_alone,
        ROUNDS,
        warmup=3,
        target_ratio=round(1 / (1 - LIMIT_SHARE), 2),
        target_note="the app's own share (data and template) under 30%",
        extra={"pages": page_count},
    )


def measure_all() -> None:
    with harness.bench_database():
        measure()


if __name__ == "__main__":
    sys.exit(harness.main(["printed_plan"], measure_all))
