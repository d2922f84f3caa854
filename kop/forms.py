from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kop.interventions import INTERVENTIONS_BY_TARGET
from kop.models import (
    Answer,
    Circumstance,
    Complaint,
    Depression,
    KopSheet,
    LifeArea,
    StyleItem,
    Suicidality,
)

SEVERITY_CHOICES = [("", "—"), *((n, str(n)) for n in range(1, 11))]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = KopSheet
        fields = ["question"]


class RiskForm(forms.ModelForm):
    class Meta:
        model = KopSheet
        fields = [
            "stressors",
            "protective",
            "acute_risk",
            "depression",
            "suicidality",
            "risk_conclusion",
        ]
        widgets = {
            "stressors": forms.Textarea(attrs={"rows": 3}),
            "protective": forms.Textarea(attrs={"rows": 3}),
            "acute_risk": forms.RadioSelect,
            "depression": forms.RadioSelect,
            "suicidality": forms.RadioSelect,
            "risk_conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each question needs an explicit answer: no empty choice.
        for name, choices in (
            ("acute_risk", Answer.choices),
            ("depression", Depression.choices),
            ("suicidality", Suicidality.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class ProblemDefinitionForm(forms.ModelForm):
    class Meta:
        model = KopSheet
        fields = ["problem_definition"]
        widgets = {"problem_definition": forms.Textarea(attrs={"rows": 6})}


class ReferralForm(forms.ModelForm):
    class Meta:
        model = KopSheet
        fields = ["ggz_referral", "ggz_referral_note"]


class SessionForm(forms.ModelForm):
    class Meta:
        model = KopSheet
        fields = ["session_notes"]
        widgets = {"session_notes": forms.Textarea(attrs={"rows": 4})}


class RelapseForm(forms.ModelForm):
    class Meta:
        model = KopSheet
        fields = ["warning_signs", "what_helps", "who_to_call"]
        widgets = {
            "warning_signs": forms.Textarea(attrs={"rows": 3}),
            "what_helps": forms.Textarea(attrs={"rows": 3}),
            "who_to_call": forms.Textarea(attrs={"rows": 2}),
        }


class SheetForm(forms.ModelForm):
    """Every field of the sheet that autosaves: the endpoint validates the posted one."""

    class Meta:
        model = KopSheet
        fields = [
            *QuestionForm.Meta.fields,
            *RiskForm.Meta.fields,
            *ProblemDefinitionForm.Meta.fields,
            *ReferralForm.Meta.fields,
            *SessionForm.Meta.fields,
            *RelapseForm.Meta.fields,
        ]


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["text", "since", "severity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        severity = self.fields["severity"]
        assert isinstance(severity, forms.TypedChoiceField | forms.IntegerField)
        self.fields["severity"] = forms.TypedChoiceField(
            label=severity.label,
            choices=SEVERITY_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": _("Choose a severity from 1 to 10.")},
        )


class ComplaintAddForm(forms.Form):
    text = forms.CharField(label=_("Complaint, in the patient's words"), max_length=200)
    since = forms.CharField(label=_("Since when"), max_length=60, required=False)
    severity = forms.TypedChoiceField(
        label=_("How severe now (1 to 10)"),
        choices=SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a severity from 1 to 10.")},
    )


class CircumstanceForm(forms.ModelForm):
    class Meta:
        model = Circumstance
        fields = ["text"]


class CircumstanceAddForm(forms.Form):
    area = forms.ChoiceField(label=_("Life area"), choices=LifeArea.choices)
    positive = forms.TypedChoiceField(
        choices=[("0", _("burdening")), ("1", _("positive, such as support"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    text = forms.CharField(label=_("Circumstance, in the patient's words"), max_length=200)


class StyleForm(forms.ModelForm):
    class Meta:
        model = StyleItem
        fields = ["text"]


class StyleAddForm(forms.Form):
    helps = forms.TypedChoiceField(
        choices=[("0", _("falls short")), ("1", _("helps"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    text = forms.CharField(label=_("Way of reacting, in the patient's words"), max_length=200)


class InterventionAddForm(forms.Form):
    goal = forms.ChoiceField(label=_("For goal"))
    intervention = forms.ChoiceField(label=_("Intervention"))
    who = forms.ChoiceField(
        label=_("Who carries it out"),
        choices=[
            ("patient", _("the patient")),
            ("professional", _("the professional")),
        ],
    )

    def __init__(self, *args: Any, goals: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        assert isinstance(goal, forms.ChoiceField)
        goal.choices = goals
        intervention = self.fields["intervention"]
        assert isinstance(intervention, forms.ChoiceField)
        intervention.choices = [
            (str(target.label), [(f"{target.value}:{kind.value}", kind.label) for kind in kinds])
            for target, kinds in INTERVENTIONS_BY_TARGET.items()
        ]
