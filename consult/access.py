"""Who may see what. Every read of patient data goes through a helper here: it scopes
to the user's practice and role, writes the audit record, and answers 404 otherwise."""

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from brede_gesprek.queries import one_or_none
from consult.audit import audit_log
from consult.models import AuditAction, AuditEventType, AuditOutcome, Consult, Patient, User
from consult.models.patients import PatientQuerySet


@dataclass(frozen=True)
class Actor:
    """The acting user and where the request came from: what every service needs to
    check access and to write the audit record."""

    user: User
    client_address: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Actor":
        assert isinstance(request.user, User)
        return cls(user=request.user, client_address=client_address(request))


def client_address(request: HttpRequest) -> str | None:
    """The client's address for the audit trail. Behind trusted proxies it is the entry
    the nearest of them added to X-Forwarded-For: counted from the right, since a client
    can put anything on the left. A value that is no address is never used."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT and forwarded[-1]:
            address = _valid(forwarded[-settings.TRUSTED_PROXY_COUNT])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]


def clinician_required[**P](view: View[P]) -> View[P]:
    """Patient data is for the treating roles only; anyone else gets 403, logged. What
    they get is never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not user.is_clinician:
            object_type, object_id, patient_id = _refused_target(kwargs)
            audit_log(
                actor=Actor.from_request(request),
                action=tried_action(request),
                object_type=object_type,
                object_id=object_id,
                patient_id=patient_id,
                outcome=AuditOutcome.REFUSED,
            )
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        # Patient data never stays in a browser's or a proxy's cache.
        patch_cache_control(response, private=True, no_store=True)
        return response

    return login_required(wrapped)


# Pages whose GET is more than a read: what a refusal of them records.
_GET_ACTIONS = {
    "plan_pdf": AuditAction.PRINT,
    "plan_fhir": AuditAction.EXPORT,
    "patient_copy": AuditAction.EXPORT,
}


def tried_action(request: HttpRequest) -> AuditAction:
    """The action a refused request tried: reading (or printing, exporting) for GET,
    changing otherwise."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        name = request.resolver_match.url_name if request.resolver_match else ""
        return _GET_ACTIONS.get(name or "", AuditAction.READ)
    return AuditAction.UPDATE


def _refused_target(kwargs: dict[str, object]) -> tuple[str, str, UUID | None]:
    """What a refused request was after: the most specific object in its URL (a goal
    rather than its consult), and the patient it belongs to when that exists."""
    ids = {name: value for name, value in kwargs.items() if isinstance(value, UUID)}
    patient_id = ids.get("patient_id")
    if patient_id is None and "consult_id" in ids:
        patient_id = (
            Consult.objects.filter(public_id=ids["consult_id"])
            .values_list("patient__public_id", flat=True)
            .first()
        )
    if patient_id is not None and not Patient.objects.filter(public_id=patient_id).exists():
        patient_id = None
    specific = [name for name in ids if name not in ("patient_id", "consult_id")]
    name = specific[-1] if specific else ("consult_id" if "consult_id" in ids else "patient_id")
    if name not in ids:
        return "page", "", patient_id
    return name.removesuffix("_id"), str(ids[name]), patient_id


def administrator_required[**P](view: View[P]) -> View[P]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not isinstance(request.user, User) or not request.user.is_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def audit_reviewer_required[**P](view: View[P]) -> View[P]:
    """The audit trail is for the colleague the practice appointed to review it; a
    refusal is logged. It names patients, so it is never cached either."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not user.is_audit_reviewer:
            audit_log(
                actor=Actor.from_request(request),
                action=tried_action(request),
                object_type="audit_trail",
                outcome=AuditOutcome.REFUSED,
                event=AuditEventType.AUDIT_REVIEW,
            )
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return login_required(wrapped)


def get_patient_for(
    actor: Actor, patient_id: UUID, *, tried: AuditAction = AuditAction.READ
) -> Patient:
    """The patient, if the actor may see them; logs the read, or the refusal of what
    was `tried`."""
    # One INSERT is atomic by itself: no transaction around it (two round trips less).
    patient = (
        one_or_none(
            Patient.objects.for_practice(actor.user.practice_id).filter(public_id=patient_id)
        )
        if actor.user.is_clinician
        else None
    )
    audit_log(
        actor=actor,
        action=AuditAction.READ if patient else tried,
        object_type="patient",
        object_id=str(patient_id),
        patient_id=patient_id if patient or _patient_exists(patient_id) else None,
        outcome=AuditOutcome.ALLOWED if patient else AuditOutcome.REFUSED,
    )
    if patient is None:
        raise Http404
    return patient


def get_consult_for(
    actor: Actor, consult_id: UUID, *, log_read: bool = True, tried: AuditAction | None = None
) -> Consult:
    """The consult, if the actor may see it. `log_read=False` is for writes, which log
    their own audit record; a refusal is logged always, as the read or the change that
    was tried, naming the patient when the consult exists."""
    # A write needs only the patient; a page also shows who started the consult.
    related = ("patient", "started_by") if log_read else ("patient",)
    consult = (
        one_or_none(
            Consult.objects.select_related(*related).filter(
                public_id=consult_id, practice_id=actor.user.practice_id
            )
        )
        if actor.user.is_clinician
        else None
    )
    if consult is not None and not log_read:
        return consult
    patient_id = (
        consult.patient.public_id
        if consult
        else Consult.objects.filter(public_id=consult_id)
        .values_list("patient__public_id", flat=True)
        .first()
    )
    audit_log(
        actor=actor,
        action=tried or (AuditAction.READ if log_read else AuditAction.UPDATE),
        object_type="consult",
        object_id=str(consult_id),
        patient_id=patient_id,
        outcome=AuditOutcome.ALLOWED if consult else AuditOutcome.REFUSED,
    )
    if consult is None:
        raise Http404
    return consult


def _patient_exists(patient_id: UUID) -> bool:
    return Patient.objects.filter(public_id=patient_id).exists()


def patients_for(actor: Actor) -> PatientQuerySet:
    return Patient.objects.for_practice(actor.user.practice_id)
