import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_log
from consult.autosave import require_open
from consult.models import AuditAction, Consult, Patient, Plan
from consult.models.consults import ConsultStatus
from consult.registry import ConversationModel, get_conversation_model


def consult_start(
    *, actor: Actor, patient: Patient, model_slug: str, continues: Consult | None = None
) -> Consult:
    """Start a brede gesprek. Only with the patient's current consent: the seeds make
    consent the precondition for looking beyond the complaint.

    With `continues`, the new consult is the next session (or cycle) of that one: same
    patient, same model, and the earlier one is finished as the new one starts."""
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
        previous = _continued(continues, patient=patient, model=model) if continues else None
        Plan.objects.get_or_create(patient=patient, defaults={"practice_id": patient.practice_id})
        consult = Consult.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            model_slug=model_slug,
            started_by=actor.user,
            continues=previous,
            trajectory_id=previous.trajectory_id if previous else uuid.uuid4(),
            session_number=previous.session_number + 1 if previous else 1,
        )
        model.on_start(consult=consult, actor=actor)
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="consult",
            object_id=str(consult.public_id),
            patient_id=patient.public_id,
        )
        if previous is not None:
            if previous.finished_at is None:
                previous.finished_at = timezone.now()
                previous.status = ConsultStatus.FINISHED
                previous.save(update_fields=["finished_at", "status"])
                audit_log(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    object_type="consult",
                    object_id=str(previous.public_id),
                    patient_id=patient.public_id,
                )
            model.on_continue(consult=consult, previous=previous, actor=actor)
    return consult


def _continued(continues: Consult, *, patient: Patient, model: ConversationModel) -> Consult:
    """The consult to continue, locked, if it may be continued by a new one of this
    patient and model: the latest of its trajectory, in the same practice."""
    previous = Consult.objects.select_for_update().filter(pk=continues.pk).first()
    if (
        previous is None
        or previous.patient_id != patient.pk
        or previous.practice_id != patient.practice_id
        or previous.model_slug != model.slug
    ):
        raise ValidationError(
            _("Only a conversation of the same model with the same patient can be continued.")
        )
    if not model.continuable:
        raise ValidationError(_("Conversations of this model are not continued in sessions."))
    if Consult.objects.filter(continues=previous).exists():
        raise ValidationError(
            _("This conversation has been continued already: continue the latest session.")
        )
    return previous


def consult_confirm_icpc(*, actor: Actor, consult: Consult, codes: Sequence[str]) -> Consult:
    """Record the ICPC codes the professional confirmed for the consult's SOEP block
    (parsed by consult.soep.parse_codes). A finished consult keeps its codes."""
    if not actor.user.is_clinician or consult.practice_id != actor.user.practice_id:
        raise PermissionError("Only a clinician of the consult's practice confirms its codes")
    require_open(consult)
    with transaction.atomic():
        consult.icpc_codes = " ".join(codes)
        consult.save(update_fields=["icpc_codes"])
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="consult",
            object_id=str(consult.public_id),
            patient_id=consult.patient.public_id,
        )
    return consult
