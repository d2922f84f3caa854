"""Printing in a worker (issue 14, point 6): with PRINT_IN_WORKER the print URL queues a
job, `manage.py db_worker` renders it, and the PDF waits in the database for the one
professional who asked, for an hour. Without it the request renders the PDF itself.

The worker runs for real: in this process through `call_command("db_worker", "--batch")`,
and once as a process of its own on the committed test database."""

import datetime
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from consult.access import Actor
from consult.models import AuditAction, AuditEvent, AuditOutcome, Consult, Patient, User
from consult.services.erasure import record_parts
from consult.services.plans import agreement_add, goal_add
from printing.models import PrintJob, PrintKind, PrintStatus
from tests.conftest import client_for

# The worker closes the connection between jobs (close_old_connections), as it should
# in production: so the tests commit, instead of running in a transaction it would end.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
IN_WORKER = {
    "PRINT_IN_WORKER": True,
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
}
STATUS_HEADERS = {"HX-Request": "true", "HX-Target": "print-job-status"}
FIRST_GOAL = "Ik wil weer rustig slapen"
SECOND_GOAL = "Overzicht over mijn geld"


def dutch(msgid: str) -> str:
    """The message as the Dutch screen shows it."""
    with translation.override("nl"):
        return translation.gettext(msgid)


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture
def in_worker() -> Iterator[None]:
    with override_settings(**IN_WORKER):
        yield


@pytest.fixture
def plan(huisarts_a: User, consult_4d: Consult) -> Consult:
    actor = Actor(user=huisarts_a)
    first = goal_add(actor=actor, consult=consult_4d, text=FIRST_GOAL, domain="4d:lichaam")
    goal_add(actor=actor, consult=consult_4d, text=SECOND_GOAL, domain="4d:maatschappelijk")
    agreement_add(
        actor=actor, consult=consult_4d, goal=first, what="Elke avond een half uur wandelen"
    )
    return consult_4d


def run_worker(*extra: str) -> None:
    """Run the queue's worker until the queue is empty, as `manage.py db_worker --batch`
    does; it sets its own signal handlers, which the test process gets back."""
    saved = {
        number: signal.getsignal(number)
        for number in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", signal.SIGTERM))
    }
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity=0", *extra
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def print_plan(client: Client, consult: Consult) -> PrintJob:
    response = client.get(reverse("plan_pdf", kwargs={"consult_id": consult.public_id}))
    assert response.status_code == 302, response.status_code
    job = PrintJob.objects.get()
    assert response["Location"] == reverse("print_job", kwargs={"print_job_id": job.public_id})
    return job


def job_urls(job: PrintJob) -> tuple[str, str]:
    kwargs = {"print_job_id": job.public_id}
    return reverse("print_job", kwargs=kwargs), reverse("print_job_pdf", kwargs=kwargs)


def print_records(consult: Consult) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.PRINT, object_type="plan", object_id=str(consult.public_id)
        )
    )


# -- The setting off: the request renders, as always ---------------------------------


def test_without_the_setting_the_print_url_answers_with_the_pdf_itself(huisarts_a, plan):
    response = client_for(huisarts_a).get(
        reverse("plan_pdf", kwargs={"consult_id": plan.public_id})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="mijn-plan.pdf"'
    assert FIRST_GOAL in pdf_text(response.content)
    assert len(print_records(plan)) == 1
    assert not PrintJob.objects.exists()
    assert not DBTaskResult.objects.exists()


# -- The setting on: queued, rendered by the worker, fetched once ready --------------


def test_a_print_is_queued_rendered_by_the_worker_and_then_offered(in_worker, huisarts_a, plan):
    client = client_for(huisarts_a)
    job = print_plan(client, plan)
    page_url, pdf_url = job_urls(job)

    assert (job.kind, job.status, job.requested_by, job.practice) == (
        PrintKind.PLAN,
        PrintStatus.PENDING,
        huisarts_a,
        huisarts_a.practice,
    )
    assert job.expires_at - job.created_at == datetime.timedelta(hours=1)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "printing.tasks.render_print_job"
    assert queued.args_kwargs == {"args": [str(job.public_id)], "kwargs": {}}
    # The print is recorded once, by the request that asked for it.
    assert len(print_records(plan)) == 1

    waiting = client.get(page_url)
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert dutch("The plan is being made…") in page
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "no-store" in waiting["Cache-Control"]
    assert FIRST_GOAL not in page
    still_waiting = client.get(page_url, headers=STATUS_HEADERS).content.decode()
    assert dutch("The plan is being made…") in still_waiting
    assert "<html" not in still_waiting
    # Before the worker made it there is nothing to fetch: back to the waiting page.
    assert client.get(pdf_url)["Location"] == page_url

    run_worker()

    job.refresh_from_db()
    assert job.status == PrintStatus.READY
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    ready = client.get(page_url, headers=STATUS_HEADERS)
    partial = ready.content.decode()
    assert dutch("The plan is ready.") in partial
    assert f'href="{pdf_url}"' in partial
    assert "hx-trigger" not in partial, "polling stops once the PDF is there"
    assert ready["Focus-Next"] == "print-job-open"

    reads_before = AuditEvent.objects.filter(action=AuditAction.READ).count()
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'inline; filename="mijn-plan.pdf"'
    assert "no-store" in download["Cache-Control"]
    text = pdf_text(download.content)
    assert "Mijn plan, Ingrid" in text
    assert text.index(FIRST_GOAL) < text.index(SECOND_GOAL)
    assert "Elke avond een half uur wandelen" in text

    # Still one print; the download is a read of the plan, naming the job.
    assert len(print_records(plan)) == 1
    read = AuditEvent.objects.filter(action=AuditAction.READ).order_by("id")[reads_before:]
    assert [(r.object_type, r.object_id, r.patient_id, r.details) for r in read] == [
        ("plan", str(plan.public_id), plan.patient.public_id, {"print_job": str(job.public_id)})
    ]


def test_the_patients_copy_is_made_by_the_worker_with_its_period(in_worker, huisarts_a, plan):
    client = client_for(huisarts_a)
    patient = plan.patient
    url = reverse("patient_copy", kwargs={"patient_id": patient.public_id, "fmt": "pdf"})
    today = timezone.localdate()
    response = client.get(url, {"van": (today - datetime.timedelta(days=7)).isoformat()})
    job = PrintJob.objects.get()
    page_url, pdf_url = job_urls(job)
    assert response["Location"] == page_url
    assert job.options == {
        "today": today.isoformat(),
        "since": (today - datetime.timedelta(days=7)).isoformat(),
        "until": None,
    }
    assert dutch("The copy for the patient is being made…") in client.get(page_url).content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditAction.PRINT, object_type="patient_record").count()
        == 1
    )

    run_worker()

    download = client.get(pdf_url)
    assert download["Content-Disposition"] == f'inline; filename="mijn-gegevens-{today}.pdf"'
    text = pdf_text(download.content)
    for expected in ("Jouw gegevens, Ingrid", FIRST_GOAL, "Wie er in je dossier keek"):
        assert expected in text
    # The JSON copy is no print: still answered at once.
    data = client.get(
        reverse("patient_copy", kwargs={"patient_id": patient.public_id, "fmt": "json"})
    )
    assert data["Content-Type"] == "application/json"
    assert PrintJob.objects.count() == 1


def test_only_the_professional_who_asked_gets_the_job(
    in_worker, huisarts_a, poh_a, huisarts_b, manager_a, plan
):
    owner = client_for(huisarts_a)
    job = print_plan(owner, plan)
    run_worker()
    page_url, pdf_url = job_urls(job)
    before = AuditEvent.objects.count()

    for colleague in (poh_a, huisarts_b):
        client = client_for(colleague)
        assert client.get(page_url).status_code == 404
        assert client.get(page_url, headers=STATUS_HEADERS).status_code == 404
        assert client.get(pdf_url).status_code == 404
        refusals = AuditEvent.objects.filter(
            id__gt=before, user=colleague, outcome=AuditOutcome.REFUSED
        )
        assert refusals.count() == 3
        assert {r.patient_id for r in refusals} == {plan.patient.public_id}
    assert client_for(manager_a).get(pdf_url).status_code == 403
    assert (
        not AuditEvent.objects.filter(id__gt=before, outcome=AuditOutcome.ALLOWED)
        .exclude(user=huisarts_a)
        .exists()
    )
    assert owner.get(pdf_url).status_code == 200


def test_expired_jobs_are_gone(in_worker, huisarts_a, plan):
    client = client_for(huisarts_a)
    job = print_plan(client, plan)
    run_worker()
    page_url, pdf_url = job_urls(job)
    assert client.get(pdf_url).status_code == 200

    PrintJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert client.get(page_url).status_code == 404
    assert client.get(pdf_url).status_code == 404

    # The next print deletes it with its PDF.
    client.get(reverse("plan_pdf", kwargs={"consult_id": plan.public_id}))
    assert not PrintJob.objects.filter(pk=job.pk).exists()
    assert PrintJob.objects.count() == 1

    # So does the command, for where printing is rare.
    PrintJob.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("prune_print_jobs", verbosity=0)
    assert not PrintJob.objects.exists()
    # A queued task whose job is gone does nothing.
    run_worker()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 0


def test_the_worker_checks_again_and_a_failure_offers_to_try_again(in_worker, huisarts_a, plan):
    """The account of the professional who asked was put in another practice while the
    job waited (a patient cannot move while a consult refers to it): the worker renders
    nothing. Put right, the page says the plan was not made and offers to print again."""
    client = client_for(huisarts_a)
    job = print_plan(client, plan)
    page_url, pdf_url = job_urls(job)
    other = type(plan.practice).objects.create(name="Huisartsenpraktijk elders")
    User.objects.filter(pk=huisarts_a.pk).update(practice=other)

    run_worker()
    User.objects.filter(pk=huisarts_a.pk).update(practice=plan.practice)

    job.refresh_from_db()
    assert (job.status, job.pdf) == (PrintStatus.FAILED, None)
    failed_task = DBTaskResult.objects.get()
    assert failed_task.status == "FAILED"
    assert failed_task.exception_class_path == "printing.tasks.PrintRefused"
    response = client.get(page_url, headers=STATUS_HEADERS)
    partial = response.content.decode()
    assert dutch("The plan could not be made.") in partial
    retry = reverse("plan_pdf", kwargs={"consult_id": plan.public_id})
    assert f'href="{retry}"' in partial
    assert response["Focus-Next"] == "print-job-retry"
    assert "hx-trigger" not in partial
    assert client.get(pdf_url)["Location"] == page_url


def test_a_requester_who_lost_access_gets_nothing_rendered(in_worker, huisarts_a, plan):
    job = print_plan(client_for(huisarts_a), plan)
    User.objects.filter(pk=huisarts_a.pk).update(confirmed_at=None)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.pdf) == (PrintStatus.FAILED, None)


def test_a_job_no_worker_picks_up_counts_as_failed_after_two_minutes(in_worker, huisarts_a, plan):
    client = client_for(huisarts_a)
    job = print_plan(client, plan)
    page_url, _pdf_url = job_urls(job)
    PrintJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    page = client.get(page_url).content.decode()
    assert dutch("The plan could not be made.") in page
    assert dutch("Try again") in page
    assert "hx-trigger" not in page
    assert "http-equiv" not in page


def test_the_load_tests_printer_reads_the_job_page_as_it_is(in_worker, huisarts_a, plan):
    """`make load` with LOAD_PRINT_IN_WORKER follows a print job with these helpers of
    bench/load/scenario.py: a changed job page fails here, not in the next load run."""
    from bench.load import scenario

    client = client_for(huisarts_a)
    queued = client.get(scenario.plan_pdf_url(str(plan.public_id)))
    assert queued.status_code == 302
    job_url = queued["Location"]

    def state() -> str:
        answer = client.get(job_url, headers=scenario.PRINT_STATUS_SWAP)
        assert answer.status_code == 200
        return scenario.print_job_state(answer.content.decode())

    assert state() == "pending"
    run_worker()
    assert state() == "ready"
    pdf = client.get(scenario.print_job_pdf_url(job_url))
    assert pdf["Content-Type"] == "application/pdf"
    assert FIRST_GOAL in pdf_text(pdf.content)

    PrintJob.objects.update(status=PrintStatus.FAILED, pdf=None)
    assert state() == "failed"


def test_erasing_the_patient_deletes_their_jobs_and_a_print_is_no_change(
    in_worker, huisarts_a, plan
):
    job = print_plan(client_for(huisarts_a), plan)
    run_worker()
    assert PrintJob not in {part.model for part in record_parts()}
    Patient.objects.get(pk=plan.patient_id).delete()
    assert not PrintJob.objects.filter(pk=job.pk).exists()


# -- The worker as a process of its own ----------------------------------------------


def database_url() -> str:
    """The URL of the test database, for a process of its own."""
    database: dict[str, Any] = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] or ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "localhost"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


def test_the_worker_process_renders_what_the_web_request_queued(in_worker, huisarts_a, plan):
    client = client_for(huisarts_a)
    job = print_plan(client, plan)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PRINT_IN_WORKER": "true",
        "DEBUG": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    job.refresh_from_db()
    assert job.status == PrintStatus.READY
    _page_url, pdf_url = job_urls(job)
    assert FIRST_GOAL in pdf_text(client.get(pdf_url).content)
