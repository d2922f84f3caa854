from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from consult.access import Actor, clinician_required, get_consult_for
from consult.registry import get_conversation_model


@clinician_required
def consult_detail(request: HttpRequest, consult_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    consult = get_consult_for(actor, consult_id)
    model = get_conversation_model(consult.model_slug)
    if model is None:
        raise Http404
    return render(
        request,
        "consult/consult_detail.html",
        {"consult": consult, "patient": consult.patient, "model": model},
    )
