"""Writes to the shared plan. Each takes the consult it happens in: the plan belongs
to the patient, the consult is where the change was made (and is checked open)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_consult_change
from consult.autosave import require_open
from consult.models import (
    Agreement,
    AuditAction,
    Consult,
    Goal,
    NetworkMember,
    Plan,
    TeachBack,
    WhoKind,
)
from consult.models.plans import Removable
from consult.registry import get_conversation_model
from sociale_kaart.models import Theme


def plan_for(consult: Consult) -> Plan:
    """The plan of the consult's patient, made on first use."""
    plan, _created = Plan.objects.get_or_create(
        patient_id=consult.patient_id, defaults={"practice_id": consult.practice_id}
    )
    return plan


def _audit(actor: Actor, consult: Consult, action: AuditAction, kind: str, public_id: UUID) -> None:
    audit_consult_change(
        actor=actor, consult=consult, action=action, object_type=kind, object_id=public_id
    )


def item_remove[R: Removable](*, actor: Actor, consult: Consult, item: R, kind: str) -> R:
    """Take an item out of the plan or the conversation; item_restore undoes it."""
    require_open(consult)
    with transaction.atomic():
        item.removed_at = timezone.now()
        fields = ["removed_at", "updated_at"]
        if isinstance(item, NetworkMember):
            item.is_regiehouder = False
            fields.append("is_regiehouder")
        item.save(update_fields=fields)
        _audit(actor, consult, AuditAction.DELETE, kind, item.public_id)  # type: ignore[attr-defined]
    return item


def item_restore[R: Removable](*, actor: Actor, consult: Consult, item: R, kind: str) -> R:
    require_open(consult)
    with transaction.atomic():
        item.removed_at = None
        fields = ["removed_at", "updated_at"]
        if isinstance(item, Goal):
            # Back at the end of the list: the patient reorders if it matters.
            item.position = (
                item.plan.goals.active().aggregate(last=Max("position"))["last"] or 0
            ) + 1
            fields.append("position")
        item.save(update_fields=fields)
        _audit(actor, consult, AuditAction.UPDATE, kind, item.public_id)  # type: ignore[attr-defined]
    return item


def goal_add(
    *, actor: Actor, consult: Consult, text: str, domain: str = "", source_key: str = ""
) -> Goal:
    """A goal in the patient's words. Its themes follow from the model's domain, so the
    plan can suggest services for it. `source_key` names the model's suggestion it was
    taken over from: each suggestion becomes a goal once."""
    require_open(consult)
    plan = plan_for(consult)
    goal = Goal(plan=plan, text=text, domain=domain, origin_consult=consult, source_key=source_key)
    goal.full_clean(exclude=["position"])
    try:
        with transaction.atomic():
            last = plan.goals.active().aggregate(last=Max("position"))["last"] or 0
            goal.position = last + 1
            goal.save()
            goal.themes.set(Theme.objects.filter(slug__in=_themes_of(domain)))
            _audit(actor, consult, AuditAction.CREATE, "goal", goal.public_id)
    except IntegrityError as error:
        raise ValidationError(
            _("This suggestion has been taken over as a goal already.")
        ) from error
    return goal


def _themes_of(domain: str) -> tuple[str, ...]:
    model_slug, _sep, key = domain.partition(":")
    model = get_conversation_model(model_slug)
    found = model.domain(key) if model else None
    return found.themes if found else ()


def goal_move(*, actor: Actor, consult: Consult, goal: Goal, up: bool) -> None:
    """Swap with the neighbour above or below: the patient orders by importance."""
    require_open(consult)
    with transaction.atomic():
        _swap(goal.plan.goals.active(), goal, up)
        _audit(actor, consult, AuditAction.UPDATE, "goal", goal.public_id)


def agreement_move(*, actor: Actor, consult: Consult, agreement: Agreement, up: bool) -> None:
    require_open(consult)
    with transaction.atomic():
        _swap(agreement.goal.agreements.active(), agreement, up)
        _audit(actor, consult, AuditAction.UPDATE, "agreement", agreement.public_id)


def _swap(siblings: Any, item: Goal | Agreement, up: bool) -> None:
    ordered = list(siblings.select_for_update().order_by("position", "created_at"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        if sibling.position != position:
            type(sibling).objects.filter(pk=sibling.pk).update(position=position)


def agreement_add(
    *,
    actor: Actor,
    consult: Consult,
    goal: Goal,
    what: str,
    who_kind: str = WhoKind.PATIENT,
    who_name: str = "",
    coordinator: str = "",
    evaluate_on: date | None = None,
) -> Agreement:
    require_open(consult)
    with transaction.atomic():
        last = goal.agreements.active().aggregate(last=Max("position"))["last"] or 0
        agreement = Agreement(
            goal=goal,
            what=what,
            who_kind=who_kind,
            who_name=who_name,
            coordinator=coordinator,
            evaluate_on=evaluate_on,
            position=last + 1,
        )
        agreement.full_clean()
        agreement.save()
        _audit(actor, consult, AuditAction.CREATE, "agreement", agreement.public_id)
    return agreement


def network_add(
    *, actor: Actor, consult: Consult, name: str, role: str = "", phone: str = ""
) -> NetworkMember:
    require_open(consult)
    with transaction.atomic():
        member = NetworkMember(plan=plan_for(consult), name=name, role=role, phone=phone)
        member.full_clean()
        member.save()
        _audit(actor, consult, AuditAction.CREATE, "network_member", member.public_id)
    return member


def network_set_regiehouder(*, actor: Actor, consult: Consult, member: NetworkMember) -> None:
    """One regiehouder per plan: naming a new one relieves the previous one."""
    require_open(consult)
    with transaction.atomic():
        NetworkMember.objects.filter(plan_id=member.plan_id, is_regiehouder=True).exclude(
            pk=member.pk
        ).update(is_regiehouder=False)
        NetworkMember.objects.filter(pk=member.pk).update(is_regiehouder=True)
        _audit(actor, consult, AuditAction.UPDATE, "network_member", member.public_id)


def step_complete(*, actor: Actor, consult: Consult, step_slug: str) -> None:
    """Mark a step done; the model may refuse (EMBOSS: not before teach-back)."""
    require_open(consult)
    model = get_conversation_model(consult.model_slug)
    step = model.step(step_slug) if model else None
    if model is None or step is None:
        raise ValidationError(_("This step does not exist."))
    with transaction.atomic():
        model.on_step_done(consult=consult, step=step, actor=actor)
        locked = Consult.objects.select_for_update().get(pk=consult.pk)
        if step_slug not in locked.completed_steps:
            locked.completed_steps = [*locked.completed_steps, step_slug]
            locked.save(update_fields=["completed_steps"])
        consult.completed_steps = locked.completed_steps
        _audit(actor, consult, AuditAction.UPDATE, "consult", consult.public_id)


def consult_finish(*, actor: Actor, consult: Consult) -> None:
    require_open(consult)
    model = get_conversation_model(consult.model_slug)
    with transaction.atomic():
        if model is not None:
            model.on_finish(consult=consult, actor=actor)
        consult.finished_at = timezone.now()
        consult.status = "finished"
        consult.save(update_fields=["finished_at", "status"])
        _audit(actor, consult, AuditAction.UPDATE, "consult", consult.public_id)


def goal_reach(*, actor: Actor, consult: Consult, goal: Goal) -> Goal:
    """The goal was reached (found at an evaluation): it leaves the active plan and is
    kept, with the date, in the patient's record."""
    require_open(consult)
    with transaction.atomic():
        goal.reached_on = timezone.localdate()
        goal.save(update_fields=["reached_on", "updated_at"])
        _audit(actor, consult, AuditAction.UPDATE, "goal", goal.public_id)
    return goal


def teach_back_record(
    *, actor: Actor, consult: Consult, patient_said: str, explained_again: str = ""
) -> TeachBack:
    """The patient told the plan back in their own words (terugvraagmethode)."""
    require_open(consult)
    teach_back = TeachBack(
        consult=consult,
        done_by=actor.user,
        patient_said=patient_said.strip(),
        explained_again=explained_again.strip(),
    )
    if not teach_back.patient_said:
        raise ValidationError(_("Write down what the patient said, in their own words."))
    teach_back.full_clean()
    with transaction.atomic():
        teach_back.save()
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.CREATE,
            object_type="teach_back",
            object_id=consult.public_id,
        )
    return teach_back
