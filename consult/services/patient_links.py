"""Links for a patient's own entry at home: made by a professional for one patient
and one purpose, single-use, expiring, withdrawable. Every use is audited; a token
that leads nowhere counts towards the throttle of its address."""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import PatientVisitor, audit_log
from consult.models import AuditAction, AuditOutcome, LinkAttempt, Patient, PatientLink
from consult.models.patient_links import token_hash
from consult.registry import PatientEntry, get_conversation_model

TOKEN_BYTES = 24


def link_create(
    *, actor: Actor, patient: Patient, model_slug: str, purpose: str
) -> tuple[PatientLink, str]:
    """Make a link; returns it with the token, which is stored only as a hash and so
    can be shown this once."""
    model = get_conversation_model(model_slug)
    if model is None or model.patient_entry(purpose) is None:
        raise ValidationError(_("Choose what the patient will fill in."))
    if not patient.consents.current().exists():
        raise ValidationError(
            _("Record the patient's consent to the brede gesprek before making a link.")
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        link = PatientLink.objects.create(
            token_hash=token_hash(token),
            patient=patient,
            model_slug=model_slug,
            purpose=purpose,
            created_by=actor.user,
            expires_at=timezone.now() + timedelta(days=settings.PATIENT_LINK_DAYS),
        )
        _audit(actor, link, AuditAction.CREATE)
    return link, token


def link_withdraw(*, actor: Actor, link: PatientLink) -> PatientLink:
    with transaction.atomic():
        locked = PatientLink.objects.select_for_update().get(pk=link.pk)
        if locked.withdrawn_at is None and locked.completed_at is None:
            locked.withdrawn_at = timezone.now()
            locked.save(update_fields=["withdrawn_at"])
        _audit(actor, locked, AuditAction.UPDATE)
    return locked


def _audit(
    actor: Actor | PatientVisitor,
    link: PatientLink,
    action: AuditAction,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
) -> None:
    audit_log(
        actor=actor,
        action=action,
        object_type="patient_link",
        object_id=str(link.public_id),
        patient_id=link.patient.public_id,
        outcome=outcome,
    )


def is_throttled(client_address: str | None) -> bool:
    """Too many tokens that led nowhere from this address lately."""
    since = timezone.now() - timedelta(minutes=settings.PATIENT_LINK_THROTTLE_MINUTES)
    misses = LinkAttempt.objects.filter(client_address=client_address, at__gte=since).count()
    return misses >= settings.PATIENT_LINK_THROTTLE_MISSES


def link_for_visitor(*, visitor: PatientVisitor, token: str) -> PatientLink | None:
    """The usable link this token opens, with its use logged; None for a token that is
    made up, expired, used or withdrawn, all alike (that miss is logged too, and
    counts towards the throttle)."""
    found = (
        PatientLink.objects.select_related("patient").filter(token_hash=token_hash(token)).first()
        if 16 <= len(token) <= 64
        else None
    )
    with transaction.atomic():
        if found is None or found.state != "open":
            LinkAttempt.objects.create(client_address=visitor.client_address)
            if found is not None:
                _audit(visitor, found, AuditAction.READ, AuditOutcome.REFUSED)
            else:
                audit_log(
                    actor=visitor,
                    action=AuditAction.READ,
                    object_type="patient_link",
                    outcome=AuditOutcome.REFUSED,
                )
            return None
        found.last_used_at = timezone.now()
        found.save(update_fields=["last_used_at"])
        _audit(visitor, found, AuditAction.READ)
    return found


def entry_of(link: PatientLink) -> PatientEntry:
    model = get_conversation_model(link.model_slug)
    entry = model.patient_entry(link.purpose) if model else None
    if entry is None:
        raise LookupError(link.purpose)
    return entry


def link_save_answers(
    *, visitor: PatientVisitor, link: PatientLink, screen_key: str, answers: dict[str, Any]
) -> PatientLink:
    """Keep one screen's answers; the rest stay as they were, so the patient can stop
    and continue later with the same link."""
    with transaction.atomic():
        locked = PatientLink.objects.select_for_update().select_related("patient").get(pk=link.pk)
        if locked.state != "open":
            raise ValidationError(_("This link can no longer be used."))
        locked.answers = {**locked.answers, screen_key: answers}
        locked.save(update_fields=["answers"])
        _audit(visitor, locked, AuditAction.UPDATE)
    return locked


def link_complete(*, visitor: PatientVisitor, link: PatientLink) -> PatientLink:
    """The patient sends what they filled in: the link is used up, and the model takes
    the answers where it keeps them."""
    model = get_conversation_model(link.model_slug)
    if model is None:
        raise ValidationError(_("This link can no longer be used."))
    with transaction.atomic():
        locked = PatientLink.objects.select_for_update().select_related("patient").get(pk=link.pk)
        if locked.state != "open":
            raise ValidationError(_("This link can no longer be used."))
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])
        model.on_patient_entry_done(link=locked)
        _audit(visitor, locked, AuditAction.UPDATE)
    return locked
