from typing import Any

from django.db import transaction

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, Patient

PATIENT_FIELDS = (
    "first_name",
    "name_prefix",
    "last_name",
    "date_of_birth",
    "his_number",
    "postcode",
    "phone",
    "email",
    "preferred_language",
    "plain_language",
    "notes",
)


def patient_create(*, actor: Actor, **fields: Any) -> Patient:
    patient = Patient(practice_id=actor.user.practice_id, **_only_patient_fields(fields))
    patient.full_clean()
    with transaction.atomic():
        patient.save()
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="patient",
            object_id=str(patient.public_id),
            patient_id=patient.public_id,
        )
    return patient


def patient_update(*, actor: Actor, patient: Patient, **fields: Any) -> Patient:
    for name, value in _only_patient_fields(fields).items():
        setattr(patient, name, value)
    patient.full_clean()
    with transaction.atomic():
        patient.save()
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="patient",
            object_id=str(patient.public_id),
            patient_id=patient.public_id,
        )
    return patient


def _only_patient_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PATIENT_FIELDS)
    if unknown:
        raise TypeError(f"Not patient fields: {sorted(unknown)}")
    return fields
