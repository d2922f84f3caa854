from collections.abc import Collection, Sequence
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
    """A connection: this entry leads to that one. On the connections step each entry
    has its own, the cause fixed and a choice of the entries of other domains not yet
    connected from it; `connection_add` checks a post against all active entries."""

    cause = forms.ChoiceField(label=_("This…"), widget=forms.HiddenInput)
    effect = forms.ChoiceField(label=_("…leads to"))

    def __init__(
        self,
        *args: Any,
        entries: Sequence[FourDEntry],
        cause: FourDEntry | None = None,
        drawn: Collection[tuple[int, int]] = (),
        **kwargs: Any,
    ) -> None:
        if cause is not None:
            kwargs.setdefault("auto_id", f"id_%s_{cause.public_id}")
            kwargs.setdefault("initial", {"cause": str(cause.public_id)})
        super().__init__(*args, **kwargs)
        labels = dict(Domain4D.choices)
        targets = [
            entry
            for entry in entries
            if cause is None or (entry.domain != cause.domain and (cause.pk, entry.pk) not in drawn)
        ]
        if self.is_bound:  # shown, the cause is a hidden input: its choices only check a post
            self.choice_field("cause").choices = [
                (str(entry.public_id), entry.text) for entry in entries
            ]
        self.choice_field("effect").choices = [("", "—")] + [
            (str(entry.public_id), f"{labels[entry.domain]}: {entry.text}") for entry in targets
        ]
        self.has_targets = bool(targets)

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field
