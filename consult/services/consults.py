from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, Consult, Patient, Plan
from consult.registry import get_conversation_model


def consult_start(*, actor: Actor, patient: Patient, model_slug: str) -> Consult:
    """Start a brede gesprek. Only with the patient's current consent: the seeds make
    consent the precondition for looking beyond the complaint."""
    if not actor.user.is_clinician or patient.practice_id != actor.user.practice_id:
        raise PermissionError("Only a clinician of the patient's practice starts a consult")
    model = get_conversation_model(model_slug)
    if model is None:
        raise ValidationError({"model_slug": _("Choose one of the conversation models.")})
    with transaction.atomic():
        # Lock the patient row so a withdrawal cannot slip in between check and start.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        if not patient.consents.current().exists():
            raise ValidationError(
                _(
                    "The patient has not (or no longer) given consent to the brede gesprek. "
                    "Ask for consent and record it first."
                ),
                code="no_consent",
            )
        Plan.objects.get_or_create(patient=patient)
        consult = Consult.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            model_slug=model_slug,
            started_by=actor.user,
        )
        model.on_start(consult)
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="consult",
            object_id=str(consult.public_id),
            patient_id=patient.public_id,
        )
    return consult
