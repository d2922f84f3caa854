from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spinnenweb.models import WebDimension, WebSheet

SCORES = [(n, str(n)) for n in range(11)]
SCORE_ERROR = _("Choose a score from 0 to 10.")


def score_field(label: Any, *, widget: type[forms.Widget] = forms.RadioSelect) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=widget,
        error_messages={"invalid_choice": SCORE_ERROR},
    )


class DimensionForm(forms.ModelForm):
    talk = forms.BooleanField(
        label=_("I want to talk about this"),
        required=False,
        template_name="components/check_field.html",  # the box before its words
    )

    class Meta:
        model = WebDimension
        fields = ["score", "talk", "words"]
        widgets = {"words": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"] = score_field(_("Score (0 to 10)"))


class SheetForm(forms.ModelForm):
    class Meta:
        model = WebSheet
        fields = ["what_matters", "what_to_change", "who_can_help", "priorities"]
        widgets = {
            "what_matters": forms.Textarea(attrs={"rows": 3}),
            "what_to_change": forms.Textarea(attrs={"rows": 3}),
            "who_can_help": forms.Textarea(attrs={"rows": 3}),
            "priorities": forms.Textarea(attrs={"rows": 3}),
        }


class HomeDimensionForm(forms.Form):
    """One screen at home: a score, a tick to talk about it, and a few words. All may
    stay empty: the patient can skip a screen and come back."""

    score = score_field(_("Your score: 0 is very bad, 10 is very good"))
    talk = forms.BooleanField(label=_("I want to talk about this"), required=False)
    words = forms.CharField(
        label=_("In your own words (you may leave this empty)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )
