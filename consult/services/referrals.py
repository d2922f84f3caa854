"""Referring from a goal to a service on the sociale kaart, and following it up."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_consult_change
from consult.autosave import require_open
from consult.models import (
    OPEN_STATUSES,
    AuditAction,
    Consult,
    Goal,
    Referral,
    ReferralEvent,
    ReferralStatus,
    User,
)
from consult.services.plans import plan_for
from sociale_kaart.access import map_ids_for
from sociale_kaart.matching import MORE_SUGGESTIONS_PER_NEED, Need, services_for_needs
from sociale_kaart.models import Service


def suggestions_for(
    goals: Sequence[Goal], *, user: User, postcode: str, age: int | None = None
) -> dict[int, list[Service]]:
    """Per goal (by pk), up to MORE_SUGGESTIONS_PER_NEED services of the user's sociale
    kaart that fit it, cover the patient's postcode and are meant for the patient's age,
    best first; the sociale kaart ranks them. The plan shows the first few, the rest on
    request."""
    needs = [
        Need(key=goal.pk, theme_ids=frozenset(t.pk for t in goal.themes.all()), text=goal.text)
        for goal in goals
    ]
    return services_for_needs(
        needs,
        map_ids=map_ids_for(user),
        postcode=postcode,
        age=age,
        limit=MORE_SUGGESTIONS_PER_NEED,
    )


def referral_create(
    *,
    actor: Actor,
    consult: Consult,
    service: Service,
    goal: Goal | None,
    status: str = ReferralStatus.REFERRED,
) -> Referral:
    """Refer with one action: the referral is made today."""
    require_open(consult)
    if service.service_map_id not in map_ids_for(actor.user) or not service.is_active:
        raise ValidationError(_("This service is not on your sociale kaart (any more)."))
    today = timezone.localdate()
    with transaction.atomic():
        referral = Referral.objects.create(
            plan=plan_for(consult),
            practice_id=consult.practice_id,
            goal=goal,
            service=service,
            status=status,
            status_on=today,
            created_by=actor.user,
        )
        ReferralEvent.objects.create(referral=referral, status=status, on=today, by=actor.user)
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.CREATE,
            object_type="referral",
            object_id=referral.public_id,
        )
    return referral


def referral_advance(
    *, actor: Actor, consult: Consult, referral: Referral, status: str, on: date, note: str = ""
) -> Referral:
    """Move a referral on (accepted, started, finished or declined), with the date and
    what the organisation let us know."""
    require_open(consult)
    if status not in referral.next_statuses:
        raise ValidationError(_("A referral cannot go from this status to that one."))
    if on > timezone.localdate():
        raise ValidationError(_("Choose today or a date in the past."))
    if on < referral.status_on:
        raise ValidationError(_("This date lies before the previous step of the referral."))
    with transaction.atomic():
        referral.status = status
        referral.status_on = on
        if note:
            referral.feedback = note
        referral.save(update_fields=["status", "status_on", "feedback"])
        ReferralEvent.objects.create(
            referral=referral, status=status, on=on, note=note, by=actor.user
        )
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.UPDATE,
            object_type="referral",
            object_id=referral.public_id,
        )
    return referral


def referrals_to_follow_up(practice_id: int) -> QuerySet[Referral]:
    """Open referrals without news for REFERRAL_FOLLOW_UP_DAYS days, oldest first."""
    quiet_since = timezone.localdate() - timedelta(days=settings.REFERRAL_FOLLOW_UP_DAYS)
    return (
        Referral.objects.filter(
            practice_id=practice_id,
            status__in=OPEN_STATUSES,
            status_on__lte=quiet_since,
        )
        .select_related("plan__patient", "service", "goal")
        .order_by("status_on", "pk")
    )
