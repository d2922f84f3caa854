from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from consult.models import CLINICAL_ROLES, Role, User
from emboss.models import (
    AgreementCheck,
    CardMark,
    EmbossSheet,
    GoalEvaluation,
    GoalScale,
    MarkState,
    PlanWhere,
)

HOME_STATES = [
    ("goed", _("Goes well")),
    ("zorgen", _("I worry about it")),
    ("", _("I don't know")),
]


class MarkForm(forms.ModelForm):
    # The model's field, with the box before its words.
    matters_most = CardMark._meta.get_field("matters_most").formfield(
        template_name="components/check_field.html"
    )

    class Meta:
        model = CardMark
        fields = ["state", "matters_most", "words"]
        widgets = {"state": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = MarkState.choices


class SheetForm(forms.ModelForm):
    class Meta:
        model = EmbossSheet
        fields = [
            "conversation",
            "priorities",
            "casemanager",
            "responsible_gp",
            "plan_where",
            "own_actions",
            "evaluation_note",
        ]
        widgets = {
            "conversation": forms.Textarea(attrs={"rows": 5}),
            "priorities": forms.Textarea(attrs={"rows": 3}),
            "plan_where": forms.RadioSelect,
            "own_actions": forms.Textarea(attrs={"rows": 3}),
            "evaluation_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_where = self.fields["plan_where"]
        assert isinstance(plan_where, forms.ChoiceField)
        plan_where.choices = [("", _("not said")), *PlanWhere.choices]
        practice_id = self.instance.consult.practice_id
        for name, roles in (("casemanager", CLINICAL_ROLES), ("responsible_gp", [Role.HUISARTS])):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = User.objects.filter(
                practice_id=practice_id, role__in=roles, is_active=True, confirmed_at__isnull=False
            ).order_by("full_name")


class ScaleForm(forms.ModelForm):
    class Meta:
        model = GoalScale
        fields = ["less", "as_hoped", "more"]


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = GoalEvaluation
        fields = ["score", "outcome", "patient_says"]
        widgets = {"outcome": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"] = forms.TypedChoiceField(
            label=_("Score (-2 to +2)"),
            choices=[
                ("", "—"),
                (-2, _("-2: much less than hoped")),
                (-1, _("-1: less than hoped")),
                (0, _("0: as hoped")),
                (1, _("+1: more than hoped")),
                (2, _("+2: much more than hoped")),
            ],
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": _("Choose a score from -2 to +2.")},
        )


class CheckForm(forms.ModelForm):
    class Meta:
        model = AgreementCheck
        fields = ["done"]
        widgets = {"done": forms.RadioSelect}


class HomeMarkForm(forms.Form):
    state = forms.ChoiceField(
        label=_("How is it going?"),
        choices=HOME_STATES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the answers.")},
    )
    matters_most = forms.BooleanField(label=_("This matters most to me"), required=False)
    words = forms.CharField(
        label=_("In your own words (you may leave this empty)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )
