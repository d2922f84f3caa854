"""The goals a conversation points at, ready to take over into the plan: shown by the
core for every model, each taken over once."""

from dataclasses import dataclass

from consult.models import Consult, Goal
from consult.registry import ConversationModel, GoalSuggestion, domain_label


@dataclass(frozen=True)
class SuggestionState:
    suggestion: GoalSuggestion
    domain_label: str
    taken: bool


def suggestion_states(consult: Consult, model: ConversationModel) -> list[SuggestionState]:
    suggestions = model.goal_suggestions(consult)
    taken = set(
        Goal.objects.active()
        .filter(
            plan__patient_id=consult.patient_id,
            source_key__in=[suggestion.key for suggestion in suggestions],
        )
        .values_list("source_key", flat=True)
    )
    return [
        SuggestionState(
            suggestion=suggestion,
            domain_label=str(domain_label(f"{model.slug}:{suggestion.domain_key}")),
            taken=suggestion.key in taken,
        )
        for suggestion in suggestions
    ]


def find_suggestion(consult: Consult, model: ConversationModel, key: str) -> GoalSuggestion | None:
    """The suggestion as the model makes it now: the text and domain of a goal taken
    over never come from the browser."""
    return next((s for s in model.goal_suggestions(consult) if s.key == key), None)
