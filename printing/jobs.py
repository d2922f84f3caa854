"""Print jobs from the web request's side: queue one for the worker, find one for the
professional who asked for it, and delete the expired ones."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, AuditOutcome, Consult, Patient
from printing.models import JOB_KEPT, PrintJob, PrintKind, PrintStatus
from printing.tasks import render_print_job


def print_job_start(
    *,
    actor: Actor,
    kind: PrintKind,
    patient: Patient,
    consult: Consult | None = None,
    options: dict[str, Any],
    file_name: str,
) -> PrintJob:
    """Queue a PDF for the worker. Call it in the transaction that writes the print's
    audit record: the job, its task and the record are committed together. Expired
    jobs are deleted on the way."""
    now = timezone.now()
    print_jobs_prune(now)
    job = PrintJob.objects.create(
        practice_id=actor.user.practice_id,
        requested_by=actor.user,
        patient=patient,
        consult=consult,
        kind=kind,
        options=options,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=file_name,
        created_at=now,
        expires_at=now + JOB_KEPT,
    )
    render_print_job.enqueue(str(job.public_id))
    return job


def print_jobs_prune(now: datetime | None = None) -> int:
    """Delete the jobs past their time, with their PDFs; how many."""
    deleted, _per_model = PrintJob.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def print_job_for(actor: Actor, print_job_id: UUID, *, reading: bool = False) -> PrintJob:
    """The job, if the actor asked for it and it has not expired; 404 for anyone else,
    a colleague of the same practice too. Fetching the finished PDF (`reading`) reads
    the patient's data and is logged, naming what the print's own record names (the
    plan, or the patient's record); a refusal is logged always, naming the patient
    when the job exists."""
    jobs = PrintJob.objects.select_related("patient", "consult")
    if not reading:
        jobs = jobs.defer("pdf")
    found = (
        jobs.filter(
            public_id=print_job_id,
            requested_by=actor.user,
            practice_id=actor.user.practice_id,
            expires_at__gt=timezone.now(),
        ).first()
        if actor.user.is_clinician
        else None
    )
    if found is None:
        audit_log(
            actor=actor,
            action=AuditAction.READ,
            object_type="print_job",
            object_id=str(print_job_id),
            patient_id=PrintJob.objects.filter(public_id=print_job_id)
            .values_list("patient__public_id", flat=True)
            .first(),
            outcome=AuditOutcome.REFUSED,
        )
        raise Http404
    if reading and found.status == PrintStatus.READY:
        object_type, object_id = _printed_object(found)
        audit_log(
            actor=actor,
            action=AuditAction.READ,
            object_type=object_type,
            object_id=object_id,
            patient_id=found.patient.public_id,
            details={"print_job": str(found.public_id)},
        )
    return found


def _printed_object(job: PrintJob) -> tuple[str, str]:
    """What the PDF shows, as the print's audit record names it."""
    if job.kind == PrintKind.PLAN and job.consult is not None:
        return "plan", str(job.consult.public_id)
    return "patient_record", str(job.patient.public_id)
