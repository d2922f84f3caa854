"""Raising and closing warning flags on a patient. A model raises one (KOP: suicidal
thoughts recorded in the risk analysis); a professional closes it with a reason."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_log, audit_reads_of_one_patient
from consult.autosave import require_open
from consult.models import AuditAction, Consult, FlagLevel, Patient, PatientFlag

MAX_TEXT = 200


def flag_raise(
    *, actor: Actor, consult: Consult, source_key: str, level: FlagLevel, text: str
) -> PatientFlag:
    """Raise a flag on the consult's patient. While a flag of the same source is open,
    raising it again updates that flag instead of adding a second one."""
    require_open(consult)
    text = text.strip()
    if not text:
        raise ValidationError(_("Say in a few words what the flag is about."))
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("Keep the flag short: at most %(count)d characters.") % {"count": MAX_TEXT}
        )
    try:
        with transaction.atomic():
            flag = (
                PatientFlag.objects.select_for_update()
                .open()
                .filter(patient_id=consult.patient_id, source_key=source_key)
                .first()
            )
            action = AuditAction.UPDATE
            if flag is None:
                flag = PatientFlag(
                    patient_id=consult.patient_id,
                    source_key=source_key,
                    raised_by=actor.user,
                    raised_in=consult,
                )
                action = AuditAction.CREATE
            flag.level = level
            flag.text = text
            flag.save()
            _audit(actor, flag, consult.patient, action)
    except IntegrityError:
        # Raised at the same moment by a second request: that one won, update it.
        return flag_raise(
            actor=actor, consult=consult, source_key=source_key, level=level, text=text
        )
    return flag


def flag_close(*, actor: Actor, flag: PatientFlag, reason: str) -> PatientFlag:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for closing the flag."))
    with transaction.atomic():
        locked = PatientFlag.objects.select_for_update().select_related("patient").get(pk=flag.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This flag has been closed already."))
        locked.closed_at = timezone.now()
        locked.closed_by = actor.user
        locked.close_reason = reason
        locked.save(update_fields=["closed_at", "closed_by", "close_reason"])
        _audit(actor, locked, locked.patient, AuditAction.UPDATE)
    return locked


def open_flags_seen(*, actor: Actor, patient: Patient) -> list[PatientFlag]:
    """The patient's open flags, for the banner of a page the actor is viewing: every
    flag shown is a read of patient data, and is logged."""
    flags = list(PatientFlag.objects.open().filter(patient=patient).order_by("-raised_at"))
    if flags:
        audit_reads_of_one_patient(
            actor=actor,
            object_type="patient_flag",
            object_ids=[flag.public_id for flag in flags],
            patient_id=patient.public_id,
        )
    return flags


def _audit(actor: Actor, flag: PatientFlag, patient: Patient, action: AuditAction) -> None:
    audit_log(
        actor=actor,
        action=action,
        object_type="patient_flag",
        object_id=str(flag.public_id),
        patient_id=patient.public_id,
    )


def flags_closed_history(patient: Patient) -> Sequence[PatientFlag]:
    return list(
        PatientFlag.objects.filter(patient=patient, closed_at__isnull=False).select_related(
            "raised_by", "closed_by"
        )
    )
