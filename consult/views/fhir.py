from uuid import UUID

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from consult.access import Actor, clinician_required, get_consult_for
from consult.audit import audit_consult_change
from consult.fhir import plan_bundle
from consult.models import AuditAction


@clinician_required
@require_GET
def plan_fhir(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """The patient's plan as a FHIR R4 Bundle to download, made on request and never
    stored; the export is recorded in the audit trail."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id, log_read=False, tried=AuditAction.EXPORT)
    bundle = plan_bundle(consult)
    with transaction.atomic():
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.EXPORT,
            object_type="fhir_bundle",
            object_id=consult.public_id,
        )
    response = JsonResponse(
        bundle, content_type="application/fhir+json", json_dumps_params={"indent": 2}
    )
    filename = f"plan-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
