"""What the consult workspace shows: the steps with their state, and the plan in
progress. Read in a fixed number of queries, however big the plan."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from consult.access import Actor
from consult.models import Agreement, Consult, Goal, NetworkMember, Plan, Referral
from consult.plan_forms import (
    AgreementAddForm,
    AgreementForm,
    GoalAddForm,
    GoalForm,
    NetworkMemberAddForm,
    NetworkMemberForm,
    PlanForm,
    ReferralUpdateForm,
    autosave_form,
)
from consult.registry import ConversationModel, Step, domain_label
from consult.services.referrals import suggestions_for


@dataclass(frozen=True)
class StepState:
    step: Step
    number: int
    done: bool
    current: bool


def step_states(model: ConversationModel, consult: Consult, current: Step) -> list[StepState]:
    return [
        StepState(
            step=step,
            number=number,
            done=step.slug in consult.completed_steps,
            current=step.slug == current.slug,
        )
        for number, step in enumerate(model.steps, start=1)
    ]


def first_open_step(model: ConversationModel, consult: Consult) -> Step:
    return next(
        (step for step in model.steps if step.slug not in consult.completed_steps),
        model.steps[-1],
    )


def next_step(model: ConversationModel, step: Step) -> Step | None:
    slugs = [item.slug for item in model.steps]
    index = slugs.index(step.slug)
    return model.steps[index + 1] if index + 1 < len(slugs) else None


def plan_context(consult: Consult, model: ConversationModel, user: Any) -> dict[str, Any]:
    plan = Plan.objects.filter(patient_id=consult.patient_id).first()
    goals: list[Goal] = []
    network: list[NetworkMember] = []
    if plan is not None:
        goals = list(
            plan.goals.active()
            .prefetch_related(
                Prefetch(
                    "agreements", queryset=Agreement.objects.active(), to_attr="open_agreements"
                ),
                Prefetch(
                    "referrals",
                    queryset=Referral.objects.select_related("service"),
                    to_attr="goal_referrals",
                ),
                "themes",
            )
            .order_by("position", "created_at")
        )
        network = list(plan.network.active())
    suggestions = suggestions_for(goals, user=user, postcode=consult.patient.postcode)
    for number, goal in enumerate(goals, start=1):
        referred = {referral.service_id for referral in goal.goal_referrals}  # type: ignore[attr-defined]
        goal.suggestions = [s for s in suggestions.get(goal.pk, []) if s.pk not in referred]  # type: ignore[attr-defined]
        goal.number = number  # type: ignore[attr-defined]
        goal.domain_label = domain_label(goal.domain)  # type: ignore[attr-defined]
        goal.form = autosave_form(  # type: ignore[attr-defined]
            GoalForm(instance=goal, prefix=str(goal.public_id)),
            consult=consult,
            kind="goal",
            record=goal,
        )
        goal.add_agreement_form = AgreementAddForm(prefix=f"new-{goal.public_id}")  # type: ignore[attr-defined]
        for referral in goal.goal_referrals:  # type: ignore[attr-defined]
            if referral.next_statuses:
                referral.form = ReferralUpdateForm(
                    referral=referral, prefix=str(referral.public_id)
                )
        for agreement in goal.open_agreements:  # type: ignore[attr-defined]
            agreement.form = autosave_form(
                AgreementForm(instance=agreement, prefix=str(agreement.public_id)),
                consult=consult,
                kind="agreement",
                record=agreement,
            )
    for member in network:
        member.form = autosave_form(  # type: ignore[attr-defined]
            NetworkMemberForm(instance=member, prefix=str(member.public_id)),
            consult=consult,
            kind="network_member",
            record=member,
        )
    domains = [(f"{model.slug}:{domain.key}", str(domain.label)) for domain in model.domains]
    return {
        "plan": plan,
        "plan_form": (
            autosave_form(
                PlanForm(instance=plan, prefix=str(plan.public_id)),
                consult=consult,
                kind="plan",
                record=plan,
            )
            if plan
            else None
        ),
        "goals": goals,
        "network": network,
        "goal_add_form": GoalAddForm(domains=domains, prefix="new-goal"),
        "network_add_form": NetworkMemberAddForm(prefix="new-member"),
    }


def workspace_context(
    *, actor: Actor, consult: Consult, model: ConversationModel, step: Step, with_plan: bool = True
) -> dict[str, Any]:
    """Everything the workspace shows; `with_plan=False` when only the step is swapped."""
    return {
        "consult": consult,
        "patient": consult.patient,
        "model": model,
        "step": step,
        "steps": step_states(model, consult, step),
        "step_number": [item.slug for item in model.steps].index(step.slug) + 1,
        "next_step": next_step(model, step),
        "step_template": model.step_template(step),
        "read_only": consult.finished_at is not None,
        **model.step_context(consult=consult, step=step, actor=actor),
        **(plan_context(consult, model, actor.user) if with_plan else {}),
    }
