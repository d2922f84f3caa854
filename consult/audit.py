"""Writing the audit trail (NEN 7513). Called inside the transaction of the read or
write it records, so a change without its audit record cannot happen."""

from collections.abc import Iterable
from typing import TYPE_CHECKING
from uuid import UUID

from consult.models import AuditAction, AuditEvent, AuditOutcome

if TYPE_CHECKING:
    from consult.access import Actor
    from consult.models import Consult


def audit_log(
    *,
    actor: "Actor",
    action: AuditAction,
    object_type: str,
    object_id: str = "",
    patient_id: UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
) -> AuditEvent:
    user = actor.user if actor.user.is_authenticated else None
    return AuditEvent.objects.create(
        user=user,
        role=user.role if user else "",
        practice_id=user.practice_id if user else None,
        patient_id=patient_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_address=actor.client_address,
        outcome=outcome,
    )


def audit_log_many(
    *, actor: "Actor", action: AuditAction, object_type: str, patient_ids: Iterable[UUID]
) -> None:
    user = actor.user
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            role=user.role,
            practice_id=user.practice_id,
            patient_id=patient_id,
            action=action,
            object_type=object_type,
            object_id=str(patient_id),
            client_address=actor.client_address,
            outcome=AuditOutcome.ALLOWED,
        )
        for patient_id in patient_ids
    )


def audit_consult_change(
    *, actor: "Actor", consult: "Consult", action: AuditAction, object_type: str, object_id: UUID
) -> None:
    """The audit record of a change made during a consult, to its patient's data."""
    audit_log(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=consult.patient.public_id,
    )
