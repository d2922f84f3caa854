from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consult.access import Actor, clinician_required, get_consult_for, get_patient_for
from consult.audit import audit_consult_change, audit_log
from consult.documents import render_pdf
from consult.models import AuditAction
from consult.patient_copy import patient_record
from consult.plan_document import plan_document
from consult.services.consults import consult_confirm_icpc
from consult.services.flags import open_flags_seen
from consult.soep import MAX_CHARS, parse_codes, soep_for


@clinician_required
def plan_pdf(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """The patient's plan as a PDF, made on request and never stored; the print is
    recorded in the audit trail."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id, log_read=False, tried=AuditAction.PRINT)
    document = plan_document(consult, today=timezone.localdate())
    pdf = render_pdf("documents/plan.html", {"doc": document})
    with transaction.atomic():
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.PRINT,
            object_type="plan",
            object_id=consult.public_id,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="mijn-plan.pdf"'
    response["Cache-Control"] = "no-store"
    return response


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
        "patient": consult.patient,
        "soep": summary,
        "max_chars": MAX_CHARS,
        "codes_value": request.POST.get("icpc_codes", "")
        if error
        else (consult.icpc_codes or " ".join(summary.suggested_codes)),
        "error": error,
        "consent": consult.patient.consents.current().first(),
        "flags": open_flags_seen(actor=actor, patient=consult.patient),
    }
    return render(request, "consult/soep.html", context, status=422 if error else 200)


@clinician_required
def patient_copy(request: HttpRequest, patient_id: UUID, fmt: str) -> HttpResponse:
    """Everything recorded about the patient, for the patient: as a PDF to hand over
    or as JSON to send. The export itself is audited first, so it is in the copy."""
    if fmt not in {"pdf", "json"}:
        raise Http404
    try:
        since, until = _period(request.GET.get("van", ""), request.GET.get("tot", ""))
    except ValueError:
        return HttpResponseBadRequest(
            _("This period is not right: give dates as yyyy-mm-dd, the start before the end."),
            content_type="text/plain; charset=utf-8",
        )
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=AuditAction.EXPORT)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.PRINT if fmt == "pdf" else AuditAction.EXPORT,
            object_type="patient_record",
            object_id=str(patient.public_id),
            patient_id=patient.public_id,
        )
    record = patient_record(patient, access_since=since, access_until=until)
    filename = f"mijn-gegevens-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            record, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        pdf = render_pdf(
            "documents/patient_copy.html", {"record": record, "today": timezone.localdate()}
        )
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
