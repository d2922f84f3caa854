"""Actions inside the KOP steps: add to the schema, remove and restore, record the risk
analysis, choose an intervention. Each runs through the core's step_action."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from consult.conversation_api import Actor, item_remove, item_restore, step_action
from consult.models import Consult, Goal
from kop import services
from kop.forms import CircumstanceAddForm, ComplaintAddForm, InterventionAddForm, StyleAddForm
from kop.models import Circumstance, Complaint, StyleItem

KINDS: dict[str, tuple[type[Complaint | Circumstance | StyleItem], str]] = {
    "klacht": (Complaint, "kop_complaint"),
    "omstandigheid": (Circumstance, "kop_circumstance"),
    "stijl": (StyleItem, "kop_style"),
}


def _errors(form: object) -> ValidationError:
    errors = getattr(form, "errors", {})
    return ValidationError([message for messages in errors.values() for message in messages])


@step_action
def complaint_add(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    form = ComplaintAddForm(request.POST, prefix="klacht")
    if not form.is_valid():
        raise _errors(form)
    services.complaint_add(actor=actor, consult=consult, **form.cleaned_data)


@step_action
def circumstance_add(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    prefix = request.POST.get("prefix", "")
    form = CircumstanceAddForm(request.POST, prefix=prefix if prefix in {"last", "steun"} else None)
    if not form.is_valid():
        raise _errors(form)
    services.circumstance_add(actor=actor, consult=consult, **form.cleaned_data)


@step_action
def style_add(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    prefix = request.POST.get("prefix", "")
    form = StyleAddForm(request.POST, prefix=prefix if prefix in {"tekort", "helpt"} else None)
    if not form.is_valid():
        raise _errors(form)
    services.style_add(actor=actor, consult=consult, **form.cleaned_data)


def _item(
    consult: Consult, kind: str, item_id: UUID
) -> tuple[Complaint | Circumstance | StyleItem, str]:
    if kind not in KINDS:
        raise Http404
    model, key = KINDS[kind]
    item = model._default_manager.filter(consult=consult, public_id=item_id).first()
    if item is None:
        raise Http404
    return item, key


@step_action
def item_removed(
    request: HttpRequest, actor: Actor, consult: Consult, kind: str, item_id: UUID
) -> None:
    item, key = _item(consult, kind, item_id)
    item_remove(actor=actor, consult=consult, item=item, kind=key)


@step_action
def item_restored(
    request: HttpRequest, actor: Actor, consult: Consult, kind: str, item_id: UUID
) -> None:
    item, key = _item(consult, kind, item_id)
    item_restore(actor=actor, consult=consult, item=item, kind=key)


@step_action
def risk_record(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    services.risk_record(actor=actor, consult=consult)


@step_action
def intervention_add(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    goals = list(Goal.objects.active().filter(plan__patient_id=consult.patient_id))
    form = InterventionAddForm(
        request.POST, goals=[(str(goal.public_id), goal.text) for goal in goals]
    )
    if not form.is_valid():
        raise _errors(form)
    goal = next(goal for goal in goals if str(goal.public_id) == form.cleaned_data["goal"])
    target, _sep, kind = form.cleaned_data["intervention"].partition(":")
    services.intervention_add(
        actor=actor,
        consult=consult,
        goal=goal,
        target=target,
        kind=kind,
        who=form.cleaned_data["who"],
    )
