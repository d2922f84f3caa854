from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, Consent, Patient, User


def consent_record(*, actor: Actor, patient: Patient, given_on: date, given_to: User) -> Consent:
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Consent cannot be given on a date in the future.")})
    if given_to.practice_id != patient.practice_id or not given_to.is_clinician:
        raise ValidationError({"given_to": _("Choose a GP or practice nurse of this practice.")})
    with transaction.atomic():
        # Lock the patient so a second, simultaneous recording waits and then sees this one.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        if patient.consents.current().exists():
            raise ValidationError(_("This patient has already given consent."))
        consent = Consent.objects.create(
            patient=patient, given_on=given_on, given_to=given_to, recorded_by=actor.user
        )
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="consent",
            object_id=str(consent.pk),
            patient_id=patient.public_id,
        )
    return consent


def consent_withdraw(*, actor: Actor, patient: Patient, withdrawn_on: date) -> Consent:
    consent = patient.consents.current().first()
    if consent is None:
        raise ValidationError(_("This patient has no current consent to withdraw."))
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("Choose today or a date in the past.")})
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")}
        )
    with transaction.atomic():
        # The same day counts as withdrawn: a consent ends the moment it is withdrawn.
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_recorded_by = actor.user
        consent.save(update_fields=["withdrawn_on", "withdrawn_recorded_by"])
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="consent",
            object_id=str(consent.pk),
            patient_id=patient.public_id,
        )
    return consent
