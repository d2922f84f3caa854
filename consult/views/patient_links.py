"""The professional's side of a patient's own entry: make a link (shown once, with a
QR code to print or show), and withdraw it."""

from uuid import UUID

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consult.access import Actor, clinician_required, get_patient_for, tried_action
from consult.forms import PatientLinkForm
from consult.services.patient_links import entry_of, link_create, link_withdraw
from consult.views.banner import banner_context
from consult.views.patients import patient_detail_page


@clinician_required
@require_POST
def link_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    form = PatientLinkForm(request.POST)
    if form.is_valid():
        model_slug, _sep, purpose = form.cleaned_data["entry"].partition(":")
        try:
            link, token = link_create(
                actor=actor, patient=patient, model_slug=model_slug, purpose=purpose
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            url = request.build_absolute_uri(reverse("patient_entry", kwargs={"token": token}))
            response = render(
                request,
                "consult/patient_link_made.html",
                {
                    **banner_context(actor, patient),
                    "link": link,
                    "entry": entry_of(link),
                    "url": url,
                    "qr": segno.make(url, error="m").svg_data_uri(scale=6, border=2),
                },
            )
            # The token is in this page only: it must not stay in any cache.
            response["Cache-Control"] = "no-store"
            return response
    return patient_detail_page(request, actor, patient, link_form=form, status=400)


@clinician_required
@require_POST
def link_withdrawn(request: HttpRequest, patient_id: UUID, link_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = get_patient_for(actor, patient_id, tried=tried_action(request))
    link = patient.patient_links.filter(public_id=link_id).first()
    if link is None:
        raise Http404
    link_withdraw(actor=actor, link=link)
    messages.success(request, _("The link has been withdrawn: it no longer works."))
    return redirect("patient_detail", patient_id=patient.public_id)
