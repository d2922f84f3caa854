"""What the consult workspace shows: the steps with their state, and the plan in
progress. Read in a fixed number of queries, however big the plan."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from consult.access import Actor
from consult.models import Agreement, Consult, NetworkMember, Referral
from consult.plan_forms import (
    AgreementForm,
    GoalAddForm,
    GoalForm,
    NetworkMemberAddForm,
    NetworkMemberForm,
    PlanForm,
    ReferralUpdateForm,
    TeachBackForm,
    record_form,
)
from consult.registry import ConversationModel, Step
from consult.selectors.plans import GoalView, latest_teach_back, plan_view
from consult.services.referrals import suggestions_for
from consult.suggestions import suggestion_states
from sociale_kaart.models import Service


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


@dataclass(frozen=True)
class EditableAgreement:
    agreement: Agreement
    form: AgreementForm | None = None  # set for the one agreement shown open


@dataclass(frozen=True)
class EditableReferral:
    referral: Referral
    form: ReferralUpdateForm | None  # None once the referral has come to its end


@dataclass(frozen=True)
class EditableGoal:
    """A goal in the plan panel, with the forms that edit it."""

    view: GoalView
    form: GoalForm
    agreements: list[EditableAgreement]
    referrals: list[EditableReferral]
    suggestions: list[Service]  # services that fit, leaving out those referred to already


@dataclass(frozen=True)
class EditableMember:
    member: NetworkMember
    form: NetworkMemberForm


def _editable_goal(consult: Consult, view: GoalView, suggestions: list[Service]) -> EditableGoal:
    goal = view.goal
    referred = {referral.service_id for referral in view.referrals}
    return EditableGoal(
        view=view,
        form=record_form(GoalForm, goal, consult=consult, kind="goal"),
        # Each agreement's editor is fetched when it is opened (agreement_editor_form).
        agreements=[EditableAgreement(agreement=agreement) for agreement in view.agreements],
        referrals=[
            EditableReferral(
                referral=referral,
                form=(
                    ReferralUpdateForm(referral=referral, prefix=str(referral.public_id))
                    if referral.next_statuses
                    else None
                ),
            )
            for referral in view.referrals
        ],
        suggestions=[service for service in suggestions if service.pk not in referred],
    )


def agreement_editor_form(consult: Consult, agreement: Agreement) -> AgreementForm:
    """The edit form of one agreement, as the plan panel's line opens it."""
    return record_form(AgreementForm, agreement, consult=consult, kind="agreement")


def open_agreement_editor(context: dict[str, Any], consult: Consult, agreement_id: UUID) -> None:
    """Show one agreement of the plan panel open, its editor in place (after moving it:
    its buttons are where the professional is)."""
    for item in context["goals"]:
        for index, row in enumerate(item.agreements):
            if row.agreement.public_id == agreement_id:
                form = agreement_editor_form(consult, row.agreement)
                item.agreements[index] = EditableAgreement(agreement=row.agreement, form=form)
                return


def _teach_back_context(consult: Consult, model: ConversationModel) -> dict[str, Any]:
    """The latest teach-back, and whether the plan must be checked again: a goal changed
    or an agreement came or went after it, or the model asks for a teach-back in every
    conversation (EMBOSS: each cycle) and it was done in another one. Not of a finished
    conversation: read back later, the latest teach-back may be of a later cycle."""
    told = latest_teach_back(patient_id=consult.patient_id)
    earlier = (
        model.teach_back_required
        and not consult.is_finished
        and (told is None or told.record.consult_id != consult.pk)
    )
    return {
        "teach_back": told,
        "teach_back_earlier": told is not None and earlier,
        "teach_back_due": earlier or (told is not None and told.plan_changed_after),
    }


def plan_context(consult: Consult, model: ConversationModel, user: Any) -> dict[str, Any]:
    view = plan_view(patient_id=consult.patient_id)
    goals = view.goals if view else []
    suggestions = suggestions_for(
        [goal.goal for goal in goals],
        user=user,
        postcode=consult.patient.postcode,
        age=consult.patient.age,
    )
    domains = [(f"{model.slug}:{domain.key}", str(domain.label)) for domain in model.domains]
    return {
        **_teach_back_context(consult, model),
        "teach_back_form": TeachBackForm(prefix="terugvragen"),
        "plan": view.plan if view else None,
        "plan_form": (
            record_form(PlanForm, view.plan, consult=consult, kind="plan") if view else None
        ),
        "goals": [
            _editable_goal(consult, goal, suggestions.get(goal.goal.pk, [])) for goal in goals
        ],
        "network": [
            EditableMember(
                member=member,
                form=record_form(NetworkMemberForm, member, consult=consult, kind="network_member"),
            )
            for member in (view.network if view else [])
        ],
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
        "goal_suggestions": (
            suggestion_states(consult, model) if step.slug == model.suggestions_step else None
        ),
        **model.step_context(consult=consult, step=step, actor=actor),
        **(plan_context(consult, model, actor.user) if with_plan else {}),
    }
