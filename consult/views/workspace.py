from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url

from consult.access import Actor, clinician_required, get_consult_for
from consult.autosave import (
    EditableKind,
    StaleVersion,
    clean_bases,
    clean_fields,
    editable_kind,
    record_save,
)
from consult.htmx import is_htmx_swap_of
from consult.models import Consult, Versioned
from consult.registry import ConversationModel, Step, get_conversation_model
from consult.selectors.plans import plan_view
from consult.services.plans import consult_finish, step_complete
from consult.trajectories import trajectory_of
from consult.views.banner import banner_context
from consult.workspace import first_open_step, next_step, workspace_context


def _model_and_step(consult: Consult, step_slug: str | None) -> tuple[ConversationModel, Step]:
    model = get_conversation_model(consult.model_slug)
    if model is None:
        raise Http404
    step = model.step(step_slug) if step_slug else first_open_step(model, consult)
    if step is None:
        raise Http404
    return model, step


def render_workspace(
    request: HttpRequest,
    actor: Actor,
    consult: Consult,
    model: ConversationModel,
    step: Step,
    *,
    step_error: str | None = None,
) -> HttpResponse:
    """The workspace on `step`: the step alone when htmx swaps it, else the whole page."""
    swap = is_htmx_swap_of(request, "step")
    context = workspace_context(
        actor=actor, consult=consult, model=model, step=step, with_plan=not swap
    )
    context["step_error"] = step_error
    if swap:
        return render(request, "consult/workspace.html#step_swap", context)
    context.update(banner_context(actor, consult.patient))
    context["sessions"] = trajectory_of(consult) if model.continuable else []
    return render(request, "consult/workspace.html", context)


@clinician_required
def workspace(request: HttpRequest, consult_id: UUID, step_slug: str | None = None) -> HttpResponse:
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id)
    model, step = _model_and_step(consult, step_slug)
    return render_workspace(request, actor, consult, model, step)


@clinician_required
@require_POST
def step_done(request: HttpRequest, consult_id: UUID, step_slug: str) -> HttpResponse:
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id, log_read=False)
    model, step = _model_and_step(consult, step_slug)
    try:
        step_complete(actor=actor, consult=consult, step_slug=step.slug)
    except ValidationError as error:
        # The model may refuse (not ready yet): say why on the step itself.
        if is_htmx_swap_of(request, "step"):
            response = render_workspace(
                request, actor, consult, model, step, step_error=" ".join(error.messages)
            )
            response.status_code = 422
            return response
        messages.error(request, " ".join(error.messages))
        return redirect("consult_step", consult_id=consult.public_id, step_slug=step.slug)
    following = next_step(model, step) or step
    url = reverse(
        "consult_step", kwargs={"consult_id": consult.public_id, "step_slug": following.slug}
    )
    if is_htmx_swap_of(request, "step"):
        return push_url(render_workspace(request, actor, consult, model, following), url)
    return redirect(url)


@clinician_required
@require_POST
def finish(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """Finishing asks once: the first press answers with the question (in place, or as
    a page without JavaScript), "confirm=yes" finishes, "confirm=no" puts the button back."""
    actor = Actor.from_request(request)
    answer = request.POST.get("confirm", "")
    # The question shows the consult (the patient's name, on the page without
    # JavaScript): that is a read, logged as one; finishing logs its own change.
    consult = get_consult_for(actor, consult_id, log_read=answer not in ("yes", "no"))
    if answer == "no":
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "consult/workspace.html#finish_button", {"consult": consult})
        return redirect("consult_detail", consult_id=consult.public_id)
    if answer != "yes":
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "consult/workspace.html#finish_confirm", {"consult": consult})
        return render(request, "consult/finish_confirm.html", {"consult": consult})
    try:
        consult_finish(actor=actor, consult=consult)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The conversation is finished. It can be read, no longer changed.")
        )
    url = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return redirect(url)


@clinician_required
@require_POST
def autosave(request: HttpRequest, consult_id: UUID, kind: str, record_id: UUID) -> HttpResponse:
    """Save the field(s) posted for one record. htmx gets a small status fragment; a
    plain form post (no JavaScript) is redirected back to where it came from."""
    actor = Actor.from_request(request)
    editable = editable_kind(kind)
    record = (
        editable.locate(
            practice_id=actor.user.practice_id, consult_id=consult_id, record_id=record_id
        )
        if editable
        else None
    )
    if editable is None or record is None:
        get_consult_for(actor, consult_id, log_read=False)  # logs a refusal, 404s
        raise Http404
    prefix = str(record.public_id)
    context: dict[str, object] = {"record": record, "consult_id": consult_id}
    try:
        version = int(request.POST.get(f"{prefix}-version", ""))
    except ValueError:
        version = -1
    status = 200
    try:
        values = clean_fields(editable, record, request.POST)
        if version < 0:
            raise ValidationError(_("The page is out of date. Reload it and try again."))
        record = record_save(
            actor=actor,
            kind=editable,
            record=record,
            values=values,
            version=version,
            bases=clean_bases(editable, record, request.POST, values),
        )
        context["record"] = record
        partial = "saved"
    except StaleVersion as conflict:
        context.update(
            conflicts=[
                {
                    "field": name,
                    # With the record: a model's form may need it to be built.
                    "label": editable.form_class(instance=conflict.record, prefix=prefix)[
                        name
                    ].label,
                    "stored": conflict.stored[name],
                    "unsaved": conflict.unsaved[name],
                    "raw": request.POST.get(f"{prefix}-{name}", ""),
                }
                for name in conflict.unsaved
            ],
            current_version=conflict.record.version,
            prefix=prefix,
            url=request.path,
            back_url=back_url(request, consult_id),
        )
        partial, status = "conflict", 409
    except ValidationError as error:
        context.update(invalid_context(editable, record, error))
        partial, status = "invalid", 422
    if not request.htmx:  # type: ignore[attr-defined]
        if status == 200:
            messages.success(request, _("Saved."))
            return redirect(back_url(request, consult_id))
        return render(
            request, "consult/autosave_page.html", {**context, "partial": partial}, status=status
        )
    if partial == "saved":
        return HttpResponse(saved_fragment(record))
    return render(request, f"consult/autosave.html#{partial}", context, status=status)


def invalid_context(
    kind: EditableKind, record: Versioned, error: ValidationError
) -> dict[str, object]:
    """A refusal for the status line beside the form: each message with the label of
    its field, and the fields' names so the page can mark them invalid."""
    if not hasattr(error, "error_dict"):
        return {"errors": error.messages, "invalid_fields": []}
    form = kind.form_class(instance=record, prefix=str(record.public_id))
    return {
        "errors": [
            f"{form[name].label}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        ],
        "invalid_fields": [form.add_prefix(name) for name in error.message_dict],
    }


def saved_fragment(record: Versioned) -> str:
    """The answer to every successful autosave, many times a minute: built directly
    rather than through a template, it keeps the save cheap."""
    time = timezone.localtime().strftime("%H:%M")
    return format_html(
        '{}\n<input type="hidden" id="version-{}" name="{}-version" value="{}" hx-swap-oob="true">',
        _("Saved at %(time)s") % {"time": time},
        record.public_id,
        record.public_id,
        record.version,
    )


def back_url(request: HttpRequest, consult_id: UUID) -> str:
    """Where a form without JavaScript returns to: the page it came from, if it is ours.
    Only a path counts: anything else (a name, "?x", "#x") is no place to go back to."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("consult_detail", kwargs={"consult_id": consult_id})


@clinician_required
def look_along(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    """A calm view for the patient to look at together: the chart and the plan, in
    large type, without notes."""
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id)
    model = get_conversation_model(consult.model_slug)
    if model is None:
        raise Http404
    context = {
        "consult": consult,
        "model": model,
        "first_name": consult.patient.first_name,
        "chart": model.chart_svg(consult, for_patient=True),
        "plan": plan_view(patient_id=consult.patient_id),
    }
    return render(request, "consult/look_along.html", context)
