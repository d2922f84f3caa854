"""The audit trail for the colleague the practice appointed to review it: every event
that concerns the practice, filtered by patient, user and period, and a summary per
month. Filters travel in a POST body, so a patient's HIS number never ends up in a
URL or a server log. Reviewing is itself logged."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from consult.access import Actor, audit_reviewer_required
from consult.audit import audit_log, audit_log_many
from consult.models import AuditAction, AuditEvent, AuditEventType, AuditOutcome, Patient, User
from consult.selectors.audit_review import (
    erased_references,
    filtered_events,
    month_summary,
    patient_names,
)

PAGE_SIZE = 100
LONGEST_PERIOD_DAYS = 366


class AuditFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Up to and including"), widget=forms.DateInput(attrs={"type": "date"})
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
            (u.pk, f"{u.full_name} ({u.get_role_display()})") for u in users
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
    events = list(page.object_list) if page else []
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
    rows = [
        AuditLine(
            event=e,
            patient=names.get(e.patient_id) if e.patient_id else None,
            short_patient_id=str(e.patient_id)[:8] if e.patient_id else "",
            erased_reference=erased.get(e.patient_id, "") if e.patient_id else "",
            details="; ".join(f"{key}: {_shown(value)}" for key, value in e.details.items()),
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
    month = next(
        (m for m in [today.replace(day=1), *months] if m.strftime("%Y-%m") == chosen), months[0]
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


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    patient: Patient | None
    short_patient_id: str
    erased_reference: str
    details: str


def _shown(value: object) -> str:
    """An old and a new value as "old → new"."""
    if isinstance(value, list) and len(value) == 2:
        return f"{value[0]} → {value[1]}"
    return str(value)


def _month_back(today: date, n: int) -> date:
    year, month = today.year, today.month - n
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)
