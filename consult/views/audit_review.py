"""The audit trail for the colleague the practice appointed to review it: every event
that concerns the practice, filtered by patient, user and period, and a summary per
month. Filters travel in a POST body, so a patient's HIS number never ends up in a
URL or a server log. Reviewing is itself logged."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from consult.access import Actor, audit_reviewer_required
from consult.audit import audit_log, audit_log_many
from consult.models import (
    AuditAction,
    AuditEvent,
    AuditEventType,
    AuditOutcome,
    Patient,
    Role,
    User,
)
from consult.registry import conversation_models
from consult.selectors.audit_review import (
    erased_references,
    filtered_events,
    month_summary,
    patient_names,
)

PAGE_SIZE = 100
LONGEST_PERIOD_DAYS = 366


ROLE_LABELS = {**dict(Role.choices), "patient": gettext_lazy("patient")}


class AuditFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("Up to and including"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    his_number = forms.CharField(
        label=gettext_lazy("Patient (HIS number)"), max_length=20, required=False
    )
    user = forms.TypedChoiceField(
        label=gettext_lazy("User"), coerce=int, empty_value=None, required=False
    )
    event = forms.ChoiceField(label=gettext_lazy("Event"), required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, practice_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everyone = [("", _("everyone"))]
        users = User.objects.filter(practice_id=practice_id).order_by("full_name")
        self.fields["user"].choices = everyone + [  # type: ignore[attr-defined]
            (u.pk, f"{u.full_name} ({u.short_role})") for u in users
        ]
        self.fields["event"].choices = [("", _("all")), *AuditEventType.choices]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", _("all")), *AuditOutcome.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if end < start:
                raise forms.ValidationError(_("The end of the period lies before its start."))
            if (end - start).days > LONGEST_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most a year."))
        return data


@audit_reviewer_required
@require_http_methods(["GET", "POST"])
def audit_trail(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    practice_id = actor.user.practice_id
    today = timezone.localdate()
    initial = {"start": today - timedelta(days=7), "end": today}
    form = AuditFilterForm(request.POST or None, initial=initial, practice_id=practice_id)
    data = form.cleaned_data if request.method == "POST" and form.is_valid() else None
    if request.method == "GET":
        data = {**initial, "his_number": "", "user": None, "event": "", "outcome": "", "page": 1}
    page = None
    patient: Patient | None = None
    unknown_patient = False
    if data is not None:
        his_number = data["his_number"].strip()
        if his_number:
            patient = Patient.objects.filter(
                practice_id=practice_id, his_number__iexact=his_number
            ).first()
            unknown_patient = patient is None
        if not unknown_patient:
            found = filtered_events(
                practice_id,
                start=data["start"],
                end=data["end"],
                patient_id=patient.public_id if patient else None,
                user_id=data["user"],
                event=data["event"],
                outcome=data["outcome"],
            )
            page = Paginator(found, PAGE_SIZE).get_page(data.get("page") or 1)
        # Read before this review's own record is written: the page was counted
        # without it, and would otherwise show it and leave out the last event.
        events = list(page.object_list) if page else []
        with transaction.atomic():
            audit_log(
                actor=actor,
                action=AuditAction.READ,
                object_type="audit_trail",
                patient_id=patient.public_id if patient else None,
                event=AuditEventType.AUDIT_REVIEW,
                details={
                    "from": data["start"].isoformat(),
                    "to": data["end"].isoformat(),
                    **({"user": data["user"]} if data["user"] else {}),
                },
            )
    else:
        events = []
    names = patient_names(events, practice_id)
    erased = erased_references(events, practice_id)
    if names:
        # The trail names the patients in it: the reviewer's look at them is a read.
        with transaction.atomic():
            audit_log_many(
                actor=actor,
                action=AuditAction.READ,
                object_type="audit_trail",
                patient_ids=list(names),
            )
    # Translated once per page, not per line and column (get_FOO_display).
    object_labels = audit_object_labels()
    event_labels, action_labels, outcome_labels = (
        {value: str(label) for value, label in kind.choices}
        for kind in (AuditEventType, AuditAction, AuditOutcome)
    )
    rows = [
        AuditLine(
            event=e,
            patient=names.get(e.patient_id) if e.patient_id else None,
            short_patient_id=str(e.patient_id)[:8] if e.patient_id else "",
            erased_reference=erased.get(e.patient_id, "") if e.patient_id else "",
            details="; ".join(
                f"{DETAIL_LABELS.get(key, key)}: {_shown(value)}"
                for key, value in e.details.items()
            ),
            object_label=object_labels.get(e.object_type, e.object_type),
            role_label=str(ROLE_LABELS.get(e.role, e.role)),
            event_label=event_labels.get(e.event, e.event),
            action_label=action_labels.get(e.action, e.action),
            outcome_label=outcome_labels.get(e.outcome, e.outcome),
        )
        for e in events
    ]
    context = {"form": form, "page": page, "rows": rows, "unknown_patient": unknown_patient}
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "consult/audit_trail.html", context, status=status)


@audit_reviewer_required
def audit_month(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    today = timezone.localdate()
    months = [_month_back(today, n) for n in range(1, 13)]
    chosen = request.GET.get("maand", "")
    # This month so far unless another is chosen.
    month = next(
        (m for m in [today.replace(day=1), *months] if m.strftime("%Y-%m") == chosen),
        today.replace(day=1),
    )
    summary = month_summary(actor.user.practice_id, month)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.READ,
            object_type="audit_summary",
            object_id=month.strftime("%Y-%m"),
            event=AuditEventType.AUDIT_REVIEW,
        )
    context = {"summary": summary, "months": [today.replace(day=1), *months], "month": month}
    return render(request, "consult/audit_month.html", context)


# What the reviewer reads for the kinds of object in the trail: the core's here, each
# conversation model's in its `audit_labels`; a kind of none of them shows its code.
OBJECT_LABELS = {
    "patient": gettext_lazy("patient details"),
    "patient_list": gettext_lazy("patient in a list or search"),
    "patient_record": gettext_lazy("patient's copy of their data"),
    "consult": gettext_lazy("conversation"),
    "plan": gettext_lazy("plan"),
    "goal": gettext_lazy("goal"),
    "agreement": gettext_lazy("agreement"),
    "network_member": gettext_lazy("network member"),
    "soep": gettext_lazy("SOEP block"),
    "fhir_bundle": gettext_lazy("FHIR export"),
    "consent": gettext_lazy("consent"),
    "referral": gettext_lazy("referral"),
    "referral_list": gettext_lazy("referrals to follow up"),
    "evaluation_list": gettext_lazy("evaluations due"),
    "patient_flag": gettext_lazy("warning flag"),
    "patient_link": gettext_lazy("link for the patient"),
    "teach_back": gettext_lazy("teach-back"),
    "user": gettext_lazy("account"),
    "two_factor_device": gettext_lazy("authenticator app"),
    "audit_trail": gettext_lazy("audit trail"),
    "audit_summary": gettext_lazy("audit trail per month"),
    "page": gettext_lazy("page"),
    "print_job": gettext_lazy("printed document"),
}


def audit_object_labels() -> dict[str, str]:
    """Every kind of object in the trail, by its code, as the reviewer reads it."""
    labels = {
        code: str(label)
        for model in conversation_models()
        for code, label in model.audit_labels.items()
    }
    labels.update((code, str(label)) for code, label in OBJECT_LABELS.items())
    return labels


DETAIL_LABELS = {
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "role": gettext_lazy("role"),
    "active": gettext_lazy("active"),
    "confirmed": gettext_lazy("confirmed"),
    "reviews_audit": gettext_lazy("reviews the audit trail"),
    "full_name": gettext_lazy("name"),
    "second_factor": gettext_lazy("second factor"),
    "via": gettext_lazy("via"),
    "reason": gettext_lazy("reason"),
    "method": gettext_lazy("method"),
    "user": gettext_lazy("user"),
    "ground": gettext_lazy("ground"),
    "account": gettext_lazy("account"),
    "factor": gettext_lazy("factor"),
    "scope": gettext_lazy("blocked for"),
    "was_locked": gettext_lazy("was blocked"),
    "failures_cleared": gettext_lazy("failed attempts cleared"),
    "recovery_codes": gettext_lazy("recovery codes"),
    "recovery_codes_left": gettext_lazy("recovery codes left"),
    "authenticator": gettext_lazy("authenticator app"),
    "print_job": gettext_lazy("printed document"),
    "his_number_hash": gettext_lazy("HIS number (hashed)"),
    "by": gettext_lazy("by"),
}
# The words the app writes as values in the details, as the reviewer reads them.
DETAIL_VALUES = {
    "password": gettext_lazy("password"),
    "authenticator": gettext_lazy("authenticator app"),
    "recovery_code": gettext_lazy("recovery code"),
    "reset link": gettext_lazy("reset link"),
    "activation link": gettext_lazy("activation link"),
    "link": gettext_lazy("link"),
    "invalid or used": gettext_lazy("invalid or used"),
    "own change": gettext_lazy("changed by themselves"),
    "idle timeout": gettext_lazy("too long inactive"),
    "replaced": gettext_lazy("replaced"),
    "reset": gettext_lazy("reset"),
    "unknown": gettext_lazy("unknown"),
    "address": gettext_lazy("network address"),
}


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    patient: Patient | None
    short_patient_id: str
    erased_reference: str
    details: str
    object_label: str
    role_label: str
    event_label: str
    action_label: str
    outcome_label: str


def _shown(value: object) -> str:
    """An old and a new value as "old → new"; yes and no in words."""
    if isinstance(value, list) and len(value) == 2:
        return f"{_shown(value[0])} → {_shown(value[1])}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    text = str(value)
    if ISO_DATE.fullmatch(text):
        # Stored as 2026-11-30, read as the rest of the app writes dates.
        try:
            return date_format(date.fromisoformat(text), "d-m-Y")
        except ValueError:
            return text
    return str(ROLE_LABELS.get(text) or DETAIL_VALUES.get(text) or text)


def _month_back(today: date, n: int) -> date:
    year, month = today.year, today.month - n
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)
