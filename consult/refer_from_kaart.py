"""Referring from the sociale kaart's search and service pages. The plan panel
(consult/workspace.html) links there with the consult and the goal
(?gesprek=<consult>&doel=<goal>); this provider, registered with the sociale kaart in
ConsultConfig.ready(), turns them into the sociale kaart's ReferContext: the goal's
text, the referral_add URL to post to, the way back, and the patient's postcode and age
to filter on. Nothing is taken from the request but the two ids, and only for an open
consult the user may see (the read is audited)."""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from consult.access import Actor, get_consult_for
from consult.models import Goal, User
from sociale_kaart.referring import ReferContext

CONSULT_PARAMETER = "gesprek"
GOAL_PARAMETER = "doel"


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def refer_context_from_consult(request: HttpRequest) -> ReferContext | None:
    consult_id = _uuid(request.GET.get(CONSULT_PARAMETER, ""))
    goal_id = _uuid(request.GET.get(GOAL_PARAMETER, ""))
    if consult_id is None or goal_id is None or not isinstance(request.user, User):
        return None
    try:
        consult = get_consult_for(Actor.from_request(request), consult_id)
    except Http404:
        return None  # not this user's to see: a plain search (the refusal is logged)
    if consult.finished_at is not None:
        return None
    goal = (
        Goal.objects.active()
        .filter(public_id=goal_id, plan__patient_id=consult.patient_id)
        .prefetch_related("referrals")
        .first()
    )
    if goal is None:
        return None
    patient = consult.patient
    consult_url = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    return ReferContext(
        label=goal.text,
        action_url=reverse(
            "referral_add", kwargs={"consult_id": consult.public_id, "goal_id": goal.public_id}
        ),
        return_url=f"{consult_url}#goal-{goal.public_id}",
        return_label=_("Back to the consult"),
        carry={CONSULT_PARAMETER: str(consult.public_id), GOAL_PARAMETER: str(goal.public_id)},
        postcode=patient.postcode,
        age=patient.age,
        referred=frozenset(referral.service_id for referral in goal.referrals.all()),
    )
