"""Writes of EMBOSS: the card of a cycle, a card sent from home, the scale and the
evaluation of a goal, the check of an agreement. Each writes its audit record in the
same transaction."""

from collections.abc import Callable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from consult.conversation_api import (
    Actor,
    AuditAction,
    audit_consult_change,
    goal_reach,
    require_open,
    sent_from_home,
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
    sheet = EmbossSheet.objects.get_or_create(consult=consult)[0]
    sheet.consult = consult  # its form asks for the practice: no query for it
    return sheet


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
    """The card the patient filled in at home for this cycle (sent_from_home says
    which)."""
    home_cards = Card.objects.filter(source=CardSource.HOME).prefetch_related("marks")
    return sent_from_home(home_cards, consult).first()


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


def scales_of(goals: Sequence[Goal]) -> dict[int, GoalScale]:
    """scale_of for every goal, by the goal's pk: one query to read them and one to
    make those still missing, however many goals."""
    found = {scale.goal_id: scale for scale in GoalScale.objects.filter(goal__in=goals)}
    return _with_missing(
        found,
        [(goal.pk, GoalScale(goal=goal)) for goal in goals if goal.pk not in found],
        lambda: {goal.pk: scale_of(goal) for goal in goals},
    )


def evaluations_of(consult: Consult, goals: Sequence[Goal]) -> dict[int, GoalEvaluation]:
    """evaluation_of for every goal in this cycle, by the goal's pk, in two queries."""
    found = {
        evaluation.goal_id: evaluation
        for evaluation in GoalEvaluation.objects.filter(consult=consult, goal__in=goals)
    }
    return _with_missing(
        found,
        [
            (goal.pk, GoalEvaluation(consult=consult, goal=goal))
            for goal in goals
            if goal.pk not in found
        ],
        lambda: {goal.pk: evaluation_of(consult, goal) for goal in goals},
    )


def checks_of(consult: Consult, agreements: Sequence[Agreement]) -> dict[int, AgreementCheck]:
    """check_of for every agreement in this cycle, by the agreement's pk, in two queries."""
    found = {
        check.agreement_id: check
        for check in AgreementCheck.objects.filter(consult=consult, agreement__in=agreements)
    }
    return _with_missing(
        found,
        [
            (agreement.pk, AgreementCheck(consult=consult, agreement=agreement))
            for agreement in agreements
            if agreement.pk not in found
        ],
        lambda: {agreement.pk: check_of(consult, agreement) for agreement in agreements},
    )


def _with_missing[K, R: Model](
    found: dict[K, R], missing: list[tuple[K, R]], one_by_one: Callable[[], dict[K, R]]
) -> dict[K, R]:
    """Add the missing records in one INSERT; when another request made one of them
    at the same moment, fall back to get_or_create for each."""
    if not missing:
        return found
    try:
        with transaction.atomic():
            type(missing[0][1])._default_manager.bulk_create([record for _key, record in missing])
    except IntegrityError:
        return one_by_one()
    return {**found, **dict(missing)}


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
