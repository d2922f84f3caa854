"""Retention and erasure of a patient's record (WGBO art. 7:454 and 7:455, AVG art. 17).

A record is kept for RECORD_RETENTION_YEARS (20) after its last change. Before that, a
beheerder erases it on the patient's justified request, with the agreement of a treating
colleague (the WGBO lets a caregiver refuse when someone else's interest weighs heavier);
after it, `python manage.py retention` erases it.

Erasure removes the patient and everything that hangs from them, in one transaction with
an ErasureRecord and an audit record. The audit trail is not touched (it is
append-only): its records keep the patient's public id, which now leads to nobody. The
ErasureRecord links that id to a keyed hash of the HIS number, so that a later question
("was my record erased, who looked at it before?") can be answered by whoever knows the
number, while the app's users cannot read from the trail whose record it was."""

import hashlib
import hmac
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import Visitor, Who, audit_log
from consult.models import (
    AuditAction,
    AuditEventType,
    AuditOutcome,
    Consult,
    ErasureGround,
    ErasureRecord,
    Patient,
    User,
)

HIS_NUMBER_MAX_LENGTH = Patient._meta.get_field("his_number").max_length or 20
# Date fields of a record that say what is planned (or who the patient is), not when
# something was recorded: they do not count as a change.
NOT_A_CHANGE = frozenset({"date_of_birth", "expires_at", "next_evaluation_on", "evaluate_on"})


# -- The keyed hash of the HIS number -------------------------------------------------


def normalise_his_number(his_number: str) -> str:
    return his_number.strip().upper()


def _key() -> bytes:
    if settings.ERASURE_HASH_KEY:
        return settings.ERASURE_HASH_KEY.encode()
    return salted_hmac("brede-gesprek.erasure-hash", "key", algorithm="sha256").digest()


def his_number_hash(practice_id: int, his_number: str) -> str:
    """HMAC-SHA256 over the practice and the HIS number: the same number in another
    practice gives another hash, and without the key nobody can try numbers."""
    message = f"{practice_id}:{normalise_his_number(his_number)}"
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


# -- What a record is, and when it last changed ---------------------------------------


@dataclass(frozen=True)
class RecordPart:
    """A model whose rows belong to a patient's record: the lookup from it to the
    patient's id, and its fields that say when something was recorded or changed."""

    model: type[models.Model]
    to_patient: str
    time_fields: tuple[str, ...]


def record_parts() -> list[RecordPart]:
    """The patient and every model that hangs from them over cascading foreign keys
    (what deleting the patient deletes), nearest first."""
    parts: list[RecordPart] = []
    seen: set[type[models.Model]] = set()
    queue: deque[tuple[type[models.Model], str]] = deque([(Patient, "id")])
    while queue:
        model, to_patient = queue.popleft()
        if model in seen:
            continue
        seen.add(model)
        time_fields = tuple(
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateField) and field.name not in NOT_A_CHANGE
        )
        parts.append(RecordPart(model, to_patient, time_fields))
        for relation in model._meta.related_objects:
            if relation.many_to_many or relation.on_delete is not models.CASCADE:
                continue
            name = relation.field.name
            related = relation.related_model
            assert isinstance(related, type)
            queue.append((related, name if model is Patient else f"{name}__{to_patient}"))
    return parts


def _as_moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def last_changes(patients: "models.QuerySet[Patient]") -> dict[int, datetime]:
    """Per patient (by pk): the latest moment anything of their record was recorded or
    changed. One query per part of the record, however many patients."""
    ids = patients.order_by().values("pk")
    latest: dict[int, datetime] = {}
    for part in record_parts():
        if not part.time_fields:
            continue
        rows = (
            part.model._base_manager.filter(**{f"{part.to_patient}__in": ids})
            .order_by()
            .values(part.to_patient)
            .annotate(**{f"latest_{name}": Max(name) for name in part.time_fields})
        )
        for row in rows:
            patient_pk = row.pop(part.to_patient)
            for value in row.values():
                if value is None:
                    continue
                moment = _as_moment(value)
                if patient_pk not in latest or moment > latest[patient_pk]:
                    latest[patient_pk] = moment
    return latest


def last_change_of(patient: Patient) -> datetime:
    return last_changes(Patient.objects.filter(pk=patient.pk)).get(patient.pk, patient.updated_at)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _years_after(day: date, years: int) -> date:
    return _years_before(day, -years)


def retention_ends_on(last_change: datetime) -> date:
    """The last day the record must be kept."""
    return _years_after(timezone.localdate(last_change), settings.RECORD_RETENTION_YEARS)


def _retention_ended(last_change: datetime, today: date) -> bool:
    return timezone.localdate(last_change) < _years_before(today, settings.RECORD_RETENTION_YEARS)


def retention_overview(practice_id: int | None, today: date) -> list[tuple[Patient, datetime]]:
    """Patients whose last change lies more than RECORD_RETENTION_YEARS before
    `today`, with that last change, oldest first."""
    cutoff = _years_before(today, settings.RECORD_RETENTION_YEARS)
    patients = (
        Patient.objects.all() if practice_id is None else Patient.objects.for_practice(practice_id)
    )
    # A patient changed since the cutoff is never due: only the others need a look.
    patients = patients.filter(updated_at__lt=_as_moment(cutoff))
    changes = last_changes(patients)
    due = [
        (patient, changes.get(patient.pk, patient.updated_at))
        for patient in patients.order_by("pk")
    ]
    due = [(patient, change) for patient, change in due if _retention_ended(change, today)]
    return sorted(due, key=lambda item: (item[1], item[0].pk))


def retention_due(practice_id: int | None, today: date) -> list[Patient]:
    return [patient for patient, _change in retention_overview(practice_id, today)]


# -- Looking a record up for erasure ---------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A record as the beheerder sees it before erasing it: no name, no date of
    birth, nothing about the patient beyond what the decision needs."""

    public_id: UUID
    created_at: datetime
    last_change: datetime
    conversations: int
    retention_ends_on: date


def _patient_by_his_number(practice_id: int, his_number: str) -> Patient | None:
    number = his_number.strip()
    if not number or len(number) > HIS_NUMBER_MAX_LENGTH:
        return None
    found = list(Patient.objects.for_practice(practice_id).filter(his_number__iexact=number)[:5])
    exact = [patient for patient in found if patient.his_number == number]
    if exact:
        return exact[0]
    return found[0] if len(found) == 1 else None


def _require_administrator(actor: Actor, action: AuditAction) -> None:
    """Only a beheerder erases; anyone else is refused, and that is logged."""
    if actor.user.is_administrator:
        return
    audit_log(
        actor=actor,
        action=action,
        object_type="patient",
        outcome=AuditOutcome.REFUSED,
        event=AuditEventType.ERASURE,
    )
    raise PermissionDenied


def erasure_candidate(actor: Actor, his_number: str) -> Candidate | None:
    """The record with this HIS number in the beheerder's practice, described without
    who the patient is. The look-up is audited, as is a number that led nowhere."""
    _require_administrator(actor, AuditAction.READ)
    with transaction.atomic():
        patient = _patient_by_his_number(actor.user.practice_id, his_number)
        if patient is None:
            audit_log(
                actor=actor,
                action=AuditAction.READ,
                object_type="patient",
                outcome=AuditOutcome.FAILED,
                event=AuditEventType.ERASURE,
            )
            return None
        audit_log(
            actor=actor,
            action=AuditAction.READ,
            object_type="patient",
            object_id=str(patient.public_id),
            patient_id=patient.public_id,
            event=AuditEventType.ERASURE,
        )
        last_change = last_change_of(patient)
        return Candidate(
            public_id=patient.public_id,
            created_at=patient.created_at,
            last_change=last_change,
            conversations=Consult.objects.filter(patient=patient).count(),
            retention_ends_on=retention_ends_on(last_change),
        )


# -- Erasing ---------------------------------------------------------------------------


def _check_agreed_by(actor: Actor, agreed_by: User | None) -> User:
    if (
        agreed_by is None
        or not agreed_by.is_active
        or not agreed_by.is_clinician
        or agreed_by.practice_id != actor.user.practice_id
    ):
        raise ValidationError(
            _(
                "Choose the treating colleague (GP or practice nurse) of your practice who "
                "agreed to the erasure."
            ),
            code="agreed_by",
        )
    return agreed_by


def _check_ground(ground: str) -> ErasureGround:
    try:
        return ErasureGround(ground)
    except ValueError:
        raise ValidationError(_("Choose a ground for the erasure."), code="ground") from None


def _check_requested_on(requested_on: date | None) -> date:
    if requested_on is None:
        raise ValidationError(_("Enter the date of the request."), code="requested_on")
    if requested_on > timezone.localdate():
        raise ValidationError(
            _("The date of the request cannot be in the future."), code="requested_on"
        )
    return requested_on


def patient_erase(
    actor: Actor,
    his_number: str,
    ground: str,
    requested_on: date | None,
    agreed_by: User | None,
) -> ErasureRecord:
    """A beheerder erases the record of a patient of their practice, with the agreement
    of a treating colleague of that practice. Raises ValidationError (code "not_found",
    "agreed_by", "ground", "requested_on", "retention" or "protected") and changes
    nothing when it cannot be done."""
    _require_administrator(actor, AuditAction.DELETE)
    agreed = _check_agreed_by(actor, agreed_by)
    chosen = _check_ground(ground)
    requested = _check_requested_on(requested_on)
    patient = _patient_by_his_number(actor.user.practice_id, his_number)
    if patient is None:
        raise ValidationError(
            _("There is no patient with this HIS number in your practice."), code="not_found"
        )
    if chosen == ErasureGround.RETENTION_ENDED:
        last_change = last_change_of(patient)
        if not _retention_ended(last_change, timezone.localdate()):
            raise ValidationError(
                _(
                    "The retention period of this record has not ended: it was last changed "
                    "on %(date)s and is kept until %(until)s."
                )
                % {
                    "date": date_format(timezone.localdate(last_change), "j F Y"),
                    "until": date_format(retention_ends_on(last_change), "j F Y"),
                },
                code="retention",
            )
    return _erase(
        patient,
        who=actor,
        ground=chosen,
        requested_on=requested,
        carried_out_by=actor.user,
        agreed_by=agreed,
    )


def retention_erase(patient: Patient, today: date) -> ErasureRecord:
    """Erase a record whose retention period has ended (the `retention` command): no
    request, no person carrying it out."""
    if not _retention_ended(last_change_of(patient), today):
        raise ValidationError(
            _("The retention period of this record has not ended."), code="retention"
        )
    return _erase(
        patient,
        who=Visitor(None),
        ground=ErasureGround.RETENTION_ENDED,
        requested_on=None,
        carried_out_by=None,
        agreed_by=None,
    )


def _erase(
    patient: Patient,
    *,
    who: Who,
    ground: ErasureGround,
    requested_on: date | None,
    carried_out_by: User | None,
    agreed_by: User | None,
) -> ErasureRecord:
    public_id = patient.public_id
    hashed = his_number_hash(patient.practice_id, patient.his_number)
    try:
        with transaction.atomic():
            # Nothing may be added to the record while it goes.
            locked = Patient.objects.select_for_update().filter(pk=patient.pk).first()
            if locked is None:
                raise ValidationError(
                    _("There is no patient with this HIS number in your practice."),
                    code="not_found",
                )
            record = ErasureRecord.objects.create(
                practice_id=patient.practice_id,
                patient_public_id=public_id,
                his_number_hash=hashed,
                ground=ground,
                requested_on=requested_on,
                carried_out_by=carried_out_by,
                agreed_by=agreed_by,
            )
            audit_log(
                actor=who,
                action=AuditAction.DELETE,
                object_type="patient",
                object_id=str(public_id),
                patient_id=public_id,
                event=AuditEventType.ERASURE,
                details={"ground": str(ground.value), "his_number_hash": hashed},
            )
            _delete_record(locked)
    except (ProtectedError, RestrictedError):
        # Something outside the record still points into it: nothing was erased. Say so
        # in the trail, outside the transaction that was rolled back.
        audit_log(
            actor=who,
            action=AuditAction.DELETE,
            object_type="patient",
            object_id=str(public_id),
            patient_id=public_id,
            outcome=AuditOutcome.FAILED,
            event=AuditEventType.ERASURE,
        )
        raise ValidationError(
            _(
                "Something else still refers to this record, so nothing was erased. Ask the "
                "application's maintainers to look into it."
            ),
            code="protected",
        ) from None
    return record


def _delete_record(patient: Patient) -> None:
    """Delete the patient with everything that hangs from them. A conversation that
    continues an earlier one protects that one (a trajectory cannot lose its start
    by accident); here the whole trajectory goes, so the links go first."""
    Consult.objects.filter(patient=patient, continues__isnull=False).update(continues=None)
    patient.delete()


# -- Afterwards ------------------------------------------------------------------------


def erasure_lookup(practice_id: int, his_number: str) -> ErasureRecord | None:
    """The erasure of the record with this HIS number in this practice, if there was
    one: its patient_public_id finds the record's history in the audit trail."""
    if not his_number.strip():
        return None
    return (
        ErasureRecord.objects.filter(
            practice_id=practice_id, his_number_hash=his_number_hash(practice_id, his_number)
        )
        .order_by("-at", "-pk")
        .first()
    )


def erasures_of(practice_id: int) -> Iterable[ErasureRecord]:
    return ErasureRecord.objects.filter(practice_id=practice_id).select_related(
        "carried_out_by", "agreed_by"
    )
