from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consult.access import Actor, clinician_required, get_consult_for
from consult.audit import audit_consult_change
from consult.documents import render_pdf
from consult.models import AuditAction
from consult.plan_document import plan_document
from consult.soep import MAX_CHARS, parse_codes, soep_for


@clinician_required
def plan_pdf(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """The patient's plan as a PDF, made on request and never stored; the print is
    recorded in the audit trail."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id, log_read=False)
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
            with transaction.atomic():
                consult.icpc_codes = " ".join(codes)
                consult.save(update_fields=["icpc_codes"])
                audit_consult_change(
                    actor=actor,
                    consult=consult,
                    action=AuditAction.UPDATE,
                    object_type="consult",
                    object_id=consult.public_id,
                )
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
    }
    return render(request, "consult/soep.html", context, status=422 if error else 200)
