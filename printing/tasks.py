"""The worker's side of a print job: `manage.py db_worker` runs `render_print_job` when
PRINT_IN_WORKER is on (Django's tasks framework, queue kept by django-tasks-db)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.tasks import task
from django.utils import timezone, translation

from consult.models import Consult, Patient
from printing import documents
from printing.models import PrintJob, PrintKind, PrintStatus


class PrintRefused(Exception):
    """The job may not be rendered: its requester may no longer see this patient."""


@task
def render_print_job(job_id: str) -> None:
    """Render the job's PDF and keep it in the job. The task's argument is the job's
    public id only (the queue stores arguments as JSON): the patient's data is read
    here, within the practice of the professional who asked, whose access is checked
    again, since they may have lost it while the job waited."""
    now = timezone.now()
    job = (
        PrintJob.objects.select_related("requested_by")
        .filter(public_id=UUID(job_id), status=PrintStatus.PENDING, expires_at__gt=now)
        .first()
    )
    if job is None:
        return  # expired and deleted, or made already
    try:
        with translation.override(job.language):
            pdf = _render(job)
    except BaseException:
        PrintJob.objects.filter(pk=job.pk, status=PrintStatus.PENDING).update(
            status=PrintStatus.FAILED, finished_at=timezone.now()
        )
        raise
    PrintJob.objects.filter(pk=job.pk, status=PrintStatus.PENDING).update(
        status=PrintStatus.READY, pdf=pdf, finished_at=timezone.now()
    )


def _render(job: PrintJob) -> bytes:
    user = job.requested_by
    if not (user.is_active and user.is_clinician and user.practice_id == job.practice_id):
        raise PrintRefused(f"Print job {job.public_id}: its requester may not see patient data")
    patient = Patient.objects.for_practice(job.practice_id).filter(pk=job.patient_id).first()
    if patient is None:
        raise PrintRefused(f"Print job {job.public_id}: the patient is not of the practice")
    options: dict[str, Any] = job.options
    today = date.fromisoformat(options["today"])
    if job.kind == PrintKind.PLAN:
        consult = (
            Consult.objects.select_related("patient")
            .filter(pk=job.consult_id or 0, practice_id=job.practice_id, patient=patient)
            .first()
        )
        if consult is None:
            raise PrintRefused(f"Print job {job.public_id}: the consult is not of the patient")
        return documents.plan_pdf(consult, today=today)
    if job.kind == PrintKind.PATIENT_COPY:
        return documents.patient_copy_pdf(
            patient,
            since=_date_or_none(options.get("since")),
            until=_date_or_none(options.get("until")),
            today=today,
        )
    raise PrintRefused(f"Print job {job.public_id}: unknown kind {job.kind!r}")


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
