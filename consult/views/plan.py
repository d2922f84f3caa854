"""The plan panel beside every step: add, remove (with undo), reorder. htmx swaps the
panel; without JavaScript each action is a form post that returns to the step."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consult.access import Actor, clinician_required, get_consult_for
from consult.htmx import focus_next
from consult.models import Agreement, Consult, Goal, NetworkMember, Referral, Versioned
from consult.plan_forms import (
    AgreementAddForm,
    GoalAddForm,
    NetworkMemberAddForm,
    ReferralUpdateForm,
    TeachBackForm,
)
from consult.registry import get_conversation_model
from consult.services import plans, referrals
from consult.views.banner import banner_context
from consult.views.workspace import back_url
from consult.workspace import agreement_editor_form, open_agreement_editor, plan_context
from sociale_kaart.access import map_ids_for
from sociale_kaart.models import Service


def _panel(
    request: HttpRequest,
    consult: Consult,
    *,
    notice: dict[str, Any] | None = None,
    status: int = 200,
    focus: tuple[str, ...] = (),
    open_agreement: UUID | None = None,
    **extra: Any,
) -> HttpResponse:
    model = get_conversation_model(consult.model_slug)
    if model is None:
        raise Http404
    if not request.htmx:  # type: ignore[attr-defined]
        if status != 200:
            return render(
                request,
                "consult/plan_error_page.html",
                {
                    "consult": consult,
                    "errors": extra.get("errors", []),
                    "form": next(
                        (extra[name] for name in FORMS_WITH_ERRORS if extra.get(name)), None
                    ),
                },
                status=status,
            )
        return redirect(back_url(request, consult.public_id))
    context = {
        "consult": consult,
        "patient": consult.patient,
        "read_only": consult.finished_at is not None,
        "next_url": back_url(request, consult.public_id),
        "notice": notice,
        **plan_context(consult, model, request.user),
        **extra,
    }
    if open_agreement is not None:
        open_agreement_editor(context, consult, open_agreement)
    response = focus_next(
        render(request, "consult/workspace.html#plan_panel", context, status=status), *focus
    )
    if status == 200:
        # Steps that show the plan's goals (KOP: interventions per goal) read them again.
        response["HX-Trigger"] = "planChanged"
    return response


# The add forms whose errors a page without JavaScript shows.
FORMS_WITH_ERRORS = (
    "goal_add_errors",
    "agreement_add_errors",
    "network_add_errors",
    "teach_back_errors",
)

type Action = Callable[..., HttpResponse]


def plan_action(view: Action) -> Callable[..., HttpResponse]:
    @clinician_required
    @require_POST
    def wrapped(request: HttpRequest, consult_id: UUID, **kwargs: Any) -> HttpResponse:
        actor = Actor.from_request(request)
        consult = get_consult_for(actor, consult_id, log_read=False)
        try:
            return view(request, actor, consult, **kwargs)
        except ValidationError as error:
            return _panel(request, consult, status=422, errors=error.messages)

    return wrapped


def _goal(consult: Consult, goal_id: UUID) -> Goal:
    goal = Goal.objects.filter(public_id=goal_id, plan__patient_id=consult.patient_id).first()
    if goal is None:
        raise Http404
    return goal


def _agreement(consult: Consult, agreement_id: UUID) -> Agreement:
    agreement = Agreement.objects.filter(
        public_id=agreement_id, goal__plan__patient_id=consult.patient_id
    ).first()
    if agreement is None:
        raise Http404
    return agreement


@clinician_required
@require_GET
def agreement_editor(request: HttpRequest, consult_id: UUID, agreement_id: UUID) -> HttpResponse:
    """The editor of one agreement: what the plan panel's line shows when it is opened
    (htmx), or a page of its own without JavaScript."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id)
    agreement = _agreement(consult, agreement_id)
    if agreement.removed_at is not None:
        raise Http404
    siblings = list(
        Agreement.objects.active().filter(goal_id=agreement.goal_id).values_list("pk", flat=True)
    )
    context = {
        "consult": consult,
        "patient": consult.patient,
        "read_only": consult.finished_at is not None,
        "next_url": back_url(request, consult.public_id),
        "record": agreement,
        "form": agreement_editor_form(consult, agreement),
        "is_first": siblings[:1] == [agreement.pk],
        "is_last": siblings[-1:] == [agreement.pk],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "consult/workspace.html#agreement_editor", context)
    context.update(banner_context(actor, consult.patient))
    return render(request, "consult/agreement_editor_page.html", context)


@clinician_required
@require_GET
def agreement_add_form(request: HttpRequest, consult_id: UUID, goal_id: UUID) -> HttpResponse:
    """The form to add an agreement to a goal: what the plan panel's "Add an agreement"
    shows when it is opened (htmx), or a page of its own without JavaScript."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id)
    goal = _goal(consult, goal_id)
    if consult.finished_at is not None or goal.removed_at is not None:
        raise Http404
    context = {
        "consult": consult,
        "patient": consult.patient,
        "goal": goal,
        "next_url": back_url(request, consult.public_id),
        "form": _focused(AgreementAddForm(prefix=f"new-{goal.public_id}"), "what"),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "consult/workspace.html#agreement_add_form", context)
    context.update(banner_context(actor, consult.patient))
    return render(request, "consult/agreement_add_page.html", context)


def _focused[F: AgreementAddForm](form: F, name: str) -> F:
    """The form with the focus in field `name` once it is shown (htmx focuses an
    element with autofocus that it swapped in)."""
    form.fields[name].widget.attrs["autofocus"] = True
    return form


def _member(consult: Consult, member_id: UUID) -> NetworkMember:
    member = NetworkMember.objects.filter(
        public_id=member_id, plan__patient_id=consult.patient_id
    ).first()
    if member is None:
        raise Http404
    return member


@plan_action
def goal_add(request: HttpRequest, actor: Actor, consult: Consult) -> HttpResponse:
    model = get_conversation_model(consult.model_slug)
    domains = [
        (f"{consult.model_slug}:{d.key}", str(d.label)) for d in (model.domains if model else ())
    ]
    form = GoalAddForm(request.POST, domains=domains, prefix="new-goal")
    if not form.is_valid():
        return _panel(request, consult, status=422, goal_add_errors=form)
    goal = plans.goal_add(
        actor=actor,
        consult=consult,
        text=form.cleaned_data["text"],
        domain=form.cleaned_data["domain"],
    )
    return _panel(request, consult, focus=(f"id_{goal.public_id}-text",))


@plan_action
def goal_move(
    request: HttpRequest, actor: Actor, consult: Consult, goal_id: UUID, direction: str
) -> HttpResponse:
    if direction not in {"omhoog", "omlaag"}:
        raise Http404
    plans.goal_move(
        actor=actor, consult=consult, goal=_goal(consult, goal_id), up=direction == "omhoog"
    )
    return _panel(request, consult, focus=(*_move_buttons("goal", goal_id, direction), "goal-list"))


@plan_action
def agreement_add(
    request: HttpRequest, actor: Actor, consult: Consult, goal_id: UUID
) -> HttpResponse:
    goal = _goal(consult, goal_id)
    form = AgreementAddForm(request.POST, prefix=f"new-{goal.public_id}")
    if not form.is_valid():
        return _panel(
            request,
            consult,
            status=422,
            agreement_add_errors=form,
            open_add_goal=goal.public_id,
            open_add_form=form,
        )
    plans.agreement_add(actor=actor, consult=consult, goal=goal, **form.cleaned_data)
    # The goal's form stays open and empty, the focus in it: the next agreement waits.
    return _panel(
        request,
        consult,
        open_add_goal=goal.public_id,
        open_add_form=AgreementAddForm(prefix=f"new-{goal.public_id}"),
    )


@plan_action
def agreement_move(
    request: HttpRequest, actor: Actor, consult: Consult, agreement_id: UUID, direction: str
) -> HttpResponse:
    if direction not in {"omhoog", "omlaag"}:
        raise Http404
    agreement = _agreement(consult, agreement_id)
    plans.agreement_move(
        actor=actor, consult=consult, agreement=agreement, up=direction == "omhoog"
    )
    return _panel(
        request,
        consult,
        open_agreement=agreement.public_id,
        focus=(
            *_move_buttons("agreement", agreement_id, direction),
            f"agreements-{agreement.goal.public_id}",
        ),
    )


def _move_buttons(kind: str, item_id: UUID, direction: str) -> tuple[str, str]:
    """The ids of an item's move buttons (`{% plan_button %}`): the one just pressed
    first, then the other one, for when the item reached the top or bottom."""
    other = "omlaag" if direction == "omhoog" else "omhoog"
    return f"{kind}_move-{item_id}-{direction}", f"{kind}_move-{item_id}-{other}"


@plan_action
def network_add(request: HttpRequest, actor: Actor, consult: Consult) -> HttpResponse:
    form = NetworkMemberAddForm(request.POST, prefix="new-member")
    if not form.is_valid():
        return _panel(request, consult, status=422, network_add_errors=form)
    plans.network_add(actor=actor, consult=consult, **form.cleaned_data)
    return _panel(request, consult)


@plan_action
def network_regiehouder(
    request: HttpRequest, actor: Actor, consult: Consult, member_id: UUID
) -> HttpResponse:
    plans.network_set_regiehouder(actor=actor, consult=consult, member=_member(consult, member_id))
    return _panel(request, consult, focus=("network-list",))


def _removed(
    request: HttpRequest,
    consult: Consult,
    item: Versioned,
    kind: str,
    text: str,
    restore_url: str,
    focus: tuple[str, ...],
) -> HttpResponse:
    notice = {
        "text": text,
        "undo_url": reverse(
            restore_url, kwargs={"consult_id": consult.public_id, f"{kind}_id": item.public_id}
        ),
    }
    return _panel(request, consult, notice=notice, focus=focus)


@plan_action
def goal_remove(
    request: HttpRequest, actor: Actor, consult: Consult, goal_id: UUID
) -> HttpResponse:
    goal = plans.item_remove(
        actor=actor, consult=consult, item=_goal(consult, goal_id), kind="goal"
    )
    text = _("Goal “%(text)s” removed.") % {"text": goal.text}
    return _removed(
        request, consult, goal, "goal", text, "goal_restore", ("goal-list", "goals-title")
    )


@plan_action
def agreement_remove(
    request: HttpRequest, actor: Actor, consult: Consult, agreement_id: UUID
) -> HttpResponse:
    agreement = plans.item_remove(
        actor=actor, consult=consult, item=_agreement(consult, agreement_id), kind="agreement"
    )
    text = _("Agreement “%(text)s” removed.") % {"text": agreement.what}
    goal_id = agreement.goal.public_id
    return _removed(
        request,
        consult,
        agreement,
        "agreement",
        text,
        "agreement_restore",
        (f"agreements-{goal_id}", f"id_{goal_id}-text"),
    )


@plan_action
def network_remove(
    request: HttpRequest, actor: Actor, consult: Consult, member_id: UUID
) -> HttpResponse:
    member = plans.item_remove(
        actor=actor, consult=consult, item=_member(consult, member_id), kind="network_member"
    )
    text = _("%(name)s removed from the care network.") % {"name": member.name}
    return _removed(
        request,
        consult,
        member,
        "member",
        text,
        "network_restore",
        ("network-list", "network-title"),
    )


@plan_action
def goal_restore(
    request: HttpRequest, actor: Actor, consult: Consult, goal_id: UUID
) -> HttpResponse:
    plans.item_restore(actor=actor, consult=consult, item=_goal(consult, goal_id), kind="goal")
    return _panel(request, consult, focus=("goal-list",))


@plan_action
def agreement_restore(
    request: HttpRequest, actor: Actor, consult: Consult, agreement_id: UUID
) -> HttpResponse:
    agreement = plans.item_restore(
        actor=actor, consult=consult, item=_agreement(consult, agreement_id), kind="agreement"
    )
    return _panel(request, consult, focus=(f"agreements-{agreement.goal.public_id}",))


@plan_action
def network_restore(
    request: HttpRequest, actor: Actor, consult: Consult, member_id: UUID
) -> HttpResponse:
    plans.item_restore(
        actor=actor, consult=consult, item=_member(consult, member_id), kind="network_member"
    )
    return _panel(request, consult, focus=("network-list",))


@plan_action
def referral_add(
    request: HttpRequest, actor: Actor, consult: Consult, goal_id: UUID
) -> HttpResponse:
    goal = _goal(consult, goal_id)
    service_id = request.POST.get("service", "")
    service = (
        Service.objects.filter(
            public_id=service_id, service_map_id__in=map_ids_for(actor.user)
        ).first()
        if _is_uuid(service_id)
        else None
    )
    if service is None:
        raise ValidationError(_("Choose a service from the sociale kaart."))
    referrals.referral_create(actor=actor, consult=consult, service=service, goal=goal)
    if not request.htmx:  # type: ignore[attr-defined]
        # Back from the sociale kaart's pages (or without JavaScript): say what was done,
        # without the goal's words (messages may travel in a cookie).
        messages.success(request, _("Referred to %(service)s.") % {"service": service.name})
    return _panel(request, consult)


@plan_action
def referral_update(
    request: HttpRequest, actor: Actor, consult: Consult, referral_id: UUID
) -> HttpResponse:
    referral = Referral.objects.filter(
        public_id=referral_id, plan__patient_id=consult.patient_id
    ).first()
    if referral is None:
        raise Http404
    form = ReferralUpdateForm(request.POST, referral=referral, prefix=str(referral.public_id))
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    referrals.referral_advance(actor=actor, consult=consult, referral=referral, **form.cleaned_data)
    return _panel(request, consult)


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


@plan_action
def teach_back_add(request: HttpRequest, actor: Actor, consult: Consult) -> HttpResponse:
    form = TeachBackForm(request.POST, prefix="terugvragen")
    if not form.is_valid():
        return _panel(request, consult, status=422, teach_back_errors=form)
    plans.teach_back_record(actor=actor, consult=consult, **form.cleaned_data)
    return _panel(request, consult)
