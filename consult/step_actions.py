"""The decorator for a conversation model's own POSTs inside a step (add an entry,
draw a connection, record a risk): one place for access, the open-consult check, the
refusal's audit record, and the answer as a swapped step or a redirect."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from consult.access import Actor, clinician_required, get_consult_for
from consult.autosave import require_open
from consult.htmx import is_htmx_swap_of
from consult.models import Consult
from consult.registry import get_conversation_model
from consult.views.workspace import render_workspace
from consult.workspace import plan_context

type StepActionView = Callable[..., object]


def step_action(view: StepActionView) -> Callable[..., HttpResponse]:
    """Wrap `view(request, actor, consult, **url_kwargs)`, a POST to one of the model's
    URLs under the consult. The form posts `step` (the step to show again). The view
    writes through services (which audit) and raises ValidationError with a Dutch
    message to refuse; htmx gets the step again, without JavaScript a redirect to it.

    404 for a consult of another practice (the refusal is logged), of another model, or
    for an unknown step; a finished consult is refused with a message."""

    @clinician_required
    @require_POST
    def wrapped(
        request: HttpRequest, consult_id: UUID, model_slug: str, **kwargs: Any
    ) -> HttpResponse:
        actor = Actor.from_request(request)
        consult: Consult = get_consult_for(actor, consult_id, log_read=False)
        model = get_conversation_model(consult.model_slug)
        step = model.step(request.POST.get("step", "")) if model else None
        if model is None or step is None or consult.model_slug != model_slug:
            raise Http404
        error = None
        try:
            require_open(consult)
            view(request, actor, consult, **kwargs)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        if is_htmx_swap_of(request, "step"):
            response = render_workspace(request, actor, consult, model, step, step_error=error)
            if error:
                response.status_code = 422
            else:
                # An action may change the shared plan (KOP: an intervention becomes an
                # agreement): the plan beside the step is drawn again with it.
                response.write(
                    render_to_string(
                        "consult/workspace.html#plan_panel_oob",
                        {
                            "consult": consult,
                            "patient": consult.patient,
                            "read_only": consult.finished_at is not None,
                            **plan_context(consult, model, actor.user),
                        },
                        request=request,
                    )
                )
            return response
        if error:
            messages.error(request, error)
        return redirect("consult_step", consult_id=consult.public_id, step_slug=step.slug)

    wrapped.__name__ = getattr(view, "__name__", "step_action")
    wrapped.__doc__ = view.__doc__
    return wrapped
