from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from models_4d.models import Domain4D, EntryKind, FourDEntry, FourDSheet, LooksBroader


class SheetForm(forms.ModelForm):
    class Meta:
        model = FourDSheet
        fields = ["help_question", "looks_broader", "priorities_note"]
        widgets = {
            "help_question": forms.Textarea(attrs={"rows": 3}),
            "looks_broader": forms.RadioSelect,
            "priorities_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        looks_broader = self.fields["looks_broader"]
        assert isinstance(looks_broader, forms.ChoiceField)
        looks_broader.choices = LooksBroader.choices


class EntryForm(forms.ModelForm):
    class Meta:
        model = FourDEntry
        fields = ["text", "priority"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        priority = self.fields["priority"]
        assert isinstance(priority, forms.TypedChoiceField)
        priority.choices = [("", "—"), *((n, str(n)) for n in (1, 2, 3))]


class EntryAddForm(forms.Form):
    domain = forms.ChoiceField(choices=Domain4D.choices, widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=EntryKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Add"), max_length=300)


class ConnectionForm(forms.Form):
    """A connection posted from the connections step: this entry leads to that one, both
    active entries of the consult (the step shows the choices: connect.py)."""

    cause = forms.ChoiceField(label=_("This…"))
    effect = forms.ChoiceField(label=_("…leads to"))

    def __init__(self, *args: Any, entries: Sequence[FourDEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(entry.public_id), entry.text) for entry in entries]
        for name in ("cause", "effect"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
