"""Forms of the shared plan. The edit forms double as autosave forms: each field
saves itself, with the record's version, as soon as it changes."""

import math
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.evaluation_dates import clean_evaluation_date, earliest_new, latest_allowed
from consult.forms import DateInput
from consult.models import (
    Agreement,
    Consult,
    Goal,
    NetworkMember,
    Plan,
    Referral,
    ReferralStatus,
    Versioned,
)
from consult.templatetags.paths import path_to
from sociale_kaart.validators import normalise_phone


def autosave_form[F: forms.BaseForm](
    form: F, *, consult: Consult, kind: str, record: Versioned
) -> F:
    """Wire a bound or unbound edit form to the autosave endpoint: every field posts
    only itself and the record's version."""
    url = path_to("autosave", consult_id=consult.public_id, kind=kind, record_id=record.public_id)
    version_name = form.add_prefix("version")
    for name, field in form.fields.items():
        field.widget.attrs.update(
            {
                "hx-post": url,
                # htmx does not inherit hx-trigger, so each field carries its own.
                "hx-trigger": "change, input changed delay:800ms",
                "hx-params": f"{form.add_prefix(name)},{version_name}",
                "hx-include": f"#version-{record.public_id}",
            }
        )
        # A browser cuts pasted text at maxlength without a word; over the limit the
        # save is refused with the limit named at the field instead.
        if "maxlength" in field.widget.attrs:
            field.widget.attrs["data-maxlength"] = field.widget.attrs.pop("maxlength")
        if consult.finished_at is not None:
            field.disabled = True
    form.save_url = url  # type: ignore[attr-defined]
    return form


def record_form[F: forms.ModelForm](
    form_class: type[F], record: Versioned, *, consult: Consult, kind: str
) -> F:
    """The edit form of one record, its fields named after the record's public id (so
    that many records' forms share a page), wired to the autosave endpoint."""
    return autosave_form(
        form_class(instance=record, prefix=str(record.public_id)),
        consult=consult,
        kind=kind,
        record=record,
    )


# About how many characters fit on one line of a field in the plan panel.
PANEL_LINE_CHARS = 34


def rows_for(text: str, *, least: int = 2, most: int = 10) -> int:
    """Enough rows to show the whole text without scrolling (where the browser cannot
    size the field to its content itself)."""
    lines = sum(max(1, math.ceil(len(line) / PANEL_LINE_CHARS)) for line in text.split("\n"))
    return max(least, min(most, lines))


def limit_evaluation_dates(field: forms.Field, stored: date | None) -> None:
    """The date picker offers the dates the form accepts (and the one already stored)."""
    today = timezone.localdate()
    earliest = earliest_new(today)
    if stored is not None and stored < earliest:
        earliest = stored
    field.widget.attrs.update(
        {"min": earliest.isoformat(), "max": latest_allowed(today).isoformat()}
    )


class GoalForm(forms.ModelForm):
    """The goal in the patient's own words: a field as tall as the words."""

    class Meta:
        model = Goal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"class": "goal-text"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["rows"] = rows_for(self.instance.text or "")


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["what", "who_kind", "who_name", "coordinator", "evaluate_on"]
        widgets = {"evaluate_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_evaluation_dates(self.fields["evaluate_on"], self.instance.evaluate_on)

    def clean_evaluate_on(self) -> date | None:
        return clean_evaluation_date(
            self.cleaned_data["evaluate_on"], stored=self.instance.evaluate_on
        )


class NetworkMemberForm(forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = ["name", "role", "phone"]

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        return normalise_phone(value) if value else ""


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["next_evaluation_on"]
        widgets = {"next_evaluation_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_evaluation_dates(self.fields["next_evaluation_on"], self.instance.next_evaluation_on)

    def clean_next_evaluation_on(self) -> date | None:
        return clean_evaluation_date(
            self.cleaned_data["next_evaluation_on"], stored=self.instance.next_evaluation_on
        )


class GoalAddForm(forms.Form):
    text = forms.CharField(label=_("New goal, in the patient's own words"), max_length=300)
    domain = forms.ChoiceField(label=_("Life domain"), required=False)

    def __init__(self, *args: Any, domains: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["domain"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("(no domain)")), *domains]


class AgreementAddForm(AgreementForm):
    class Meta(AgreementForm.Meta):
        labels = {"what": _("New agreement: what will be done")}


class NetworkMemberAddForm(NetworkMemberForm):
    pass


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("On"), widget=DateInput())
    note = forms.CharField(
        label=_("Feedback from the organisation"), max_length=500, required=False
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(status, labels[status]) for status in referral.next_statuses]


class TeachBackForm(forms.Form):
    patient_said = forms.CharField(
        label=_("What the patient said, in their own words"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    explained_again = forms.CharField(
        label=_("What was explained again (if anything)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
