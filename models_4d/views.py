"""Actions inside the 4D steps. Each answers with the step again (htmx swaps it) or,
without JavaScript, redirects back to the step."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from consult.conversation_api import Actor, item_remove, item_restore, step_action
from consult.models import Consult
from models_4d import services
from models_4d.forms import ConnectionForm, EntryAddForm
from models_4d.models import FourDConnection, FourDEntry


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
