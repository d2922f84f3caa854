"""The printed plan: median time to make a two-page plan PDF (data, template and
WeasyPrint), beside WeasyPrint alone on the same HTML, interleaved in the same run.
Fails when the app's own share (data and template) reaches 30% of the total."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import consenting_patient  # sets Django up before anything else

# isort: split
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
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


def main() -> int:
    from consult.documents import BASE_URL, STATIC_PREFIX, StaticOnlyFetcher, render_pdf
    from consult.plan_document import plan_document

    translation.activate("nl")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        consult = build_consult()
        today = timezone.localdate()

        def whole() -> bytes:
            return render_pdf("documents/plan.html", {"doc": plan_document(consult, today=today)})

        html = render_to_string(
            "documents/plan.html",
            {"doc": plan_document(consult, today=today), "static_base": STATIC_PREFIX},
        )

        def weasyprint_alone() -> bytes:
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
            return document.write_pdf(pdf_variant="pdf/ua-1")

        page_count = pages(whole())
        samples: dict[str, list[float]] = {"whole": [], "weasyprint": []}
        for _ in range(3):
            whole()
            weasyprint_alone()
        for _ in range(ROUNDS):
            for name, run in (("whole", whole), ("weasyprint", weasyprint_alone)):
                start = time.perf_counter()
                run()
                samples[name].append((time.perf_counter() - start) * 1000)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    total = statistics.median(samples["whole"])
    alone = statistics.median(samples["weasyprint"])
    share = max(total - alone, 0) / total
    print(
        f"database: {connection.vendor}; printed plan of {page_count} pages, {ROUNDS} rounds, interleaved"
    )
    print(f"whole print (data, template, PDF): {total:7.1f} ms median")
    print(f"WeasyPrint alone, same HTML:       {alone:7.1f} ms median")
    print(f"the app's own share:               {share:7.1%} (limit {LIMIT_SHARE:.0%})")
    if page_count != 2:
        print(f"NOTE: the plan has {page_count} pages, not two")
    if share >= LIMIT_SHARE:
        print("FAIL: data and template take 30% or more of the print")
        return 1
    print("OK: the app's own share stays under 30%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
