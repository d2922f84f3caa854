from datetime import date
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consult.access import Actor, clinician_required, get_consult_for, get_patient_for
from consult.audit import audit_consult_change, audit_log
from consult.models import AuditAction, Consult
from consult.patient_copy import patient_record
from consult.services.consults import consult_confirm_icpc
from consult.soep import MAX_CHARS, parse_codes, soep_for
from consult.views.banner import banner_context
from printing import documents as printed
from printing.jobs import print_job_start
from printing.models import PrintKind


@clinician_required
def plan_pdf(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """The patient's plan as a PDF, made on request and never stored; the print is
    recorded in the audit trail. With PRINT_IN_WORKER the worker makes it instead, and
    the request goes on to the page that waits for it (printing.views)."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id, log_read=False, tried=AuditAction.PRINT)
    today = timezone.localdate()
    if settings.PRINT_IN_WORKER:
        with transaction.atomic():
            job = print_job_start(
                actor=actor,
                kind=PrintKind.PLAN,
                patient=consult.patient,
                consult=consult,
                options={"today": today.isoformat()},
                file_name=printed.plan_file_name(),
            )
            _audit_plan_print(actor, consult)
        return redirect("print_job", print_job_id=job.public_id)
    pdf = printed.plan_pdf(consult, today=today)
    with transaction.atomic():
        _audit_plan_print(actor, consult)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{printed.plan_file_name()}"'
    response["Cache-Control"] = "no-store"
    return response


def _audit_plan_print(actor: Actor, consult: Consult) -> None:
    audit_consult_change(
        actor=actor,
        consult=consult,
        action=AuditAction.PRINT,
        object_type="plan",
        object_id=consult.public_id,
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def soep(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """The SOEP block to paste into the HIS, and the ICPC codes to confirm for it."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id, log_read=False)
    error = ""
    if request.method == "POST":
        value = request.POST.get("icpc_codes", "")[:60]
        try:
            codes = parse_codes(value)
        except ValueError:
            error = _(
                "Write ICPC codes as a letter and two digits, separated by spaces, such as Z01 P03."
            )
        else:
            try:
                consult_confirm_icpc(actor=actor, consult=consult, codes=codes)
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(request, _("ICPC codes confirmed."))
                return redirect("soep", consult_id=consult.public_id)
    summary = soep_for(consult)
    with transaction.atomic():
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.EXPORT,
            object_type="soep",
            object_id=consult.public_id,
        )
    context = {
        "consult": consult,
        "soep": summary,
        "max_chars": MAX_CHARS,
        "codes_value": request.POST.get("icpc_codes", "")
        if error
        else (consult.icpc_codes or " ".join(summary.suggested_codes)),
        "error": error,
        **banner_context(actor, consult.patient),
    }
    return render(request, "consult/soep.html", context, status=422 if error else 200)


@clinician_required
def patient_copy(request: HttpRequest, patient_id: UUID, fmt: str) -> HttpResponse:
    """Everything recorded about the patient, for the patient: as a PDF to hand over
    or as JSON to send. The export itself is audited first, so it is in the copy. With
    PRINT_IN_WORKER the worker makes the PDF, queued with that record."""
    if fmt not in {"pdf", "json"}:
        raise Http404
    try:
        since, until = _period(request.GET.get("van", ""), request.GET.get("tot", ""))
    except ValueError:
        # Back to the patient page, where the period was chosen, with the reason on it.
        messages.error(
            request, _("This period is not right: choose two dates, the start before the end.")
        )
        return redirect("patient_detail", patient_id=patient_id)
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=AuditAction.EXPORT)
    today = timezone.localdate()
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.PRINT if fmt == "pdf" else AuditAction.EXPORT,
            object_type="patient_record",
            object_id=str(patient.public_id),
            patient_id=patient.public_id,
        )
        if fmt == "pdf" and settings.PRINT_IN_WORKER:
            job = print_job_start(
                actor=actor,
                kind=PrintKind.PATIENT_COPY,
                patient=patient,
                options={
                    "today": today.isoformat(),
                    "since": since.isoformat() if since else None,
                    "until": until.isoformat() if until else None,
                },
                file_name=printed.patient_copy_file_name(today),
            )
            return redirect("print_job", print_job_id=job.public_id)
    filename = f"mijn-gegevens-{today:%Y-%m-%d}.{fmt}"
    if fmt == "json":
        record = patient_record(patient, access_since=since, access_until=until)
        response: HttpResponse = JsonResponse(
            record, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        pdf = printed.patient_copy_pdf(patient, since=since, until=until, today=today)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _period(since: str, until: str) -> tuple[date | None, date | None]:
    """The period of the list of who looked at the record: either end may be open."""
    start = date.fromisoformat(since[:10]) if since else None
    end = date.fromisoformat(until[:10]) if until else None
    if start and end and end < start:
        raise ValueError("end before start")
    return start, end
