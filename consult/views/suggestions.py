"""Taking one of the model's goal suggestions over into the plan."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.models import Consult
from consult.registry import get_conversation_model
from consult.services import plans
from consult.suggestions import find_suggestion, suggestion_states
from consult.views.plan import _panel, plan_action


@plan_action
def goal_from_suggestion(request: HttpRequest, actor: Actor, consult: Consult) -> HttpResponse:
    model = get_conversation_model(consult.model_slug)
    if model is None:
        raise Http404
    suggestion = find_suggestion(consult, model, request.POST.get("suggestion", ""))
    if suggestion is None:
        raise ValidationError(_("This suggestion is no longer there. Reload the step."))
    goal = plans.goal_add(
        actor=actor,
        consult=consult,
        text=suggestion.text,
        domain=f"{model.slug}:{suggestion.domain_key}",
        source_key=suggestion.key,
    )
    # On to the goal's words: the suggestion is to be rephrased as the patient says it.
    response = _panel(request, consult, focus=(f"id_{goal.public_id}-text",))
    if request.htmx:  # type: ignore[attr-defined]
        # The suggestion now shows as taken over, beside the plan that got the goal.
        suggestions = render_to_string(
            "components/goal_suggestions.html",
            {
                "goal_suggestions": suggestion_states(consult, model),
                "consult": consult,
                "read_only": False,
                "oob": True,
            },
            request=request,
        )
        response.write(suggestions)
    return response
