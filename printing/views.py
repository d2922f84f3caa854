"""The page that waits for a print job, and the PDF once the worker made it."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from consult.access import Actor, clinician_required
from consult.htmx import focus_next, is_htmx_swap_of
from printing.jobs import print_job_for
from printing.models import PrintJob, PrintKind, PrintStatus

STATUS_ID = "print-job-status"


@clinician_required
@require_GET
def print_job(request: HttpRequest, print_job_id: UUID) -> HttpResponse:
    """Waits for the job: htmx asks for the status every second (without JavaScript the
    page refreshes itself), then offers the PDF, or says it failed and offers to try
    again. Shows no patient data, so asking is not logged."""
    job = print_job_for(Actor.from_request(request), print_job_id)
    state = job.state(timezone.now())
    context = {
        "job": job,
        "state": state,
        "status_id": STATUS_ID,
        "is_plan": job.kind == PrintKind.PLAN,
        "retry_url": _retry_url(job),
        "back_url": reverse("patient_detail", kwargs={"patient_id": job.patient.public_id}),
    }
    if is_htmx_swap_of(request, STATUS_ID):
        response = render(request, "printing/job.html#status", context)
        # Once there is something to do, the keyboard focus goes there.
        if state == PrintStatus.READY:
            return focus_next(response, "print-job-open")
        if state == PrintStatus.FAILED:
            return focus_next(response, "print-job-retry")
        return response
    return render(request, "printing/job.html", context)


@clinician_required
@require_GET
def print_job_pdf(request: HttpRequest, print_job_id: UUID) -> HttpResponse:
    """The finished PDF, to its requester only; fetching it is logged as a read."""
    job = print_job_for(Actor.from_request(request), print_job_id, reading=True)
    if job.status != PrintStatus.READY or job.pdf is None:
        return redirect("print_job", print_job_id=job.public_id)
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{job.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


def _retry_url(job: PrintJob) -> str:
    """The print URL the job came from: asking it again queues a new job."""
    if job.kind == PrintKind.PLAN and job.consult is not None:
        return reverse("plan_pdf", kwargs={"consult_id": job.consult.public_id})
    url = reverse("patient_copy", kwargs={"patient_id": job.patient.public_id, "fmt": "pdf"})
    period = {
        name: job.options[key]
        for name, key in (("van", "since"), ("tot", "until"))
        if job.options.get(key)
    }
    return f"{url}?{urlencode(period)}" if period else url
