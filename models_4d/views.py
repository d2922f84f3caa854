"""Actions inside the 4D steps. Each answers with the step again (htmx swaps it) or,
without JavaScript, redirects back to the step."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from consult.access import Actor, clinician_required, get_consult_for
from consult.htmx import is_htmx_swap_of
from consult.models import Consult
from consult.registry import get_conversation_model
from consult.services.plans import item_remove, item_restore
from consult.views.workspace import render_workspace
from models_4d import services
from models_4d.forms import ConnectionForm, EntryAddForm
from models_4d.models import FourDConnection, FourDEntry

type Action = Callable[..., str | None]


def step_action(view: Action) -> Callable[..., HttpResponse]:
    """Run an action of a 4D step; a ValidationError becomes a Dutch message on the step."""

    @clinician_required
    @require_POST
    def wrapped(request: HttpRequest, consult_id: UUID, **kwargs: Any) -> HttpResponse:
        actor = Actor.from_request(request)
        consult = get_consult_for(actor, consult_id, log_read=False)
        model = get_conversation_model(consult.model_slug)
        step = model.step(request.POST.get("step", "")) if model else None
        if model is None or step is None or consult.model_slug != "4d":
            raise Http404
        error = None
        try:
            view(request, actor, consult, **kwargs)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        if is_htmx_swap_of(request, "step"):
            response = render_workspace(request, actor, consult, model, step, step_error=error)
            if error:
                response.status_code = 422
            return response
        if error:
            messages.error(request, error)
        return redirect("consult_step", consult_id=consult.public_id, step_slug=step.slug)

    return wrapped


def _entry(consult: Consult, entry_id: UUID) -> FourDEntry:
    entry = FourDEntry.objects.filter(consult=consult, public_id=entry_id).first()
    if entry is None:
        raise Http404
    return entry


@step_action
def entry_add(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    prefix = request.POST.get("prefix", "")
    form = EntryAddForm(request.POST, prefix=prefix if prefix in {"plays", "helps"} else None)
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    services.entry_add(actor=actor, consult=consult, **form.cleaned_data)


@step_action
def entry_remove(request: HttpRequest, actor: Actor, consult: Consult, entry_id: UUID) -> None:
    item_remove(actor=actor, consult=consult, item=_entry(consult, entry_id), kind="4d_entry")


@step_action
def entry_restore(request: HttpRequest, actor: Actor, consult: Consult, entry_id: UUID) -> None:
    item_restore(actor=actor, consult=consult, item=_entry(consult, entry_id), kind="4d_entry")


@step_action
def connection_add(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    entries = list(FourDEntry.objects.active().filter(consult=consult))
    form = ConnectionForm(request.POST, entries=entries)
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    by_id = {str(entry.public_id): entry for entry in entries}
    services.connection_add(
        actor=actor,
        consult=consult,
        cause=by_id[form.cleaned_data["cause"]],
        effect=by_id[form.cleaned_data["effect"]],
    )


@step_action
def connection_remove(
    request: HttpRequest, actor: Actor, consult: Consult, connection_id: UUID
) -> None:
    connection = FourDConnection.objects.filter(consult=consult, public_id=connection_id).first()
    if connection is None:
        raise Http404
    services.connection_remove(actor=actor, consult=consult, connection=connection)
