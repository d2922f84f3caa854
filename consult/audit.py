"""Writing the audit trail (NEN 7513). Called inside the transaction of the read or
write it records, so a change without its audit record cannot happen. Every audit
record is built by `_event`, whichever path writes it."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from consult.models import AuditAction, AuditEvent, AuditOutcome

if TYPE_CHECKING:
    from consult.access import Actor
    from consult.models import Consult


@dataclass(frozen=True)
class PatientVisitor:
    """A patient without an account, on their own entry link: logged with the role
    "patient", no user, and the address the request came from."""

    client_address: str | None = None


def audit_log(
    *,
    actor: "Actor | PatientVisitor",
    action: AuditAction,
    object_type: str,
    object_id: str = "",
    patient_id: UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
) -> AuditEvent:
    event = _event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        outcome=outcome,
    )
    event.save()
    return event


def audit_log_many(
    *, actor: "Actor", action: AuditAction, object_type: str, patient_ids: Iterable[UUID]
) -> None:
    AuditEvent.objects.bulk_create(
        _event(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(patient_id),
            patient_id=patient_id,
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


def _event(
    *,
    actor: "Actor | PatientVisitor",
    action: AuditAction,
    object_type: str,
    object_id: str,
    patient_id: UUID | None,
    outcome: AuditOutcome,
) -> AuditEvent:
    user = None if isinstance(actor, PatientVisitor) else actor.user
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent(
        user=user,
        role="patient" if isinstance(actor, PatientVisitor) else (user.role if user else ""),
        practice_id=user.practice_id if user else None,
        patient_id=patient_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_address=actor.client_address,
        outcome=outcome,
    )
