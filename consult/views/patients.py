from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consult.access import (
    Actor,
    clinician_required,
    get_patient_for,
    patients_for,
    tried_action,
)
from consult.audit import audit_log_many
from consult.charts.trend import render_trend_svg
from consult.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    ConsultStartForm,
    FlagCloseForm,
    PatientForm,
    PatientLinkForm,
    PatientSearchForm,
)
from consult.htmx import is_htmx_swap_of
from consult.models import AuditAction, Patient
from consult.models.flags import PatientFlag
from consult.patient_links import patient_links_of
from consult.registry import conversation_models
from consult.selectors.evaluations import DUE_WITHIN_DAYS, evaluations_due
from consult.services import flags as flag_services
from consult.services.consent import consent_record, consent_withdraw
from consult.services.consults import consult_start
from consult.services.patients import patient_create, patient_update
from consult.services.referrals import referrals_to_follow_up
from consult.services.users import awaiting_confirmation_count
from consult.trajectories import patient_timeline
from consult.views.banner import banner_context

PAGE_SIZE = 25
# The worklists (evaluations due, referrals to follow up): a practice may have hundreds.
WORKLIST_PAGE_SIZE = 50


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_list(request: HttpRequest) -> HttpResponse:
    """The practice's patients, or those a search finds. Search terms (a name, a date
    of birth, a HIS number) come only in a POST body, so they never end up in a URL,
    a server's access log or the browser's history."""
    actor = Actor.from_request(request)
    searching = request.method == "POST"
    form = PatientSearchForm(request.POST if searching else None)
    patients = patients_for(actor)
    query = ""
    if searching and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            patients = patients.search(query, practice_id=actor.user.practice_id)
    data = request.POST if searching else request.GET
    page = Paginator(patients, PAGE_SIZE).get_page(data.get("pagina"))
    with transaction.atomic():
        shown = list(page.object_list)
        audit_log_many(
            actor=actor,
            action=AuditAction.READ,
            object_type="patient_list",
            patient_ids=[patient.public_id for patient in shown],
        )
    context = {
        "form": form,
        "page": page,
        "patients": shown,
        "query": query,
        "colleagues_waiting": awaiting_confirmation_count(actor),
    }
    template = "consult/patient_list.html"
    if is_htmx_swap_of(request, "patient-results"):
        template += "#results"
    return render(request, template, context)


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = PatientForm(request.POST or None, practice=actor.user.practice)
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Patient added."))
            return redirect("patient_detail", patient_id=patient.public_id)
    return render(request, "consult/patient_form.html", {"form": form, "patient": None})


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    form = PatientForm(request.POST or None, instance=patient, practice=actor.user.practice)
    if request.method == "POST" and form.is_valid():
        try:
            patient_update(actor=actor, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("patient_detail", patient_id=patient.public_id)
    if request.method == "POST":
        # The form changed the instance in memory; show the stored patient in the banner.
        patient.refresh_from_db()
    flags = flag_services.open_flags_seen(actor=actor, patient=patient)
    return render(
        request, "consult/patient_form.html", {"form": form, "patient": patient, "flags": flags}
    )


@clinician_required
def patient_detail(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    return patient_detail_page(request, actor, patient)


@clinician_required
@require_POST
def consent_give(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    form = ConsentForm(request.POST, actor_user=actor.user)
    if form.is_valid():
        try:
            consent_record(actor=actor, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("patient_detail", patient_id=patient.public_id)
    return patient_detail_page(request, actor, patient, consent_form=form, status=400)


@clinician_required
@require_POST
def consent_revoke(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            consent_withdraw(actor=actor, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Withdrawal of consent recorded."))
            return redirect("patient_detail", patient_id=patient.public_id)
    return patient_detail_page(request, actor, patient, withdraw_form=form, status=400)


@clinician_required
@require_POST
def consult_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    form = ConsultStartForm(request.POST)
    if form.is_valid():
        continues = None
        if form.cleaned_data["continues"]:
            continues = patient.consults.filter(public_id=form.cleaned_data["continues"]).first()
            if continues is None:
                raise Http404
        try:
            consult = consult_start(
                actor=actor,
                patient=patient,
                model_slug=form.cleaned_data["model_slug"],
                continues=continues,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("consult_detail", consult_id=consult.public_id)
    return patient_detail_page(request, actor, patient, start_form=form, status=400)


def patient_detail_page(
    request: HttpRequest,
    actor: Actor,
    patient: Patient,
    *,
    consent_form: ConsentForm | None = None,
    withdraw_form: ConsentWithdrawForm | None = None,
    start_form: ConsultStartForm | None = None,
    link_form: PatientLinkForm | None = None,
    flag_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    timeline = patient_timeline(patient)
    open_consults = timeline.open_by_model()
    context = {
        **banner_context(actor, patient),
        "consent_history": patient.consents.select_related("given_to"),
        "closed_flags": flag_services.flags_closed_history(patient),
        "flag_close_form": FlagCloseForm(),
        "flag_errors": flag_errors,
        "timeline": timeline,
        "trends": [(series, render_trend_svg(series)) for series in timeline.series],
        "links": patient_links_of(patient),
        "link_form": link_form or PatientLinkForm(),
        "consent_form": consent_form or ConsentForm(actor_user=actor.user),
        "withdraw_form": withdraw_form or ConsentWithdrawForm(),
        "start_form": start_form or ConsultStartForm(),
        # Each model to start, with its conversation still open if there is one: a
        # second trajectory beside it is seldom what is meant.
        "start_choices": [
            (model, open_consults.get(model.slug)) for model in conversation_models()
        ],
    }
    return render(request, "consult/patient_detail.html", context, status=status)


@clinician_required
@require_POST
def flag_close(request: HttpRequest, patient_id: UUID, flag_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    flag = PatientFlag.objects.open().filter(patient=patient, public_id=flag_id).first()
    if flag is None:
        raise Http404
    form = FlagCloseForm(request.POST)
    if form.is_valid():
        try:
            flag_services.flag_close(actor=actor, flag=flag, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Flag closed."))
            return redirect("patient_detail", patient_id=patient.public_id)
    errors = [str(message) for messages_ in form.errors.values() for message in messages_]
    return patient_detail_page(
        request, actor, patient, flag_errors={str(flag.public_id): errors}, status=400
    )


@clinician_required
def referral_follow_up(request: HttpRequest) -> HttpResponse:
    """Open referrals without news for a while, for the practice's professionals, a page
    at a time."""
    actor = Actor.from_request(request)
    with transaction.atomic():
        page = worklist_page(request, referrals_to_follow_up(actor.user.practice_id))
        waiting = list(page.object_list)
        audit_log_many(
            actor=actor,
            action=AuditAction.READ,
            object_type="referral_list",
            patient_ids=[referral.plan.patient.public_id for referral in waiting],
        )
    return render(
        request,
        "consult/referral_follow_up.html",
        {"referrals": waiting, "page": page, "days": settings.REFERRAL_FOLLOW_UP_DAYS},
    )


@clinician_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """Patients whose plan is due for evaluation (passed, or within two weeks), a page
    at a time."""
    actor = Actor.from_request(request)
    today = timezone.localdate()
    with transaction.atomic():
        page = worklist_page(request, evaluations_due(actor.user.practice_id, today=today))
        due = list(page.object_list)
        audit_log_many(
            actor=actor,
            action=AuditAction.READ,
            object_type="evaluation_list",
            patient_ids=[plan.patient.public_id for plan in due],
        )
    rows = [
        (plan, (plan.next_evaluation_on - today).days, (today - plan.next_evaluation_on).days)
        for plan in due
        if plan.next_evaluation_on
    ]
    return render(
        request,
        "consult/evaluations_due.html",
        {"rows": rows, "page": page, "days": DUE_WITHIN_DAYS},
    )


def worklist_page(request: HttpRequest, rows: QuerySet[Any]) -> Page:
    """The page of a practice's worklist that ?pagina= asks for: the first for anything
    that is not a page number, the last for a number past the end."""
    return Paginator(rows, WORKLIST_PAGE_SIZE).get_page(request.GET.get("pagina"))
