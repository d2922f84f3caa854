from uuid import UUID

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from consult.access import Actor, clinician_required, get_consult_for
from consult.audit import audit_consult_change
from consult.documents import render_pdf
from consult.models import AuditAction
from consult.plan_document import plan_document


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
