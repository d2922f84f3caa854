"""Writes of the KOP-model. Each checks the consult is open and writes its audit
record in the same transaction; the risk analysis raises a patient flag through the
core when a risk is recorded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.conversation_api import (
    Actor,
    AuditAction,
    FlagLevel,
    agreement_add,
    audit_consult_change,
    flag_raise,
    require_open,
)
from consult.models import Consult, Goal
from kop.interventions import FOR_THE_PATIENT, is_offered
from kop.models import (
    Answer,
    Circumstance,
    Complaint,
    Depression,
    Intervention,
    InterventionKind,
    KopSheet,
    StyleItem,
    Suicidality,
)

RISK_FLAG = "kop:risico"


def sheet_for(consult: Consult) -> KopSheet:
    return KopSheet.objects.get_or_create(consult=consult)[0]


def complaint_add(
    *, actor: Actor, consult: Consult, text: str, since: str = "", severity: int | None = None
) -> Complaint:
    require_open(consult)
    complaint = Complaint(consult=consult, text=text, since=since, severity=severity)
    complaint.full_clean()
    with transaction.atomic():
        complaint.save()
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.CREATE,
            object_type="kop_complaint",
            object_id=complaint.public_id,
        )
    return complaint


def circumstance_add(
    *, actor: Actor, consult: Consult, area: str, positive: bool, text: str
) -> Circumstance:
    require_open(consult)
    item = Circumstance(consult=consult, area=area, positive=positive, text=text)
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.CREATE,
            object_type="kop_circumstance",
            object_id=item.public_id,
        )
    return item


def style_add(*, actor: Actor, consult: Consult, helps: bool, text: str) -> StyleItem:
    require_open(consult)
    item = StyleItem(consult=consult, helps=helps, text=text)
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.CREATE,
            object_type="kop_style",
            object_id=item.public_id,
        )
    return item


def risk_record(*, actor: Actor, consult: Consult) -> KopSheet:
    """Record the risk analysis as it stands: every question answered and a
    conclusion. A risk found raises a flag on the patient, shown in every later
    consult until a professional closes it."""
    require_open(consult)
    with transaction.atomic():
        sheet = KopSheet.objects.select_for_update().get(consult=consult)
        if sheet.risk_answers_missing:
            raise ValidationError(
                _(
                    "Answer every question of the risk analysis and write the conclusion "
                    "before recording it."
                )
            )
        sheet.risk_recorded_at = timezone.now()
        sheet.save(update_fields=["risk_recorded_at"])
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.UPDATE,
            object_type="kop_risk",
            object_id=sheet.public_id,
        )
        found = risks_found(sheet)
        if found:
            level = (
                FlagLevel.ACUTE
                if sheet.acute_risk == Answer.YES or sheet.suicidality == Suicidality.PLANS
                else FlagLevel.RISK
            )
            flag_raise(
                actor=actor,
                consult=consult,
                source_key=RISK_FLAG,
                level=level,
                text=_("KOP risk analysis of %(date)s: %(found)s")
                % {"date": f"{timezone.localdate():%d-%m-%Y}", "found": "; ".join(found)},
            )
    return sheet


def risks_found(sheet: KopSheet) -> list[str]:
    found = []
    if sheet.acute_risk == Answer.YES:
        found.append(_("acute risk"))
    if sheet.suicidality in {Suicidality.THOUGHTS, Suicidality.PLANS}:
        found.append(str(sheet.get_suicidality_display()))
    if sheet.depression in {Depression.YES, Depression.DOUBT}:
        found.append(_("depression: %(answer)s") % {"answer": sheet.get_depression_display()})
    return found


def intervention_add(
    *, actor: Actor, consult: Consult, goal: Goal, target: str, kind: str, who: str
) -> Intervention:
    """A chosen intervention becomes an agreement in the shared plan, in words the
    patient reads in their printed plan."""
    require_open(consult)
    if not is_offered(target, kind):
        raise ValidationError(_("Choose one of the interventions of the KOP-model."))
    with transaction.atomic():
        agreement = agreement_add(
            actor=actor,
            consult=consult,
            goal=goal,
            what=str(FOR_THE_PATIENT[InterventionKind(kind)]),
            who_kind="patient" if who == "patient" else "professional",
            who_name="" if who == "patient" else actor.user.full_name,
        )
        intervention = Intervention.objects.create(
            consult=consult, target=target, kind=kind, agreement=agreement
        )
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.CREATE,
            object_type="kop_intervention",
            object_id=intervention.public_id,
        )
    return intervention


def carry_over(*, consult: Consult, previous: Consult) -> None:
    """The next session starts from the last one: its schema (each complaint keeps its
    lineage, so its severity can be followed), its sheet, and its interventions."""
    old = KopSheet.objects.filter(consult=previous).first()
    if old is not None:
        copied = {
            field.name: getattr(old, field.name)
            for field in KopSheet._meta.concrete_fields
            if field.name not in {"id", "public_id", "version", "updated_at", "consult"}
            and field.name != "session_notes"
        }
        KopSheet.objects.update_or_create(consult=consult, defaults=copied)
    Complaint.objects.bulk_create(
        Complaint(
            consult=consult,
            lineage=item.lineage,
            text=item.text,
            since=item.since,
            severity=item.severity,
        )
        for item in Complaint.objects.active().filter(consult=previous)
    )
    Circumstance.objects.bulk_create(
        Circumstance(consult=consult, area=item.area, positive=item.positive, text=item.text)
        for item in Circumstance.objects.active().filter(consult=previous)
    )
    StyleItem.objects.bulk_create(
        StyleItem(consult=consult, helps=item.helps, text=item.text)
        for item in StyleItem.objects.active().filter(consult=previous)
    )
    Intervention.objects.bulk_create(
        Intervention(
            consult=consult, target=item.target, kind=item.kind, agreement_id=item.agreement_id
        )
        for item in Intervention.objects.filter(consult=previous)
    )
