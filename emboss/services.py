"""Writes of EMBOSS: the card of a cycle, a card sent from home, the scale and the
evaluation of a goal, the check of an agreement. Each writes its audit record in the
same transaction."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from consult.conversation_api import (
    Actor,
    AuditAction,
    audit_consult_change,
    goal_reach,
    require_open,
)
from consult.models import Agreement, Consult, Goal, PatientLink
from emboss.domains import DOMAINS
from emboss.models import (
    AgreementCheck,
    Card,
    CardMark,
    CardSource,
    EmbossSheet,
    GoalEvaluation,
    GoalScale,
)


def sheet_of(consult: Consult) -> EmbossSheet:
    return EmbossSheet.objects.get_or_create(consult=consult)[0]


def card_of(consult: Consult) -> Card:
    card, created = Card.objects.get_or_create(
        consult=consult,
        source=CardSource.TOGETHER,
        defaults={"patient_id": consult.patient_id, "filled_on": timezone.localdate()},
    )
    if created:
        CardMark.objects.bulk_create(CardMark(card=card, domain=d.key) for d in DOMAINS)
    return card


def home_card_for(consult: Consult) -> Card | None:
    return (
        Card.objects.filter(patient_id=consult.patient_id, source=CardSource.HOME)
        .filter(Q(consult=consult) | Q(consult__isnull=True))
        .order_by(F("consult_id").desc(nulls_last=True), "-filled_on", "-created_at")
        .prefetch_related("marks")
        .first()
    )


def card_from_home(*, link: PatientLink) -> Card:
    card = Card.objects.create(
        patient_id=link.patient_id,
        source=CardSource.HOME,
        link=link,
        filled_on=timezone.localdate(),
    )
    CardMark.objects.bulk_create(
        CardMark(
            card=card,
            domain=d.key,
            state=link.answers.get(d.key, {}).get("state", ""),
            matters_most=bool(link.answers.get(d.key, {}).get("matters_most")),
            words=link.answers.get(d.key, {}).get("words", ""),
        )
        for d in DOMAINS
    )
    return card


def home_card_take_up(*, actor: Actor, consult: Consult) -> Card | None:
    """Start from the patient's own card: its marks become the card of this cycle,
    where that has none yet."""
    require_open(consult)
    home = home_card_for(consult)
    if home is None:
        return None
    with transaction.atomic():
        card = card_of(consult)
        from_home = {mark.domain: mark for mark in home.marks.all()}
        for mark in card.marks.select_for_update():
            source = from_home.get(mark.domain)
            if source is None or mark.state or mark.matters_most or mark.words:
                continue
            mark.state, mark.matters_most, mark.words = (
                source.state,
                source.matters_most,
                source.words,
            )
            mark.version += 1
            mark.save(update_fields=["state", "matters_most", "words", "version", "updated_at"])
        Card.objects.filter(pk=home.pk).update(consult=consult)
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.UPDATE,
            object_type="emboss_card",
            object_id=card.public_id,
        )
    return card


def scale_of(goal: Goal) -> GoalScale:
    return GoalScale.objects.get_or_create(goal=goal)[0]


def evaluation_of(consult: Consult, goal: Goal) -> GoalEvaluation:
    return GoalEvaluation.objects.get_or_create(consult=consult, goal=goal)[0]


def check_of(consult: Consult, agreement: Agreement) -> AgreementCheck:
    return AgreementCheck.objects.get_or_create(consult=consult, agreement=agreement)[0]


def next_cycle_carry_over(*, actor: Actor, consult: Consult, previous: Consult) -> None:
    """The goals evaluated as reached leave the active plan (kept, with the date);
    the goals still open go on into the new cycle, with their scales. The casemanager
    and the responsible GP stay."""
    for evaluation in GoalEvaluation.objects.filter(consult=previous).select_related("goal"):
        goal = evaluation.goal
        if evaluation.reached and goal.reached_on is None and goal.removed_at is None:
            goal_reach(actor=actor, consult=consult, goal=goal)
    old = EmbossSheet.objects.filter(consult=previous).first()
    if old is not None:
        sheet = sheet_of(consult)
        sheet.casemanager_id = old.casemanager_id
        sheet.responsible_gp_id = old.responsible_gp_id
        sheet.plan_where = old.plan_where
        sheet.save(update_fields=["casemanager", "responsible_gp", "plan_where"])
